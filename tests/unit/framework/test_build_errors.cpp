// Every mistake in a NetworkSpec is refused at build time with a message that names the item
// and says what is allowed.
#include <limits>
#include <memory>

#include "spindle/error.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"
#include "support/test_models.hpp"

using namespace spindle;
using namespace spindle::literals;
using namespace spindle::test;
using Catch::Matchers::Contains;

namespace {
NetworkSpec valid() {
  NetworkSpec net;
  net.add_population("src", "parrot", 4);
  net.add_population("dst", "listener", 3);
  net.connect("src", "dst", ConnectionRule::all_to_all(), "exc", 1.0_pA, 1.0_ms);
  return net;
}
void expect_error(const NetworkSpec& net, const std::string& a, const std::string& b) {
  const auto models = test_registry(std::make_shared<ListenerLog>());
  CHECK_THROWS_AS(Simulation(net, models), Error);
  CHECK_THROWS_WITH(Simulation(net, models), Contains(a) && Contains(b));
}
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEST_CASE("Build: a valid spec builds", "[build][unit]") {
  const auto models = test_registry(std::make_shared<ListenerLog>());
  Simulation sim(valid(), models);
  CHECK(sim.num_cells() == 7);
  CHECK(sim.num_synapses() == 12);
}

TEST_CASE("Build: population mistakes", "[build][unit]") {
  auto net = valid();
  net.populations[0].model = "lif_nope";
  expect_error(
      net, "population 'src'",
      "unknown cell model 'lif_nope'; known cell models: dendritic_listener, listener, parrot");
  net = valid();
  net.populations[1].size = 0;
  expect_error(net, "population 'dst'", "size must be >= 1");
  net = valid();
  net.populations[1].name = "src";
  expect_error(net, "population 'src'", "used by another population");
  net = valid();
  net.populations[1].set("tau_m", 3.0);
  expect_error(net, "unknown parameter 'tau_m'", "known parameters: tau");
  net = valid();
  net.populations[1].set("tau", kNaN);
  expect_error(net, "parameter 'tau'", "> 0 ms");
  net = valid();
  net.populations[1].set("tau", -1.0);
  expect_error(net, "parameter 'tau' = -1", "> 0 ms");
  net = valid();
  net.populations[1].init("V", 1.0_mV);
  expect_error(net, "unknown state variable 'V'", "count");
}

TEST_CASE("Build: projection mistakes", "[build][unit]") {
  auto net = valid();
  net.projections[0].delay = 0.0_ms;
  expect_error(net, "projection 'src->dst'", "delays must be >= 1e-6 ms");
  net = valid();
  net.projections[0].delay = -1.5_ms;
  expect_error(net, "projection 'src->dst'", "delay -1.5");
  net = valid();
  net.projections[0].delay = Milliseconds(kNaN);
  expect_error(net, "projection 'src->dst'", "finite");
  net = valid();
  net.projections[0].delay = normal(1.0_ms, 0.5_ms);
  expect_error(net, "projection 'src->dst'", "truncate");
  net = valid();
  net.projections[0].delay = 5000.0_ms;
  expect_error(net, "projection 'src->dst'", "maximum of 4294.967295 ms");
  net = valid();
  net.projections[0].delay = 1.0_mV;
  expect_error(net, "delays are in ms", "mV");
  net = valid();
  net.projections[0].target = "nowhere";
  expect_error(net, "unknown population 'nowhere'", "populations: src, dst");
  net = valid();
  net.projections[0].receptor = "AMPA";
  expect_error(net, "has no receptor 'AMPA'", "receptors: exc, inh, any");
  net = valid();
  net.projections[0].weight = 2.0_nS;
  expect_error(net, "receptor 'exc' are in pA", "given in nS");
  net = valid();
  net.projections[0].weight = -1.0_pA;
  expect_error(net, "receptor 'exc' takes weights >= 0", "-1");
  net = valid();
  net.projections[0].receptor = "inh";
  expect_error(net, "receptor 'inh' takes weights <= 0", "1");
  net = valid();
  net.projections[0].rule = ConnectionRule::pairwise_bernoulli(1.5);
  expect_error(net, "projection 'src->dst'", "p must be in [0, 1]");
  net = valid();
  net.projections[0].rule = ConnectionRule::one_to_one();
  expect_error(net, "one_to_one needs populations of equal size", "4 and 3");
  net = valid();
  net.projections[0].rule = ConnectionRule::fixed_indegree(9, false, false);
  expect_error(net, "fixed_indegree K = 9", "4 distinct sources");
}

TEST_CASE("Build: stimulus, probe and option mistakes", "[build][unit]") {
  auto net = valid();
  net.add_poisson("dst", -5.0_Hz, "exc", 1.0_pA);
  expect_error(net, "stimulus 'poisson->dst'", "rate must be a finite value >= 0 Hz");
  net = valid();
  net.add_spike_times("dst", {1.0, 0.5}, "exc", 1.0_pA);
  expect_error(net, "spike times must be ascending", "0.5");
  net = valid();
  net.add_spike_times("dst", {1.0}, "exc", 1.0_pA).cells = {3};
  expect_error(net, "cell index 3 is outside population 'dst'", "cells 0..2");
  net = valid();
  net.add_step_current("dst", {1.0, 2.0}, {1.0});
  expect_error(net, "2 times but 1 amplitudes", "one amplitude per time");
  net = valid();
  net.add_probe("dst", "V_m", {1.0});
  expect_error(net, "no state variable 'V_m'", "count");
  const auto models = test_registry(std::make_shared<ListenerLog>());
  CHECK_THROWS_WITH(Simulation(valid(), models, {.seed = 1, .threads = 0}),
                    Contains("threads must be >= 1"));
}
