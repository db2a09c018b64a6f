// spindle/distribution.hpp: how a per-cell or per-synapse value is drawn (constant, uniform,
// normal, optionally truncated), and ValueSpec, a distribution tagged with its unit so the C++
// API can say normal(87.8_pA, 8.78_pA) and the build can check the unit against the receptor.
#pragma once

#include <limits>
#include <string>

#include "spindle/random.hpp"
#include "spindle/units.hpp"

namespace spindle {

struct Distribution {
  enum class Kind { constant, uniform, normal };
  Kind kind = Kind::constant;
  double a = 0.0;  ///< constant value, uniform low, or normal mean
  double b = 0.0;  ///< uniform high or normal standard deviation
  /// Truncation bounds: draws outside [lo, hi] are redrawn (normal only).
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();

  static Distribution constant(double v) { return {Kind::constant, v, 0.0}; }
  static Distribution uniform(double lo_, double hi_) { return {Kind::uniform, lo_, hi_}; }
  static Distribution normal(double mean, double sd,
                             double lo_ = -std::numeric_limits<double>::infinity(),
                             double hi_ = std::numeric_limits<double>::infinity()) {
    return {Kind::normal, mean, sd, lo_, hi_};
  }

  bool is_constant() const noexcept { return kind == Kind::constant; }
  double sample(RandomStream& rng) const;
  /// Smallest and largest value a draw can take (for checks such as "delay >= min delay").
  double min_value() const noexcept;
  double max_value() const noexcept;
  /// Empty if well formed, else what is wrong ("uniform needs low < high", NaN, ...).
  std::string problem() const;
  std::string describe() const;
};

/// A distribution and the unit of its numbers.
struct ValueSpec {
  Distribution dist;
  Unit unit = Unit::none;

  ValueSpec() = default;
  ValueSpec(Distribution d, Unit u) : dist(d), unit(u) {}
  template <Unit U>
  ValueSpec(Quantity<U> q) : dist(Distribution::constant(q.value())), unit(U) {}  // NOLINT
};

template <Unit U>
ValueSpec uniform(Quantity<U> lo, Quantity<U> hi) {
  return {Distribution::uniform(lo.value(), hi.value()), U};
}
template <Unit U>
ValueSpec normal(Quantity<U> mean, Quantity<U> sd) {
  return {Distribution::normal(mean.value(), sd.value()), U};
}
template <Unit U>
ValueSpec normal(Quantity<U> mean, Quantity<U> sd, Quantity<U> lo, Quantity<U> hi) {
  return {Distribution::normal(mean.value(), sd.value(), lo.value(), hi.value()), U};
}

}  // namespace spindle
