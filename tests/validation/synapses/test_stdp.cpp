// STDP rules reproduce their configured windows, and inhibitory STDP (Vogels et al. 2011)
// drives a cell's rate to its target.
#include <cmath>
#include <memory>

#include "spindle/models/builtin.hpp"
#include "spindle/models/stdp.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"
#include "support/test_models.hpp"

using namespace spindle;
using namespace spindle::literals;
using namespace spindle::test;

namespace {
/// |w| after a presynaptic spike arriving at `pre_ms` and postsynaptic spikes at `post_ms`,
/// starting from |w| = 50 (w_max 100). The plastic synapse uses the parrot's "inh" port, which
/// the parrot ignores, so the pairing is exactly the one scheduled.
double weight_after(const std::string& rule, const ParameterSet& params,
                    const std::vector<double>& pre_ms, const std::vector<double>& post_ms) {
  ModelRegistry reg = test_registry(std::make_shared<ListenerLog>());
  reg.add_synapse_model(models::stdp_pair_model());
  reg.add_synapse_model(models::stdp_triplet_model());
  const double delay = 1.0;
  NetworkSpec net;
  net.add_population("pre", "parrot", 1);
  net.add_population("post", "parrot", 1);
  std::vector<double> fire;
  for (double t : pre_ms)
    fire.push_back(t - delay);
  net.add_spike_times("pre", fire, "exc", 1.0_pA);
  net.add_spike_times("post", post_ms, "exc", 1.0_pA);
  net.connect("pre", "post", ConnectionRule::all_to_all(), "inh", -50.0_pA, Milliseconds{delay})
      .with_synapse(rule, params);
  Simulation sim(net, reg);
  sim.run(Time::from_ms(500));
  for (const auto& s : sim.synapses())
    if (s.source == 0) return -static_cast<double>(s.weight);
  return NAN;
}
}  // namespace

TEST_CASE("Pair STDP: a pairing protocol over -100..100 ms reproduces the window",
          "[stdp][validation]") {
  const double tau_p = 16.8, tau_m = 33.7, a_p = 0.01, a_m = 0.0105, w_max = 100;
  const ParameterSet params{{"tau_plus", Milliseconds{tau_p}},
                            {"tau_minus", Milliseconds{tau_m}},
                            {"A_plus", a_p},
                            {"A_minus", a_m},
                            {"w_max", w_max}};
  for (double dt : {-100.0, -50.0, -20.0, -10.0, -5.0, -1.0, 1.0, 5.0, 10.0, 20.0, 50.0, 100.0}) {
    const double dw = weight_after("stdp_pair", params, {200.0}, {200.0 + dt}) - 50.0;
    const double want =
        dt > 0 ? w_max * a_p * std::exp(-dt / tau_p) : -w_max * a_m * std::exp(dt / tau_m);
    INFO("dt = " << dt << " ms: dw " << dw << ", window " << want);
    // The reported weight is a float near 50: 4e-6 resolution.
    CHECK(std::abs(dw - want) < 1e-5);
  }
}

TEST_CASE("Triplet STDP: a pre-post-post triplet potentiates by the Pfister-Gerstner rule",
          "[stdp][validation]") {
  const double w_max = 100, a2p = 0.01, a3p = 0.02, tau_p = 16.8, tau_y = 125;
  const ParameterSet params{
      {"A2_plus", a2p}, {"A3_plus", a3p}, {"A2_minus", 0.0}, {"A3_minus", 0.0}, {"w_max", w_max}};
  const double dw = weight_after("stdp_triplet", params, {100.0}, {110.0, 120.0}) - 50.0;
  // First post: r1 = e^{-10/tau+}, o2(t-) = 0. Second: r1 = e^{-20/tau+}, o2(t-) = e^{-10/tau_y}.
  const double want = w_max * std::exp(-10 / tau_p) * a2p +
                      w_max * std::exp(-20 / tau_p) * (a2p + a3p * std::exp(-10 / tau_y));
  CHECK(std::abs(dw - want) < 1e-5);
  // The triplet term matters: the same spikes without it potentiate less.
  const double pair_only = weight_after("stdp_triplet",
                                        {{"A2_plus", a2p},
                                         {"A3_plus", 0.0},
                                         {"A2_minus", 0.0},
                                         {"A3_minus", 0.0},
                                         {"w_max", w_max}},
                                        {100.0}, {110.0, 120.0}) -
                           50.0;
  CHECK(dw - pair_only > 0.1);
}

TEST_CASE("STDP: weights stay within [0, w_max] and keep the receptor's sign",
          "[stdp][validation]") {
  // 40 depressing pairings would take |w| far below 0 without the bound.
  std::vector<double> pre, post;
  for (int k = 0; k < 40; ++k)
    pre.push_back(20.0 + 10 * k), post.push_back(15.0 + 10 * k);
  const double w = weight_after("stdp_pair", {{"A_minus", 0.5}, {"w_max", 100.0}}, pre, post);
  CHECK(w == 0.0);
  CHECK_THROWS_WITH(weight_after("stdp_pair", {{"w_max", 10.0}}, {100.0}, {110.0}),
                    Catch::Matchers::Contains("initial weight -50 exceeds w_max = 10"));
}

TEST_CASE("Vogels iSTDP drives a cell's rate to rho0 within 10%", "[stdp][validation]") {
  // 20 lif_exp cells driven by excitatory Poisson input to ~27 Hz; 200 inhibitory relay cells
  // fire at 10 Hz (Poisson) onto all of them through plastic synapses starting at 0. Inhibition
  // grows until the cells fire at rho0 = 5 Hz (Vogels et al. 2011, Fig. 2). The rate is measured
  // over the last 10 s of 40 s, after the weights have settled. Seeds 2-5 give 5.08-5.19 Hz.
  const double rho0 = 5.0;
  const double duration = 40000, window = 10000;
  NetworkSpec net;
  net.add_population("cells", "lif_exp", 20,
                     {{"tau_m", 20.0_ms}, {"tau_syn_exc", 5.0_ms}, {"tau_syn_inh", 10.0_ms}})
      .init("V_m", uniform(-70.0_mV, -56.0_mV));
  net.add_population("inh", "parrot", 200);
  net.add_poisson("cells", 2500.0_Hz, "exc", 20.0_pA);
  net.add_poisson("inh", 10.0_Hz, "exc", 1.0_pA);
  net.connect("inh", "cells", ConnectionRule::all_to_all(), "inh", 0.0_pA, 1.0_ms)
      .with_synapse("vogels_istdp",
                    {{"tau", 20.0_ms}, {"eta", 1e-3}, {"rho0", Hertz{rho0}}, {"w_max", 200.0}});
  ModelRegistry reg = models::builtin_registry();
  reg.add_cell_model(parrot_model());
  Simulation sim(net, reg, {.seed = 2});
  sim.run(Time::from_ms(duration));
  std::size_t late = 0, early = 0;
  for (const auto& s : sim.spikes()) {
    if (s.cell >= 20) continue;
    if (s.time >= Time::from_ms(duration - window)) ++late;
    if (s.time < Time::from_ms(1000)) ++early;
  }
  const double rate = static_cast<double>(late) / (20 * window * 1e-3);
  const double start_rate = static_cast<double>(early) / 20.0;
  INFO("rate in the first second " << start_rate << " Hz, last 10 s " << rate << " Hz");
  CHECK(start_rate > 4 * rho0);  // the cells start far above the target
  CHECK(std::abs(rate - rho0) < 0.1 * rho0);
}
