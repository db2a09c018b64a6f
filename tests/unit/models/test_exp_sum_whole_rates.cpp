// first_crossing() on sums whose rates are whole multiples of the slowest one, where it takes
// its fast paths (one exp and its powers; the cut points of a 1:2 two-term sum from the
// quadratic formula). With x = exp(-t / tau_slow) such a sum is a polynomial in x, so the
// reference here needs no exp sum at all: the largest root of the polynomial in (0, 1) where it
// changes sign, found by a scan in x and bisection, gives the first crossing t = -tau ln x.
#include <array>
#include <cmath>
#include <limits>
#include <random>

#include "spindle/models/exp_sum_roots.hpp"
#include "support/catch.hpp"

using spindle::models::ExpTerm;
using spindle::models::first_crossing;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// c0 + c[1] x + c[2] x^2 + c[4] x^4 (CUBA: x = exp(-t/20), terms of tau 20, 10 and 5 ms).
double quartic(double c0, const std::array<double, 5>& c, double x) {
  const double x2 = x * x;
  return c0 + c[1] * x + c[2] * x2 + c[4] * x2 * x2;
}

/// First t >= 0 where the polynomial turns >= 0 as x = exp(-t / tau) falls from 1, or inf: scan
/// x downwards in steps of 1e-5 (in t: at most 1e-5 tau / x), then 200 bisections.
double reference_crossing(double c0, const std::array<double, 5>& c, double tau) {
  double prev = 1.0;
  for (double x = 1.0 - 1e-5; x > 1e-12; x -= 1e-5) {
    if (quartic(c0, c, x) >= 0.0) {
      double lo = x, hi = prev;  // p(lo) >= 0 > p(hi)
      for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        (quartic(c0, c, mid) >= 0.0 ? lo : hi) = mid;
      }
      return -tau * std::log(lo);
    }
    prev = x;
  }
  return inf;
}

}  // namespace

TEST_CASE("first_crossing: CUBA's time constants 20, 10, 5 ms against the quartic in exp(-t/20)",
          "[exp_sum_roots][unit]") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  int found = 0, none = 0, narrow = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    // V - V_th of a CUBA cell: c0 = V_inf - V_th, then the membrane, inh and exc terms.
    const std::array<double, 5> c{0.0, 10.0 * u(rng), 10.0 * u(rng), 0.0, 10.0 * u(rng)};
    const double c0 = 2.0 * u(rng);
    if (quartic(c0, c, 1.0) >= 0.0) continue;
    const std::array<ExpTerm, 3> terms{{{c[1], 20.0}, {c[2], 10.0}, {c[4], 5.0}}};
    const double got = first_crossing(c0, terms);
    const double want = reference_crossing(c0, c, 20.0);
    INFO("trial " << trial << ": finder " << got << ", reference " << want);
    if (std::isfinite(want)) {
      REQUIRE(std::isfinite(got));
      // Either the same crossing (the reference's t is exact to ~1e-12 ms here) or an earlier
      // one inside an excursion narrower than the scan's step, which must then be genuine.
      if (got < want - 1e-9) {
        ++narrow;
        CHECK(quartic(c0, c, std::exp(-got / 20.0)) >= -1e-13);
      } else {
        CHECK(std::abs(got - want) <= 1e-9);
      }
      ++found;
    } else {
      // The scan misses only excursions narrower than its step: then a found one is genuine.
      if (std::isfinite(got)) CHECK(quartic(c0, c, std::exp(-got / 20.0)) >= -1e-13);
      ++none;
    }
  }
  CHECK(found > 300);
  CHECK(none > 300);
  CHECK(narrow <= 3);
}

TEST_CASE("first_crossing: a 1:2 sum (tau 10 and 5 ms) has the quadratic's closed-form crossing",
          "[exp_sum_roots][unit]") {
  // f = c0 + c1 x + c2 x^2, x = exp(-t/10): the first crossing is at the largest root x* in (0, 1)
  // of the quadratic, t* = -10 ln x*.
  std::mt19937_64 rng(12);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  int found = 0, none = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const double c0 = u(rng), c1 = 4.0 * u(rng), c2 = 4.0 * u(rng);
    if (c0 + c1 + c2 >= 0.0) continue;
    const double disc = c1 * c1 - 4.0 * c2 * c0;
    double x_star = 0.0;
    if (disc > 0.0) {
      for (const double s : {-1.0, 1.0}) {
        const double x = (-c1 + s * std::sqrt(disc)) / (2.0 * c2);
        if (x > 0.0 && x < 1.0) x_star = std::max(x_star, x);
      }
    }
    const std::array<ExpTerm, 2> terms{{{c1, 10.0}, {c2, 5.0}}};
    const double got = first_crossing(c0, terms);
    INFO("trial " << trial << ": c0 " << c0 << ", c1 " << c1 << ", c2 " << c2);
    if (x_star > 1e-12 && disc > 1e-12) {
      // Slope of f at the root is |c1 + 2 c2 x| x / 10 >= sqrt(disc) x / 10, so rounding of
      // ~1e-15 in f moves t by < 1e-14 / (sqrt(disc) x); the closed form itself has a few ulp.
      CHECK(std::abs(got - (-10.0 * std::log(x_star))) <=
            1e-12 + 1e-13 / (std::sqrt(disc) * x_star));
      ++found;
    } else if (disc < -1e-9) {
      CHECK(!std::isfinite(got));  // no real root: f keeps the sign of f(0) < 0
      ++none;
    }
  }
  CHECK(found > 200);
  CHECK(none > 50);
}
