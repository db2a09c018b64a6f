// Spike-train statistics against values computed by hand (the arithmetic is in the comments).
#include <algorithm>
#include <cmath>
#include <random>

#include "spindle/analysis.hpp"
#include "spindle/error.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::analysis;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

Time ms(double v) {
  return Time::from_ms(v);
}

// Population A = cells 0..2, B = cells 3..4; cell 99 belongs to neither and must be ignored.
const PopulationInfo pop_a{"A", "test", 0, 3};
const PopulationInfo pop_b{"B", "test", 3, 2};

std::vector<Spike> sample() {
  std::vector<Spike> s = {
      // cell 0: ISIs 10, 20, 30 ms -> mean 20, sd sqrt(200/3) = 8.1650, CV 0.408248
      {ms(10), 0},
      {ms(20), 0},
      {ms(40), 0},
      {ms(70), 0},
      // cell 1: two spikes, one interval: too few for the CV
      {ms(5), 1},
      {ms(15), 1},
      // cell 2: regular, ISIs 50 ms -> CV 0; the spike at t0 = 0 is inside [0, 200)
      {ms(0), 2},
      {ms(50), 2},
      {ms(100), 2},
      {ms(150), 2},
      // cell 3: regular, CV 0
      {ms(30), 3},
      {ms(60), 3},
      {ms(90), 3},
      // cell 4: one tick before t1 = 200 ms counts, t1 itself does not
      {Time::from_ticks(200'000'000 - 1), 4},
      {ms(200), 4},
      // outside both populations
      {ms(12), 99},
      {ms(13), 99},
      {ms(14), 99},
  };
  std::sort(s.begin(), s.end(), [](const Spike& x, const Spike& y) {
    return x.time != y.time ? x.time < y.time : x.cell < y.cell;
  });
  return s;
}

const double cv_cell0 = std::sqrt(200.0 / 3.0) / 20.0;

}  // namespace

TEST_CASE("spike_count counts the spikes of the population in the window t0 <= t < t1",
          "[analysis][unit]") {
  const auto s = sample();
  CHECK(spike_count(s, pop_a, ms(0), ms(200)) == 10);
  CHECK(spike_count(s, pop_b, ms(0), ms(200)) == 4);
  CHECK(spike_count(s, pop_b, ms(0), ms(200) + Time::from_ticks(1)) == 5);
  CHECK(spike_count(s, pop_a, ms(10), ms(20)) == 2);  // 10 (cell 0) and 15 (cell 1)
}

TEST_CASE("mean_rate_hz is spikes / (cells x duration)", "[analysis][unit]") {
  const auto s = sample();
  // 10 spikes / (3 cells * 0.2 s) = 16.667 Hz; 4 / (2 * 0.2) = 10 Hz
  CHECK_THAT(mean_rate_hz(s, pop_a, ms(0), ms(200)), WithinRel(10.0 / 0.6, 1e-12));
  CHECK_THAT(mean_rate_hz(s, pop_b, ms(0), ms(200)), WithinRel(10.0, 1e-12));
  CHECK(mean_rate_hz({}, pop_a, ms(0), ms(200)) == 0.0);
}

TEST_CASE("cv_isi averages sd/mean over cells with at least 3 spikes", "[analysis][unit]") {
  const auto s = sample();
  // A: cells 0 (0.408248) and 2 (0) qualify; cell 1 has only two spikes.
  CHECK_THAT(cv_isi(s, pop_a, ms(0), ms(200)), WithinRel(cv_cell0 / 2.0, 1e-12));
  CHECK(cells_with_isi(s, pop_a, ms(0), ms(200)) == 2);
  // B: only cell 3 (CV 0); cell 4 has one spike in the window.
  CHECK_THAT(cv_isi(s, pop_b, ms(0), ms(200)), WithinAbs(0.0, 1e-15));
  CHECK(cells_with_isi(s, pop_b, ms(0), ms(200)) == 1);
  // min_spikes 4: cells 0 and 2 still qualify, as they have 4 spikes.
  CHECK(cells_with_isi(s, pop_a, ms(0), ms(200), 4) == 2);
  CHECK(cells_with_isi(s, pop_a, ms(0), ms(200), 5) == 0);
}

TEST_CASE("cv_isi is NaN when no cell qualifies", "[analysis][unit]") {
  CHECK(std::isnan(cv_isi({}, pop_a, ms(0), ms(200))));
  CHECK(std::isnan(cv_isi(sample(), pop_a, ms(0), ms(200), 5)));
}

TEST_CASE("cv_isi uses only the intervals inside the window", "[analysis][unit]") {
  // Window [15, 200): cell 0 keeps 20, 40, 70 -> ISIs 20, 30: mean 25, sd 5, CV 0.2;
  // cell 2 keeps 50, 100, 150 -> CV 0.
  CHECK_THAT(cv_isi(sample(), pop_a, ms(15), ms(200)), WithinRel(0.1, 1e-12));
}

TEST_CASE("cv_isi does not depend on the order of the spikes", "[analysis][unit]") {
  auto s = sample();
  std::mt19937 rng(7);
  std::shuffle(s.begin(), s.end(), rng);
  CHECK_THAT(cv_isi(s, pop_a, ms(0), ms(200)), WithinRel(cv_cell0 / 2.0, 1e-12));
}

TEST_CASE("binned_counts keeps whole bins only", "[analysis][unit]") {
  const auto s = sample();
  // [0,50): 0,5,10,15,20,40 -> 6; [50,100): 50,70 -> 2; [100,150): 100; [150,200): 150
  CHECK(binned_counts(s, pop_a, ms(0), ms(200), ms(50)) == std::vector<std::uint64_t>{6, 2, 1, 1});
  // [0, 190) holds three whole bins; the spike at 150 falls in the dropped tail.
  CHECK(binned_counts(s, pop_a, ms(0), ms(190), ms(50)) == std::vector<std::uint64_t>{6, 2, 1});
}

TEST_CASE("fano_factor is variance / mean of the binned counts", "[analysis][unit]") {
  // counts 6, 2, 1, 1: mean 2.5, variance (12.25 + 0.25 + 2.25 + 2.25) / 4 = 4.25 -> 1.7
  CHECK_THAT(fano_factor(sample(), pop_a, ms(0), ms(200), ms(50)), WithinRel(1.7, 1e-12));
  // A perfectly regular count (one spike per 50 ms bin from cell 2 alone) has variance 0.
  const PopulationInfo cell2{"c2", "test", 2, 1};
  CHECK(fano_factor(sample(), cell2, ms(0), ms(200), ms(50)) == 0.0);
  CHECK(std::isnan(fano_factor({}, pop_a, ms(0), ms(200), ms(50))));
}

TEST_CASE("population_rate normalises each bin by cells and its own width", "[analysis][unit]") {
  // [0,50): 6 / (3 * 0.05 s) = 40 Hz; [50,100): 2 / 0.15 = 13.33 Hz;
  // [100,120) is a partial bin: 1 / (3 * 0.02 s) = 16.67 Hz
  const RateHistogram h = population_rate(sample(), pop_a, ms(0), ms(120), ms(50));
  REQUIRE(h.edges_ms == std::vector<double>{0.0, 50.0, 100.0, 120.0});
  REQUIRE(h.rate_hz.size() == 3);
  CHECK_THAT(h.rate_hz[0], WithinRel(40.0, 1e-12));
  CHECK_THAT(h.rate_hz[1], WithinRel(2.0 / 0.15, 1e-12));
  CHECK_THAT(h.rate_hz[2], WithinRel(1.0 / 0.06, 1e-12));
}

TEST_CASE("summarize agrees with the single statistics", "[analysis][unit]") {
  const auto s = sample();
  const auto sum = summarize(s, {pop_a, pop_b}, ms(0), ms(200));
  REQUIRE(sum.size() == 2);
  CHECK(sum[0].name == "A");
  CHECK(sum[0].cells == 3);
  CHECK(sum[0].spikes == 10);
  CHECK_THAT(sum[0].rate_hz, WithinRel(10.0 / 0.6, 1e-12));
  CHECK_THAT(sum[0].cv_isi, WithinRel(cv_cell0 / 2.0, 1e-12));
  CHECK(sum[0].cells_with_isi == 2);
  CHECK(sum[1].spikes == 4);
  CHECK_THAT(sum[1].rate_hz, WithinRel(10.0, 1e-12));
}

TEST_CASE("all_cells spans populations that tile the cell ids", "[analysis][unit]") {
  const PopulationInfo all = all_cells({pop_b, pop_a});
  CHECK(all.name == "all");
  CHECK(all.first == 0);
  CHECK(all.size == 5);
  // 14 of the 18 spikes are in [0, 200) and belong to cells 0..4.
  CHECK(spike_count(sample(), all, ms(0), ms(200)) == 14);
  const PopulationInfo gap{"C", "test", 6, 1};
  CHECK_THROWS_WITH(all_cells({pop_a, pop_b, gap}), Contains("'C' starts at 6, expected 5"));
}

TEST_CASE("bad windows, bins and thresholds are errors that name the problem", "[analysis][unit]") {
  const auto s = sample();
  CHECK_THROWS_AS(mean_rate_hz(s, pop_a, ms(100), ms(100)), Error);
  CHECK_THROWS_WITH(mean_rate_hz(s, pop_a, ms(100), ms(50)), Contains("t1 > t0"));
  CHECK_THROWS_WITH(fano_factor(s, pop_a, ms(0), ms(200), Time::zero()), Contains("bin width"));
  CHECK_THROWS_WITH(binned_counts(s, pop_a, ms(0), ms(20), ms(50)), Contains("no whole bin"));
  CHECK_THROWS_WITH(cv_isi(s, pop_a, ms(0), ms(200), 2), Contains("min_spikes must be >= 3"));
  CHECK_THROWS_WITH(mean_rate_hz(s, PopulationInfo{"E", "test", 0, 0}, ms(0), ms(1)),
                    Contains("'E' has no cells"));
}

TEST_CASE("synchrony_chi is 1 for lockstep firing and about 1/sqrt(N) for independent cells",
          "[analysis][unit]") {
  const PopulationInfo pop{"P", "test", 0, 100};
  std::vector<Spike> lockstep, independent;
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<std::int64_t> when(0, 999'999'999);  // ticks in [0, 1000) ms
  for (int k = 0; k < 50; ++k)
    for (std::uint32_t c = 0; c < 100; ++c) {
      lockstep.push_back({ms(20.0 * k + 1.0), c});
      independent.push_back({Time::from_ticks(when(rng)), c});
    }
  std::sort(independent.begin(), independent.end(),
            [](const Spike& a, const Spike& b) { return a.time < b.time; });
  CHECK_THAT(synchrony_chi(lockstep, pop, ms(0), ms(1000), ms(5)), WithinAbs(1.0, 1e-12));
  // For independent Poisson-like cells chi^2 = 1/N up to sampling noise of a few percent.
  CHECK_THAT(synchrony_chi(independent, pop, ms(0), ms(1000), ms(5)), WithinAbs(0.1, 0.03));
  CHECK(std::isnan(synchrony_chi({}, pop, ms(0), ms(1000), ms(5))));
}
