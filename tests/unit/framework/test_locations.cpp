// Synapse locations: each projection's placement rule becomes one concrete Location per
// synapse, drawn deterministically, delivered through receive_at, and checked against the
// target model's morphology at build time.
#include <cmath>
#include <map>
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

/// `n_src` parrots each fire once at 1 ms onto `n_dst` dendritic listeners, all to all.
NetworkSpec fan_in(std::size_t n_src, std::size_t n_dst) {
  NetworkSpec net;
  net.add_population("src", "parrot", n_src);
  net.add_population("dst", "dendritic_listener", n_dst);
  net.add_spike_times("src", {1.0}, "exc", 1.0_pA);
  return net;
}

std::vector<Location> received_locations(const ListenerLog& log) {
  std::vector<Location> all;
  for (const auto& cell : log.per_cell)
    for (const auto& r : cell)
      all.push_back(r.where);
  return all;
}

}  // namespace

TEST_CASE("Locations: a fixed dendritic point reaches every synapse of the projection",
          "[locations][unit]") {
  auto log = std::make_shared<ListenerLog>();
  const auto models = test_registry(log);
  auto net = fan_in(3, 2);
  net.connect("src", "dst", ConnectionRule::all_to_all(), "exc", 1.0_pA, 1.0_ms)
      .at(locate::dendrite("tuft_a", 250.0_um));
  net.connect("src", "dst", ConnectionRule::all_to_all(), "inh", -1.0_pA, 1.0_ms);  // soma
  net.connect("src", "dst", ConnectionRule::all_to_all(), "inh", -1.0_pA, 1.0_ms)
      .at(locate::axon_initial_segment());
  Simulation sim(net, models);
  sim.run(Time::from_ms(5));
  std::map<std::pair<std::size_t, int>, int> count;  // (receptor, kind) -> inputs
  for (const auto& cell : log->per_cell)
    for (const auto& r : cell) {
      ++count[{r.receptor, static_cast<int>(r.where.kind)}];
      if (r.where.kind == Location::Kind::dendrite) {
        CHECK(r.where.branch == 1);
        CHECK(r.where.distance_um == Approx(250.0).margin(0.05));
      }
    }
  CHECK(count[{0, static_cast<int>(Location::Kind::dendrite)}] == 6);
  CHECK(count[{1, static_cast<int>(Location::Kind::soma)}] == 6);
  CHECK(count[{1, static_cast<int>(Location::Kind::axon_initial_segment)}] == 6);
  // The built synapses report the same places.
  int dendritic = 0;
  for (const auto& s : sim.synapses())
    dendritic += s.location.kind == Location::Kind::dendrite ? 1 : 0;
  CHECK(dendritic == 6);
}

TEST_CASE("Locations: a region window is sampled uniformly in path length", "[locations][unit]") {
  auto log = std::make_shared<ListenerLog>();
  const auto models = test_registry(log);
  // tuft 220-280 um: tuft_a covers 220-280 (60 um), tuft_b 220-250 (30 um) -> 2:1.
  auto net = fan_in(200, 20);
  net.connect("src", "dst", ConnectionRule::all_to_all(), "exc", 1.0_pA, 1.0_ms)
      .at(locate::region("tuft", 220.0_um, 280.0_um));
  Simulation sim(net, models, {.seed = 5});
  sim.run(Time::from_ms(5));
  const auto locs = received_locations(*log);
  REQUIRE(locs.size() == 4000);
  double n_a = 0, sum_b = 0, n_b = 0;
  for (const auto& l : locs) {
    REQUIRE(l.kind == Location::Kind::dendrite);
    REQUIRE((l.branch == 1 || l.branch == 2));
    CHECK(l.distance_um >= 220.0f - 0.05f);
    CHECK(l.distance_um <= (l.branch == 1 ? 280.05f : 250.05f));
    if (l.branch == 1) {
      ++n_a;
    } else {
      sum_b += l.distance_um;
      ++n_b;
    }
  }
  // Binomial share of tuft_a: p = 2/3, within 4 SD.
  const double n = static_cast<double>(locs.size()), p = 2.0 / 3.0;
  CHECK(std::abs(n_a - n * p) < 4 * std::sqrt(n * p * (1 - p)));
  // Uniform on [220, 250]: mean 235, SD 30/sqrt(12); within 4 SE.
  CHECK(std::abs(sum_b / n_b - 235.0) < 4 * (30.0 / std::sqrt(12.0)) / std::sqrt(n_b));
}

TEST_CASE("Locations: drawn distances pick a branch that reaches them", "[locations][unit]") {
  auto log = std::make_shared<ListenerLog>();
  const auto models = test_registry(log);
  auto net = fan_in(100, 20);
  net.connect("src", "dst", ConnectionRule::all_to_all(), "exc", 1.0_pA, 1.0_ms)
      .at(locate::region_distance("tuft", uniform(210.0_um, 290.0_um)));
  Simulation sim(net, models, {.seed = 9});
  sim.run(Time::from_ms(5));
  double beyond_b = 0, on_b = 0, below = 0;
  for (const auto& l : received_locations(*log)) {
    REQUIRE(l.kind == Location::Kind::dendrite);
    if (l.distance_um > 250.05f) {
      ++beyond_b;
      CHECK(l.branch == 1);  // only tuft_a reaches past 250 um
    } else {
      ++below;
      on_b += l.branch == 2 ? 1 : 0;
    }
  }
  // P(d > 250) = 1/2; below 250 both branches reach, each picked with probability 1/2.
  CHECK(std::abs(beyond_b - 1000) < 4 * std::sqrt(2000 * 0.25));
  CHECK(std::abs(on_b - below / 2) < 4 * std::sqrt(below * 0.25));
}

TEST_CASE("Locations: placement does not depend on threads or partitions", "[locations][unit]") {
  auto log = std::make_shared<ListenerLog>();
  const auto models = test_registry(log);
  NetworkSpec net;
  net.add_population("src", "parrot", 50);
  net.add_population("dst", "dendritic_listener", 40);
  net.connect("src", "dst", ConnectionRule::fixed_indegree(10), "exc", 1.0_pA, 1.0_ms)
      .at(locate::region("apical", 10.0_um, 190.0_um));
  net.connect("src", "dst", ConnectionRule::fixed_outdegree(5), "exc", 1.0_pA, 2.0_ms)
      .at(locate::region_distance("tuft", normal(240.0_um, 10.0_um, 200.0_um, 250.0_um)));
  net.connect("src", "dst", ConnectionRule::fixed_total_number(300), "exc", 1.0_pA, 1.0_ms)
      .at(locate::region("basal", 0.0_um, 100.0_um));
  const auto one = Simulation(net, models, {.seed = 3, .threads = 1, .partitions = 1}).synapses();
  const auto many = Simulation(net, models, {.seed = 3, .threads = 3, .partitions = 7}).synapses();
  REQUIRE(one.size() == 40 * 10 + 50 * 5 + 300);
  REQUIRE(one.size() == many.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    CHECK(one[i].target == many[i].target);
    CHECK(one[i].location == many[i].location);
  }
  const auto other = Simulation(net, models, {.seed = 4}).synapses();
  std::size_t same = 0;
  for (std::size_t i = 0; i < std::min(one.size(), other.size()); ++i)
    same += one[i].location == other[i].location ? 1 : 0;
  CHECK(same < one.size() / 2);
}

TEST_CASE("Locations: bad places are build errors that name the projection", "[locations][unit]") {
  auto log = std::make_shared<ListenerLog>();
  const auto models = test_registry(log);
  const auto fails = [&](const std::string& target, LocationSpec where, const std::string& what) {
    NetworkSpec net;
    net.add_population("src", "parrot", 2);
    net.add_population("dst", target, 2);
    net.connect("src", "dst", ConnectionRule::all_to_all(), "exc", 1.0_pA, 1.0_ms)
        .at(std::move(where));
    net.projections.back().name = "E->Pyr";
    CHECK_THROWS_WITH(Simulation(net, models), Contains("projection 'E->Pyr'") && Contains(what));
  };
  fails("listener", locate::dendrite("trunk", 50.0_um), "point neuron without dendrites");
  fails("parrot", locate::axon_initial_segment(), "has no axon initial segment");
  fails("dendritic_listener", locate::dendrite("oblique", 50.0_um), "has no branch 'oblique'");
  fails("dendritic_listener", locate::dendrite("tuft_b", 260.0_um), "spans 200-250 um");
  fails("dendritic_listener", locate::region("axonal", 0.0_um, 50.0_um), "no region 'axonal'");
  fails("dendritic_listener", locate::region("tuft", 400.0_um, 500.0_um), "does not reach it");
  fails("dendritic_listener", locate::region("tuft", 300.0_um, 250.0_um), "0 <= from < to");
  fails("dendritic_listener", locate::region_distance("tuft", uniform(0.0_ms, 1.0_ms)),
        "distances are in um");
  fails("dendritic_listener", locate::region_distance("tuft", uniform(100.0_um, 150.0_um)),
        "which no branch of region 'tuft' reaches");
}

TEST_CASE("Locations: a malformed morphology is a build error", "[locations][unit]") {
  auto log = std::make_shared<ListenerLog>();
  auto models = test_registry(log);
  auto bad = dendritic_listener_model(log);
  bad.name = "bad_tree";
  bad.morphology = [](const ParameterValues&) {
    return Morphology{{{"a", 1, 10.0, 1.0, "x"}, {"b", -1, 10.0, 1.0, "x"}}};
  };
  models.add_cell_model(bad);
  NetworkSpec net;
  net.add_population("dst", "bad_tree", 1);
  CHECK_THROWS_WITH(Simulation(net, models),
                    Contains("population 'dst'") && Contains("parents must be listed before"));
}
