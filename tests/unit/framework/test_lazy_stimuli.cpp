// Lazy Poisson trains (SimulationOptions::lazy_stimuli, CellGroup::safe_weight): the kernel may
// apply Poisson inputs late, without a queue event each, only where the model guarantees they
// cannot make the cell fire. Checked here: (a) the spikes are bit-identical with laziness on and
// off, for lif_delta and lif_exp networks (Poisson-driven, refractory-heavy, several trains on one
// cell, with DC steps and probes), and the lazy path was taken; probed states agree to rounding
// (a model that accepts late inputs adds them after covered network input: another order of
// the same additions); (b) safe_weight is never optimistic: from random states, the inputs it
// allows, at random times, never make the model predict or find a crossing (exact solver).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "spindle/models/builtin.hpp"
#include "spindle/models/lif_delta.hpp"
#include "spindle/models/lif_exp.hpp"
#include "spindle/models/microcircuit.hpp"
#include "spindle/models/reference_networks.hpp"
#include "spindle/random.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::literals;

namespace {

struct Outcome {
  std::vector<Spike> spikes;
  std::vector<ProbeSample> samples;
  RunStatistics stats;
};

/// Runs `net` to `until_ms` (in two calls, so that a run() boundary falls inside the trains).
Outcome simulate(const NetworkSpec& net, bool lazy, double until_ms, unsigned threads = 1,
                 unsigned partitions = 3) {
  const auto models = models::builtin_registry();
  Simulation sim(net, models,
                 {.seed = 7, .threads = threads, .partitions = partitions, .lazy_stimuli = lazy});
  sim.run(Time::from_ms(0.37 * until_ms));
  sim.run(Time::from_ms(until_ms));
  return {sim.spikes(), sim.samples(), sim.statistics()};
}

/// Lazy and eager runs give the same spikes, samples and input counts, and the lazy one saved
/// queue events.
void check_identical(const NetworkSpec& net, double until_ms) {
  const Outcome eager = simulate(net, false, until_ms);
  const Outcome lazy = simulate(net, true, until_ms);
  REQUIRE(eager.spikes.size() > 0);
  CHECK(lazy.spikes == eager.spikes);
  REQUIRE(lazy.samples.size() == eager.samples.size());
  for (std::size_t i = 0; i < lazy.samples.size(); ++i)  // the same sums, maybe in another order
    CHECK(std::abs(lazy.samples[i].value - eager.samples[i].value) <=
          1e-12 * (1.0 + std::abs(eager.samples[i].value)));
  CHECK(lazy.stats.stimulus_events == eager.stats.stimulus_events);
  CHECK(lazy.stats.synaptic_events == eager.stats.synaptic_events);
  CHECK(eager.stats.stimulus_events_lazy == 0);
  CHECK(lazy.stats.stimulus_events_lazy > 0);
  // Two threads and another partitioning apply the same inputs lazily in the same way.
  const Outcome other = simulate(net, true, until_ms, 2, 5);
  CHECK(other.spikes == eager.spikes);
  CHECK(other.stats.stimulus_events_lazy == lazy.stats.stimulus_events_lazy);
}

std::vector<double> sample_times(double until_ms, double step_ms) {
  std::vector<double> t;
  for (double x = step_ms; x < until_ms; x += step_ms)
    t.push_back(x);
  return t;
}

}  // namespace

TEST_CASE("Lazy stimuli: Brunel lif_delta network, same spikes", "[lazy][unit]") {
  models::BrunelParams p = models::BrunelParams{}.reduced(0.04, 0.1);
  check_identical(models::brunel_network(p), 150.0);
}

TEST_CASE("Lazy stimuli: late inputs after covered network input (lif_delta)", "[lazy][unit]") {
  // Brunel's cells get one excitatory train each and recurrent excitation and inhibition: most
  // pending arrivals are applied after later network input (receive_late).
  models::BrunelParams p = models::BrunelParams{}.reduced(0.04, 0.1);
  NetworkSpec net = models::brunel_network(p);
  net.add_probe("E", "V_m", sample_times(80.0, 0.37), {0, 1, 2, 3, 50, 199});
  const Outcome eager = simulate(net, false, 80.0);
  const Outcome lazy = simulate(net, true, 80.0);
  REQUIRE(eager.spikes.size() > 100);
  CHECK(lazy.spikes == eager.spikes);
  CHECK(eager.stats.stimulus_events_late == 0);
  // Nearly all lazy arrivals go through receive_late; measured 99 %.
  CHECK(lazy.stats.stimulus_events_late > 0.9 * lazy.stats.stimulus_events_lazy);
  REQUIRE(lazy.samples.size() == eager.samples.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < lazy.samples.size(); ++i)
    worst = std::max(worst, std::abs(lazy.samples[i].value - eager.samples[i].value));
  CHECK(worst <= 1e-11);  // mV: rounding of V near 10-20 mV
  // Another partitioning defers the same arrivals: the states are bit-identical to the lazy run.
  const Outcome other = simulate(net, true, 80.0, 2, 5);
  CHECK(other.spikes == eager.spikes);
  REQUIRE(other.samples.size() == lazy.samples.size());
  for (std::size_t i = 0; i < other.samples.size(); ++i)
    CHECK(other.samples[i].value == lazy.samples[i].value);
}

TEST_CASE("Lazy stimuli: lif_delta driven by Poisson input, refractory-heavy, several trains",
          "[lazy][unit]") {
  NetworkSpec net;
  // Fires mostly from its Poisson drive (mean input 0.2 mV x 8 kHz x 10 ms = 16 mV over 15 to
  // threshold), with a long refractory period, several trains per cell, a DC step and probes.
  net.add_population("P", "lif_delta", 40, {{"t_ref", 8.0_ms}, {"E_L", -65.0_mV}})
      .init("V_m", ValueSpec(Distribution::uniform(-70.0, -51.0), Unit::mV));
  net.add_population("Q", "lif_delta", 20, {{"t_ref", 0.5_ms}});
  net.add_poisson("P", 8000.0_Hz, "exc", 0.2_mV);
  net.add_poisson("P", 3000.0_Hz, "exc", 0.15_mV).cells = {0, 1, 2, 3, 4, 5, 6, 7};
  net.add_poisson("P", 2000.0_Hz, "inh", -0.3_mV).cells = {0, 2, 4, 6, 8, 10};
  net.add_step_current("P", {30.0, 60.0}, {150.0, 0.0}).cells = {1, 2, 3};
  net.add_poisson("Q", 12000.0_Hz, "exc", 0.1_mV);
  net.connect("P", "Q", ConnectionRule::fixed_indegree(10), "exc", 0.5_mV, 1.0_ms);
  net.connect("Q", "P", ConnectionRule::fixed_indegree(5), "inh", -0.4_mV, 0.7_ms);
  net.add_probe("P", "V_m", sample_times(100.0, 0.7), {0, 1, 2, 9});
  check_identical(net, 100.0);
}

TEST_CASE("Lazy stimuli: lif_exp networks with Poisson drive, same spikes", "[lazy][unit]") {
  SECTION("pd14 at scale 0.02") {
    models::MicrocircuitParams p;
    p.scale = 0.02;
    p.variant = models::MicrocircuitParams::Variant::pd14;
    check_identical(models::microcircuit_network(p), 60.0);
  }
  SECTION("Poisson-driven, refractory-heavy, several trains per cell") {
    NetworkSpec net;
    net.add_population("P", "lif_exp", 40,
                       {{"t_ref", 6.0_ms}, {"tau_syn_exc", 0.5_ms}, {"tau_syn_inh", 3.0_ms}})
        .init("V_m", ValueSpec(Distribution::uniform(-75.0, -56.0), Unit::mV));
    // A slow excitatory synapse (tau_syn_exc > tau_m) takes the other branch of the envelope.
    net.add_population("S", "lif_exp", 20, {{"tau_m", 5.0_ms}, {"tau_syn_exc", 8.0_ms}});
    net.add_poisson("P", 9000.0_Hz, "exc", 90.0_pA);
    net.add_poisson("P", 2000.0_Hz, "exc", 25.0_pA).cells = {0, 1, 2, 3, 4, 5};
    net.add_poisson("P", 3000.0_Hz, "inh", -30.0_pA).cells = {0, 3, 6, 9};
    net.add_dc("P", 80.0_pA, 20.0_ms, 50.0_ms).cells = {2, 3, 4};
    net.add_poisson("S", 6000.0_Hz, "exc", 25.0_pA);
    net.connect("P", "S", ConnectionRule::fixed_indegree(8), "exc", 60.0_pA, 1.0_ms);
    net.connect("S", "P", ConnectionRule::fixed_indegree(4), "inh", -50.0_pA, 0.8_ms);
    net.add_probe("P", "V_m", sample_times(100.0, 0.9), {0, 2, 3, 11});
    net.add_probe("S", "I_exc", sample_times(100.0, 1.3), {0, 5});
    check_identical(net, 100.0);
  }
}

TEST_CASE("Lazy stimuli: inhibitory trains onto cells that fire on their own", "[lazy][unit]") {
  // Bias currents above rheobase make the cells fire regularly; dense, weak inhibitory trains
  // (infinite headroom: drawn far ahead) then often arrive in the tick of a crossing, which
  // comes before them (the reset is pending when the input is applied).
  // A fast membrane (tau_m 1 ms, V_inf 40 mV above rest) fires at about 1.7 kHz; at 3 MHz an
  // arrival shares the crossing's 1 ns tick in 0.3 % of the 1 400 crossings of each population.
  NetworkSpec net;
  const ParameterSet fast = {{"tau_m", 1.0_ms}, {"I_e", 10000.0_pA}, {"t_ref", 0.1_ms}};
  net.add_population("D", "lif_delta", 20, fast)
      .init("V_m", ValueSpec(Distribution::uniform(-65.0, -50.0), Unit::mV));
  net.add_population("X", "lif_exp", 20, fast)
      .init("V_m", ValueSpec(Distribution::uniform(-70.0, -55.0), Unit::mV));
  net.add_poisson("D", 3.0e6_Hz, "inh", -0.001_mV);
  net.add_poisson("X", 3.0e6_Hz, "inh", -0.05_pA);
  net.add_poisson("X", 5000.0_Hz, "exc", 20.0_pA).cells = {0, 1, 2};
  check_identical(net, 40.0);
}

namespace {

/// Applies safe_inputs() inputs of `weight` on "exc" at random times from t0 (some together)
/// and checks that the model never predicts or finds a crossing. Returns the number allowed.
/// Starts cell c at V_m = v; a v above threshold makes it fire at 0, so that it starts refractory.
template <class Group>
void start_cell(Group& g, std::size_t c, double v, bool fires) {
  g.set_state(c, Group::V_m, v);
  g.predict(c, Time::zero());
  if (fires) {
    Time next;
    REQUIRE(g.check(c, Time::zero(), next));
  }
}

template <class Group>
std::uint32_t apply_allowed(Group& g, std::size_t c, Time t0, double weight, double current,
                            RandomStream& rng) {
  const std::uint32_t k = g.safe_inputs(c, t0, weight, Group::exc);
  Time t = t0;
  for (std::uint32_t j = 0; j < k; ++j) {
    if (rng.uniform() < 0.7) t += Time::from_ms(rng.exponential(0.4));
    const Time answer = g.receive(c, t, weight, Group::exc);
    REQUIRE((answer == keep_prediction || answer.is_never()));
  }
  // The exact next crossing of the final state (set_current recomputes it from scratch).
  CHECK(g.set_current(c, t, current).is_never());
  CHECK(g.late_checks() == 0);
  return k;
}

}  // namespace

TEST_CASE("Lazy stimuli: lif_delta safe_weight is never optimistic", "[lazy][unit]") {
  const models::LifDeltaParams p;  // V_th -50, V_reset -65, E_L -65, t_ref 2 ms, R = 0.04
  RandomStream rng(11, 0, Purpose::user);
  const std::size_t n = 400;
  models::LifDeltaGroup g(p, n);
  std::uint32_t total = 0, some = 0;
  for (std::size_t c = 0; c < n; ++c) {
    const double current = rng.uniform(-100.0, 450.0);  // V_inf from -69 to -47 mV
    if (c % 3 == 0)                                     // starts refractory
      start_cell(g, c, -40.0, true);
    else
      start_cell(g, c, rng.uniform(-70.0, -50.5), false);
    const Time t0 = Time::from_ms(rng.uniform(0.0, 3.0));
    if (!g.set_current(c, t0, current).is_never()) continue;  // would fire without input
    const double w = rng.uniform(0.05, 2.0);
    const std::uint32_t k = apply_allowed(g, c, t0, w, current, rng);
    total += k;
    some += k > 0;
  }
  CHECK(some > n / 4);  // the bound is not vacuous
  CHECK(total > 5 * some);
  // Tight where V is at its highest now: everything at once, one input of w more than allowed
  // plus one reaches threshold (the bound loses less than one input).
  models::LifDeltaGroup h(p, 1);
  h.set_state(0, models::LifDeltaGroup::V_m, -58.3);
  h.predict(0, Time::zero());
  const std::uint32_t k = h.safe_inputs(0, Time::zero(), 0.5, models::LifDeltaGroup::exc);
  CHECK(k == 16);  // (-50 - -58.3) / 0.5 = 16.6
  CHECK(h.safe_inputs(0, Time::zero(), 0.5, models::LifDeltaGroup::inh) == max_safe_inputs);
}

TEST_CASE("Lazy stimuli: lif_exp safe_weight is never optimistic", "[lazy][unit]") {
  RandomStream rng(12, 0, Purpose::user);
  for (const double tau_exc : {0.5, 2.0, 15.0}) {  // fast and slow excitatory synapses
    models::LifExpParams p;                        // V_th -55, V_reset -70, tau_m 10 ms
    p.tau_syn_exc = tau_exc;
    p.tau_syn_inh = 3.0;
    const std::size_t n = 300;
    models::LifExpGroup g(p, n);
    std::uint32_t some = 0;
    for (std::size_t c = 0; c < n; ++c) {
      const double current = rng.uniform(-100.0, 300.0);  // V_inf from -74 to -58 mV
      g.set_state(c, models::LifExpGroup::I_exc, rng.uniform(0.0, 200.0));
      g.set_state(c, models::LifExpGroup::I_inh, rng.uniform(-600.0, 0.0));
      if (c % 3 == 0)  // refractory ("open") at the start
        start_cell(g, c, -50.0, true);
      else
        start_cell(g, c, rng.uniform(-75.0, -55.5), false);
      const Time t0 = Time::from_ms(rng.uniform(0.0, 3.0));
      if (!g.set_current(c, t0, current).is_never()) continue;
      some += apply_allowed(g, c, t0, rng.uniform(5.0, 80.0), current, rng) > 0;
    }
    CHECK(some > n / 8);
  }
  // Worst case, all at once: k inputs stay below threshold; against the exact peak of one PSP
  // (0.81 |k_exc| w at tau_m / tau_syn = 20) the bound gives away at most a fifth.
  models::LifExpParams p;
  p.tau_syn_exc = 0.5;
  models::LifExpGroup h(p, 1);
  h.predict(0, Time::zero());  // at rest, -70 mV: 15 mV of room
  const double w = 10.0;
  const double dA = w * p.tau_m * p.tau_syn_exc / (p.C_m * (p.tau_m - p.tau_syn_exc));
  const std::uint32_t k = h.safe_inputs(0, Time::zero(), w, models::LifExpGroup::exc);
  CHECK(k == static_cast<std::uint32_t>(15.0 / dA));
  CHECK(k >= static_cast<std::uint32_t>(0.8 * 15.0 / (0.81 * dA)));
}

TEST_CASE("Lazy stimuli: measured effect", "[.lazy-stats]") {
  // Not run by ctest (hidden tag): prints the counters for docs/performance.md.
  models::MicrocircuitParams mp;
  mp.scale = 0.1;
  mp.variant = models::MicrocircuitParams::Variant::pd14;
  const std::pair<const char*, NetworkSpec> nets[] = {
      {"brunel", models::brunel_network({})}, {"pd14 0.1", models::microcircuit_network(mp)}};
  for (const auto& [name, net] : nets) {
    const auto models = models::builtin_registry();
    Simulation sim(net, models, {.seed = 1});
    sim.run(Time::from_ms(100.0));
    const auto s = sim.statistics();
    WARN(name << ": stimulus " << s.stimulus_events << ", lazy " << s.stimulus_events_lazy
              << ", requeued " << s.stimulus_requeued << ", synaptic " << s.synaptic_events
              << ", spikes " << s.spikes);
  }
}
