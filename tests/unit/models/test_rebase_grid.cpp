// RebaseGrid::base_of finds the largest grid point not after t with a multiplication; it must
// equal the integer answer t - t % period for every t, also where the double quotient is off by
// more than one (t above 2^53 ticks with a short period) and at the grid points themselves.
#include <cstdint>
#include <random>

#include "spindle/models/rebase_grid.hpp"
#include "support/catch.hpp"

using spindle::Time;
using spindle::models::RebaseGrid;

TEST_CASE("RebaseGrid: base_of equals the integer grid point", "[rebase_grid]") {
  std::mt19937_64 rng(11);
  for (const std::int64_t period :
       {1LL, 7LL, 100'000LL, 8'000'000LL, 123'456'789LL, 320'000'000LL}) {
    const RebaseGrid grid(Time::from_ticks(period));
    REQUIRE(grid.period().ticks() == period);
    for (int i = 0; i < 20'000; ++i) {
      std::int64_t t = 0;
      switch (i % 3) {
        case 0:  // up to 12.7 days
          t = static_cast<std::int64_t>(rng() % (std::uint64_t{1} << 40));
          break;
        case 1:  // up to Time::max_run()
          t = static_cast<std::int64_t>(rng() % (std::uint64_t{1} << 60));
          break;
        default:  // at and next to grid points
          t = static_cast<std::int64_t>(rng() % 1'000'000) * period +
              static_cast<std::int64_t>(rng() % 3) - 1;
          if (t < 0) t = 0;
      }
      const std::int64_t base = grid.base_of(Time::from_ticks(t)).ticks();
      if (base != t - t % period) FAIL("period " << period << " t " << t << ": " << base);
    }
  }
}

TEST_CASE("RebaseGrid: a period below one tick is one tick", "[rebase_grid]") {
  const RebaseGrid grid(Time::zero());
  CHECK(grid.period().ticks() == 1);
  CHECK(grid.base_of(Time::from_ticks(12345)).ticks() == 12345);
}
