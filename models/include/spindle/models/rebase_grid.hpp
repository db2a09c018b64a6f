// spindle/models/rebase_grid.hpp: the grid of base times of the models that keep a cell's state
// scaled against a base time (lif_delta, lif_exp). All inputs of one time then share the scale
// factors of one grid point, and a cell is rebased only when its base falls behind the grid.
#pragma once

#include <algorithm>
#include <cstdint>

#include "spindle/time.hpp"

namespace spindle::models {

class RebaseGrid {
 public:
  /// Grid points every `period` (at least one tick).
  explicit RebaseGrid(Time period) noexcept
      : period_(std::max(period, Time::from_ticks(1))),
        per_tick_(1.0 / static_cast<double>(period_.ticks())) {}

  Time period() const noexcept { return period_; }

  /// The largest grid point not after t >= 0. A multiplication instead of an integer division
  /// (this is on the path of every input): its quotient is off by at most one while t is below
  /// 2^53 ticks (104 days), and the integer tests mend it, in any case.
  Time base_of(Time t) const noexcept {
    const std::int64_t period = period_.ticks();
    auto base = static_cast<std::int64_t>(static_cast<double>(t.ticks()) * per_tick_) * period;
    while (base > t.ticks())
      base -= period;
    while (t.ticks() - base >= period)
      base += period;
    return Time::from_ticks(base);
  }

 private:
  Time period_;
  double per_tick_;  ///< 1 / period in ticks
};

}  // namespace spindle::models
