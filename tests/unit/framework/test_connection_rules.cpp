// Connection rules produce what was asked: exact degrees, Bernoulli counts within 4 standard
// deviations, and a distance profile that passes a chi-square test. Synapses are the same for
// any partition and thread count.
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "spindle/graph.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"
#include "support/test_models.hpp"

using namespace spindle;
using namespace spindle::literals;
using namespace spindle::test;

namespace {
ModelRegistry registry() {
  return test_registry(std::make_shared<ListenerLog>());
}

NetworkSpec two_populations(std::size_t n_src, std::size_t n_tgt, ConnectionRule rule) {
  NetworkSpec net;
  net.add_population("src", "listener", n_src);
  net.add_population("tgt", "listener", n_tgt);
  net.connect("src", "tgt", rule, "exc", uniform(1.0_pA, 2.0_pA), 1.0_ms);
  return net;
}
}  // namespace

TEST_CASE("Rules: fixed_indegree gives every target exactly K inputs", "[rules][unit]") {
  const auto models = registry();
  Simulation sim(two_populations(500, 300, ConnectionRule::fixed_indegree(37, false, false)),
                 models, {.seed = 1, .threads = 1, .partitions = 3});
  const CellGraph g(sim);
  for (std::uint32_t c = 500; c < 800; ++c) {
    REQUIRE(g.in_degree(c) == 37);
    std::set<std::uint32_t> sources;
    for (const auto& s : g.in_synapses(c))
      sources.insert(s.source);
    REQUIRE(sources.size() == 37);  // no multapses asked: all distinct
  }
  CHECK(sim.num_synapses() == 300 * 37);
}

TEST_CASE("Rules: no autapses inside one population unless asked", "[rules][unit]") {
  const auto models = registry();
  NetworkSpec net;
  net.add_population("a", "listener", 50);
  net.connect("a", "a", ConnectionRule::fixed_indegree(49, false, false), "exc", 1.0_pA, 1.0_ms);
  Simulation sim(net, models);
  for (const auto& s : sim.synapses())
    REQUIRE(s.source != s.target);
  CHECK(sim.num_synapses() == 50 * 49);  // all other cells exactly once
  net.projections[0].rule = ConnectionRule::all_to_all(true);
  CHECK(Simulation(net, models).num_synapses() == 2500);
  net.projections[0].rule = ConnectionRule::all_to_all(false);
  CHECK(Simulation(net, models).num_synapses() == 2450);
  net.projections[0].rule = ConnectionRule::one_to_one();
  CHECK(Simulation(net, models).num_synapses() == 0);
}

TEST_CASE("Rules: pairwise_bernoulli count lies within 4 SD of p*N*M", "[rules][unit]") {
  const auto models = registry();
  for (double p : {0.02, 0.1, 0.5}) {
    Simulation sim(two_populations(400, 600, ConnectionRule::pairwise_bernoulli(p)), models,
                   {.seed = 7});
    const double mean = p * 400 * 600, sd = std::sqrt(400 * 600 * p * (1 - p));
    INFO("p = " << p << ", synapses = " << sim.num_synapses());
    CHECK(std::abs(static_cast<double>(sim.num_synapses()) - mean) < 4 * sd);
  }
}

TEST_CASE("Rules: fixed_outdegree and fixed_total_number are exact", "[rules][unit]") {
  const auto models = registry();
  Simulation out(two_populations(200, 90, ConnectionRule::fixed_outdegree(30, false, false)),
                 models, {.seed = 2, .threads = 1, .partitions = 5});
  const CellGraph g(out);
  for (std::uint32_t c = 0; c < 200; ++c)
    REQUIRE(g.out_degree(c) == 30);
  Simulation total(two_populations(70, 80, ConnectionRule::fixed_total_number(3000, false, false)),
                   models, {.seed = 2, .threads = 1, .partitions = 4});
  CHECK(total.num_synapses() == 3000);
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (const auto& s : total.synapses())
    pairs.insert({s.source, s.target});
  CHECK(pairs.size() == 3000);
}

TEST_CASE("Rules: synapses do not depend on threads or partitions", "[rules][unit]") {
  const auto models = registry();
  const auto spec = [] {
    auto net = two_populations(300, 300, ConnectionRule::pairwise_bernoulli(0.1));
    net.connect("tgt", "src", ConnectionRule::fixed_outdegree(12), "inh", -1.0_pA,
                normal(2.0_ms, 0.5_ms, 0.5_ms, 4.0_ms));
    net.connect("src", "src", ConnectionRule::fixed_total_number(500), "exc", 1.0_pA, 0.5_ms);
    return net;
  }();
  const auto reference =
      Simulation(spec, models, {.seed = 4, .threads = 1, .partitions = 1}).synapses();
  for (auto [threads, parts] : {std::pair{1u, 7u}, {2u, 16u}, {3u, 64u}}) {
    const auto other =
        Simulation(spec, models, {.seed = 4, .threads = threads, .partitions = parts}).synapses();
    REQUIRE(other.size() == reference.size());
    bool same = true;
    for (std::size_t i = 0; i < other.size(); ++i)
      same = same && other[i].source == reference[i].source &&
             other[i].target == reference[i].target && other[i].weight == reference[i].weight &&
             other[i].delay == reference[i].delay && other[i].receptor == reference[i].receptor;
    CHECK(same);
  }
}

TEST_CASE("Rules: distance-dependent profile passes a chi-square test", "[rules][unit]") {
  // 40 x 40 grid, 10 um spacing, periodic; gaussian profile p0 = 0.5, sigma = 30 um. The
  // expected count in each distance bin is the sum of p(d) over the pairs in it and its
  // variance the sum of p(1 - p) (independent Bernoulli draws), so the statistic is
  // chi-square with one degree of freedom per bin. 31.3 is the 0.999 quantile for 11 bins.
  const auto models = registry();
  NetworkSpec net;
  net.add_population("sheet", "listener", 1600).grid(40, 40, 10.0_um);
  const auto rule = ConnectionRule::distance_dependent(ConnectionRule::Profile::gaussian, 0.5,
                                                       30.0_um, /*periodic=*/true);
  net.connect("sheet", "sheet", rule, "exc", 1.0_pA, 1.0_ms);
  Simulation sim(net, models, {.seed = 5});
  const auto pos = sim.positions();
  auto dist = [&](std::uint32_t a, std::uint32_t b) {
    double dx = std::abs(pos[a].x - pos[b].x), dy = std::abs(pos[a].y - pos[b].y);
    dx = std::min(dx, 400.0 - dx);
    dy = std::min(dy, 400.0 - dy);
    return std::sqrt(dx * dx + dy * dy);
  };
  auto p_of = [](double d) { return 0.5 * std::exp(-d * d / (2 * 30.0 * 30.0)); };
  const int bins = 11;
  const double width = 10.0;  // bins of 10 um up to 110 um; beyond that p < 0.002
  std::vector<double> expected(bins, 0), variance(bins, 0), observed(bins, 0);
  for (std::uint32_t a = 0; a < 1600; ++a)
    for (std::uint32_t b = 0; b < 1600; ++b) {
      if (a == b) continue;
      const double d = dist(a, b);
      const int k = static_cast<int>(d / width);
      if (k >= bins) continue;
      expected[k] += p_of(d);
      variance[k] += p_of(d) * (1 - p_of(d));
    }
  for (const auto& s : sim.synapses()) {
    const int k = static_cast<int>(dist(s.source, s.target) / width);
    if (k < bins) observed[k] += 1;
  }
  double chi2 = 0;
  for (int k = 0; k < bins; ++k)
    if (variance[k] > 0)
      chi2 += (observed[k] - expected[k]) * (observed[k] - expected[k]) / variance[k];
  CHECK(chi2 < 31.3);
  // A profile twice as wide is rejected by the same statistic: the test has power.
  double chi2_wrong = 0;
  for (int k = 0; k < bins; ++k) {
    double e = 0, v = 0;
    for (std::uint32_t b = 1; b < 1600; ++b) {
      const double d = dist(0, b);
      if (static_cast<int>(d / width) != k) continue;
      const double p = 0.5 * std::exp(-d * d / (2 * 60.0 * 60.0));
      e += 1600 * p, v += 1600 * p * (1 - p);
    }
    if (v > 0) chi2_wrong += (observed[k] - e) * (observed[k] - e) / v;
  }
  CHECK(chi2_wrong > 31.3);
}

TEST_CASE("Rules: delays rounded to a grid take grid values with the right weights",
          "[rules][unit]") {
  const auto models = registry();
  NetworkSpec net;
  net.add_population("src", "listener", 200);
  net.add_population("tgt", "listener", 200);
  // normal(1.5, 0.75) truncated to [0.1, 2.9] on a 0.1 ms grid, as PD14's delays in NEST.
  net.connect("src", "tgt", ConnectionRule::fixed_indegree(100), "exc", 1.0_pA,
              normal(1.5_ms, 0.75_ms, 0.1_ms, 2.9_ms).rounded_to(0.1_ms));
  Simulation sim(net, models, {.seed = 2});
  std::map<std::int64_t, double> count;
  for (const auto& s : sim.synapses()) {
    const double ms = s.delay.to_ms();
    REQUIRE(std::abs(ms * 10 - std::round(ms * 10)) < 1e-9);
    ++count[std::llround(ms * 10)];
  }
  REQUIRE(count.size() == 29);  // 0.1 .. 2.9 ms
  // The grid point 1.5 ms collects the mass of [1.45, 1.55): 0.0567 of the truncated normal.
  const double n = 20000, p = 0.05666;
  CHECK(std::abs(count[15] - n * p) < 4 * std::sqrt(n * p * (1 - p)));
  // Rounding shows in the description and the step must share the values' unit.
  CHECK(normal(1.5_ms, 0.75_ms).rounded_to(0.1_ms).dist.describe() ==
        "normal(1.5, 0.75) rounded to multiples of 0.1");
  CHECK_FALSE(normal(1.5_ms, 0.75_ms).rounded_to(0.1_pA).dist.problem().empty());
}

TEST_CASE("Rules: layout and rule mistakes are named", "[rules][unit]") {
  const auto models = registry();
  NetworkSpec net;
  net.add_population("a", "listener", 10).grid(3, 3, 10.0_um);
  CHECK_THROWS_WITH(Simulation(net, models), Catch::Matchers::Contains("3 x 3 grid holds 9 cells"));
  net.populations[0].grid(5, 2, 10.0_um);
  net.add_population("b", "listener", 10);
  net.connect(
      "a", "b",
      ConnectionRule::distance_dependent(ConnectionRule::Profile::exponential, 0.1, 20.0_um), "exc",
      1.0_pA, 1.0_ms);
  CHECK_THROWS_WITH(Simulation(net, models),
                    Catch::Matchers::Contains("population 'b' has no layout"));
  net.populations[1].box(50.0_um, 20.0_um);
  CHECK_NOTHROW(Simulation(net, models));
  net.projections[0].rule.scale_um = -1;
  CHECK_THROWS_WITH(Simulation(net, models),
                    Catch::Matchers::Contains("scale must be a finite value > 0 um"));
  net.projections[0].rule = ConnectionRule::fixed_outdegree(11, false, false);
  CHECK_THROWS_WITH(Simulation(net, models), Catch::Matchers::Contains("fixed_outdegree K = 11"));
}

TEST_CASE("Graph: the CSR view answers degrees, edges and populations", "[graph][unit]") {
  const auto models = registry();
  auto net = two_populations(20, 30, ConnectionRule::pairwise_bernoulli(0.3));
  Simulation sim(net, models);
  const CellGraph g(sim);
  CHECK(g.num_cells() == 50);
  CHECK(g.num_synapses() == sim.num_synapses());
  std::map<std::uint32_t, std::uint64_t> in, out;
  for (const auto& s : sim.synapses())
    ++in[s.target], ++out[s.source];
  for (std::uint32_t c = 0; c < 50; ++c) {
    CHECK(g.in_degree(c) == in[c]);
    CHECK(g.out_degree(c) == out[c]);
  }
  CHECK(g.population_name(3) == "src");
  CHECK(g.population_name(20) == "tgt");
  CHECK(g.population_of(49) == 1);
  for (const auto& s : g.out_synapses(5)) {
    CHECK(s.source == 5);
    CHECK(s.delay == Time::from_ms(1.0));
    CHECK(s.weight >= 1.0f);
  }
  CHECK_THROWS_AS(g.in_degree(50), Error);
}
