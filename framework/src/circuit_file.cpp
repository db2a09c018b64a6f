// Circuit files (docs/circuit-format.md): the TOML reader with file positions in every error,
// the binding of plain numbers to the models' units, generic down-scaling and the writer.
#include "spindle/circuit_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "spindle/error.hpp"

namespace spindle {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// --- names of things in the file ---------------------------------------------------------------

/// Every connection rule, in the order of ConnectionRule::Kind.
constexpr int rule_count = static_cast<int>(ConnectionRule::Kind::distance_dependent) + 1;

std::vector<std::string> all_rule_names() {
  std::vector<std::string> out;
  for (int k = 0; k < rule_count; ++k)
    out.emplace_back(rule_name(static_cast<ConnectionRule::Kind>(k)));
  return out;
}

std::string_view stimulus_kind_name(StimulusSpec::Kind k) {
  switch (k) {
    case StimulusSpec::Kind::poisson:
      return "poisson";
    case StimulusSpec::Kind::spike_times:
      return "spike_times";
    case StimulusSpec::Kind::dc:
      return "dc";
    case StimulusSpec::Kind::step_current:
      return "step";
  }
  return "?";
}

/// The builder's default stimulus name ("poisson->exc"), which the file may leave out.
std::string default_stimulus_name(StimulusSpec::Kind k, const std::string& target) {
  const std::string_view kind =
      k == StimulusSpec::Kind::step_current ? "step_current" : stimulus_kind_name(k);
  return fmt::format("{}->{}", kind, target);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string_view type_word(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date or time";
  }
}

SourcePosition position_of(const toml::source_region& r) {
  return {static_cast<std::uint32_t>(r.begin.line), static_cast<std::uint32_t>(r.begin.column)};
}

// --- reading ------------------------------------------------------------------------------------

/// One TOML table being read as an item of the file ("projection 'E->I'"): typed accessors that
/// throw with the file position, and a check that every key in the table is an allowed one.
class Item {
 public:
  Item(const CircuitFile& file, const toml::table& table, std::string who)
      : file_(file), table_(table), who_(std::move(who)) {}

  const std::string& who() const { return who_; }
  void rename(std::string who) { who_ = std::move(who); }
  SourcePosition where() const { return position_of(table_.source()); }

  [[noreturn]] void fail(SourcePosition at, const std::string& what) const {
    throw Error(file_.at(at, fmt::format("{}: {}", who_, what)));
  }
  [[noreturn]] void fail_at(const toml::node& n, const std::string& what) const {
    fail(position_of(n.source()), what);
  }
  [[noreturn]] void fail_key(std::string_view key, const std::string& what) const {
    fail(key_position(key), what);
  }

  SourcePosition key_position(std::string_view key) const {
    const auto it = table_.find(key);
    return it == table_.end() ? where() : position_of(it->first.source());
  }

  /// Every key must be one of `allowed`; the first offending key in file order is reported.
  /// `elsewhere` lists keys that exist for other kinds of the item; `why` says which kind this is.
  void only(const std::vector<std::string>& allowed, const std::vector<std::string>& elsewhere = {},
            const std::string& why = {}) const {
    const toml::key* worst = nullptr;
    for (auto&& [k, v] : table_) {
      (void)v;
      if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
      if (worst == nullptr || before(k.source(), worst->source())) worst = &k;
    }
    if (worst == nullptr) return;
    const std::string key(worst->str());
    if (std::find(elsewhere.begin(), elsewhere.end(), key) != elsewhere.end())
      fail(position_of(worst->source()),
           fmt::format("key '{}' does not apply {} (allowed: {})", key, why, join(allowed)));
    fail(position_of(worst->source()),
         fmt::format("unknown key '{}' (allowed: {})", key, join(allowed)));
  }

  const toml::node* get(std::string_view key) const { return table_.get(key); }
  bool has(std::string_view key) const { return get(key) != nullptr; }

  const toml::node& need(std::string_view key, std::string_view what) const {
    const toml::node* n = get(key);
    if (n == nullptr) fail(where(), fmt::format("missing key '{}' ({})", key, what));
    return *n;
  }

  std::string string(std::string_view key, std::string_view what, bool required = true,
                     std::string fallback = {}) const {
    const toml::node* n = required ? &need(key, what) : get(key);
    if (n == nullptr) return fallback;
    if (!n->is_string())
      fail_at(*n, fmt::format("'{}' must be a string ({}), got {}", key, what, type_word(*n)));
    std::string s = n->as_string()->get();
    if (s.empty()) fail_at(*n, fmt::format("'{}' must not be empty ({})", key, what));
    return s;
  }

  bool boolean(std::string_view key, bool fallback) const {
    const toml::node* n = get(key);
    if (n == nullptr) return fallback;
    if (!n->is_boolean())
      fail_at(*n, fmt::format("'{}' must be true or false, got {}", key, type_word(*n)));
    return n->as_boolean()->get();
  }

  /// A finite number (integer or float) within [lo, hi]; `unit` is named in messages.
  double number_node(const toml::node& n, std::string_view key, std::string_view unit,
                     double lo = -inf, double hi = inf, bool lo_open = false) const {
    double v = 0;
    if (n.is_integer())
      v = static_cast<double>(n.as_integer()->get());
    else if (n.is_floating_point())
      v = n.as_floating_point()->get();
    else
      fail_at(n,
              fmt::format("'{}' must be a number{}, got {}", key, unit_words(unit), type_word(n)));
    if (!std::isfinite(v))
      fail_at(n, fmt::format("'{}' must be a finite number{}, got {}", key, unit_words(unit), v));
    const bool below = lo_open ? !(v > lo) : !(v >= lo);
    if (below || v > hi)
      fail_at(n, fmt::format("'{}' = {} is out of range; allowed: {}{}", key, v,
                             range_words(lo, hi, lo_open), unit_words(unit)));
    return v;
  }

  double number(std::string_view key, std::string_view unit, double fallback, double lo = -inf,
                double hi = inf, bool lo_open = false) const {
    const toml::node* n = get(key);
    return n == nullptr ? fallback : number_node(*n, key, unit, lo, hi, lo_open);
  }

  double required_number(std::string_view key, std::string_view unit, std::string_view what,
                         double lo = -inf, double hi = inf, bool lo_open = false) const {
    return number_node(need(key, what), key, unit, lo, hi, lo_open);
  }

  std::int64_t integer_node(const toml::node& n, std::string_view key, std::int64_t lo,
                            std::int64_t hi) const {
    if (!n.is_integer())
      fail_at(n, fmt::format("'{}' must be a whole number, got {}", key, type_word(n)));
    const std::int64_t v = n.as_integer()->get();
    if (v < lo || v > hi)
      fail_at(n, fmt::format("'{}' = {} is out of range; allowed: {} to {}", key, v, lo, hi));
    return v;
  }

  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t lo,
                       std::int64_t hi) const {
    const toml::node* n = get(key);
    return n == nullptr ? fallback : integer_node(*n, key, lo, hi);
  }

  const toml::array& array(const toml::node& n, std::string_view key, std::string_view what) const {
    if (!n.is_array())
      fail_at(n, fmt::format("'{}' must be an array ({}), got {}", key, what, type_word(n)));
    return *n.as_array();
  }

  std::vector<double> numbers(std::string_view key, std::string_view unit, bool required,
                              double lo = -inf) const {
    const toml::node* n =
        required ? &need(key, fmt::format("an array of numbers in {}", unit)) : get(key);
    std::vector<double> out;
    if (n == nullptr) return out;
    const auto& arr = array(*n, key, fmt::format("numbers in {}", unit));
    for (std::size_t i = 0; i < arr.size(); ++i)
      out.push_back(number_node(arr[i], fmt::format("{}[{}]", key, i), unit, lo));
    return out;
  }

  std::vector<std::size_t> indices(std::string_view key) const {
    std::vector<std::size_t> out;
    const toml::node* n = get(key);
    if (n == nullptr) return out;
    const auto& arr = array(*n, key, "cell indices >= 0");
    for (std::size_t i = 0; i < arr.size(); ++i)
      out.push_back(static_cast<std::size_t>(integer_node(
          arr[i], fmt::format("{}[{}]", key, i), 0, std::numeric_limits<std::int32_t>::max())));
    return out;
  }

  /// A sub-table such as `parameters = { ... }`; null when absent.
  const toml::table* table(std::string_view key, std::string_view what) const {
    const toml::node* n = get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table())
      fail_at(*n, fmt::format("'{}' must be a table ({}), got {}", key, what, type_word(*n)));
    return n->as_table();
  }

  /// A number (constant) or a distribution table; the unit is attached later (bind_models).
  ValueSpec value(const toml::node& n, std::string_view key, std::string_view unit) const;

  const toml::table& raw() const { return table_; }
  const CircuitFile& file() const { return file_; }

 private:
  static bool before(const toml::source_region& a, const toml::source_region& b) {
    return a.begin.line != b.begin.line ? a.begin.line < b.begin.line
                                        : a.begin.column < b.begin.column;
  }
  static std::string unit_words(std::string_view unit) {
    return unit.empty() ? std::string{} : fmt::format(" in {}", unit);
  }
  static std::string range_words(double lo, double hi, bool lo_open) {
    if (std::isinf(hi)) return fmt::format("{} {}", lo_open ? ">" : ">=", lo);
    if (std::isinf(lo)) return fmt::format("<= {}", hi);
    return fmt::format("{}{}, {}]", lo_open ? "(" : "[", lo, hi);
  }

  const CircuitFile& file_;
  const toml::table& table_;
  std::string who_;
};

ValueSpec Item::value(const toml::node& n, std::string_view key, std::string_view unit) const {
  if (n.is_integer() || n.is_floating_point())
    return {Distribution::constant(number_node(n, key, unit)), Unit::none};
  if (!n.is_table())
    fail_at(n, fmt::format("'{}' must be a number{} or a distribution table "
                           "({{ distribution = \"uniform\", low = .., high = .. }} or "
                           "{{ distribution = \"normal\", mean = .., sd = .. }}), got {}",
                           key, unit_words(unit), type_word(n)));
  const Item d(file_, *n.as_table(), fmt::format("{}: '{}'", who_, key));
  const std::string kind = d.string("distribution", "constant, uniform or normal");
  Distribution dist;
  if (kind == "constant") {
    d.only({"distribution", "value"});
    dist = Distribution::constant(d.required_number("value", unit, "the constant"));
  } else if (kind == "uniform") {
    d.only({"distribution", "low", "high", "step"});
    dist = Distribution::uniform(d.required_number("low", unit, "the lower end"),
                                 d.required_number("high", unit, "the upper end"));
    dist.step = d.number("step", unit, 0.0);
  } else if (kind == "normal") {
    d.only({"distribution", "mean", "sd", "low", "high", "step"});
    dist = Distribution::normal(d.required_number("mean", unit, "the mean"),
                                d.required_number("sd", unit, "the standard deviation", 0.0),
                                d.number("low", unit, -inf), d.number("high", unit, inf));
    dist.step = d.number("step", unit, 0.0);
  } else {
    d.fail_key("distribution",
               fmt::format("unknown distribution '{}' (allowed: constant, uniform, normal)", kind));
  }
  if (const std::string p = dist.problem(); !p.empty()) fail_at(n, fmt::format("'{}': {}", key, p));
  return {dist, Unit::none};
}

/// `name -> number` (parameters) or `name -> value` (vary, init).
ParameterSet read_parameters(const Item& it, std::string_view key) {
  ParameterSet out;
  const toml::table* t = it.table(key, "parameter = number");
  if (t == nullptr) return out;
  for (auto&& [k, v] : *t)
    out[std::string(k.str())] = it.number_node(v, k.str(), "the schema's unit");
  return out;
}

std::map<std::string, ValueSpec> read_values(const Item& it, std::string_view key) {
  std::map<std::string, ValueSpec> out;
  const toml::table* t = it.table(key, "name = number or distribution");
  if (t == nullptr) return out;
  for (auto&& [k, v] : *t)
    out[std::string(k.str())] = it.value(v, k.str(), "the schema's unit");
  return out;
}

/// The items of an array of tables (`[[population]]`).
std::vector<const toml::table*> items(const CircuitFile& file, const toml::table& root,
                                      std::string_view key) {
  std::vector<const toml::table*> out;
  const toml::node* n = root.get(key);
  if (n == nullptr) return out;
  const toml::array* arr = n->as_array();
  if (arr == nullptr || !arr->is_array_of_tables())
    throw Error(file.at(position_of(n->source()),
                        fmt::format("'{}' must be an array of tables, written [[{}]]", key, key)));
  for (const auto& e : *arr)
    out.push_back(e.as_table());
  return out;
}

void read_layout(const Item& pop, PopulationSpec& ps) {
  const toml::table* t = pop.table("layout", "{ kind = \"grid\" | \"box\", ... }");
  if (t == nullptr) return;
  const Item l(pop.file(), *t, pop.who() + ": layout");
  const std::string kind = l.string("kind", "grid or box");
  constexpr double max_um = 1e9;
  if (kind == "grid") {
    l.only({"kind", "nx", "ny", "spacing_um"}, {"x_um", "y_um", "z_um"}, "to a grid");
    const auto nx = l.integer_node(l.need("nx", "columns"), "nx", 1, 1 << 30);
    const auto ny = l.integer_node(l.need("ny", "rows"), "ny", 1, 1 << 30);
    const double spacing = l.required_number("spacing_um", "um", "grid spacing", 0.0, max_um, true);
    if (static_cast<std::uint64_t>(nx * ny) != ps.size)
      l.fail(l.where(), fmt::format("a {} x {} grid holds {} cells, but 'size' is {}", nx, ny,
                                    nx * ny, ps.size));
    ps.grid(static_cast<std::size_t>(nx), static_cast<std::size_t>(ny), Micrometres{spacing});
  } else if (kind == "box") {
    l.only({"kind", "x_um", "y_um", "z_um"}, {"nx", "ny", "spacing_um"}, "to a box");
    ps.box(Micrometres{l.required_number("x_um", "um", "box width", 0.0, max_um)},
           Micrometres{l.required_number("y_um", "um", "box depth", 0.0, max_um)},
           Micrometres{l.number("z_um", "um", 0.0, 0.0, max_um)});
  } else {
    l.fail_key("kind", fmt::format("unknown layout kind '{}' (allowed: grid, box)", kind));
  }
}

void read_population(CircuitFile& file, const toml::table& t, std::set<std::string>& names,
                     std::map<std::string, SourcePosition>& first_seen) {
  Item it(file, t, fmt::format("population #{}", file.spec.populations.size() + 1));
  it.only({"name", "model", "cell_type", "size", "parameters", "vary", "init", "layout"});
  PopulationSpec ps;
  ps.name = it.string("name", "the population's name");
  it.rename(fmt::format("population '{}'", ps.name));
  if (!names.insert(ps.name).second)
    it.fail_key("name", fmt::format("duplicate population name '{}' (first defined at line {})",
                                    ps.name, first_seen[ps.name].line));
  first_seen[ps.name] = it.key_position("name");
  std::string cell_type;
  if (it.has("model") == it.has("cell_type"))
    it.fail(it.where(), "give exactly one of 'model' (a cell model) and 'cell_type' (a preset)");
  if (it.has("model"))
    ps.model = it.string("model", "a cell model, see `spindle models`");
  else
    cell_type = it.string("cell_type", "a cell-type preset, see `spindle models`");
  ps.size = static_cast<std::size_t>(
      it.integer_node(it.need("size", "number of cells, >= 1"), "size", 1, std::int64_t{1} << 31));
  ps.parameters = read_parameters(it, "parameters");
  ps.varied = read_values(it, "vary");
  ps.initial = read_values(it, "init");
  read_layout(it, ps);
  file.spec.populations.push_back(std::move(ps));
  file.cell_types.push_back(std::move(cell_type));
  file.origins.populations.push_back(it.where());
}

/// Keys each connection rule takes beyond the common ones.
std::vector<std::string> rule_keys(ConnectionRule::Kind k) {
  using K = ConnectionRule::Kind;
  switch (k) {
    case K::one_to_one:
      return {};
    case K::all_to_all:
      return {"autapses"};
    case K::pairwise_bernoulli:
      return {"p", "autapses"};
    case K::fixed_indegree:
    case K::fixed_outdegree:
    case K::fixed_total_number:
      return {"n", "autapses", "multapses"};
    case K::distance_dependent:
      return {"p", "profile", "scale_um", "periodic", "autapses"};
  }
  return {};
}

LocationSpec read_location(const Item& pj) {
  const toml::node* n = pj.get("location");
  if (n == nullptr) return locate::soma();
  constexpr std::string_view forms =
      "\"soma\", \"axon_initial_segment\", { branch, distance_um }, { region, from_um, to_um } "
      "or { region, distance_um = number or distribution }";
  if (n->is_string()) {
    const std::string s = n->as_string()->get();
    if (s == "soma") return locate::soma();
    if (s == "axon_initial_segment") return locate::axon_initial_segment();
    pj.fail_at(*n, fmt::format("unknown location '{}' (allowed: {})", s, forms));
  }
  if (!n->is_table())
    pj.fail_at(*n, fmt::format("'location' must be one of {}, got {}", forms, type_word(*n)));
  const Item l(pj.file(), *n->as_table(), pj.who() + ": location");
  constexpr double max_um = 1e6;
  if (l.has("branch")) {
    l.only({"branch", "distance_um"});
    return locate::dendrite(l.string("branch", "a branch of the target model's morphology"),
                            Micrometres{l.required_number(
                                "distance_um", "um", "path distance from the soma", 0.0, max_um)});
  }
  if (!l.has("region")) l.fail(l.where(), fmt::format("needs 'branch' or 'region' ({})", forms));
  const std::string region = l.string("region", "a region of the target model's morphology");
  if (l.has("distance_um")) {
    l.only({"region", "distance_um"}, {"from_um", "to_um"}, "together with 'distance_um'");
    ValueSpec d = l.value(l.need("distance_um", "um"), "distance_um", "um");
    d.unit = Unit::um;
    if (d.dist.min_value() < 0)
      l.fail_key("distance_um",
                 fmt::format("distances must be >= 0 um; {} can be negative", d.dist.describe()));
    return locate::region_distance(region, d);
  }
  l.only({"region", "from_um", "to_um"}, {"distance_um"}, "together with 'from_um' and 'to_um'");
  const double from = l.required_number("from_um", "um", "window start", 0.0, max_um);
  const double to = l.required_number("to_um", "um", "window end", from, max_um);
  return locate::region(region, Micrometres{from}, Micrometres{to});
}

void read_projection(CircuitFile& file, const toml::table& t,
                     const std::set<std::string>& populations) {
  Item it(file, t, fmt::format("projection #{}", file.spec.projections.size() + 1));
  ProjectionSpec pj;
  pj.source = it.string("source", "a population", false);
  pj.target = it.string("target", "a population", false);
  pj.name = it.string("name", "the projection's name", false, pj.source + "->" + pj.target);
  it.rename(fmt::format("projection '{}'", pj.name));
  const std::vector<std::string> common = {"name",    "source",   "target",
                                           "rule",    "receptor", "weight",
                                           "delay",   "synapse",  "synapse_parameters",
                                           "location"};
  std::vector<std::string> every = common;
  for (int k = 0; k < rule_count; ++k)
    for (const auto& key : rule_keys(static_cast<ConnectionRule::Kind>(k)))
      if (std::find(every.begin(), every.end(), key) == every.end()) every.push_back(key);
  it.only(every);
  for (const auto* key : {"source", "target"}) {
    const std::string& name = std::string_view(key) == "source" ? pj.source : pj.target;
    if (name.empty()) it.fail(it.where(), fmt::format("missing key '{}' (a population)", key));
    if (populations.count(name) == 0) {
      std::vector<std::string> known(populations.begin(), populations.end());
      it.fail_key(key, fmt::format("{} '{}' is not a population of this file (populations: {})",
                                   key, name, known.empty() ? "none" : join(known)));
    }
  }
  const std::string rule = it.string("rule", "one_to_one, all_to_all, pairwise_bernoulli, ...");
  const std::vector<std::string> rules = all_rule_names();
  const auto r = std::find(rules.begin(), rules.end(), rule);
  if (r == rules.end())
    it.fail_key("rule", fmt::format("unknown rule '{}' (allowed: {})", rule, join(rules)));
  using K = ConnectionRule::Kind;
  pj.rule.kind = static_cast<K>(r - rules.begin());
  std::vector<std::string> allowed = common;
  for (const auto& key : rule_keys(pj.rule.kind))
    allowed.push_back(key);
  it.only(allowed, every, fmt::format("to rule '{}'", rule));
  pj.rule.autapses = it.boolean("autapses", false);
  pj.rule.multapses = it.boolean("multapses", true);
  if (pj.rule.kind == K::pairwise_bernoulli || pj.rule.kind == K::distance_dependent)
    pj.rule.p = it.required_number("p", "", "connection probability in [0, 1]", 0.0, 1.0);
  if (pj.rule.kind == K::fixed_indegree || pj.rule.kind == K::fixed_outdegree ||
      pj.rule.kind == K::fixed_total_number)
    pj.rule.n = static_cast<std::size_t>(
        it.integer_node(it.need("n", "in-degree, out-degree or total number of synapses, >= 0"),
                        "n", 0, std::numeric_limits<std::int64_t>::max()));
  if (pj.rule.kind == K::distance_dependent) {
    const std::string profile = it.string("profile", "gaussian or exponential", false, "gaussian");
    if (profile != "gaussian" && profile != "exponential")
      it.fail_key("profile",
                  fmt::format("unknown profile '{}' (allowed: gaussian, exponential)", profile));
    pj.rule.profile = profile == "gaussian" ? ConnectionRule::Profile::gaussian
                                            : ConnectionRule::Profile::exponential;
    pj.rule.scale_um = it.required_number("scale_um", "um", "the profile's width", 0.0, inf, true);
    pj.rule.periodic = it.boolean("periodic", false);
  }
  pj.receptor = it.string("receptor", "a receptor of the target's model");
  pj.weight = it.value(it.need("weight", "a number or distribution in the receptor's unit"),
                       "weight", "the receptor's unit");
  pj.delay = it.value(it.need("delay", "a number or distribution in ms, > 0"), "delay", "ms");
  pj.delay.unit = Unit::ms;
  if (!(pj.delay.dist.min_value() > 0))
    it.fail(position_of(it.need("delay", "").source()),
            fmt::format("delays must be > 0 ms; delay {} ms can be {}", pj.delay.dist.describe(),
                        pj.delay.dist.min_value() < 0 ? "negative" : "zero"));
  pj.synapse = it.string("synapse", "a synapse model, see `spindle models`", false, "static");
  pj.synapse_parameters = read_parameters(it, "synapse_parameters");
  pj.location = read_location(it);
  file.spec.projections.push_back(std::move(pj));
  file.origins.projections.push_back(it.where());
}

void read_stimulus(CircuitFile& file, const toml::table& t,
                   const std::set<std::string>& populations) {
  using K = StimulusSpec::Kind;
  Item it(file, t, fmt::format("stimulus #{}", file.spec.stimuli.size() + 1));
  StimulusSpec st;
  const std::string kind = it.string("kind", "poisson, spike_times, dc or step");
  const std::map<std::string, std::pair<K, std::vector<std::string>>> kinds = {
      {"poisson", {K::poisson, {"rate_hz", "receptor", "weight", "start_ms", "stop_ms"}}},
      {"spike_times", {K::spike_times, {"times_ms", "receptor", "weight"}}},
      {"dc", {K::dc, {"amplitude_pA", "start_ms", "stop_ms"}}},
      {"step", {K::step_current, {"times_ms", "amplitudes_pA"}}}};
  const auto k = kinds.find(kind);
  if (k == kinds.end())
    it.fail_key(
        "kind",
        fmt::format("unknown stimulus kind '{}' (allowed: poisson, spike_times, dc, step)", kind));
  st.kind = k->second.first;
  std::vector<std::string> allowed = {"kind", "name", "target", "cells"};
  std::vector<std::string> every = allowed;
  for (const auto& [name, entry] : kinds)
    for (const auto& key : entry.second)
      if (std::find(every.begin(), every.end(), key) == every.end()) every.push_back(key);
  for (const auto& key : k->second.second)
    allowed.push_back(key);
  st.target = it.string("target", "a population");
  st.name =
      it.string("name", "the stimulus' name", false, default_stimulus_name(st.kind, st.target));
  it.rename(fmt::format("stimulus '{}'", st.name));
  it.only(allowed, every, fmt::format("to a {} stimulus", kind));
  if (populations.count(st.target) == 0)
    it.fail_key("target", fmt::format("target '{}' is not a population of this file", st.target));
  st.cells = it.indices("cells");
  if (st.kind == K::poisson || st.kind == K::spike_times) {
    st.receptor = it.string("receptor", "a receptor of the target's model");
    st.weight = it.value(it.need("weight", "a number or distribution in the receptor's unit"),
                         "weight", "the receptor's unit");
  }
  if (st.kind == K::poisson)
    st.rate_hz = it.required_number("rate_hz", "Hz", "rate per cell, >= 0", 0.0);
  if (st.kind == K::spike_times || st.kind == K::step_current)
    st.times_ms = it.numbers("times_ms", "ms", true, 0.0);
  if (st.kind == K::step_current) st.amplitudes_pA = it.numbers("amplitudes_pA", "pA", true);
  if (st.kind == K::dc) st.amplitude_pA = it.required_number("amplitude_pA", "pA", "amplitude");
  if (st.kind == K::dc || st.kind == K::poisson) {
    st.start_ms = it.number("start_ms", "ms", 0.0, 0.0);
    st.stop_ms =
        it.number("stop_ms", "ms", StimulusSpec::max_time_ms_default(), st.start_ms, inf, true);
  }
  file.spec.stimuli.push_back(std::move(st));
  file.origins.stimuli.push_back(it.where());
}

void read_probe(CircuitFile& file, const toml::table& t, const std::set<std::string>& populations) {
  Item it(file, t, fmt::format("probe {}", file.spec.probes.size()));
  it.only({"population", "variable", "times_ms", "cells"});
  ProbeSpec pr;
  pr.population = it.string("population", "a population");
  if (populations.count(pr.population) == 0)
    it.fail_key("population",
                fmt::format("population '{}' is not a population of this file", pr.population));
  pr.variable = it.string("variable", "a state variable of the population's model");
  pr.times_ms = it.numbers("times_ms", "ms", true, 0.0);
  pr.cells = it.indices("cells");
  file.spec.probes.push_back(std::move(pr));
  file.origins.probes.push_back(it.where());
}

void read_recording(CircuitFile& file, const toml::table& root,
                    const std::set<std::string>& populations) {
  const toml::node* n = root.get("recording");
  if (n == nullptr) return;
  if (!n->is_table())
    throw Error(file.at(position_of(n->source()), "'recording' must be a table [recording]"));
  const Item it(file, *n->as_table(), "recording");
  file.origins.recording = it.where();
  it.only({"spikes"});
  const toml::node* s = it.get("spikes");
  if (s == nullptr) return;
  if (s->is_boolean()) {
    file.spec.record_spikes = s->as_boolean()->get();
    return;
  }
  if (!s->is_array())
    it.fail_at(*s, fmt::format("'spikes' must be true, false or an array of population names, "
                               "got {}",
                               type_word(*s)));
  for (const auto& e : *s->as_array()) {
    if (!e.is_string()) it.fail_at(e, "'spikes' must list population names (strings)");
    const std::string name = e.as_string()->get();
    if (populations.count(name) == 0)
      it.fail_at(e, fmt::format("'{}' is not a population of this file", name));
    file.spec.spike_recorder.populations.push_back(name);
  }
}

void read_simulation(CircuitFile& file, const toml::table& root) {
  const toml::node* n = root.get("simulation");
  if (n == nullptr) return;
  if (!n->is_table())
    throw Error(file.at(position_of(n->source()), "'simulation' must be a table [simulation]"));
  const Item it(file, *n->as_table(), "simulation");
  file.origins.simulation = it.where();
  it.only({"duration_ms", "seed", "threads", "partitions", "scale"});
  CircuitSettings& s = file.settings;
  s.duration_ms = it.number("duration_ms", "ms", s.duration_ms, 0.0, 1e12, true);
  s.seed = static_cast<std::uint64_t>(
      it.integer("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  s.threads = static_cast<unsigned>(it.integer("threads", 1, 1, 1024));
  s.partitions = static_cast<unsigned>(it.integer("partitions", 0, 0, 1 << 20));
  s.scale = it.number("scale", "", 1.0, 0.0, 1.0, true);
}

void read_plugins(CircuitFile& file, const toml::table& root) {
  const toml::node* n = root.get("plugins");
  if (n == nullptr) return;
  if (!n->is_array())
    throw Error(
        file.at(position_of(n->source()), "'plugins' must be an array of file paths (strings)"));
  const std::filesystem::path folder = file.path.parent_path();
  for (const auto& e : *n->as_array()) {
    if (!e.is_string() || e.as_string()->get().empty())
      throw Error(
          file.at(position_of(e.source()), "'plugins' must list plugin files (non-empty strings)"));
    const std::filesystem::path p = e.as_string()->get();
    file.plugins.push_back(p.is_absolute() ? p : folder / p);
    file.origins.plugins.push_back(position_of(e.source()));
  }
}

}  // namespace

// --- CircuitFile --------------------------------------------------------------------------------

std::string CircuitFile::at(SourcePosition where, const std::string& message) const {
  if (where.line == 0) return fmt::format("{}: {}", path.string(), message);
  return fmt::format("{}:{}:{}: {}", path.string(), where.line, where.column, message);
}

std::string CircuitFile::locate(const std::string& message) const {
  std::size_t best_length = 0;
  SourcePosition best;
  const auto consider = [&](const std::string& prefix, SourcePosition where) {
    if (prefix.size() > best_length && message.compare(0, prefix.size(), prefix) == 0) {
      best_length = prefix.size();
      best = where;
    }
  };
  for (std::size_t i = 0; i < spec.populations.size() && i < origins.populations.size(); ++i)
    consider(fmt::format("population '{}'", spec.populations[i].name), origins.populations[i]);
  for (std::size_t i = 0; i < spec.projections.size() && i < origins.projections.size(); ++i) {
    const auto& pj = spec.projections[i];
    consider(
        fmt::format("projection '{}'", pj.name.empty() ? pj.source + "->" + pj.target : pj.name),
        origins.projections[i]);
  }
  for (std::size_t i = 0; i < spec.stimuli.size() && i < origins.stimuli.size(); ++i)
    consider(fmt::format("stimulus '{}'", spec.stimuli[i].name), origins.stimuli[i]);
  for (std::size_t i = 0; i < spec.probes.size() && i < origins.probes.size(); ++i)
    consider(fmt::format("probe {} ", i), origins.probes[i]);
  for (std::size_t i = 0; i < plugins.size() && i < origins.plugins.size(); ++i)
    consider(fmt::format("plugin '{}'", plugins[i].string()), origins.plugins[i]);
  consider("spike recorder", origins.recording);
  return at(best, message);
}

CircuitFile read_circuit_file(const std::filesystem::path& path) {
  CircuitFile file;
  file.path = path;
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(path, ec))
    throw Error(fmt::format("{}: cannot read the circuit file (missing or not a readable file)",
                            path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(text.str(), std::string_view(path.string()));
  } catch (const toml::parse_error& e) {
    throw Error(
        file.at(position_of(e.source()), fmt::format("TOML syntax error: {}", e.description())));
  }
  {
    const Item top(file, root, "circuit file");
    top.only(
        {"plugins", "simulation", "population", "projection", "stimulus", "recording", "probe"});
  }
  read_plugins(file, root);
  read_simulation(file, root);
  std::set<std::string> names;
  std::map<std::string, SourcePosition> first_seen;
  for (const toml::table* t : items(file, root, "population"))
    read_population(file, *t, names, first_seen);
  if (file.spec.populations.empty())
    throw Error(file.at({1, 1}, "the file defines no population (add a [[population]] table)"));
  for (const toml::table* t : items(file, root, "projection"))
    read_projection(file, *t, names);
  for (const toml::table* t : items(file, root, "stimulus"))
    read_stimulus(file, *t, names);
  for (const toml::table* t : items(file, root, "probe"))
    read_probe(file, *t, names);
  read_recording(file, root, names);
  return file;
}

// --- binding to the models ----------------------------------------------------------------------

void bind_models(CircuitFile& file, const ModelRegistry& models) {
  NetworkSpec& spec = file.spec;
  for (std::size_t i = 0; i < spec.populations.size(); ++i) {
    PopulationSpec& ps = spec.populations[i];
    const std::string& preset = i < file.cell_types.size() ? file.cell_types[i] : std::string{};
    if (!preset.empty()) {
      if (!models.has_cell_type(preset))
        throw Error(file.at(file.origins.populations[i],
                            fmt::format("population '{}': unknown cell type '{}' (known: {})",
                                        ps.name, preset, join(models.cell_type_names()))));
      const ParameterSet own = ps.parameters;
      apply(ps, models.cell_type(preset));
      for (const auto& [name, value] : own)
        ps.parameters[name] = value;
    }
    if (!models.has_cell_model(ps.model)) continue;  // the build names it, with the position
    const CellModelInfo& m = models.cell_model(ps.model);
    for (auto& [name, value] : ps.varied)
      if (const int p = m.parameter_index(name); p >= 0 && value.unit == Unit::none)
        value.unit = m.parameters[static_cast<std::size_t>(p)].unit;
    for (auto& [name, value] : ps.initial)
      if (const int v = m.state_index(name); v >= 0 && value.unit == Unit::none)
        value.unit = m.state[static_cast<std::size_t>(v)].unit;
  }
  const auto receptor_unit = [&](const std::string& population, const std::string& receptor,
                                 ValueSpec& w) {
    if (w.unit != Unit::none) return;
    for (const PopulationSpec& ps : spec.populations) {
      if (ps.name != population || !models.has_cell_model(ps.model)) continue;
      const CellModelInfo& m = models.cell_model(ps.model);
      if (const int r = m.receptor_index(receptor); r >= 0)
        w.unit = m.receptors[static_cast<std::size_t>(r)].unit;
    }
  };
  for (ProjectionSpec& pj : spec.projections)
    receptor_unit(pj.target, pj.receptor, pj.weight);
  for (StimulusSpec& st : spec.stimuli)
    if (st.kind == StimulusSpec::Kind::poisson || st.kind == StimulusSpec::Kind::spike_times)
      receptor_unit(st.target, st.receptor, st.weight);
}

// --- scaling ------------------------------------------------------------------------------------

void scale_network(NetworkSpec& spec, double scale) {
  if (!(scale > 0.0 && scale <= 1.0))
    throw Error(fmt::format("scale must be in (0, 1], got {}", scale));
  if (scale == 1.0) return;
  const auto scaled = [](std::size_t n, double f) {
    return static_cast<std::size_t>(std::max<double>(1.0, std::round(static_cast<double>(n) * f)));
  };
  for (PopulationSpec& ps : spec.populations) {
    if (ps.layout.kind == Layout::Kind::grid)
      throw Error(
          fmt::format("population '{}': a grid layout has a fixed shape ({} x {}) and "
                      "cannot be scaled; use scale = 1 or a box layout",
                      ps.name, ps.layout.nx, ps.layout.ny));
    ps.size = scaled(ps.size, scale);
  }
  using K = ConnectionRule::Kind;
  for (ProjectionSpec& pj : spec.projections) {
    if (pj.rule.kind == K::fixed_indegree || pj.rule.kind == K::fixed_outdegree)
      pj.rule.n = scaled(pj.rule.n, scale);
    else if (pj.rule.kind == K::fixed_total_number)
      pj.rule.n = scaled(pj.rule.n, scale * scale);
  }
}

// --- writing ------------------------------------------------------------------------------------

namespace {

/// A double as TOML: shortest round-trip digits, always with a '.' or exponent so that it
/// reads back as a float; inf and nan as TOML spells them.
std::string num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string key(const std::string& k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return bare ? k : quoted(k);
}

std::string value_text(const Distribution& d) {
  const std::string step = d.step > 0 ? fmt::format(", step = {}", num(d.step)) : "";
  switch (d.kind) {
    case Distribution::Kind::constant:
      return num(d.a);
    case Distribution::Kind::uniform:
      return fmt::format("{{ distribution = \"uniform\", low = {}, high = {}{} }}", num(d.a),
                         num(d.b), step);
    case Distribution::Kind::normal: {
      std::string s =
          fmt::format("{{ distribution = \"normal\", mean = {}, sd = {}", num(d.a), num(d.b));
      if (!std::isinf(d.lo)) s += fmt::format(", low = {}", num(d.lo));
      if (!std::isinf(d.hi)) s += fmt::format(", high = {}", num(d.hi));
      return s + step + " }";
    }
  }
  return "?";
}

template <class Map, class Text>
std::string inline_table(const Map& m, Text text) {
  std::string s = "{ ";
  bool first = true;
  for (const auto& [k, v] : m) {
    s += fmt::format("{}{} = {}", first ? "" : ", ", key(k), text(v));
    first = false;
  }
  return s + " }";
}

template <class T>
std::string list(const std::vector<T>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if constexpr (std::is_floating_point_v<T>)
      s += (i ? ", " : "") + num(v[i]);
    else
      s += fmt::format("{}{}", i ? ", " : "", v[i]);
  }
  return s + "]";
}

std::string location_text(const LocationSpec& l) {
  using K = LocationSpec::Kind;
  switch (l.kind) {
    case K::soma:
      return "\"soma\"";
    case K::axon_initial_segment:
      return "\"axon_initial_segment\"";
    case K::dendrite:
      return fmt::format("{{ branch = {}, distance_um = {} }}", quoted(l.branch),
                         num(l.distance_um));
    case K::region:
      return fmt::format("{{ region = {}, from_um = {}, to_um = {} }}", quoted(l.region),
                         num(l.from_um), num(l.to_um));
    case K::region_distance:
      return fmt::format("{{ region = {}, distance_um = {} }}", quoted(l.region),
                         value_text(l.distance.dist));
  }
  return "?";
}

}  // namespace

std::string write_circuit_toml(const NetworkSpec& spec, const CircuitSettings& settings,
                               const std::vector<std::filesystem::path>& plugins) {
  std::string out =
      "# Spindle circuit file: docs/circuit-format.md. Numbers are in the schema's units\n"
      "# (ms, mV, nS, pA, pF, um, Hz); weights in the unit of their receptor.\n";
  if (!plugins.empty()) {
    std::vector<std::string> q;
    for (const auto& p : plugins)
      q.push_back(quoted(p.string()));
    out += fmt::format("plugins = [{}]\n", join(q));
  }
  out += fmt::format("\n[simulation]\nduration_ms = {}\nseed = {}\nthreads = {}\n",
                     num(settings.duration_ms), settings.seed, settings.threads);
  if (settings.partitions != 0) out += fmt::format("partitions = {}\n", settings.partitions);
  out += fmt::format("scale = {}\n", num(settings.scale));

  for (const PopulationSpec& ps : spec.populations) {
    out += fmt::format("\n[[population]]\nname = {}\nmodel = {}\nsize = {}\n", quoted(ps.name),
                       quoted(ps.model), ps.size);
    if (!ps.parameters.empty())
      out += fmt::format("parameters = {}\n", inline_table(ps.parameters, [](const ParamValue& v) {
                           return num(v.value);
                         }));
    const auto dist = [](const ValueSpec& v) { return value_text(v.dist); };
    if (!ps.varied.empty()) out += fmt::format("vary = {}\n", inline_table(ps.varied, dist));
    if (!ps.initial.empty()) out += fmt::format("init = {}\n", inline_table(ps.initial, dist));
    if (ps.layout.kind == Layout::Kind::grid)
      out += fmt::format("layout = {{ kind = \"grid\", nx = {}, ny = {}, spacing_um = {} }}\n",
                         ps.layout.nx, ps.layout.ny, num(ps.layout.spacing_um));
    else if (ps.layout.kind == Layout::Kind::box)
      out += fmt::format("layout = {{ kind = \"box\", x_um = {}, y_um = {}, z_um = {} }}\n",
                         num(ps.layout.extent_um[0]), num(ps.layout.extent_um[1]),
                         num(ps.layout.extent_um[2]));
  }

  using K = ConnectionRule::Kind;
  for (const ProjectionSpec& pj : spec.projections) {
    out += "\n[[projection]]\n";
    if (!pj.name.empty() && pj.name != pj.source + "->" + pj.target)
      out += fmt::format("name = {}\n", quoted(pj.name));
    const ConnectionRule& r = pj.rule;
    out += fmt::format("source = {}\ntarget = {}\nrule = \"{}\"\n", quoted(pj.source),
                       quoted(pj.target), rule_name(r.kind));
    if (r.kind == K::pairwise_bernoulli || r.kind == K::distance_dependent)
      out += fmt::format("p = {}\n", num(r.p));
    if (r.kind == K::fixed_indegree || r.kind == K::fixed_outdegree ||
        r.kind == K::fixed_total_number)
      out += fmt::format("n = {}\nmultapses = {}\n", r.n, r.multapses);
    if (r.kind == K::distance_dependent)
      out +=
          fmt::format("profile = \"{}\"\nscale_um = {}\nperiodic = {}\n",
                      r.profile == ConnectionRule::Profile::gaussian ? "gaussian" : "exponential",
                      num(r.scale_um), r.periodic);
    if (r.kind != K::one_to_one) out += fmt::format("autapses = {}\n", r.autapses);
    out += fmt::format("receptor = {}\nweight = {}\ndelay = {}\n", quoted(pj.receptor),
                       value_text(pj.weight.dist), value_text(pj.delay.dist));
    if (pj.synapse != "static") out += fmt::format("synapse = {}\n", quoted(pj.synapse));
    if (!pj.synapse_parameters.empty())
      out += fmt::format(
          "synapse_parameters = {}\n",
          inline_table(pj.synapse_parameters, [](const ParamValue& v) { return num(v.value); }));
    if (!pj.location.is_soma()) out += fmt::format("location = {}\n", location_text(pj.location));
  }

  using S = StimulusSpec::Kind;
  for (const StimulusSpec& st : spec.stimuli) {
    out += fmt::format("\n[[stimulus]]\nkind = \"{}\"\n", stimulus_kind_name(st.kind));
    if (st.name != default_stimulus_name(st.kind, st.target))
      out += fmt::format("name = {}\n", quoted(st.name));
    out += fmt::format("target = {}\n", quoted(st.target));
    if (!st.cells.empty()) out += fmt::format("cells = {}\n", list(st.cells));
    if (st.kind == S::poisson) out += fmt::format("rate_hz = {}\n", num(st.rate_hz));
    if (st.kind == S::poisson || st.kind == S::spike_times)
      out += fmt::format("receptor = {}\nweight = {}\n", quoted(st.receptor),
                         value_text(st.weight.dist));
    if (st.kind == S::spike_times || st.kind == S::step_current)
      out += fmt::format("times_ms = {}\n", list(st.times_ms));
    if (st.kind == S::step_current)
      out += fmt::format("amplitudes_pA = {}\n", list(st.amplitudes_pA));
    if (st.kind == S::dc) out += fmt::format("amplitude_pA = {}\n", num(st.amplitude_pA));
    if (st.kind == S::dc || st.kind == S::poisson) {
      if (st.start_ms != 0.0) out += fmt::format("start_ms = {}\n", num(st.start_ms));
      if (st.stop_ms != StimulusSpec::max_time_ms_default())
        out += fmt::format("stop_ms = {}\n", num(st.stop_ms));
    }
  }

  for (const ProbeSpec& pr : spec.probes) {
    out += fmt::format("\n[[probe]]\npopulation = {}\nvariable = {}\ntimes_ms = {}\n",
                       quoted(pr.population), quoted(pr.variable), list(pr.times_ms));
    if (!pr.cells.empty()) out += fmt::format("cells = {}\n", list(pr.cells));
  }

  if (!spec.record_spikes) {
    out += "\n[recording]\nspikes = false\n";
  } else if (!spec.spike_recorder.populations.empty()) {
    std::vector<std::string> q;
    for (const auto& p : spec.spike_recorder.populations)
      q.push_back(quoted(p));
    out += fmt::format("\n[recording]\nspikes = [{}]\n", join(q));
  }
  return out;
}

}  // namespace spindle
