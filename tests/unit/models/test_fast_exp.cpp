// fast_exp against std::exp: the largest error in ulps on a million random points per range, at
// the worst reduced arguments of its polynomial (|r| = ln2 / 256, where a dropped term shows), and
// the edge cases, where it must answer what std::exp answers (0, denormals, inf, NaN).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <random>

#include "spindle/models/fast_exp.hpp"
#include "support/catch.hpp"

using spindle::models::fast_exp;

namespace {

/// |got - want| in units of the spacing of doubles at `want` (want a positive normal double).
double ulps(double got, double want) {
  const double ulp = std::ldexp(1.0, std::ilogb(want) - std::numeric_limits<double>::digits + 1);
  return std::abs(got - want) / ulp;
}

struct ErrorReport {
  double max_ulps = 0.0;  ///< against std::exp (glibc: within 0.52 ulp of exp)
  double worst_x = 0.0;
  double max_ulps_long = 0.0;  ///< against the long double exp (x87: 11 more bits)
};

template <class Points>
ErrorReport measure(Points points) {
  ErrorReport e;
  points([&e](double x) {
    const double got = fast_exp(x);
    const double u = ulps(got, std::exp(x));
    if (u > e.max_ulps) {
      e.max_ulps = u;
      e.worst_x = x;
    }
    const long double exact = std::exp(static_cast<long double>(x));
    const double ulp = std::ldexp(1.0, std::ilogb(static_cast<double>(exact)) - 52);
    e.max_ulps_long =
        std::max(e.max_ulps_long,
                 static_cast<double>(std::abs(static_cast<long double>(got) - exact) / ulp));
  });
  return e;
}

void report(const char* what, const ErrorReport& e) {
  std::cout << "fast_exp on " << what << ": max error " << e.max_ulps
            << " ulp against std::exp (at x = " << e.worst_x << "), " << e.max_ulps_long
            << " ulp against long double exp\n";
}

}  // namespace

TEST_CASE("fast_exp: within 2 ulp of std::exp on a million random points per range", "[fast_exp]") {
  constexpr double max_ulps = 2.0;  // the target of issue 7
  std::mt19937_64 rng(7);
  for (const double half_width : {1.0, 50.0, 700.0}) {
    const ErrorReport e = measure([&](auto&& check) {
      for (int i = 0; i < 1'000'000; ++i) {
        const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
        check(half_width * (2.0 * u - 1.0));
      }
    });
    const std::string range = "[-" + std::to_string(static_cast<int>(half_width)) + ", " +
                              std::to_string(static_cast<int>(half_width)) + "]";
    report(range.c_str(), e);
    INFO(range << ": worst at x = " << e.worst_x);
    CHECK(e.max_ulps <= max_ulps);
  }
}

// Each x = (k + 1/2) ln2 / 128 (just inside) gives the largest reduced argument, |r| = ln2 / 256,
// where the polynomial's truncation error is largest: without its r^5 term it is off by
// r^5 / 120 = 1.2e-15 (up to 11 ulp), and by more without any lower term.
TEST_CASE("fast_exp: within 2 ulp at the largest reduced arguments", "[fast_exp]") {
  const double step = std::log(2.0) / 128.0;
  const ErrorReport e = measure([&](auto&& check) {
    for (int k = -130'000; k <= 130'000; k += 7) {
      check((k + 0.5 - 1e-6) * step);
      check((k - 0.5 + 1e-6) * step);
    }
  });
  report("the largest reduced arguments", e);
  INFO("worst at x = " << e.worst_x);
  CHECK(e.max_ulps <= 2.0);
}

TEST_CASE("fast_exp: exact at 0 and at the ends of the inline range", "[fast_exp]") {
  CHECK(fast_exp(0.0) == 1.0);
  CHECK(fast_exp(-0.0) == 1.0);
  for (const double x : {708.0, -708.0, 707.99999, -707.99999, 1.0, -1.0, 1e-300, -1e-300}) {
    INFO("x = " << x);
    CHECK(ulps(fast_exp(x), std::exp(x)) <= 2.0);
  }
  CHECK(fast_exp(1e-300) == 1.0);
}

TEST_CASE("fast_exp: beyond the inline range it answers as std::exp", "[fast_exp]") {
  constexpr double inf = std::numeric_limits<double>::infinity();
  // Denormal results and underflow to 0.
  for (const double x : {-708.5, -720.0, -745.0, -745.2, -746.0, -1e5, -1e300}) {
    INFO("x = " << x);
    CHECK(fast_exp(x) == std::exp(x));
  }
  CHECK(fast_exp(-745.0) > 0.0);  // a denormal, not flushed to 0
  CHECK(fast_exp(-746.0) == 0.0);
  CHECK(fast_exp(-inf) == 0.0);
  // Near overflow and beyond.
  CHECK(fast_exp(709.5) == std::exp(709.5));
  CHECK(std::isfinite(fast_exp(709.7)));
  CHECK(fast_exp(710.0) == inf);
  CHECK(fast_exp(1e300) == inf);
  CHECK(fast_exp(inf) == inf);
  CHECK(std::isnan(fast_exp(std::numeric_limits<double>::quiet_NaN())));
  CHECK(std::isnan(fast_exp(-std::numeric_limits<double>::quiet_NaN())));
}
