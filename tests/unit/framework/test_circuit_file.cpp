// Circuit files: a spec using every feature survives spec -> file -> spec field by field; errors
// carry file:line:column; build errors are traced back to the item's line; presets and scaling.
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "spindle/circuit_file.hpp"
#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::literals;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

ModelRegistry builtin_models() {
  ModelRegistry r;
  models::register_builtin(r);
  return r;
}

/// A file in a fresh temporary folder, removed with the object.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text) {
    folder_ = std::filesystem::temp_directory_path() /
              ("spindle-circuit-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(folder_);
    path_ = folder_ / name;
    std::ofstream(path_) << text;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove_all(folder_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path folder_, path_;
};

CircuitFile read_text(const std::string& text, const ModelRegistry* models = nullptr) {
  const TempFile f("circuit.toml", text);
  CircuitFile c = read_circuit_file(f.path());
  if (models != nullptr) bind_models(c, *models);
  return c;
}

/// Every feature a NetworkSpec has, with values that are not the defaults.
NetworkSpec every_feature() {
  NetworkSpec net;
  net.add_population("exc", "lif_exp", 80)
      .set("tau_m", 20.0_ms)
      .set("C_m", 200.0_pF)
      .set("E_L", -49.0)
      .vary("V_th", normal(-50.0_mV, 1.0_mV, -53.0_mV, -47.0_mV))
      .vary("I_e", uniform(0.0_pA, 10.0_pA))
      .init("V_m", uniform(-60.0_mV, -50.0_mV))
      .init("I_exc", 0.5_pA)
      .box(200.0_um, 100.0_um, 50.0_um);
  net.add_population("inh", "lif_exp", 20).grid(5, 4, 12.5_um);
  net.add_population("cond", "lif_cond", 10).set("E_inh", -80.0_mV);

  using Profile = ConnectionRule::Profile;
  net.connect("exc", "exc", ConnectionRule::pairwise_bernoulli(0.1, true), "exc",
              normal(87.8_pA, 8.78_pA, 0.0_pA, 200.0_pA), uniform(1.0_ms, 2.0_ms));
  net.connect("exc", "inh", ConnectionRule::fixed_indegree(7, true, false), "exc", 20.0_pA,
              normal(1.5_ms, 0.75_ms, 0.1_ms, 10.0_ms).rounded_to(0.1_ms))
      .with_synapse("tsodyks_markram", {{"U", 0.2}, {"D", 500.0}, {"F", 20.0}})
      .at(locate::dendrite("apical_trunk", 250.0_um));
  net.connect("inh", "exc", ConnectionRule::fixed_outdegree(3), "inh", -50.0_pA, 0.8_ms)
      .at(locate::axon_initial_segment());
  net.connect("inh", "inh", ConnectionRule::fixed_total_number(11, false, true), "inh",
              uniform(-10.0_pA, -5.0_pA), 1.0_ms)
      .at(locate::region("apical", 150.0_um, 400.0_um));
  net.connect("exc", "inh", ConnectionRule::all_to_all(true), "exc", 1.0_pA, 2.0_ms)
      .at(locate::region_distance("basal", normal(80.0_um, 20.0_um, 0.0_um, 200.0_um)));
  auto& named = net.connect("inh", "cond", ConnectionRule::one_to_one(), "inh", 2.0_nS, 1.0_ms);
  named.name = "odd \"name\" \\ with\ttab";
  net.connect("exc", "inh",
              ConnectionRule::distance_dependent(Profile::gaussian, 0.5, 30.0_um, true, true),
              "exc", 3.0_pA, 1.0_ms);
  net.connect("inh", "exc", ConnectionRule::distance_dependent(Profile::exponential, 0.25, 40.0_um),
              "inh", -3.0_pA, 1.0_ms);

  net.add_poisson("exc", 8.0_Hz, "exc", normal(10.0_pA, 1.0_pA)).cells = {0, 3, 79};
  net.stimuli.back().start_ms = 5.0;
  net.stimuli.back().stop_ms = 900.0;
  net.add_spike_times("cond", {1.0, 2.5, 10.0}, "exc", 4.0_nS).name = "volley";
  net.add_dc("inh", 100.0_pA, 10.0_ms, 20.0_ms);
  net.add_step_current("exc", {0.0, 50.0, 100.0}, {0.0, 25.5, -3.0}).cells = {1};

  net.spike_recorder.populations = {"exc", "cond"};
  net.add_probe("exc", "V_m", {0.5, 1.0, 1.5}, {2, 4});
  net.add_probe("cond", "V_m", {10.0});
  return net;
}

CircuitSettings every_setting() {
  CircuitSettings s;
  s.duration_ms = 123.5;
  s.seed = 98765;
  s.threads = 3;
  s.partitions = 7;
  s.scale = 0.25;
  return s;
}

void check_value(const ValueSpec& a, const ValueSpec& b) {
  CHECK(a.unit == b.unit);
  CHECK(a.dist.kind == b.dist.kind);
  CHECK(a.dist.a == b.dist.a);
  CHECK(a.dist.b == b.dist.b);
  CHECK(a.dist.lo == b.dist.lo);
  CHECK(a.dist.hi == b.dist.hi);
  CHECK(a.dist.step == b.dist.step);
}

/// Both maps hold the same keys; check(a's value, b's value) for each.
template <class Map, class Check>
void check_each_key(const Map& a, const Map& b, Check check) {
  REQUIRE(a.size() == b.size());
  for (const auto& [k, v] : a) {
    INFO(k);
    REQUIRE(b.count(k) == 1);
    check(v, b.at(k));
  }
}

void check_values(const std::map<std::string, ValueSpec>& a,
                  const std::map<std::string, ValueSpec>& b) {
  check_each_key(a, b, check_value);
}

/// ParamValue: files hold plain numbers in the schema's unit, so the number is what travels.
void check_parameters(const ParameterSet& a, const ParameterSet& b) {
  check_each_key(a, b, [](const auto& v, const auto& w) { CHECK(v.value == w.value); });
}

void check_same(const NetworkSpec& a, const NetworkSpec& b) {
  REQUIRE(a.populations.size() == b.populations.size());
  for (std::size_t i = 0; i < a.populations.size(); ++i) {
    const auto &p = a.populations[i], &q = b.populations[i];
    INFO("population " << p.name);
    CHECK(p.name == q.name);
    CHECK(p.model == q.model);
    CHECK(p.size == q.size);
    check_parameters(p.parameters, q.parameters);
    check_values(p.varied, q.varied);
    check_values(p.initial, q.initial);
    CHECK(p.layout.kind == q.layout.kind);
    CHECK(p.layout.nx == q.layout.nx);
    CHECK(p.layout.ny == q.layout.ny);
    CHECK(p.layout.spacing_um == q.layout.spacing_um);
    for (int d = 0; d < 3; ++d)
      CHECK(p.layout.extent_um[d] == q.layout.extent_um[d]);
  }
  REQUIRE(a.projections.size() == b.projections.size());
  for (std::size_t i = 0; i < a.projections.size(); ++i) {
    const auto &p = a.projections[i], &q = b.projections[i];
    INFO("projection " << p.name);
    CHECK(p.name == q.name);
    CHECK(p.source == q.source);
    CHECK(p.target == q.target);
    CHECK(p.rule.kind == q.rule.kind);
    CHECK(p.rule.p == q.rule.p);
    CHECK(p.rule.n == q.rule.n);
    CHECK(p.rule.autapses == q.rule.autapses);
    CHECK(p.rule.multapses == q.rule.multapses);
    CHECK(p.rule.profile == q.rule.profile);
    CHECK(p.rule.scale_um == q.rule.scale_um);
    CHECK(p.rule.periodic == q.rule.periodic);
    CHECK(p.receptor == q.receptor);
    check_value(p.weight, q.weight);
    check_value(p.delay, q.delay);
    CHECK(p.synapse == q.synapse);
    check_parameters(p.synapse_parameters, q.synapse_parameters);
    CHECK(p.location.kind == q.location.kind);
    CHECK(p.location.branch == q.location.branch);
    CHECK(p.location.region == q.location.region);
    CHECK(p.location.distance_um == q.location.distance_um);
    CHECK(p.location.from_um == q.location.from_um);
    CHECK(p.location.to_um == q.location.to_um);
    if (p.location.kind == LocationSpec::Kind::region_distance)
      check_value(p.location.distance, q.location.distance);
  }
  REQUIRE(a.stimuli.size() == b.stimuli.size());
  for (std::size_t i = 0; i < a.stimuli.size(); ++i) {
    const auto &s = a.stimuli[i], &t = b.stimuli[i];
    INFO("stimulus " << s.name);
    CHECK(s.kind == t.kind);
    CHECK(s.name == t.name);
    CHECK(s.target == t.target);
    CHECK(s.cells == t.cells);
    CHECK(s.rate_hz == t.rate_hz);
    CHECK(s.receptor == t.receptor);
    if (s.kind == StimulusSpec::Kind::poisson || s.kind == StimulusSpec::Kind::spike_times)
      check_value(s.weight, t.weight);
    CHECK(s.times_ms == t.times_ms);
    CHECK(s.amplitudes_pA == t.amplitudes_pA);
    CHECK(s.amplitude_pA == t.amplitude_pA);
    CHECK(s.start_ms == t.start_ms);
    CHECK(s.stop_ms == t.stop_ms);
  }
  CHECK(a.spike_recorder.populations == b.spike_recorder.populations);
  CHECK(a.record_spikes == b.record_spikes);
  REQUIRE(a.probes.size() == b.probes.size());
  for (std::size_t i = 0; i < a.probes.size(); ++i) {
    CHECK(a.probes[i].population == b.probes[i].population);
    CHECK(a.probes[i].variable == b.probes[i].variable);
    CHECK(a.probes[i].times_ms == b.probes[i].times_ms);
    CHECK(a.probes[i].cells == b.probes[i].cells);
  }
}

}  // namespace

TEST_CASE("Circuit file: a spec with every feature survives spec -> file -> spec",
          "[circuit_file][unit]") {
  const ModelRegistry models = builtin_models();
  const NetworkSpec spec = every_feature();
  const CircuitSettings settings = every_setting();
  const std::string text = write_circuit_toml(spec, settings, {"/opt/spindle/libextra.so"});
  INFO(text);
  const CircuitFile file = read_text(text, &models);
  check_same(spec, file.spec);
  CHECK(file.settings.duration_ms == settings.duration_ms);
  CHECK(file.settings.seed == settings.seed);
  CHECK(file.settings.threads == settings.threads);
  CHECK(file.settings.partitions == settings.partitions);
  CHECK(file.settings.scale == settings.scale);
  REQUIRE(file.plugins.size() == 1);
  CHECK(file.plugins[0] == "/opt/spindle/libextra.so");
  // Writing the read spec again gives the same text: nothing drifts on a second trip.
  CHECK(write_circuit_toml(file.spec, file.settings, file.plugins) == text);
}

TEST_CASE("Circuit file: spikes = false and default settings survive the trip",
          "[circuit_file][unit]") {
  const ModelRegistry models = builtin_models();
  NetworkSpec spec;
  spec.add_population("a", "lif_delta", 3);
  spec.record_spikes = false;
  const CircuitFile file = read_text(write_circuit_toml(spec, {}), &models);
  check_same(spec, file.spec);
  CHECK(file.settings.duration_ms == CircuitSettings{}.duration_ms);
  CHECK(file.settings.partitions == 0);
}

TEST_CASE("Circuit file: the file's spec builds and runs like the C++ spec",
          "[circuit_file][unit]") {
  // The same seed gives the same spikes: the file adds nothing and loses nothing the kernel uses.
  const ModelRegistry models = builtin_models();
  NetworkSpec spec;
  spec.add_population("e", "lif_exp", 40)
      .set("tau_m", 20.0_ms)
      .init("V_m", uniform(-70.0_mV, -55.0_mV));
  spec.connect("e", "e", ConnectionRule::fixed_indegree(5), "exc",
               normal(30.0_pA, 5.0_pA, 0.0_pA, 60.0_pA), uniform(1.0_ms, 3.0_ms));
  spec.add_poisson("e", 2000.0_Hz, "exc", 40.0_pA);
  const CircuitFile file = read_text(write_circuit_toml(spec, {}), &models);
  SimulationOptions opt;
  opt.seed = 11;
  Simulation a(spec, models, opt), b(file.spec, models, opt);
  a.run(Time::from_ms(100));
  b.run(Time::from_ms(100));
  CHECK(a.num_synapses() == 200);
  CHECK(a.spikes().size() > 10);
  CHECK(a.spikes() == b.spikes());
}

TEST_CASE("Circuit file: errors name the file, line and column", "[circuit_file][unit]") {
  const std::string pop = "[[population]]\nname = \"a\"\nmodel = \"lif_exp\"\nsize = 4\n";
  // An unknown key in a projection: its own line and column, and the allowed keys.
  CHECK_THROWS_WITH(read_text(pop + "\n[[projection]]\nsource = \"a\"\ntarget = \"a\"\n"
                                    "rule = \"all_to_all\"\nreceptor = \"exc\"\n"
                                    "wieght = 1.0\ndelay = 1.0\n"),
                    Contains("circuit.toml:11:1: projection 'a->a': unknown key 'wieght' "
                             "(allowed: name, source, target, rule, receptor, weight,"));
  // A TOML syntax error keeps toml++'s position.
  CHECK_THROWS_WITH(read_text("[simulation]\nseed = = 3\n"),
                    Contains("circuit.toml:2:8: TOML syntax error"));
  // NaN is read by TOML but refused here.
  CHECK_THROWS_WITH(read_text("[[population]]\nname = \"a\"\nmodel = \"lif_exp\"\nsize = 4\n"
                              "parameters = { tau_m = nan }\n"),
                    Contains("circuit.toml:5:24: population 'a': 'tau_m' must be a finite"));
  // A key that belongs to another rule.
  CHECK_THROWS_WITH(read_text(pop + "[[projection]]\nsource = \"a\"\ntarget = \"a\"\n"
                                    "rule = \"all_to_all\"\np = 0.5\nreceptor = \"exc\"\n"
                                    "weight = 1.0\ndelay = 1.0\n"),
                    Contains(":9:1: projection 'a->a': key 'p' does not apply to rule "
                             "'all_to_all'"));
}

TEST_CASE("Circuit file: build errors point at the item's line", "[circuit_file][unit]") {
  const ModelRegistry models = builtin_models();
  const CircuitFile file = read_text(
      "[[population]]\nname = \"a\"\nmodel = \"lif_exp\"\nsize = 4\n\n"
      "[[population]]\nname = \"b\"\nmodel = \"nosuchmodel\"\nsize = 4\n\n"
      "[[projection]]\nsource = \"a\"\ntarget = \"a\"\nrule = \"all_to_all\"\n"
      "receptor = \"gaba\"\nweight = 1.0\ndelay = 1.0\n",
      &models);
  std::string message;
  try {
    Simulation sim(file.spec, models);
  } catch (const Error& e) {
    message = file.locate(e.what());
  }
  CHECK_THAT(message,
             StartsWith(file.path.string() + ":6:1: population 'b'") && Contains("nosuchmodel"));
  CHECK_THAT(file.locate("projection 'a->a': no receptor"),
             StartsWith(file.path.string() + ":11:1: projection 'a->a'"));
  CHECK_THAT(file.locate("something else"), StartsWith(file.path.string() + ": something"));
}

TEST_CASE("Circuit file: cell-type presets, with the file's parameters on top",
          "[circuit_file][unit]") {
  const ModelRegistry models = builtin_models();
  const CellTypeInfo& pv = models.cell_type("pv_basket");
  const CircuitFile file = read_text(
      "[[population]]\nname = \"pv\"\ncell_type = \"pv_basket\"\nsize = 2\n"
      "parameters = { t_ref = 3.0 }\n",
      &models);
  const PopulationSpec& p = file.spec.populations.at(0);
  CHECK(p.model == pv.model);
  CHECK(p.parameters.at("t_ref").value == 3.0);
  CHECK(p.parameters.at("C_m").value == pv.params.at("C_m").value);
  CHECK_THROWS_WITH(
      read_text("[[population]]\nname = \"x\"\ncell_type = \"basket\"\nsize = 2\n", &models),
      Contains("circuit.toml:1:1: population 'x': unknown cell type 'basket'") &&
          Contains("pv_basket"));
}

TEST_CASE("Circuit file: scaling keeps connection probabilities", "[circuit_file][unit]") {
  NetworkSpec spec;
  spec.add_population("a", "lif_exp", 1000);
  spec.add_population("b", "lif_exp", 3);
  spec.connect("a", "a", ConnectionRule::fixed_total_number(20000), "exc", 1.0_pA, 1.0_ms);
  spec.connect("a", "b", ConnectionRule::fixed_indegree(400), "exc", 1.0_pA, 1.0_ms);
  spec.connect("a", "a", ConnectionRule::pairwise_bernoulli(0.1), "exc", 1.0_pA, 1.0_ms);
  scale_network(spec, 0.1);
  CHECK(spec.populations[0].size == 100);
  CHECK(spec.populations[1].size == 1);  // 0.3 rounds to 0; a population keeps one cell
  // N / (N_pre N_post) = 20000 / 1e6 before and 200 / 1e4 after: the same probability.
  CHECK(spec.projections[0].rule.n == 200);
  CHECK(spec.projections[1].rule.n == 40);
  CHECK(spec.projections[2].rule.p == 0.1);
  CHECK_THROWS_WITH(scale_network(spec, 0.0), Contains("(0, 1]"));
  CHECK_THROWS_WITH(scale_network(spec, 1.5), Contains("(0, 1]"));
  spec.add_population("g", "lif_exp", 4).grid(2, 2, 10.0_um);
  CHECK_THROWS_WITH(scale_network(spec, 0.5), Contains("population 'g'") && Contains("grid"));
}
