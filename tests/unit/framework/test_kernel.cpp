// Kernel behaviour made visible through test models: exact delays, delivery order, stimuli,
// probes, continuation and failure, and independence from threads and partitions.
#include <memory>

#include "spindle/error.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"
#include "support/test_models.hpp"

using namespace spindle;
using namespace spindle::literals;
using namespace spindle::test;

namespace {
Time ms(double v) {
  return Time::from_ms(v);
}
}  // namespace

TEST_CASE("Kernel: spikes travel along a chain with exact delays", "[kernel][unit]") {
  auto log = std::make_shared<ListenerLog>();
  const auto models = test_registry(log);
  NetworkSpec net;
  net.add_population("a", "parrot", 1);
  net.add_population("b", "parrot", 1);
  net.add_population("c", "parrot", 1);
  net.add_spike_times("a", {1.0, 4.0000007}, "exc", 1.0_pA);
  net.connect("a", "b", ConnectionRule::all_to_all(), "exc", 1.0_pA, 1.5_ms);
  net.connect("b", "c", ConnectionRule::all_to_all(), "exc", 1.0_pA, 0.3_ms);
  Simulation sim(net, models);
  sim.run(ms(10));
  const std::vector<Spike> expected = {{ms(1.0), 0},       {ms(2.5), 1},       {ms(2.8), 2},
                                       {ms(4.0000007), 0}, {ms(5.5000007), 1}, {ms(5.8000007), 2}};
  CHECK(sim.spikes() == expected);
  CHECK(sim.min_delay() == ms(0.3));
  CHECK(sim.statistics().synaptic_events == 4);
  CHECK(sim.statistics().stimulus_events == 2);
}

TEST_CASE("Kernel: inputs arrive with their weight, receptor and delay, in source order",
          "[kernel][unit]") {
  auto log = std::make_shared<ListenerLog>();
  const auto models = test_registry(log);
  NetworkSpec net;
  net.add_population("src", "parrot", 3);
  net.add_population("dst", "listener", 2);
  // Cell 2 fires first, but inputs at equal times are delivered in source order.
  net.add_spike_times("src", {2.0}, "exc", 1.0_pA).cells = {0, 1};
  net.add_spike_times("src", {1.0}, "exc", 1.0_pA).cells = {2};
  net.connect("src", "dst", ConnectionRule::all_to_all(), "exc", 0.1_pA, 1.0_ms);
  net.connect("src", "dst", ConnectionRule::all_to_all(), "inh", -2.5_pA, 2.0_ms);
  Simulation sim(net, models, {.seed = 1, .threads = 1, .partitions = 2});
  sim.run(ms(10));
  for (std::size_t c = 0; c < 2; ++c) {
    const auto& got = log->per_cell[c];
    REQUIRE(got.size() == 6);
    // cell 2 spiked at 1 ms: exc at 2 ms, inh at 3 ms; cells 0, 1 at 2 ms: exc at 3, inh at 4.
    CHECK(got[0].t == ms(2.0));
    CHECK(got[0].receptor == 0);
    CHECK(got[0].weight == static_cast<double>(0.1f));  // weights are stored as float
    CHECK(got[1].t == ms(3.0));
    CHECK(got[1].receptor == 0);  // source 0's exc input, then source 1's, then cell 2's inh
    CHECK(got[2].t == ms(3.0));
    CHECK(got[2].receptor == 0);
    CHECK(got[3].t == ms(3.0));
    CHECK(got[3].receptor == 1);
    CHECK(got[3].weight == -2.5);
    CHECK(got[4].t == ms(4.0));
    CHECK(got[5].t == ms(4.0));
  }
}

TEST_CASE("Kernel: DC and step currents add up per cell", "[kernel][unit]") {
  auto log = std::make_shared<ListenerLog>();
  const auto models = test_registry(log);
  NetworkSpec net;
  net.add_population("dst", "listener", 1);
  net.add_dc("dst", 10.0_pA, 1.0_ms, 3.0_ms);
  net.add_step_current("dst", {2.0, 4.0}, {5.0, 0.0});
  Simulation sim(net, models);
  sim.run(ms(10));
  const auto& cur = log->currents[0];
  REQUIRE(cur.size() == 4);
  CHECK(cur[0] == std::pair{ms(1.0), 10.0});
  CHECK(cur[1] == std::pair{ms(2.0), 15.0});
  CHECK(cur[2] == std::pair{ms(3.0), 5.0});
  CHECK(cur[3] == std::pair{ms(4.0), 0.0});
}

TEST_CASE("Kernel: probes sample after everything that happened at their time", "[kernel][unit]") {
  auto log = std::make_shared<ListenerLog>();
  const auto models = test_registry(log);
  NetworkSpec net;
  net.add_population("dst", "listener", 2);
  net.add_spike_times("dst", {1.0, 2.0, 3.0}, "exc", 1.0_pA);
  net.add_probe("dst", "count", {0.5, 2.0, 10.0}, {1});
  Simulation sim(net, models);
  sim.run(ms(20));
  const auto s = sim.samples();
  REQUIRE(s.size() == 3);
  CHECK(s[0].value == 0.0);
  CHECK(s[1].value == 2.0);  // the input at 2.0 ms comes before the probe at 2.0 ms
  CHECK(s[2].value == 3.0);
  CHECK(s[1].cell == 1);
  CHECK(s[1].time == ms(2.0));
}

namespace {
/// Poisson-driven parrots feeding listeners through random connectivity and delays.
NetworkSpec random_relay_network() {
  NetworkSpec net;
  net.add_population("relay", "parrot", 60);
  net.add_population("sink", "listener", 40);
  net.add_poisson("relay", 40.0_Hz, "exc", 1.0_pA);
  net.connect("relay", "sink", ConnectionRule::pairwise_bernoulli(0.3), "exc",
              uniform(0.5_pA, 2.0_pA), uniform(0.2_ms, 3.0_ms));
  net.connect("relay", "sink", ConnectionRule::fixed_indegree(5), "inh", -1.0_pA,
              normal(1.0_ms, 0.3_ms, 0.1_ms, 2.0_ms));
  net.add_probe("sink", "count", {50.0, 100.0, 150.0});
  return net;
}

std::vector<std::vector<Received>> run_relay(unsigned threads, unsigned partitions,
                                             std::uint64_t seed = 3) {
  auto log = std::make_shared<ListenerLog>();
  Simulation sim(random_relay_network(), test_registry(log),
                 {.seed = seed, .threads = threads, .partitions = partitions});
  sim.run(ms(200));
  return log->per_cell;
}

bool same(const std::vector<std::vector<Received>>& a,
          const std::vector<std::vector<Received>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != b[i].size()) return false;
    for (std::size_t j = 0; j < a[i].size(); ++j)
      if (a[i][j].t != b[i][j].t || a[i][j].weight != b[i][j].weight ||
          a[i][j].receptor != b[i][j].receptor)
        return false;
  }
  return true;
}
}  // namespace

TEST_CASE("Kernel: every cell sees the same inputs for any thread and partition count",
          "[kernel][determinism][unit]") {
  const auto reference = run_relay(1, 1);
  std::size_t total = 0;
  for (const auto& v : reference)
    total += v.size();
  REQUIRE(total > 5000);  // the network is busy enough to mean something
  for (unsigned partitions : {2u, 3u, 7u, 16u, 64u})
    CHECK(same(reference, run_relay(1, partitions)));
  for (unsigned threads : {2u, 3u, 4u})
    CHECK(same(reference, run_relay(threads, 0)));
  CHECK_FALSE(same(reference, run_relay(1, 1, 4)));
}

TEST_CASE("Kernel: running in pieces equals running at once", "[kernel][unit]") {
  auto log1 = std::make_shared<ListenerLog>(), log2 = std::make_shared<ListenerLog>();
  Simulation a(random_relay_network(), test_registry(log1), {.seed = 9});
  a.run(ms(200));
  Simulation b(random_relay_network(), test_registry(log2), {.seed = 9});
  b.run(ms(33.3));
  b.run(ms(120));
  b.run(ms(200));
  CHECK(same(log1->per_cell, log2->per_cell));
  CHECK(a.spikes() == b.spikes());
  CHECK_THROWS_AS(b.run(ms(200)), Error);  // not later than now
}

namespace {
class ThrowingGroup final : public CellGroup {
 public:
  std::size_t size() const noexcept override { return 4; }
  void set_state(std::size_t, std::size_t, double) override {}
  Time predict(std::size_t, Time) override { return Time::never(); }
  Time receive(std::size_t cell, Time t, double, std::size_t) override {
    if (t >= Time::from_ms(5.0))
      throw Error("model 'thrower': cell " + std::to_string(cell) + " gave up");
    return keep_prediction;
  }
  Time set_current(std::size_t, Time, double) override { return keep_prediction; }
  bool check(std::size_t, Time, Time& next) override {
    next = Time::never();
    return false;
  }
  double probe(std::size_t, std::size_t, Time) const override { return 0; }
};
}  // namespace

TEST_CASE("Kernel: an exception in a partition task reaches the caller intact", "[kernel][unit]") {
  ModelRegistry models;
  CellModelInfo m;
  m.name = "thrower";
  m.receptors = {{"exc", Unit::pA, +1, ""}};
  m.make = [](const ParameterValues&, std::size_t) { return std::make_unique<ThrowingGroup>(); };
  models.add_cell_model(m);
  NetworkSpec net;
  net.add_population("t", "thrower", 4);
  net.add_spike_times("t", {1.0, 6.0}, "exc", 1.0_pA);
  Simulation sim(net, models, {.seed = 1, .threads = 2, .partitions = 4});
  CHECK_THROWS_WITH(sim.run(ms(10)), Catch::Matchers::Contains("gave up"));
  CHECK_THROWS_WITH(sim.run(ms(20)), Catch::Matchers::Contains("failed earlier"));
}
