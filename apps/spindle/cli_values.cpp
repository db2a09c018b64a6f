#include "cli_values.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "spindle/error.hpp"
#include "spindle/time.hpp"

namespace spindle::app {

double parse_duration_ms(const std::string& option, const std::string& text) {
  double v = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  // from_chars accepts "nan" and "inf"; neither is a duration.
  if (ec != std::errc{} || ptr != end || !std::isfinite(v) || v <= 0.0) {
    throw Error(
        fmt::format("{} must be the simulated time in ms, a number > 0 (got '{}')", option, text));
  }
  if (v > max_time_ms) {
    throw Error(
        fmt::format("{} must be at most {:.0f} ms, the longest time Spindle can represent "
                    "(got '{}')",
                    option, max_time_ms, text));
  }
  if (Time::from_ms(v) <= Time::zero()) {
    throw Error(fmt::format("{} must be at least 1e-06 ms, one time step of 1 ns (got '{}')",
                            option, text));
  }
  return v;
}

std::uint64_t parse_integer(const std::string& option, const std::string& text, std::uint64_t lo,
                            std::uint64_t hi) {
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || ptr != end || v < lo || v > hi) {
    throw Error(
        fmt::format("{} must be a whole number from {} to {} (got '{}')", option, lo, hi, text));
  }
  return v;
}

double parse_fraction(const std::string& option, const std::string& text) {
  double v = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || ptr != end || !(v > 0.0 && v <= 1.0)) {
    throw Error(fmt::format("{} must be a number > 0 and <= 1 (got '{}')", option, text));
  }
  return v;
}

std::uint64_t parse_seed(const std::string& option, const std::string& text) {
  return parse_integer(option, text, 0, std::numeric_limits<std::uint64_t>::max());
}

}  // namespace spindle::app
