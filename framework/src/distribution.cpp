#include "spindle/distribution.hpp"

#include <cmath>

#include <fmt/format.h>

namespace spindle {

namespace {
double snap(double v, double step) {
  return step > 0 ? std::round(v / step) * step : v;
}
}  // namespace

double Distribution::sample(RandomStream& rng) const {
  return snap(sample_unrounded(rng), step);
}

double Distribution::sample_unrounded(RandomStream& rng) const {
  switch (kind) {
    case Kind::constant:
      return a;
    case Kind::uniform:
      return rng.uniform(a, b);
    case Kind::normal:
      // Redraw outside the truncation bounds; problem() guarantees the mass inside is not tiny.
      for (;;) {
        const double v = a + b * rng.normal();
        if (v >= lo && v <= hi) return v;
      }
  }
  return a;
}

double Distribution::min_value() const noexcept {
  return snap(min_unrounded(), step);
}

double Distribution::max_value() const noexcept {
  return snap(max_unrounded(), step);
}

double Distribution::min_unrounded() const noexcept {
  switch (kind) {
    case Kind::constant:
      return a;
    case Kind::uniform:
      return a;
    case Kind::normal:
      return b == 0.0 ? a : lo;
  }
  return a;
}

double Distribution::max_unrounded() const noexcept {
  switch (kind) {
    case Kind::constant:
      return a;
    case Kind::uniform:
      return b;
    case Kind::normal:
      return b == 0.0 ? a : hi;
  }
  return a;
}

std::string Distribution::problem() const {
  if (!std::isfinite(a) || !std::isfinite(b)) return "its numbers must be finite";
  if (!(step >= 0) || !std::isfinite(step))
    return fmt::format(
        "the rounding step must be finite, >= 0 and in the unit of the values, got {}", step);
  switch (kind) {
    case Kind::constant:
      return {};
    case Kind::uniform:
      return a < b ? std::string{} : fmt::format("uniform needs low < high, got [{}, {}]", a, b);
    case Kind::normal:
      if (b < 0) return fmt::format("normal needs sd >= 0, got {}", b);
      if (std::isnan(lo) || std::isnan(hi) || !(lo < hi))
        return fmt::format("normal needs truncation bounds low < high, got [{}, {}]", lo, hi);
      // Keep rejection sampling cheap: the bounds must hold a fair share of the mass.
      if (b > 0 && (a + 3 * b < lo || a - 3 * b > hi))
        return fmt::format("truncation [{}, {}] lies more than 3 sd from the mean {}", lo, hi, a);
      if (b == 0 && (a < lo || a > hi))
        return fmt::format("mean {} lies outside the truncation [{}, {}]", a, lo, hi);
      return {};
  }
  return {};
}

std::string Distribution::describe() const {
  const std::string base = describe_unrounded();
  return step > 0 ? fmt::format("{} rounded to multiples of {}", base, step) : base;
}

std::string Distribution::describe_unrounded() const {
  switch (kind) {
    case Kind::constant:
      return fmt::format("{}", a);
    case Kind::uniform:
      return fmt::format("uniform({}, {})", a, b);
    case Kind::normal:
      if (std::isinf(lo) && std::isinf(hi)) return fmt::format("normal({}, {})", a, b);
      return fmt::format("normal({}, {}) truncated to [{}, {}]", a, b, lo, hi);
  }
  return {};
}

}  // namespace spindle
