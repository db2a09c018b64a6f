// lif_exp's cheap answers to an excitatory input are lower bounds of the next threshold
// crossing (cell_model.hpp): a bound later than the crossing would let the kernel miss or delay
// a spike. The reference is the exact crossing of the same trajectory: a second group in the
// same state gets the same input and then set_current() with an unchanged current, which
// answers the exact next crossing (first_crossing, exp_sum_roots.hpp). Time constants cover
// every branch of the envelopes: synaptic rates tau_m / tau_syn below 1, between 1 and 2,
// exactly 2 and above 2, for both signs of the terms' coefficients.
#include <array>
#include <cstddef>
#include <random>

#include "spindle/models/lif_exp.hpp"
#include "support/catch.hpp"

using spindle::Time;
using spindle::models::LifExpGroup;
using spindle::models::LifExpParams;

namespace {

struct Tally {
  std::size_t finite = 0, tight = 0;  ///< finite crossings; bounds within 10 % of them
};

/// Random states near threshold, one excitatory input each; checks bound <= exact crossing.
Tally check_bounds(const LifExpParams& p, std::uint64_t seed) {
  constexpr std::size_t n = 4000;
  LifExpGroup bounded(p, n), exact(p, n);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> V(p.V_th - 3.0, p.V_th - 1e-6);
  std::uniform_real_distribution<double> Ie(0.0, 400.0), Ii(-400.0, 0.0), w(0.0, 100.0);
  std::uniform_int_distribution<std::int64_t> dt_ticks(0, 2'000'000);
  Tally tally;
  for (std::size_t c = 0; c < n; ++c) {
    const std::array<double, 3> state{V(rng), Ie(rng), Ii(rng)};
    for (LifExpGroup* g : {&bounded, &exact}) {
      g->set_state(c, LifExpGroup::V_m, state[0]);
      g->set_state(c, LifExpGroup::I_exc, state[1]);
      g->set_state(c, LifExpGroup::I_inh, state[2]);
      g->predict(c, Time::zero());
    }
    const Time t = Time::from_ticks(dt_ticks(rng));
    const double weight = w(rng);
    const Time bound = bounded.receive(c, t, weight, LifExpGroup::exc);
    if (bound == t) continue;  // a crossing before t fired (pending): no bound to test
    exact.receive(c, t, weight, LifExpGroup::exc);
    const Time crossing = exact.set_current(c, t, 0.0);
    INFO("state " << state[0] << " mV, " << state[1] << " pA, " << state[2] << " pA; input "
                  << weight << " pA at " << t.ticks() << " ticks");
    REQUIRE(bound <= crossing);
    if (crossing.is_never()) continue;
    ++tally.finite;
    if ((bound - t).to_ms() >= 0.9 * (crossing - t).to_ms()) ++tally.tight;
  }
  return tally;
}

}  // namespace

TEST_CASE("lif_exp: the answer to an excitatory input is a lower bound of the crossing",
          "[lif_exp][bounds]") {
  struct Case {
    double tau_m, tau_exc, tau_inh;
  };
  // tau_m / tau_syn: CUBA (4, 2); 1.5 and 0.5; 2 and 1.25; 0.25 and 10.
  const std::array<Case, 4> cases{
      {{20.0, 5.0, 10.0}, {15.0, 10.0, 30.0}, {10.0, 5.0, 8.0}, {5.0, 20.0, 0.5}}};
  std::uint64_t seed = 1;
  for (const Case& k : cases) {
    LifExpParams p;
    p.tau_m = k.tau_m;
    p.tau_syn_exc = k.tau_exc;
    p.tau_syn_inh = k.tau_inh;
    p.E_L = -49.0;  // above threshold at rest, as in CUBA: every cell has a crossing ahead
    p.V_th = -50.0;
    p.V_reset = -60.0;
    INFO("tau_m " << k.tau_m << ", tau_syn " << k.tau_exc << " / " << k.tau_inh);
    const Tally tally = check_bounds(p, seed++);
    CHECK(tally.finite > 1000);
  }
}
