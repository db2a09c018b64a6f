// The promise: a microcircuit gives identical spikes for any thread and partition count
// (DESIGN.md, "The event kernel"). Two recurrent networks whose dynamics amplify any
// difference (one spike moved by one tick changes everything after it): a reduced Brunel
// network in state C and a reduced CUBA network. Threads 1, 2, 3, 4, 8 (default partitions,
// 4 per thread) and partitions 1, 2, 7, 16, 64 (one thread) are each compared with the run on
// one thread and its default 4 partitions, spike for spike (time in ticks and cell id).
// bench/brunel_full.sh does the same at full size through the example program.
#include <cstdint>
#include <vector>

#include "spindle/models/builtin.hpp"
#include "spindle/models/reference_networks.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::models;

namespace {

constexpr std::uint64_t kSeed = 2024;

std::vector<Spike> run(const NetworkSpec& net, double duration_ms, unsigned threads,
                       unsigned partitions, std::uint64_t seed = kSeed) {
  Simulation sim(net, builtin_registry(),
                 {.seed = seed, .threads = threads, .partitions = partitions});
  // The requested parallelism must really happen, or the comparison proves nothing.
  REQUIRE(sim.num_threads() == threads);
  REQUIRE(sim.num_partitions() == (partitions == 0 ? 4 * threads : partitions));
  sim.run(Time::from_ms(duration_ms));
  return sim.spikes();
}

void check_identical_across_parallelism(const NetworkSpec& net, double duration_ms,
                                        std::size_t min_spikes) {
  const std::vector<Spike> reference = run(net, duration_ms, 1, 0);
  // Enough spikes that the network is driven by its recurrence, not only by its input.
  REQUIRE(reference.size() >= min_spikes);
  // Negative control: another seed (other initial voltages, connections and inputs) must
  // change the spikes, or the comparisons below could not fail.
  CHECK(run(net, duration_ms, 1, 0, kSeed + 1) != reference);
  for (unsigned threads : {1u, 2u, 3u, 4u, 8u}) {
    INFO("threads = " << threads << ", default partitions");
    CHECK(run(net, duration_ms, threads, 0) == reference);
  }
  for (unsigned partitions : {1u, 2u, 7u, 16u, 64u}) {
    INFO("partitions = " << partitions << ", 1 thread");
    CHECK(run(net, duration_ms, 1, partitions) == reference);
  }
}

}  // namespace

TEST_CASE("Determinism: reduced Brunel network (state C) across threads and partitions",
          "[determinism][brunel][validation]") {
  // g = 5, eta = 2 with N, C_E and C_I reduced tenfold (J = 1 mV keeps J C_E): 1250 cells,
  // 125 inputs each, 2 kHz Poisson drive per cell; 66 Hz, 20 772 spikes in 250 ms
  // (measured). The 12 runs take ~2.5 s in Release.
  BrunelParams p;
  p.g = 5.0;
  p.eta = 2.0;
  check_identical_across_parallelism(brunel_network(p.reduced(0.1, 0.1)), 250.0, 10000);
}

TEST_CASE("Determinism: reduced CUBA network across threads and partitions",
          "[determinism][cuba][validation]") {
  // 800 + 200 cells with p = 0.08, so every cell keeps the benchmark's 80 inputs. Delay 0.1
  // ms: 5000 epochs in 500 ms, which also exercises the exchange at every barrier. 4.8 Hz,
  // 2382 spikes (measured); the 12 runs take ~2 s in Release.
  check_identical_across_parallelism(cuba_network({.scale = 0.25, .p = 0.08}), 500.0, 1500);
}
