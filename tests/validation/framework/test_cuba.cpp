// The CUBA network (Vogels & Abbott 2005; Brette et al. 2007 benchmark 2) settles into
// asynchronous irregular activity at the rate an independent simulator finds for it.
#include <cmath>

#include "spindle/analysis.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/reference_networks.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"

using namespace spindle;

TEST_CASE("CUBA: asynchronous irregular activity at Brian2's rate", "[cuba][validation]") {
  const double duration_ms = 2000;
  Simulation sim(models::cuba_network(), models::builtin_registry(), {.seed = 3});
  sim.run(Time::from_ms(duration_ms));
  const auto spikes = sim.spikes();
  const auto pops =
      analysis::summarize(spikes, sim.populations(), Time::zero(), Time::from_ms(duration_ms));
  const auto all = analysis::summarize(spikes, {analysis::all_cells(sim.populations())},
                                       Time::zero(), Time::from_ms(duration_ms))
                       .front();
  // Irregular: CV of ISIs above 0.5 in every population (Brian2 gives 0.52 at 1 s and 0.68 at
  // 5 s; the 1 s estimate is biased low by the few spikes per cell, so we run 2 s).
  for (const auto& p : pops) {
    INFO(p.name << ": rate " << p.rate_hz << " Hz, CV " << p.cv_isi);
    CHECK(p.cv_isi > 0.5);
  }
  // Rate: 19 one-second Brian2 runs of the same network give 5.61 +- 0.21 Hz (seed to seed,
  // docs/validation.md). Three seed-SDs allow for our seed and the longer run; a kernel that
  // drops or delays spikes moves the rate by far more (the network is strongly recurrent).
  CHECK(std::abs(all.rate_hz - 5.61) < 3 * 0.21);
  // Asynchronous: Golomb's synchrony chi in 5 ms bins after the 100 ms start-up is small
  // (1/sqrt(4000) = 0.016 for independent cells, 1 for full synchrony; measured ~0.04 here).
  // For contrast the same measure gives ~1 for a network of identical cells firing in lockstep.
  const double chi =
      analysis::synchrony_chi(spikes, analysis::all_cells(sim.populations()), Time::from_ms(100),
                              Time::from_ms(duration_ms), Time::from_ms(5));
  INFO("synchrony chi " << chi);
  CHECK(chi < 0.15);
}
