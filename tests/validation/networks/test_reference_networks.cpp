// The reference-network builders (models/reference_networks.hpp) build what the papers
// describe: sizes, exact in-degrees, weights, delays and drive.
#include <cmath>
#include <vector>

#include "spindle/models/builtin.hpp"
#include "spindle/models/reference_networks.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::models;

TEST_CASE("Brunel network: exact in-degrees, no autapses, weights J and -gJ, delay D, drive",
          "[reference_networks][validation]") {
  BrunelParams p;
  p.g = 4.5;
  p = p.reduced(0.1, 0.1);  // 1000 + 250 cells, C_E = 100, C_I = 25, J = 1 mV
  REQUIRE(p.N_E == 1000);
  REQUIRE(p.N_I == 250);
  REQUIRE(p.C_E == 100);
  REQUIRE(p.C_I == 25);
  CHECK(p.J == 1.0);
  const NetworkSpec net = brunel_network(p);

  // nu_thr = theta / (J C_E tau) = 20 / (1 * 100 * 0.02 s) = 10 Hz whatever the reduction;
  // each cell gets one train of C_E * eta * nu_thr = 2000 Hz of weight J.
  REQUIRE(net.stimuli.size() == 2);
  for (const StimulusSpec& s : net.stimuli) {
    CHECK(s.rate_hz == 2000.0);
    CHECK(s.receptor == "exc");
    CHECK(s.weight.dist.a == 1.0);
    CHECK(s.cells.empty());
  }

  const Simulation sim(net, builtin_registry());
  REQUIRE(sim.populations().size() == 2);
  CHECK(sim.populations()[0].name == "E");
  CHECK(sim.populations()[1].name == "I");
  const std::uint32_t n_e = sim.populations()[0].size;
  std::vector<std::size_t> from_e(sim.num_cells()), from_i(sim.num_cells());
  std::size_t autapses = 0, bad_weight = 0, bad_delay = 0;
  for (const SynapseInfo& s : sim.synapses()) {
    const bool exc = s.source < n_e;
    (exc ? from_e : from_i)[s.target] += 1;
    autapses += s.source == s.target;
    // Weights are stored as float: J = 1 and -g J = -4.5 are exact in float.
    bad_weight += s.weight != static_cast<float>(exc ? p.J : -p.g * p.J);
    bad_delay += s.delay != Time::from_ms(1.5);
  }
  CHECK(autapses == 0);
  CHECK(bad_weight == 0);
  CHECK(bad_delay == 0);
  std::size_t wrong_indegree = 0;
  for (std::uint32_t c = 0; c < sim.num_cells(); ++c)
    wrong_indegree += from_e[c] != p.C_E || from_i[c] != p.C_I;
  CHECK(wrong_indegree == 0);
  CHECK(sim.num_synapses() == sim.num_cells() * (p.C_E + p.C_I));
}

TEST_CASE("CUBA network: 3200 + 800 cells, p = 0.02 without autapses, 16.2 / -90 pA",
          "[reference_networks][validation]") {
  const Simulation sim(cuba_network(), builtin_registry());
  REQUIRE(sim.populations().size() == 2);
  CHECK(sim.populations()[0].name == "exc");
  CHECK(sim.populations()[0].size == 3200);
  CHECK(sim.populations()[1].name == "inh");
  CHECK(sim.populations()[1].size == 800);

  // Pairwise Bernoulli over the N (N - 1) ordered pairs without autapses: the synapse count
  // is Binomial(15 996 000, 0.02), mean 319 920, SD sqrt(n p (1 - p)) = 560. 4 SD: a correct
  // rule fails this with probability 6e-5 (and never for the fixed seed it runs with).
  const double pairs = 4000.0 * 3999.0;
  const double mean = 0.02 * pairs, sd = std::sqrt(pairs * 0.02 * 0.98);
  CHECK(std::abs(static_cast<double>(sim.num_synapses()) - mean) < 4.0 * sd);
  std::size_t autapses = 0, bad_weight = 0, bad_delay = 0;
  for (const SynapseInfo& s : sim.synapses()) {
    autapses += s.source == s.target;
    bad_weight += s.weight != (s.source < 3200 ? 16.2f : -90.0f);
    bad_delay += s.delay != Time::from_ms(0.1);
  }
  CHECK(autapses == 0);
  CHECK(bad_weight == 0);
  CHECK(bad_delay == 0);

  // scale rounds the sizes; p stays unless the caller raises it.
  const NetworkSpec small = cuba_network({.scale = 0.25, .p = 0.08});
  CHECK(small.populations[0].size == 800);
  CHECK(small.populations[1].size == 200);
  CHECK(small.projections[0].rule.p == 0.08);
}
