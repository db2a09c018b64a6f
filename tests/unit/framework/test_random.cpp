#include <cmath>
#include <set>

#include "spindle/random.hpp"
#include "support/catch.hpp"

using namespace spindle;

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
