// The shared integrator (ode_integrator.hpp) against closed forms: global error against the
// tolerance, accuracy of the dense output, the crossing search (never misses a crossing of the
// interpolant, grazes included; first tick exact), and the Bernstein root bracketing against
// dense sampling of random quartics.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "spindle/models/ode_integrator.hpp"
#include "support/catch.hpp"

namespace ode = spindle::models::ode;

TEST_CASE("ode integrator: global error on y' = -y and a harmonic oscillator follows the tolerance",
          "[ode][validation]") {
  for (double tol : {1e-6, 1e-8, 1e-10, 1e-12}) {
    ode::Settings set;
    set.tol = {tol, tol};
    // y' = -y / 3 over 20 ms from 1: y = exp(-t / 3).
    const auto decay = [](double, const ode::Vec<1>& y, ode::Vec<1>& dy) { dy[0] = -y[0] / 3.0; };
    const auto r1 = ode::integrate<1>(decay, {1.0}, 20.0, 0.01, set);
    const double e1 = std::abs(r1.y[0] - std::exp(-20.0 / 3.0));
    // x'' = -x (period 2 pi ms) over 50 ms: x = cos t, v = -sin t.
    const auto osc = [](double, const ode::Vec<2>& y, ode::Vec<2>& dy) {
      dy[0] = y[1];
      dy[1] = -y[0];
    };
    const auto r2 = ode::integrate<2>(osc, {1.0, 0.0}, 50.0, 0.01, set);
    const double e2 =
        std::max(std::abs(r2.y[0] - std::cos(50.0)), std::abs(r2.y[1] + std::sin(50.0)));
    std::printf(
        "tol %.0e: decay error %.2e (%llu steps), oscillator error %.2e (%llu steps, %llu "
        "rejected)\n",
        tol, e1, static_cast<unsigned long long>(r1.steps), e2,
        static_cast<unsigned long long>(r2.steps), static_cast<unsigned long long>(r2.rejected));
    // Local error per step <= tol; the decay damps it, the oscillator accumulates it over ~50
    // steps per period: global error bounds of 10 tol and 1000 tol (plus rounding).
    CHECK(e1 <= 10 * tol + 1e-15);
    CHECK(e2 <= 1000 * tol + 1e-13);
  }
}

TEST_CASE("ode integrator: dense output is accurate inside each step", "[ode][validation]") {
  // y' = cos(t) y, y = exp(sin t). One step of 0.2 ms and its interpolant at 9 inner points.
  const auto f = [](double s, const ode::Vec<1>& y, ode::Vec<1>& dy) {
    dy[0] = std::cos(s) * y[0];
  };
  ode::Settings set;
  set.tol = {1e-9, 1e-9};
  set.h_max = 0.2;
  const auto r = ode::integrate<1>(f, {1.0}, 3.0, 0.2, set);
  // Check the last step's interpolant against the exact solution.
  const auto& st = r.last;
  REQUIRE(st.h > 0.0);
  double worst = 0.0;
  for (int i = 0; i <= 10; ++i) {
    const double s = st.s0 + st.h * i / 10.0;
    worst = std::max(worst, std::abs(st.at(s)[0] - std::exp(std::sin(s))));
  }
  std::printf("dense output: step %.3g ms, worst interpolation error %.2e\n", st.h, worst);
  // 4th-order continuous extension: error of the order of the local tolerance (x 100 margin for
  // the accumulated global error of the step's start).
  CHECK(worst <= 1e-7);
}

TEST_CASE("ode integrator: crossings are found at the right tick, grazes included",
          "[ode][validation]") {
  ode::Settings set;
  set.tol = {1e-10, 1e-10};
  set.level = 0.0;
  set.h_max = 50.0;
  SECTION("linear rise: the first tick at or after the exact crossing") {
    // y' = 1 from -x0: crossing at x0 [ms]; the step is large (the right-hand side is constant).
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.001, 40.0);
    for (int i = 0; i < 2000; ++i) {
      const double x0 = u(rng);
      const auto f = [](double, const ode::Vec<1>&, ode::Vec<1>& dy) { dy[0] = 1.0; };
      const auto r = ode::integrate<1>(f, {-x0}, 50.0, 10.0, set);
      REQUIRE(r.crossed);
      // The crossing is at x0 up to rounding of -x0 + s (a few ulp of 40): the tick is
      // ceil(x0 / tick) unless x0 lies within 1e-12 ms of a tick boundary.
      const double q = x0 / ode::tick_ms;
      if (std::abs(q - std::round(q)) * ode::tick_ms < 1e-12) continue;
      REQUIRE(r.crossing_tick == static_cast<std::int64_t>(std::ceil(q)));
    }
  }
  SECTION("a parabola grazing the level inside one step") {
    // y(s) = eps - (s - 7)^2 + ... written as y' = -2 (s - 7), y(0) = eps - 49: one step of
    // 20 ms covers the whole excursion, and its end points are far below the level.
    for (double eps : {1.8e-3, 2.3e-6, 3.1e-9, 4.3e-11}) {
      for (double sign : {+1.0, -1.0}) {
        const auto f = [](double s, const ode::Vec<1>&, ode::Vec<1>& dy) {
          dy[0] = -2.0 * (s - 7.0);
        };
        const auto r = ode::integrate<1>(f, {sign * eps - 49.0}, 20.0, 20.0, set);
        INFO("eps " << sign * eps << ": steps " << r.steps);
        CHECK(r.steps <= 2);
        CHECK(r.crossed == (sign > 0));
        if (sign > 0) {
          // Roots 7 -+ sqrt(eps): the first tick at or after 7 - sqrt(eps). (The values of eps
          // keep the root at least 0.1 tick away from a tick boundary; the polynomial's rounding
          // moves it by < 1e-3 tick.)
          const double x = 7.0 - std::sqrt(eps);
          const double q = x / ode::tick_ms;
          REQUIRE(std::abs(q - std::round(q)) > 0.1);
          CHECK(r.crossing_tick == static_cast<std::int64_t>(std::ceil(q)));
        }
      }
    }
  }
}

TEST_CASE("ode integrator: Bernstein bracketing never misses the first root of a quartic",
          "[ode][validation]") {
  // Random dense-output coefficients r (as in ode::Step) and a level near the polynomial's
  // maximum; the first sampled crossing on a 1e5-point grid must lie in or after the returned
  // piece's start and no later than its end plus one grid spacing, and a polynomial whose
  // sampled maximum exceeds the level by more than the sampling allowance must be bracketed.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> n01(0.0, 1.0);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  constexpr int grid = 100000;
  int found = 0, none = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::array<double, 5> r{};
    for (double& x : r)
      x = n01(rng);
    const auto P = [&](double th) {
      const double v = 1.0 - th;
      return r[0] + th * (r[1] + v * (r[2] + th * (r[3] + v * r[4])));
    };
    double pmax = -1e300;
    for (int i = 0; i <= grid; ++i)
      pmax = std::max(pmax, P(double(i) / grid));
    const double level = pmax - std::pow(10.0, -1.0 - 10.0 * std::abs(u(rng))) * u(rng);
    if (P(0.0) >= level) continue;
    int first = -1;
    for (int i = 0; i <= grid; ++i)
      if (P(double(i) / grid) >= level) {
        first = i;
        break;
      }
    double a = 0, b = 1;
    const bool got = ode::first_rise(ode::bernstein_minus(r, level), 1e-9, a, b);
    if (first >= 0) {
      REQUIRE(got);  // a sampled point above the level: a crossing exists
      CHECK(a <= double(first) / grid);
      ++found;
    } else {
      ++none;
    }
    if (got) {
      // Everything left of a was proved below the level.
      int above = 0;  // sampled points left of a at or above the level: must be none
      for (int i = 0; i <= grid && double(i) / grid < a; ++i)
        above += P(double(i) / grid) >= level;
      REQUIRE(above == 0);
      CHECK(b - a <= 1e-9);
    }
  }
  std::printf("Bernstein bracketing: %d quartics with a sampled crossing, %d without\n", found,
              none);
  CHECK(found > 100);
}
