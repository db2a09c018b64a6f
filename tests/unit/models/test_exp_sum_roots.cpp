// first_crossing(): known roots, merging, the horizon, grazes, and a randomized comparison with
// a dense scan. Tolerances: the finder resolves crossings to 1e-13 ms (plus 4 ulp of t); checks
// below allow 1e-12 ms, and values of f are compared with the rounding scale of the sum.
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "spindle/error.hpp"
#include "spindle/models/exp_sum_roots.hpp"
#include "support/catch.hpp"

using spindle::models::exp_sum_horizon;
using spindle::models::exp_sum_value;
using spindle::models::ExpTerm;
using spindle::models::first_crossing;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();
}

TEST_CASE("first_crossing: closed-form single term", "[exp_sum_roots][unit]") {
  // -1 + 2 exp(-t / 3) rises? No: it falls from 1. Start below: 1 - 2 exp(-t / 3) crosses at
  // t = 3 ln 2.
  const std::vector<ExpTerm> t1{{-2.0, 3.0}};
  CHECK(std::abs(first_crossing(1.0, t1) - 3.0 * std::log(2.0)) < 1e-12);
  // Returned time is at or after the crossing: f(t) >= 0.
  CHECK(exp_sum_value(1.0, t1, first_crossing(1.0, t1)) >= 0.0);
  // Decays towards a negative constant: never.
  CHECK(first_crossing(-1.0, std::vector<ExpTerm>{{-2.0, 3.0}}) == inf);
  // Already at or above zero: 0.
  CHECK(first_crossing(-1.0, std::vector<ExpTerm>{{1.0, 3.0}}) == 0.0);
  CHECK(first_crossing(0.0, std::vector<ExpTerm>{}) == 0.0);
  CHECK(first_crossing(-1e-300, std::vector<ExpTerm>{}) == inf);
  // t_max cuts the search.
  CHECK(first_crossing(1.0, t1, 2.0) == inf);
}

TEST_CASE("first_crossing: equal time constants are merged", "[exp_sum_roots][unit]") {
  const std::vector<ExpTerm> split{{-1.5, 2.0}, {-0.5, 2.0}};
  const std::vector<ExpTerm> merged{{-2.0, 2.0}};
  CHECK(first_crossing(1.0, split) == first_crossing(1.0, merged));
  // Terms that cancel exactly leave a constant.
  CHECK(first_crossing(-1.0, std::vector<ExpTerm>{{3.0, 2.0}, {-3.0, 2.0}}) == inf);
}

TEST_CASE("first_crossing: zero constant term uses the slowest term", "[exp_sum_roots][unit]") {
  // f = exp(-t/10) - 2 exp(-t/2): f(0) = -1, crosses where exp(0.4 t) = 2.
  const std::vector<ExpTerm> t{{1.0, 10.0}, {-2.0, 2.0}};
  CHECK(std::abs(first_crossing(0.0, t) - std::log(2.0) / 0.4) < 1e-12);
  // f = -exp(-t/10) + 0.5 exp(-t/2): negative for all t.
  CHECK(first_crossing(0.0, std::vector<ExpTerm>{{-1.0, 10.0}, {0.5, 2.0}}) == inf);
}

TEST_CASE("first_crossing: PSP-shaped grazes are resolved on both sides", "[exp_sum_roots][unit]") {
  // g(t) = exp(-t/10) - exp(-t/2), maximum m at tp = 20 ln 5 / 8.
  const double tp = 20.0 * std::log(5.0) / 8.0;
  const double m = std::exp(-tp / 10.0) - std::exp(-tp / 2.0);
  const std::vector<ExpTerm> psp{{1.0, 10.0}, {-1.0, 2.0}};
  for (const double eps : {1e-3, 1e-8, 1e-12}) {
    INFO("excursion " << eps);
    // Peak above zero by eps: found, before the peak, by about sqrt(2 eps / |g''|).
    const double t = first_crossing(-m + eps, psp);
    REQUIRE(t < tp);
    // f(t) >= 0, and f < 0 a little earlier: 1e-8 ms times the slope at the crossing,
    // sqrt(2 eps |g''|) >= 4e-7 for eps = 1e-12, is still far above rounding (~1e-16).
    CHECK(exp_sum_value(-m + eps, psp, t) >= 0.0);
    CHECK(exp_sum_value(-m + eps, psp, t - 1e-8) < 0.0);
    // Peak below zero by eps: no crossing.
    CHECK(first_crossing(-m - eps, psp) == inf);
  }
}

TEST_CASE("first_crossing: a second hump after a near miss is found", "[exp_sum_roots][unit]") {
  // Three terms: a fast hump that stays below zero, then a slow rise that crosses.
  // f = c0 + 5 (e^{-t/20} - e^{-t/0.5}) - 4.9 (e^{-t/0.8} - e^{-t/0.5}) ... built numerically:
  const std::vector<ExpTerm> t{{5.0, 20.0}, {-4.9, 0.8}, {-0.1, 0.5}};
  // Find its global shape by a dense scan to choose c0 between the two maxima.
  double first_max = -inf, later_max = -inf, t_first = 0.0;
  double prev = exp_sum_value(0.0, t, 0.0);
  bool rising = true, seen_first = false;
  for (double s = 1e-4; s < 100.0; s += 1e-4) {
    const double v = exp_sum_value(0.0, t, s);
    if (rising && v < prev && !seen_first) {
      first_max = prev;
      t_first = s;
      seen_first = true;
    }
    if (seen_first) later_max = std::max(later_max, v);
    rising = v >= prev;
    prev = v;
  }
  REQUIRE(seen_first);
  if (later_max > first_max) {
    const double c0 = -(first_max + later_max) / 2.0;
    const double r = first_crossing(c0, t);
    CHECK(r > t_first);
    CHECK(exp_sum_value(c0, t, r) >= 0.0);
  } else {
    // The fast hump is the higher one: a c0 between them must find the first hump.
    const double c0 = -(first_max + later_max) / 2.0;
    CHECK(first_crossing(c0, t) < t_first + 1e-3);
  }
}

TEST_CASE("exp_sum_horizon: f keeps the sign of its limit after the horizon",
          "[exp_sum_roots][unit]") {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const double taus[] = {0.3, 1.0, 2.0, 5.0, 10.0, 30.0};
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<ExpTerm> terms;
    const int n = 1 + trial % 4;
    for (int k = 0; k < n; ++k)
      terms.push_back({10.0 * u(rng), taus[(trial + 3 * k) % 6]});
    const double c0 = trial % 7 == 0 ? 0.0 : u(rng);
    const double H = exp_sum_horizon(c0, terms);
    REQUIRE(std::isfinite(H));
    // The sign of the limit: c0, or the slowest nonzero term when c0 == 0.
    double limit_sign = c0;
    if (c0 == 0.0) {
      double slow = 0.0;
      for (const auto& k : terms)
        if (k.tau > slow && k.coeff != 0.0) slow = k.tau, limit_sign = 0.0;
      for (const auto& k : terms)
        if (k.tau == slow) limit_sign += k.coeff;
    }
    int wrong = 0;
    double first_wrong = 0.0;
    for (double s = H; s < H + 400.0; s += 0.5) {
      const double f = exp_sum_value(c0, terms, s);
      if (c0 == 0.0 && std::abs(f) < 1e-250) break;  // a c0 == 0 sum underflows far out
      if ((f > 0.0) != (limit_sign > 0.0) && wrong++ == 0) first_wrong = s;
    }
    INFO("trial " << trial << " H = " << H << ", first wrong sign at t = " << first_wrong);
    REQUIRE(wrong == 0);
  }
}

TEST_CASE("first_crossing: randomized against a dense scan", "[exp_sum_roots][unit]") {
  // Dense scan with step 1e-3 ms plus bisection. A scan can step over an excursion narrower
  // than its step: such cases must show f(t) >= 0 at the finder's answer, and are counted.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const double taus[] = {0.2, 0.5, 2.0, 3.0, 10.0, 20.0};
  int found = 0, none = 0, narrow = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<ExpTerm> terms;
    const int n = 2 + trial % 3;
    for (int k = 0; k < n; ++k)
      terms.push_back({5.0 * u(rng), taus[(trial * 7 + 5 * k) % 6]});
    const double c0 = 0.5 * u(rng);
    if (exp_sum_value(c0, terms, 0.0) >= 0.0) continue;
    const double got = first_crossing(c0, terms);
    double scale = std::abs(c0);
    for (const auto& k : terms)
      scale += std::abs(k.coeff);
    const double H = std::min(exp_sum_horizon(c0, terms), 300.0);
    double scan = inf;
    for (double s = 1e-3; s <= H + 1e-3; s += 1e-3) {
      if (exp_sum_value(c0, terms, s) >= 0.0) {
        double lo = s - 1e-3, hi = s;
        for (int i = 0; i < 100; ++i) {
          const double mid = 0.5 * (lo + hi);
          (exp_sum_value(c0, terms, mid) >= 0.0 ? hi : lo) = mid;
        }
        scan = hi;
        break;
      }
    }
    INFO("trial " << trial << ": finder " << got << ", scan " << scan);
    if (std::isfinite(got)) {
      // A genuine crossing (up to rounding: the finder sums the terms in another order)...
      CHECK(exp_sum_value(c0, terms, got) >= -1e-14 * scale);
      CHECK(got <= scan + 1e-12);       // ...no later than the scan's
      if (got < scan - 1e-9) ++narrow;  // an excursion the scan stepped over
      ++found;
    } else {
      // Nothing found: the scan must not find anything beyond rounding either.
      CHECK(!std::isfinite(scan));
      ++none;
    }
  }
  CHECK(found > 300);
  CHECK(none > 300);
  CHECK(narrow <= 3);
}

TEST_CASE("first_crossing: bad input is an internal error", "[exp_sum_roots][unit]") {
  CHECK_THROWS_AS(first_crossing(-1.0, std::vector<ExpTerm>{{1.0, 0.0}}), spindle::InternalError);
  CHECK_THROWS_AS(first_crossing(-1.0, std::vector<ExpTerm>{{NAN, 1.0}}), spindle::InternalError);
  std::vector<ExpTerm> many;
  for (int k = 0; k < 9; ++k)
    many.push_back({1.0, 1.0 + k});
  CHECK_THROWS_AS(first_crossing(-100.0, many), spindle::InternalError);
}
