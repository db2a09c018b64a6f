#include "build_network.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "spindle/error.hpp"
#include "spindle/random.hpp"

namespace spindle::detail {

namespace {

constexpr std::uint64_t kMaxCells = std::uint64_t{1} << 31;

const BuiltPopulation& find_population(const std::vector<BuiltPopulation>& pops,
                                       const std::string& name, const std::string& who) {
  for (const auto& p : pops)
    if (p.info.name == name) return p;
  std::string known;
  for (const auto& p : pops)
    known += (known.empty() ? "" : ", ") + p.info.name;
  throw Error(fmt::format("{}: unknown population '{}'; populations: {}", who, name,
                          known.empty() ? "(none)" : known));
}

std::size_t receptor_of(const BuiltPopulation& pop, const std::string& receptor,
                        const std::string& who) {
  const int r = pop.model->receptor_index(receptor);
  if (r < 0) {
    std::string known;
    for (const auto& rc : pop.model->receptors)
      known += (known.empty() ? "" : ", ") + rc.name;
    throw Error(fmt::format("{}: model '{}' of population '{}' has no receptor '{}'; receptors: {}",
                            who, pop.model->name, pop.info.name, receptor,
                            known.empty() ? "(none)" : known));
  }
  return static_cast<std::size_t>(r);
}

/// Weight unit and sign must suit the receptor: inhibitory ports take only non-positive
/// weights, so that an inhibitory input can never bring a spike earlier.
void check_weight(const ValueSpec& w, const ReceptorInfo& rc, const std::string& who) {
  if (w.unit != rc.unit)
    throw Error(
        fmt::format("{}: weights onto receptor '{}' are in {}, but the weight is given in {}", who,
                    rc.name, unit_symbol(rc.unit), unit_symbol(w.unit)));
  if (auto p = w.dist.problem(); !p.empty())
    throw Error(fmt::format("{}: weight {}: {}", who, w.dist.describe(), p));
  if (rc.sign > 0 && w.dist.min_value() < 0)
    throw Error(
        fmt::format("{}: receptor '{}' takes weights >= 0 {}; the weight {} can be negative", who,
                    rc.name, unit_symbol(rc.unit), w.dist.describe()));
  if (rc.sign < 0 && w.dist.max_value() > 0)
    throw Error(
        fmt::format("{}: receptor '{}' takes weights <= 0 {}; the weight {} can be positive", who,
                    rc.name, unit_symbol(rc.unit), w.dist.describe()));
}

void check_delay(const ValueSpec& d, const std::string& who) {
  if (d.unit != Unit::ms)
    throw Error(fmt::format("{}: delays are in ms, but the delay is given in {}", who,
                            unit_symbol(d.unit)));
  if (auto p = d.dist.problem(); !p.empty())
    throw Error(fmt::format("{}: delay {}: {}", who, d.dist.describe(), p));
  if (!(d.dist.min_value() >= 1e-6))
    throw Error(
        fmt::format("{}: delay {} ms can be below one tick; delays must be >= 1e-6 ms "
                    "(truncate a normal delay distribution above 0)",
                    who, d.dist.describe()));
  if (!(d.dist.max_value() <= max_delay_ms))
    throw Error(fmt::format("{}: delay {} ms can exceed the maximum of {} ms", who,
                            d.dist.describe(), max_delay_ms));
}

void check_times(const std::vector<double>& times, const std::string& what,
                 const std::string& who) {
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (!std::isfinite(times[i]) || times[i] < 0 || times[i] > max_time_ms)
      throw Error(fmt::format("{}: {}[{}] = {} ms; times must be finite and in [0, {:g}] ms", who,
                              what, i, times[i], max_time_ms));
    if (i > 0 && times[i] < times[i - 1])
      throw Error(fmt::format("{}: {} must be ascending; [{}] = {} ms comes after {} ms", who, what,
                              i, times[i], times[i - 1]));
  }
}

void check_cells(const std::vector<std::size_t>& cells, const BuiltPopulation& pop,
                 const std::string& who) {
  for (auto c : cells)
    if (c >= pop.info.size)
      throw Error(fmt::format("{}: cell index {} is outside population '{}' (cells 0..{})", who, c,
                              pop.info.name, pop.info.size - 1));
}

/// Streams for one synapse set: connectivity, weights and delays, all keyed alike.
struct Streams {
  RandomStream conn, weight, delay, place;
  Streams(std::uint64_t seed, std::uint64_t key, std::uint64_t sub)
      : conn(seed, key, Purpose::connectivity, sub),
        weight(seed, key, Purpose::weights, sub),
        delay(seed, key, Purpose::delays, sub),
        place(seed, key, Purpose::locations, sub) {}
};

Place encode_dendrite(std::uint16_t branch, double distance_um) {
  const auto tenths = static_cast<std::uint32_t>(std::lround(distance_um / place_resolution_um));
  return (static_cast<std::uint32_t>(branch) + 2) << 16 | std::min<std::uint32_t>(tenths, 0xffff);
}

Place draw_place(const ProjectionPlan& pl, RandomStream& rng) {
  const auto& pp = pl.placement;
  using L = LocationSpec::Kind;
  if (pp.kind != L::region && pp.kind != L::region_distance) return pp.fixed;
  if (pp.kind == L::region) {
    const double u = rng.uniform() * pp.cumulative.back();
    const auto k = static_cast<std::size_t>(
        std::upper_bound(pp.cumulative.begin(), pp.cumulative.end(), u) - pp.cumulative.begin());
    const auto& w = pp.windows[std::min(k, pp.windows.size() - 1)];
    const double before = k == 0 ? 0.0 : pp.cumulative[k - 1];
    return encode_dendrite(w.branch, std::clamp(w.lo_um + (u - before), w.lo_um, w.hi_um));
  }
  const double d = pl.spec->location.distance.dist.sample(rng);
  std::size_t reach = 0;
  for (const auto& w : pp.windows)
    reach += (d >= w.lo_um && d <= w.hi_um) ? 1 : 0;
  if (reach == 0)
    throw Error(fmt::format(
        "projection '{}': a synapse drew distance {} um, which no branch of region '{}' reaches "
        "(the region spans {}-{} um from the soma); narrow the distance distribution",
        pl.spec->name.empty() ? pl.spec->source + "->" + pl.spec->target : pl.spec->name, d,
        pl.spec->location.region, pp.cumulative.front(), pp.cumulative.back()));
  std::size_t pick = static_cast<std::size_t>(rng.below(reach));
  for (const auto& w : pp.windows)
    if (d >= w.lo_um && d <= w.hi_um && pick-- == 0) return encode_dendrite(w.branch, d);
  throw InternalError("draw_place: no branch picked");
}

Edge make_edge(const ProjectionPlan& pl, Streams& st, std::uint32_t source, std::uint32_t target) {
  // Weight, then delay, then place: a fixed number of draws per synapse, so the streams stay
  // aligned whatever is kept or filtered later.
  const double w = pl.spec->weight.dist.sample(st.weight);
  const double d = pl.spec->delay.dist.sample(st.delay);
  return {source,
          target,
          static_cast<float>(w),
          pl.receptor,
          pl.slot,
          static_cast<std::uint32_t>(std::max<std::int64_t>(1, Time::from_ms(d).ticks())),
          pl.placement.kind == LocationSpec::Kind::soma ? soma_place : draw_place(pl, st.place)};
}

/// Checks a projection's location against its target's model and morphology and turns it
/// into a placement plan.
PlacementPlan plan_placement(const ProjectionSpec& pj, const BuiltPopulation& tgt,
                             const std::string& who) {
  PlacementPlan pp;
  const auto& loc = pj.location;
  pp.kind = loc.kind;
  using L = LocationSpec::Kind;
  if (loc.kind == L::soma) return pp;
  if (loc.kind == L::axon_initial_segment) {
    if (!tgt.model->has_axon_initial_segment)
      throw Error(
          fmt::format("{}: location {}: model '{}' of population '{}' has no axon initial "
                      "segment; it accepts synapses on the soma{}",
                      who, loc.describe(), tgt.model->name, tgt.info.name,
                      tgt.morphology ? " and its dendrites" : " only"));
    pp.fixed = 1;
    return pp;
  }
  if (!tgt.morphology)
    throw Error(
        fmt::format("{}: location {}: model '{}' of population '{}' is a point neuron "
                    "without dendrites; it accepts synapses on the soma only",
                    who, loc.describe(), tgt.model->name, tgt.info.name));
  const Morphology& m = *tgt.morphology;
  auto span = [&](std::size_t b) {
    const double s0 = m.start_um(b);
    return std::pair{s0, s0 + m.branches[b].length_um};
  };
  if (loc.kind == L::dendrite) {
    const int b = m.branch_index(loc.branch);
    if (b < 0) {
      std::string known;
      for (const auto& br : m.branches)
        known += (known.empty() ? "" : ", ") + br.name;
      throw Error(fmt::format("{}: location {}: model '{}' has no branch '{}'; branches: {}", who,
                              loc.describe(), tgt.model->name, loc.branch, known));
    }
    const auto [lo, hi] = span(static_cast<std::size_t>(b));
    if (!(loc.distance_um >= lo && loc.distance_um <= hi))
      throw Error(
          fmt::format("{}: location {}: branch '{}' spans {}-{} um from the soma; the "
                      "distance must lie on it",
                      who, loc.describe(), loc.branch, lo, hi));
    pp.fixed = encode_dendrite(static_cast<std::uint16_t>(b), loc.distance_um);
    return pp;
  }
  // region, region_distance
  const auto regions = m.regions();
  if (std::find(regions.begin(), regions.end(), loc.region) == regions.end()) {
    std::string known;
    for (const auto& r : regions)
      known += (known.empty() ? "" : ", ") + r;
    throw Error(fmt::format("{}: location {}: model '{}' has no region '{}'; regions: {}", who,
                            loc.describe(), tgt.model->name, loc.region, known));
  }
  double lo_all = 1e300, hi_all = 0;
  for (std::size_t b = 0; b < m.branches.size(); ++b) {
    if (m.branches[b].region != loc.region) continue;
    auto [lo, hi] = span(b);
    lo_all = std::min(lo_all, lo);
    hi_all = std::max(hi_all, hi);
    if (loc.kind == L::region) {
      lo = std::max(lo, loc.from_um);
      hi = std::min(hi, loc.to_um);
      if (!(hi > lo)) continue;
    }
    pp.windows.push_back({static_cast<std::uint16_t>(b), lo, hi});
    pp.cumulative.push_back((pp.cumulative.empty() ? 0.0 : pp.cumulative.back()) + (hi - lo));
  }
  if (loc.kind == L::region) {
    if (!(loc.from_um >= 0 && loc.to_um > loc.from_um && std::isfinite(loc.to_um)))
      throw Error(fmt::format("{}: location {}: the window needs 0 <= from < to (finite um)", who,
                              loc.describe()));
    if (pp.windows.empty())
      throw Error(
          fmt::format("{}: location {}: region '{}' spans {}-{} um from the soma; the "
                      "window does not reach it",
                      who, loc.describe(), loc.region, lo_all, hi_all));
  } else {
    if (loc.distance.unit != Unit::um)
      throw Error(
          fmt::format("{}: location {}: distances are in um, but the distribution is "
                      "given in {}",
                      who, loc.describe(), unit_symbol(loc.distance.unit)));
    pp.cumulative = {lo_all, hi_all};  // the region's span, for messages
  }
  return pp;
}

/// `k` indices in [0, n) other than `skip` (if >= 0): repeated draws with multapses, else
/// distinct ones (Floyd's algorithm, k draws), returned in ascending order then.
void choose(RandomStream& rng, std::size_t n, std::size_t k, bool multapses, std::int64_t skip,
            std::vector<std::uint32_t>& out) {
  out.clear();
  const std::size_t m = skip >= 0 ? n - 1 : n;
  auto map = [&](std::uint64_t i) {
    return static_cast<std::uint32_t>(skip >= 0 && static_cast<std::int64_t>(i) >= skip ? i + 1
                                                                                        : i);
  };
  if (m == 0) return;
  if (multapses) {
    for (std::size_t j = 0; j < k; ++j)
      out.push_back(map(rng.below(m)));
    return;
  }
  std::unordered_set<std::uint64_t> taken;
  taken.reserve(k * 2);
  for (std::size_t j = m - k; j < m; ++j) {
    const std::uint64_t t = rng.below(j + 1);
    const std::uint64_t v = taken.count(t) ? j : t;
    taken.insert(v);
    out.push_back(map(v));
  }
  std::sort(out.begin(), out.end());
}

double distance(const Position& a, const Position& b, const Layout& box, bool periodic) {
  double d[3] = {a.x - b.x, a.y - b.y, a.z - b.z};
  for (int k = 0; k < 3; ++k) {
    d[k] = std::abs(d[k]);
    if (periodic && box.extent_um[k] > 0) d[k] = std::min(d[k], box.extent_um[k] - d[k]);
  }
  return std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
}

double profile_value(const ConnectionRule& r, double dist) {
  return r.profile == ConnectionRule::Profile::gaussian
             ? r.p * std::exp(-dist * dist / (2 * r.scale_um * r.scale_um))
             : r.p * std::exp(-dist / r.scale_um);
}

/// Rules whose streams are keyed by the target cell.
void generate_for_target(const ProjectionPlan& pl, std::uint64_t seed, std::uint32_t tgt_local,
                         std::vector<Edge>& out, std::vector<std::uint32_t>& scratch) {
  using K = ConnectionRule::Kind;
  const auto& rule = pl.spec->rule;
  const std::uint32_t tgt = pl.tgt->info.first + tgt_local;
  const std::uint32_t src0 = pl.src->info.first;
  const std::size_t n_src = pl.src->info.size;
  const bool allow_self = rule.autapses || !pl.same_population;
  Streams st(seed, tgt, pl.index);
  auto emit = [&](std::size_t s_local) {
    out.push_back(make_edge(pl, st, src0 + static_cast<std::uint32_t>(s_local), tgt));
  };
  switch (rule.kind) {
    case K::one_to_one:
      if (allow_self) emit(tgt_local);
      break;
    case K::all_to_all:
      for (std::size_t s = 0; s < n_src; ++s)
        if (allow_self || s != tgt_local) emit(s);
      break;
    case K::pairwise_bernoulli: {
      if (rule.p <= 0) break;
      if (rule.p >= 1) {
        for (std::size_t s = 0; s < n_src; ++s)
          if (allow_self || s != tgt_local) emit(s);
        break;
      }
      // Geometric skipping: the gap to the next chosen source is geometric(p).
      const double log_q = std::log1p(-rule.p);
      double s = -1;
      for (;;) {
        s += 1.0 + std::floor(std::log(st.conn.uniform_open0()) / log_q);
        if (s >= static_cast<double>(n_src)) break;
        const auto si = static_cast<std::size_t>(s);
        if (allow_self || si != tgt_local) emit(si);
      }
      break;
    }
    case K::fixed_indegree:
      choose(st.conn, n_src, rule.n, rule.multapses,
             allow_self ? -1 : static_cast<std::int64_t>(tgt_local), scratch);
      for (auto s : scratch)
        emit(s);
      break;
    case K::distance_dependent: {
      const Position& pt = pl.tgt->positions[tgt_local];
      for (std::size_t s = 0; s < n_src; ++s) {
        if (!allow_self && s == tgt_local) continue;
        const double d = distance(pl.src->positions[s], pt, *pl.tgt->layout, rule.periodic);
        if (st.conn.uniform() < profile_value(rule, d)) emit(s);
      }
      break;
    }
    default:
      break;
  }
}

/// fixed_outdegree: streams keyed by the source; keeps the synapses that land in [first, last).
void generate_outdegree(const ProjectionPlan& pl, std::uint64_t seed, std::uint32_t first,
                        std::uint32_t last, std::vector<Edge>& out,
                        std::vector<std::uint32_t>& scratch) {
  const auto& rule = pl.spec->rule;
  const std::uint32_t t0 = pl.tgt->info.first;
  const std::size_t n_tgt = pl.tgt->info.size;
  const bool allow_self = rule.autapses || !pl.same_population;
  for (std::uint32_t s = 0; s < pl.src->info.size; ++s) {
    const std::uint32_t src = pl.src->info.first + s;
    Streams st(seed, src, pl.index);
    choose(st.conn, n_tgt, rule.n, rule.multapses, allow_self ? -1 : std::int64_t{s}, scratch);
    for (auto t : scratch) {
      const Edge e = make_edge(pl, st, src, t0 + t);
      if (e.target >= first && e.target < last) out.push_back(e);
    }
  }
}

/// fixed_total_number: one stream for the projection; keeps the synapses in [first, last).
void generate_total(const ProjectionPlan& pl, std::uint64_t seed, std::uint32_t first,
                    std::uint32_t last, std::vector<Edge>& out) {
  const auto& rule = pl.spec->rule;
  const std::size_t n_src = pl.src->info.size, n_tgt = pl.tgt->info.size;
  const bool allow_self = rule.autapses || !pl.same_population;
  Streams st(seed, std::uint64_t{1} << 40, pl.index);
  std::unordered_set<std::uint64_t> taken;
  for (std::size_t made = 0; made < rule.n;) {
    const auto s = static_cast<std::uint32_t>(st.conn.below(n_src));
    const auto t = static_cast<std::uint32_t>(st.conn.below(n_tgt));
    if (!allow_self && s == t) continue;
    if (!rule.multapses && !taken.insert(std::uint64_t{s} << 32 | t).second) continue;
    ++made;
    const Edge e = make_edge(pl, st, pl.src->info.first + s, pl.tgt->info.first + t);
    if (e.target >= first && e.target < last) out.push_back(e);
  }
}

}  // namespace

Place encode_place(const Location& where) {
  switch (where.kind) {
    case Location::Kind::soma:
      return soma_place;
    case Location::Kind::axon_initial_segment:
      return 1;
    case Location::Kind::dendrite:
      return encode_dendrite(where.branch, where.distance_um);
  }
  return soma_place;
}

Location decode_place(Place p) {
  if (p == soma_place) return {};
  if (p == 1) return {Location::Kind::axon_initial_segment, 0, 0.0f};
  return {Location::Kind::dendrite, static_cast<std::uint16_t>((p >> 16) - 2),
          static_cast<float>((p & 0xffff) * place_resolution_um)};
}

std::size_t population_of(const std::vector<BuiltPopulation>& pops, std::uint32_t gid) {
  const auto it =
      std::upper_bound(pops.begin(), pops.end(), gid,
                       [](std::uint32_t g, const BuiltPopulation& p) { return g < p.info.first; });
  return static_cast<std::size_t>(it - pops.begin()) - 1;
}

BuiltNetwork validate_network(const NetworkSpec& spec, const ModelRegistry& models,
                              std::uint64_t seed) {
  BuiltNetwork net;
  // --- populations
  std::set<std::string> names;
  std::uint64_t next_gid = 0;
  for (const auto& ps : spec.populations) {
    const std::string who = fmt::format("population '{}'", ps.name);
    if (ps.name.empty()) throw Error("a population has an empty name");
    if (!names.insert(ps.name).second)
      throw Error(fmt::format("{}: the name is used by another population", who));
    if (ps.size == 0) throw Error(fmt::format("{}: size must be >= 1 cell, got 0", who));
    const CellModelInfo* model = nullptr;
    try {
      model = &models.cell_model(ps.model);
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}", who, e.what()));
    }
    const std::string ctx = fmt::format("population '{}' (model {})", ps.name, ps.model);
    BuiltPopulation bp;
    bp.model = model;
    bp.parameters = resolve_parameters(model->parameters, ps.parameters, ctx);
    if (model->check_relations) {
      if (auto msg = model->check_relations(bp.parameters); !msg.empty())
        throw Error(fmt::format("{}: {}", ctx, msg));
    }
    if (model->morphology) {
      bp.morphology = model->morphology(bp.parameters);
      bp.morphology->check(ctx);
    }
    for (const auto& [param, value] : ps.varied) {
      const int pi = model->parameter_index(param);
      if (pi < 0) {
        std::string known;
        for (const auto& q : model->parameters)
          known += (known.empty() ? "" : ", ") + q.name;
        throw Error(fmt::format("{}: unknown parameter '{}' to vary per cell; known parameters: {}",
                                ctx, param, known));
      }
      const auto& allowed = model->per_cell_parameters;
      if (std::find(allowed.begin(), allowed.end(), param) == allowed.end()) {
        std::string list;
        for (const auto& q : allowed)
          list += (list.empty() ? "" : ", ") + q;
        throw Error(
            fmt::format("{}: parameter '{}' cannot vary per cell; per-cell parameters of "
                        "this model: {}",
                        ctx, param, list.empty() ? "(none)" : list));
      }
      const auto& info = model->parameters[static_cast<std::size_t>(pi)];
      if (value.unit != info.unit)
        throw Error(fmt::format("{}: parameter '{}' is in {}, but its distribution is in {}", ctx,
                                param, unit_symbol(info.unit), unit_symbol(value.unit)));
      if (auto p = value.dist.problem(); !p.empty())
        throw Error(fmt::format("{}: parameter '{}' {}: {}", ctx, param, value.dist.describe(), p));
      if (!info.allows(value.dist.min_value()) || !info.allows(value.dist.max_value()))
        throw Error(fmt::format(
            "{}: parameter '{}' drawn from {} can leave its range {} {} "
            "(truncate the distribution)",
            ctx, param, value.dist.describe(), info.range_text(), unit_symbol(info.unit)));
    }
    for (const auto& [var, value] : ps.initial) {
      const int vi = model->state_index(var);
      if (vi < 0) {
        std::string known;
        for (const auto& s : model->state)
          known += (known.empty() ? "" : ", ") + s.name;
        throw Error(
            fmt::format("{}: unknown state variable '{}' in its initial values; state "
                        "variables: {}",
                        ctx, var, known));
      }
      const auto& sv = model->state[static_cast<std::size_t>(vi)];
      if (value.unit != sv.unit)
        throw Error(fmt::format("{}: initial '{}' is in {}, but was given in {}", ctx, var,
                                unit_symbol(sv.unit), unit_symbol(value.unit)));
      if (auto p = value.dist.problem(); !p.empty())
        throw Error(fmt::format("{}: initial '{}' {}: {}", ctx, var, value.dist.describe(), p));
    }
    bp.layout = &ps.layout;
    if (ps.layout.kind == Layout::Kind::grid) {
      if (ps.layout.nx * ps.layout.ny != ps.size)
        throw Error(fmt::format("{}: a {} x {} grid holds {} cells, but the population has {}", who,
                                ps.layout.nx, ps.layout.ny, ps.layout.nx * ps.layout.ny, ps.size));
      if (!(ps.layout.spacing_um > 0) || !std::isfinite(ps.layout.spacing_um))
        throw Error(fmt::format("{}: grid spacing must be a finite value > 0 um, got {} um", who,
                                ps.layout.spacing_um));
    }
    if (ps.layout.kind == Layout::Kind::box) {
      const auto& e = ps.layout.extent_um;
      for (int k = 0; k < 3; ++k)
        if (!(e[k] >= 0) || !std::isfinite(e[k]))
          throw Error(
              fmt::format("{}: box extents must be finite values >= 0 um, got {} um "
                          "along {}",
                          who, e[k], "xyz"[k]));
      if (e[0] + e[1] + e[2] <= 0)
        throw Error(fmt::format("{}: a box needs at least one extent > 0 um", who));
    }
    if (next_gid + ps.size > kMaxCells)
      throw Error(fmt::format("{}: the network would exceed {} cells", who, kMaxCells));
    bp.info = {ps.name, ps.model, static_cast<std::uint32_t>(next_gid),
               static_cast<std::uint32_t>(ps.size)};
    if (ps.layout.kind == Layout::Kind::grid) {
      const double sp = ps.layout.spacing_um;
      for (std::size_t c = 0; c < ps.size; ++c)
        bp.positions.push_back({static_cast<double>(c % ps.layout.nx) * sp,
                                static_cast<double>(c / ps.layout.nx) * sp, 0.0});
    } else if (ps.layout.kind == Layout::Kind::box) {
      for (std::size_t c = 0; c < ps.size; ++c) {
        RandomStream rng(seed, next_gid + c, Purpose::positions);
        const auto& e = ps.layout.extent_um;
        const double x = rng.uniform() * e[0], y = rng.uniform() * e[1], z = rng.uniform() * e[2];
        bp.positions.push_back({x, y, z});
      }
    }
    next_gid += ps.size;
    net.populations.push_back(std::move(bp));
  }
  net.num_cells = static_cast<std::uint32_t>(next_gid);

  // --- recorders
  if (!spec.spike_recorder.populations.empty()) {
    for (auto& p : net.populations)
      p.recorded = false;
    for (const auto& name : spec.spike_recorder.populations) {
      const auto& p = find_population(net.populations, name, "spike recorder");
      net.populations[population_of(net.populations, p.info.first)].recorded = true;
    }
  }
  if (!spec.record_spikes)
    for (auto& p : net.populations)
      p.recorded = false;
  for (std::size_t i = 0; i < spec.probes.size(); ++i) {
    const auto& pr = spec.probes[i];
    const std::string who =
        fmt::format("probe {} ('{}' of population '{}')", i, pr.variable, pr.population);
    const auto& pop = find_population(net.populations, pr.population, who);
    if (pop.model->state_index(pr.variable) < 0) {
      std::string known;
      for (const auto& s : pop.model->state)
        known += (known.empty() ? "" : ", ") + s.name;
      throw Error(fmt::format("{}: model '{}' has no state variable '{}'; variables: {}", who,
                              pop.model->name, pr.variable, known));
    }
    check_cells(pr.cells, pop, who);
    check_times(pr.times_ms, "times", who);
  }

  // --- stimuli
  for (std::size_t i = 0; i < spec.stimuli.size(); ++i) {
    const auto& st = spec.stimuli[i];
    const std::string who =
        fmt::format("stimulus '{}'", st.name.empty() ? fmt::format("#{}", i) : st.name);
    const auto& pop = find_population(net.populations, st.target, who);
    check_cells(st.cells, pop, who);
    using K = StimulusSpec::Kind;
    if (st.kind == K::poisson || st.kind == K::spike_times) {
      const auto r = receptor_of(pop, st.receptor, who);
      check_weight(st.weight, pop.model->receptors[r], who);
    }
    if (st.kind == K::poisson && (!std::isfinite(st.rate_hz) || st.rate_hz < 0))
      throw Error(
          fmt::format("{}: rate must be a finite value >= 0 Hz, got {} Hz", who, st.rate_hz));
    if (st.kind == K::spike_times) check_times(st.times_ms, "spike times", who);
    if (st.kind == K::step_current) {
      check_times(st.times_ms, "times", who);
      if (st.amplitudes_pA.size() != st.times_ms.size())
        throw Error(fmt::format("{}: {} times but {} amplitudes; give one amplitude per time", who,
                                st.times_ms.size(), st.amplitudes_pA.size()));
      for (double a : st.amplitudes_pA)
        if (!std::isfinite(a)) throw Error(fmt::format("{}: amplitudes must be finite pA", who));
    }
    if (st.kind == K::dc && !std::isfinite(st.amplitude_pA))
      throw Error(fmt::format("{}: amplitude must be finite pA, got {}", who, st.amplitude_pA));
    if (st.kind == K::dc || st.kind == K::poisson) {
      if (!(st.start_ms >= 0) || !(st.stop_ms > st.start_ms))
        throw Error(fmt::format("{}: needs 0 <= start < stop, got start {} ms, stop {} ms", who,
                                st.start_ms, st.stop_ms));
    }
  }

  // --- projections
  for (std::size_t i = 0; i < spec.projections.size(); ++i) {
    const auto& pj = spec.projections[i];
    const std::string who =
        fmt::format("projection '{}'", pj.name.empty() ? pj.source + "->" + pj.target : pj.name);
    const auto& src = find_population(net.populations, pj.source, who);
    const auto& tgt = find_population(net.populations, pj.target, who);
    const auto r = receptor_of(tgt, pj.receptor, who);
    check_weight(pj.weight, tgt.model->receptors[r], who);
    check_delay(pj.delay, who);
    const auto& rule = pj.rule;
    const bool same = &src == &tgt;
    const std::size_t avail = src.info.size - ((same && !rule.autapses) ? 1 : 0);
    using K = ConnectionRule::Kind;
    switch (rule.kind) {
      case K::one_to_one:
        if (src.info.size != tgt.info.size)
          throw Error(fmt::format("{}: one_to_one needs populations of equal size, got {} and {}",
                                  who, src.info.size, tgt.info.size));
        break;
      case K::pairwise_bernoulli:
        if (!(rule.p >= 0 && rule.p <= 1))
          throw Error(
              fmt::format("{}: pairwise_bernoulli p must be in [0, 1], got {}", who, rule.p));
        break;
      case K::fixed_indegree:
        if (!rule.multapses && rule.n > avail)
          throw Error(
              fmt::format("{}: fixed_indegree K = {} exceeds the {} distinct sources "
                          "available without multapses",
                          who, rule.n, avail));
        if (avail == 0 && rule.n > 0) throw Error(fmt::format("{}: no sources available", who));
        break;
      case K::all_to_all:
        break;
      case K::fixed_outdegree: {
        const std::size_t targets = tgt.info.size - ((same && !rule.autapses) ? 1 : 0);
        if (!rule.multapses && rule.n > targets)
          throw Error(
              fmt::format("{}: fixed_outdegree K = {} exceeds the {} distinct targets "
                          "available without multapses",
                          who, rule.n, targets));
        if (targets == 0 && rule.n > 0) throw Error(fmt::format("{}: no targets available", who));
        break;
      }
      case K::fixed_total_number: {
        const double pairs = static_cast<double>(src.info.size) * tgt.info.size -
                             ((same && !rule.autapses) ? static_cast<double>(src.info.size) : 0.0);
        if (!rule.multapses && static_cast<double>(rule.n) > pairs)
          throw Error(
              fmt::format("{}: fixed_total_number N = {} exceeds the {} distinct pairs "
                          "available without multapses",
                          who, rule.n, pairs));
        if (pairs == 0 && rule.n > 0) throw Error(fmt::format("{}: no pairs available", who));
        break;
      }
      case K::distance_dependent:
        if (!(rule.p >= 0 && rule.p <= 1))
          throw Error(
              fmt::format("{}: distance_dependent p must be in [0, 1], got {}", who, rule.p));
        if (!(rule.scale_um > 0) || !std::isfinite(rule.scale_um))
          throw Error(
              fmt::format("{}: distance_dependent scale must be a finite value > 0 um, "
                          "got {} um",
                          who, rule.scale_um));
        for (const auto* pop : {&src, &tgt})
          if (pop->positions.empty())
            throw Error(
                fmt::format("{}: distance_dependent needs positions, but population '{}' "
                            "has no layout (give it a grid or a box)",
                            who, pop->info.name));
        if (rule.periodic)
          for (int k = 0; k < 3; ++k)
            if (src.layout->extent_um[k] != tgt.layout->extent_um[k])
              throw Error(
                  fmt::format("{}: periodic boundaries need equal extents, but '{}' "
                              "spans {} um and '{}' spans {} um along axis {}",
                              who, src.info.name, src.layout->extent_um[k], tgt.info.name,
                              tgt.layout->extent_um[k], "xyz"[k]));
        break;
    }
    ProjectionPlan plan{&pj,  i, &src,    &tgt, static_cast<std::uint16_t>(r),
                        same, 0, nullptr, {},   plan_placement(pj, tgt, who)};
    if (pj.synapse != "static") {
      try {
        plan.synapse = &models.synapse_model(pj.synapse);
      } catch (const Error& e) {
        throw Error(fmt::format("{}: {}", who, e.what()));
      }
      const std::string ctx = fmt::format("{} (synapse model {})", who, pj.synapse);
      plan.synapse_parameters =
          resolve_parameters(plan.synapse->parameters, pj.synapse_parameters, ctx);
      if (plan.synapse->check_relations) {
        if (auto msg = plan.synapse->check_relations(plan.synapse_parameters); !msg.empty())
          throw Error(fmt::format("{}: {}", ctx, msg));
      }
      if (net.num_slots == 0xffff)
        throw Error(
            fmt::format("{}: too many projections with synapse models (at most 65534)", who));
      plan.slot = net.num_slots++;
    } else if (!pj.synapse_parameters.empty()) {
      throw Error(fmt::format("{}: the static synapse takes no parameters; got '{}'", who,
                              pj.synapse_parameters.begin()->first));
    }
    net.plans.push_back(std::move(plan));
  }

  return net;
}

std::vector<double> expected_in_degree(const BuiltNetwork& net) {
  using K = ConnectionRule::Kind;
  std::vector<double> deg(net.num_cells, 0.0);
  for (const auto& pl : net.plans) {
    const auto& r = pl.spec->rule;
    const double n_src = pl.src->info.size, n_tgt = pl.tgt->info.size;
    double k = 0;
    switch (r.kind) {
      case K::one_to_one:
        k = 1;
        break;
      case K::all_to_all:
        k = n_src;
        break;
      case K::pairwise_bernoulli:
        k = r.p * n_src;
        break;
      case K::fixed_indegree:
        k = static_cast<double>(r.n);
        break;
      case K::fixed_outdegree:
        k = static_cast<double>(r.n) * n_src / n_tgt;
        break;
      case K::fixed_total_number:
        k = static_cast<double>(r.n) / n_tgt;
        break;
      case K::distance_dependent:
        k = r.p * n_src;
        break;  // an upper bound is good enough
    }
    for (std::uint32_t c = 0; c < pl.tgt->info.size; ++c)
      deg[pl.tgt->info.first + c] += k;
  }
  return deg;
}

void generate_edges(const BuiltNetwork& net, std::uint64_t seed, std::uint32_t first,
                    std::uint32_t last, std::vector<Edge>& out) {
  using K = ConnectionRule::Kind;
  std::vector<std::uint32_t> scratch;
  for (const auto& pl : net.plans) {
    const auto& ti = pl.tgt->info;
    const std::uint32_t a = std::max(first, ti.first), b = std::min(last, ti.first + ti.size);
    if (a >= b) continue;
    switch (pl.spec->rule.kind) {
      case K::fixed_outdegree:
        generate_outdegree(pl, seed, a, b, out, scratch);
        break;
      case K::fixed_total_number:
        generate_total(pl, seed, a, b, out);
        break;
      default:
        for (std::uint32_t gid = a; gid < b; ++gid)
          generate_for_target(pl, seed, gid - ti.first, out, scratch);
    }
  }
}

}  // namespace spindle::detail
