#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "spindle/random.hpp"
#include "support/catch.hpp"

using namespace spindle;

namespace {

/// Goodness of fit of the draws `xs` to the distribution function `cdf`: chi-square over 64 bins
/// of equal probability (63 degrees of freedom; 103.4 is the 0.999 quantile) and
/// Kolmogorov-Smirnov (1.95 / sqrt(n) is the critical distance at alpha = 0.001).
template <class Cdf>
void check_fit(std::vector<double> xs, Cdf cdf) {
  const auto n = static_cast<double>(xs.size());
  std::vector<int> bins(64, 0);
  for (double x : xs)
    ++bins[std::min(63, static_cast<int>(64.0 * cdf(x)))];
  double chi2 = 0;
  for (int c : bins)
    chi2 += (c - n / 64.0) * (c - n / 64.0) / (n / 64.0);
  CHECK(chi2 < 103.4);
  std::sort(xs.begin(), xs.end());
  double d = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double f = cdf(xs[i]);
    d = std::max({d, (static_cast<double>(i) + 1.0) / n - f, f - static_cast<double>(i) / n});
  }
  CHECK(d < 1.95 / std::sqrt(n));
}

}  // namespace

TEST_CASE("RandomStream: same key gives the same numbers, any other key different ones",
          "[random][unit]") {
  RandomStream a(42, 7, Purpose::stimulus), b(42, 7, Purpose::stimulus);
  RandomStream c(43, 7, Purpose::stimulus), d(42, 8, Purpose::stimulus),
      e(42, 7, Purpose::connectivity), f(42, 7, Purpose::stimulus, 1);
  std::set<std::uint64_t> firsts;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    CHECK(x == b.next_u64());
  }
  firsts.insert(RandomStream(42, 7, Purpose::stimulus).next_u64());
  firsts.insert(c.next_u64());
  firsts.insert(d.next_u64());
  firsts.insert(e.next_u64());
  firsts.insert(f.next_u64());
  CHECK(firsts.size() == 5);
}

TEST_CASE("RandomStream: draws are counter-based and can be replayed", "[random][unit]") {
  RandomStream a(1, 2, Purpose::weights);
  for (int i = 0; i < 10; ++i)
    a.next_u64();
  const auto c = a.counter();
  const auto x = a.next_u64();
  RandomStream b(1, 2, Purpose::weights);
  b.set_counter(c);
  CHECK(b.next_u64() == x);
}

TEST_CASE("RandomStream: uniform and normal moments", "[random][unit]") {
  // n = 1e6: the standard error of the mean is 0.29e-3 (uniform) and 1e-3 (normal); 5 SE bounds
  // give a false-failure rate below 1e-6 with a fixed seed that never changes anyway.
  RandomStream r(5, 0, Purpose::user);
  const int n = 1'000'000;
  double su = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    su += u;
    const double z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  CHECK(std::abs(su / n - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(sn / n) < 5e-3);
  CHECK(std::abs(sn2 / n - 1.0) < 5 * std::sqrt(2.0 / n));
}

TEST_CASE("RandomStream: below(n) draws every value below n equally often", "[random][unit]") {
  RandomStream r(9, 1, Purpose::user);
  const int k = 7, n = 700'000;
  std::vector<int> counts(k, 0);
  for (int i = 0; i < n; ++i) {
    const auto v = r.below(k);
    REQUIRE(v < static_cast<std::uint64_t>(k));
    ++counts[v];
  }
  // Chi-square with 6 degrees of freedom; 22.46 is the 0.999 quantile.
  double chi2 = 0;
  for (int c : counts)
    chi2 += (c - n / double(k)) * (c - n / double(k)) / (n / double(k));
  CHECK(chi2 < 22.46);
}

TEST_CASE("RandomStream: the ziggurat's layers have equal areas under exp(-x)", "[random][unit]") {
  // Marsaglia & Tsang (2000): every layer, the base with its tail included, has area v.
  const double v = 0.0039496598225815571993;
  namespace z = spindle::ziggurat;
  CHECK(std::abs(z::r * std::exp(-z::r) + std::exp(-z::r) - v) < 1e-15);
  CHECK(std::abs(z::x[0] * std::exp(-z::r) - v) < 1e-15);
  for (int i = 1; i < z::layers; ++i) {
    INFO("layer " << i);
    REQUIRE(z::x[i + 1] < z::x[i]);
    REQUIRE(std::abs(z::fx[i] - std::exp(-z::x[i])) <= 1e-15 * z::fx[i]);
    REQUIRE(std::abs(z::x[i] * (z::fx[i + 1] - z::fx[i]) - v) < 1e-12 * v);
  }
  CHECK(z::x[z::layers] == 0.0);
  CHECK(z::fx[z::layers] == 1.0);
}

TEST_CASE("RandomStream: exponential draws follow 1 - exp(-x), tail included", "[random][unit]") {
  RandomStream r(17, 3, Purpose::user);
  const int n = 2'000'000;
  std::vector<double> xs(n);
  double sum = 0, sum2 = 0;
  int beyond_r = 0, beyond_10 = 0;
  for (auto& x : xs) {
    x = r.standard_exponential();
    REQUIRE(x >= 0.0);
    sum += x;
    sum2 += x * x;
    beyond_r += x > spindle::ziggurat::r;
    beyond_10 += x > 10.0;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  CHECK(std::abs(mean - 1.0) < 5.0 / std::sqrt(n));       // SE of the mean: 1 / sqrt(n)
  CHECK(std::abs(var - 1.0) < 5.0 * std::sqrt(8.0 / n));  // SE of the variance: sqrt(8 / n)
  // The tail beyond r = 7.697 comes from the separate path: P = exp(-r) = 4.5e-4 (906 of 2e6),
  // P(X > 10) = 4.5e-5 (91); both within 5 Poisson SD.
  const double expect_r = n * std::exp(-spindle::ziggurat::r), expect_10 = n * std::exp(-10.0);
  CHECK(std::abs(beyond_r - expect_r) < 5.0 * std::sqrt(expect_r));
  CHECK(std::abs(beyond_10 - expect_10) < 5.0 * std::sqrt(expect_10));
  check_fit(xs, [](double x) { return 1.0 - std::exp(-x); });
  CHECK(std::abs(RandomStream(17, 3, Purpose::user).exponential(2.5) -
                 2.5 * RandomStream(17, 3, Purpose::user).standard_exponential()) == 0.0);
}

TEST_CASE("RandomStream: the normal ziggurat's layers have equal areas under exp(-x^2/2)",
          "[random][unit]") {
  // Marsaglia & Tsang (2000), 128 layers: the base (rectangle [0, r] x [0, f(r)] plus the tail,
  // whose area is sqrt(pi/2) erfc(r/sqrt(2))) and every other layer have area v.
  const double v = 9.91256303526217e-3;
  namespace z = spindle::ziggurat;
  const auto f = [](double x) { return std::exp(-0.5 * x * x); };
  const double tail = std::sqrt(std::acos(-1.0) / 2) * std::erfc(z::normal_r / std::sqrt(2.0));
  CHECK(std::abs(z::normal_r * f(z::normal_r) + tail - v) < 1e-12);
  CHECK(std::abs(z::normal_x[0] * f(z::normal_r) - v) < 1e-15);
  for (int i = 1; i < z::normal_layers; ++i) {
    INFO("layer " << i);
    REQUIRE(z::normal_x[i + 1] < z::normal_x[i]);
    REQUIRE(std::abs(z::normal_fx[i] - f(z::normal_x[i])) <= 1e-15 * z::normal_fx[i]);
    // r and v are published to 13 digits: the top layer closes 1.2e-9 v off, the others closer.
    REQUIRE(std::abs(z::normal_x[i] * (z::normal_fx[i + 1] - z::normal_fx[i]) - v) < 1e-8 * v);
  }
  CHECK(z::normal_x[z::normal_layers] == 0.0);
  CHECK(z::normal_fx[z::normal_layers] == 1.0);
}

TEST_CASE("RandomStream: normal draws follow the standard normal, both tails included",
          "[random][unit]") {
  RandomStream r(7, 0, Purpose::user);
  const int n = 2'000'000;
  std::vector<double> zs(n);
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  int beyond_r = 0, negative = 0, beyond_4 = 0;
  const auto phi = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  for (auto& z : zs) {
    z = r.normal();
    REQUIRE(std::isfinite(z));
    m1 += z;
    m2 += z * z;
    m3 += z * z * z;
    m4 += z * z * z * z;
    beyond_r += std::abs(z) > spindle::ziggurat::normal_r;
    beyond_4 += z < -4.0;
    negative += z < 0.0;
  }
  // Tolerances: 5 standard errors at n = 2e6 (s.e. of E z: 1/sqrt(n); E z^2: sqrt(2/n);
  // E z^3: sqrt(15/n); E z^4: sqrt(96/n); of a fraction q: sqrt(q(1-q)/n)).
  CHECK(std::abs(m1 / n) < 5.0 / std::sqrt(n));
  CHECK(std::abs(m2 / n - 1.0) < 5.0 * std::sqrt(2.0 / n));
  CHECK(std::abs(m3 / n) < 5.0 * std::sqrt(15.0 / n));
  CHECK(std::abs(m4 / n - 3.0) < 5.0 * std::sqrt(96.0 / n));
  // The sign is a bit of its own: half the draws are negative.
  CHECK(std::abs(negative - n / 2.0) < 5.0 * std::sqrt(n / 4.0));
  // |z| > r = 3.44 comes from the tail path: P = erfc(r / sqrt 2) = 5.8e-4 (1153 of 2e6);
  // z < -4: 3.2e-5 (63). Both within 5 Poisson SD.
  const double expect_r = n * std::erfc(spindle::ziggurat::normal_r / std::sqrt(2.0));
  const double expect_4 = n * phi(-4.0);
  CHECK(std::abs(beyond_r - expect_r) < 5.0 * std::sqrt(expect_r));
  CHECK(std::abs(beyond_4 - expect_4) < 5.0 * std::sqrt(expect_4));
  check_fit(zs, phi);
}
