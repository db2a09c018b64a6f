// Issue 8 acceptance #1, fast version: on 100 random sparse inputs (the kwta example's setup:
// 2048 columns, k = 40, HTM overlaps) the spiking circuit's active set has 40 +- 4 cells and
// overlaps the ideal top-k of the same overlaps by >= 90 %. (The example runs 1000 inputs.)
#include <cmath>

#include <catch2/catch.hpp>

#include "kwta_experiment.hpp"

TEST_CASE("spiking k-WTA picks about the ideal top-40 of 2048 columns", "[wta][kwta]") {
  const kwta::Setup s;
  const kwta::Columns columns(s, 11);
  spindle::RandomStream rng(11, 0, spindle::Purpose::user);
  std::vector<std::vector<double>> overlaps, drives;
  for (int i = 0; i < 100; ++i) {
    overlaps.push_back(columns.overlaps(kwta::random_input(s, rng)));
    drives.push_back(kwta::drive_pA(s, overlaps.back()));
  }
  const auto winners = kwta::winners(s, s.circuit(), drives, 11);
  REQUIRE(winners.size() == 100);
  double mean = 0, sq = 0, overlap = 0;
  int within = 0;
  for (std::size_t i = 0; i < winners.size(); ++i) {
    const auto a = static_cast<double>(winners[i].size());
    mean += a / 100;
    sq += a * a / 100;
    within += std::abs(a - 40.0) <= 4.0;
    overlap +=
        static_cast<double>(kwta::intersection_size(winners[i], kwta::top_k(overlaps[i], 40))) /
        40.0 / 100;
  }
  const double sd = std::sqrt(sq - mean * mean);
  INFO("active " << mean << " +- " << sd << ", within 40 +- 4: " << within << " %, overlap "
                 << overlap);
  CHECK(std::abs(mean - 40.0) <= 4.0);
  CHECK(sd <= 4.0);
  CHECK(within >= 90);
  CHECK(overlap >= 0.90);
}
