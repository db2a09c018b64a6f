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
  /// > 0: every draw is rounded to the nearest multiple of step (delays on a grid, as NEST's
  /// resolution does; it lets synapses of equal delay share a delivery).
  double step = 0.0;

  static Distribution constant(double v) { return {Kind::constant, v, 0.0}; }
  static Distribution uniform(double lo_, double hi_) { return {Kind::uniform, lo_, hi_}; }
  static Distribution normal(double mean, double sd,
                             double lo_ = -std::numeric_limits<double>::infinity(),
                             double hi_ = std::numeric_limits<double>::infinity()) {
    return {Kind::normal, mean, sd, lo_, hi_};
  }

  /// The same distribution with draws rounded to multiples of `grid`.
  Distribution rounded_to(double grid) const {
    Distribution d = *this;
    d.step = grid;
    return d;
  }

  bool is_constant() const noexcept { return kind == Kind::constant; }
  double sample(RandomStream& rng) const;
  /// Smallest and largest value a draw can take (for checks such as "delay >= min delay").
  double min_value() const noexcept;
  double max_value() const noexcept;
  /// Empty if well formed, else what is wrong ("uniform needs low < high", NaN, ...).
  std::string problem() const;
  std::string describe() const;

 private:
  double sample_unrounded(RandomStream& rng) const;
  double min_unrounded() const noexcept;
  double max_unrounded() const noexcept;
  std::string describe_unrounded() const;
};

/// A distribution and the unit of its numbers.
struct ValueSpec {
  Distribution dist;
  Unit unit = Unit::none;

  ValueSpec() = default;
  ValueSpec(Distribution d, Unit u) : dist(d), unit(u) {}
  template <Unit U>
  ValueSpec(Quantity<U> q) : dist(Distribution::constant(q.value())), unit(U) {}  // NOLINT

  /// Draws rounded to multiples of `step` (same unit), e.g. delays on a 0.1 ms grid.
  template <Unit U>
  ValueSpec rounded_to(Quantity<U> step) const {
    static_assert(U != Unit::none, "give the step with its unit");
    ValueSpec v = *this;
    v.dist = dist.rounded_to(unit == U ? step.value() : -1.0);  // -1: problem() reports it
    return v;
  }
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
