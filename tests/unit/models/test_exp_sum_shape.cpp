// first_crossing() with an ExpSumShape prepared once gives bit for bit the result of the plain
// first_crossing(c0, terms): the shape only saves work (ordering, rates, whole-multiple base),
// so a model that switches to it keeps every spike. Random sums cover whole-multiple rates
// (CUBA's 20 / 10 / 5 ms), unrelated rates, equal time constants (merged), zero coefficients
// (dropped) and c0 = 0 (rescaled).
#include <array>
#include <cmath>
#include <cstddef>
#include <random>
#include <span>
#include <vector>

#include "spindle/models/exp_sum_roots.hpp"
#include "support/catch.hpp"

using spindle::models::ExpSumShape;
using spindle::models::ExpTerm;
using spindle::models::first_crossing;

TEST_CASE("ExpSumShape: first_crossing is identical to the plain call", "[exp_sum]") {
  const std::vector<std::vector<double>> shapes{
      {20.0, 5.0, 10.0}, {10.0, 2.0, 2.0}, {7.3, 1.1, 3.9}, {5.0, 20.0, 1.0}, {12.0, 3.0}};
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> coeff(-20.0, 20.0), constant(-3.0, 3.0);
  std::uniform_int_distribution<int> pick(0, 9);
  std::size_t finite = 0;
  for (const auto& taus : shapes) {
    const ExpSumShape shape(taus);
    REQUIRE(shape.size() == taus.size());
    for (int draw = 0; draw < 20'000; ++draw) {
      const double c0 = pick(rng) == 0 ? 0.0 : constant(rng);
      std::array<double, 3> c{};
      std::array<ExpTerm, 3> terms{};
      for (std::size_t k = 0; k < taus.size(); ++k) {
        c[k] = pick(rng) == 0 ? 0.0 : coeff(rng);
        terms[k] = {c[k], taus[k]};
      }
      const double plain = first_crossing(c0, std::span<const ExpTerm>(terms.data(), taus.size()));
      const double shaped =
          first_crossing(c0, std::span<const double>(c.data(), taus.size()), shape);
      INFO("c0 " << c0 << ", c " << c[0] << " " << c[1] << " " << c[2]);
      REQUIRE(((plain == shaped) || (std::isnan(plain) && std::isnan(shaped))));
      if (std::isfinite(plain) && plain > 0.0) ++finite;
    }
  }
  CHECK(finite > 10'000);  // most draws have a crossing to find
}
