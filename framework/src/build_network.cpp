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
  if (!(d.dist.max_value() <= 1e9))
    throw Error(
        fmt::format("{}: delay {} ms can exceed the maximum of 1e9 ms", who, d.dist.describe()));
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

/// Cells of population `source` chosen for one target cell.
struct ProjectionPlan {
  const ProjectionSpec* spec;
  std::size_t index;
  const BuiltPopulation* src;
  const BuiltPopulation* tgt;
  std::uint16_t receptor;
  bool same_population;
};

void draw_synapse_values(const ProjectionPlan& pl, RandomStream& wrng, RandomStream& drng,
                         std::uint32_t source, std::uint32_t target, std::vector<Edge>& out) {
  const double w = pl.spec->weight.dist.sample(wrng);
  const double d = pl.spec->delay.dist.sample(drng);
  out.push_back({source, target, static_cast<float>(w), pl.receptor,
                 std::max<std::int64_t>(1, Time::from_ms(d).ticks())});
}

/// Distinct or repeated draws of `k` indices in [0, n) minus `skip` (autapse), in draw order.
void choose(RandomStream& rng, std::size_t n, std::size_t k, bool multapses, std::int64_t skip,
            std::vector<std::uint32_t>& out) {
  out.clear();
  const std::size_t m = skip >= 0 ? n - 1 : n;
  auto map = [&](std::uint64_t i) {
    return static_cast<std::uint32_t>(skip >= 0 && static_cast<std::int64_t>(i) >= skip ? i + 1
                                                                                        : i);
  };
  if (multapses) {
    for (std::size_t j = 0; j < k; ++j)
      out.push_back(map(rng.below(m)));
    return;
  }
  // Floyd's algorithm: k distinct values with k draws.
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

void generate_for_target(const ProjectionPlan& pl, std::uint64_t seed, std::uint32_t tgt_local,
                         std::vector<Edge>& out, std::vector<std::uint32_t>& scratch) {
  const std::uint32_t tgt = pl.tgt->info.first + tgt_local;
  const std::size_t n_src = pl.src->info.size;
  const bool allow_self = pl.spec->rule.autapses || !pl.same_population;
  RandomStream crng(seed, tgt, Purpose::connectivity, pl.index);
  RandomStream wrng(seed, tgt, Purpose::weights, pl.index);
  RandomStream drng(seed, tgt, Purpose::delays, pl.index);
  auto emit = [&](std::size_t s_local) {
    draw_synapse_values(pl, wrng, drng, pl.src->info.first + static_cast<std::uint32_t>(s_local),
                        tgt, out);
  };
  switch (pl.spec->rule.kind) {
    case ConnectionRule::Kind::one_to_one:
      if (allow_self) emit(tgt_local);
      break;
    case ConnectionRule::Kind::all_to_all:
      for (std::size_t s = 0; s < n_src; ++s)
        if (allow_self || s != tgt_local) emit(s);
      break;
    case ConnectionRule::Kind::pairwise_bernoulli: {
      const double p = pl.spec->rule.p;
      if (p <= 0) break;
      if (p >= 1) {
        for (std::size_t s = 0; s < n_src; ++s)
          if (allow_self || s != tgt_local) emit(s);
        break;
      }
      // Geometric skipping: the gap to the next chosen source is geometric(p).
      const double log_q = std::log1p(-p);
      double s = -1;
      for (;;) {
        s += 1.0 + std::floor(std::log(crng.uniform_open0()) / log_q);
        if (s >= static_cast<double>(n_src)) break;
        const auto si = static_cast<std::size_t>(s);
        if (allow_self || si != tgt_local) emit(si);
      }
      break;
    }
    case ConnectionRule::Kind::fixed_indegree:
      choose(crng, n_src, pl.spec->rule.n, pl.spec->rule.multapses,
             allow_self ? -1 : static_cast<std::int64_t>(tgt_local), scratch);
      for (auto s : scratch)
        emit(s);
      break;
    default:
      break;
  }
}

}  // namespace

std::size_t population_of(const std::vector<BuiltPopulation>& pops, std::uint32_t gid) {
  const auto it =
      std::upper_bound(pops.begin(), pops.end(), gid,
                       [](std::uint32_t g, const BuiltPopulation& p) { return g < p.info.first; });
  return static_cast<std::size_t>(it - pops.begin()) - 1;
}

BuiltNetwork build_network(const NetworkSpec& spec, const ModelRegistry& models, std::uint64_t seed,
                           Executor& executor) {
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
    if (next_gid + ps.size > kMaxCells)
      throw Error(fmt::format("{}: the network would exceed {} cells", who, kMaxCells));
    bp.info = {ps.name, ps.model, static_cast<std::uint32_t>(next_gid),
               static_cast<std::uint32_t>(ps.size)};
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
  std::vector<ProjectionPlan> plans;
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
      default:
        throw Error(
            fmt::format("{}: connection rule {} is not available yet; available: "
                        "one_to_one, all_to_all, pairwise_bernoulli, fixed_indegree",
                        who, rule_name(rule.kind)));
    }
    plans.push_back({&pj, i, &src, &tgt, static_cast<std::uint16_t>(r), same});
  }

  // --- synapses: generated per target cell from streams keyed by that cell, so the result
  // does not depend on how the work is split over threads.
  std::vector<std::vector<Edge>> per_target(net.num_cells);
  constexpr std::uint32_t kBlock = 256;
  const std::size_t blocks = (net.num_cells + kBlock - 1) / kBlock;
  executor.for_each(blocks, [&](std::size_t b) {
    std::vector<std::uint32_t> scratch;
    const auto begin = static_cast<std::uint32_t>(b * kBlock);
    const auto end = std::min<std::uint32_t>(net.num_cells, begin + kBlock);
    for (std::uint32_t gid = begin; gid != end; ++gid) {
      for (const auto& pl : plans) {
        const auto& ti = pl.tgt->info;
        if (gid < ti.first || gid >= ti.first + ti.size) continue;
        generate_for_target(pl, seed, gid - ti.first, per_target[gid], scratch);
      }
    }
  });
  std::size_t total = 0;
  for (const auto& v : per_target)
    total += v.size();
  net.edges.reserve(total);
  for (auto& v : per_target) {
    net.edges.insert(net.edges.end(), v.begin(), v.end());
    std::vector<Edge>().swap(v);
  }
  for (const auto& e : net.edges)
    net.min_delay = std::min(net.min_delay, Time::from_ticks(e.delay));
  return net;
}

}  // namespace spindle::detail
