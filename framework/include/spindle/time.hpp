// spindle/time.hpp: simulation time as a whole number of ticks (1 tick = 1 ns).
// Integer time makes event order, delays and epoch edges exact; models compute in
// double milliseconds and convert at their boundary with from_ms / to_ms.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

namespace spindle {

class Time {
 public:
  static constexpr std::int64_t ticks_per_ms = 1'000'000;
  static constexpr double ms_per_tick = 1e-6;

  constexpr Time() noexcept = default;
  static constexpr Time from_ticks(std::int64_t ticks) noexcept { return Time{ticks}; }
  /// Nearest tick to a time in ms. The caller makes sure the value is finite and in range.
  /// Rounds half away from zero, as std::llround, without its library call (this is on the path
  /// of every Poisson arrival): y - trunc(y) is exact for every double in range.
  static Time from_ms(double ms) noexcept {
    const double y = ms * static_cast<double>(ticks_per_ms);
    auto ticks = static_cast<std::int64_t>(y);  // truncates towards zero
    const double rest = y - static_cast<double>(ticks);
    ticks += (rest >= 0.5) - (rest <= -0.5);
    return Time{ticks};
  }
  /// First tick at or after a time in ms: a threshold crossing at t lands on ceil(t).
  static Time ceil_ms(double ms) noexcept {
    return Time{static_cast<std::int64_t>(std::ceil(ms * static_cast<double>(ticks_per_ms)))};
  }
  static constexpr Time zero() noexcept { return Time{0}; }
  /// A time later than any event: "no crossing predicted".
  static constexpr Time never() noexcept { return Time{std::numeric_limits<std::int64_t>::max()}; }
  /// Largest time a simulation may reach (leaves head room below never()).
  static constexpr Time max_run() noexcept { return Time{std::int64_t{1} << 60}; }

  constexpr std::int64_t ticks() const noexcept { return ticks_; }
  constexpr double to_ms() const noexcept {
    return static_cast<double>(ticks_) / static_cast<double>(ticks_per_ms);
  }
  constexpr bool is_never() const noexcept { return *this == never(); }

  constexpr auto operator<=>(const Time&) const noexcept = default;
  constexpr Time& operator+=(Time d) noexcept {
    ticks_ += d.ticks_;
    return *this;
  }
  constexpr Time& operator-=(Time d) noexcept {
    ticks_ -= d.ticks_;
    return *this;
  }
  friend constexpr Time operator+(Time a, Time b) noexcept { return Time{a.ticks_ + b.ticks_}; }
  friend constexpr Time operator-(Time a, Time b) noexcept { return Time{a.ticks_ - b.ticks_}; }

 private:
  constexpr explicit Time(std::int64_t t) noexcept : ticks_(t) {}
  std::int64_t ticks_ = 0;
};

/// Largest value of ms that from_ms converts without overflow.
inline constexpr double max_time_ms =
    static_cast<double>(std::int64_t{1} << 60) * Time::ms_per_tick;

}  // namespace spindle
