// spindle/units.hpp: thin strong types for the C++ API, one canonical unit per quantity
// (ms, mV, nS, pA, pF, um, Hz). A value holds a double already in that unit; literals are the
// only place where a conversion happens (2.0_s is 2000 ms). Inside models everything is a
// plain double in the canonical unit.
#pragma once

#include <compare>
#include <string_view>

namespace spindle {

enum class Unit { none, ms, mV, nS, pA, pF, um, Hz };

/// The unit's symbol as used in files, the CLI and docs ("um" stands for micrometre).
constexpr std::string_view unit_symbol(Unit u) noexcept {
  switch (u) {
    case Unit::ms:
      return "ms";
    case Unit::mV:
      return "mV";
    case Unit::nS:
      return "nS";
    case Unit::pA:
      return "pA";
    case Unit::pF:
      return "pF";
    case Unit::um:
      return "um";
    case Unit::Hz:
      return "Hz";
    case Unit::none:
      break;
  }
  return "1";
}

template <Unit U>
class Quantity {
 public:
  static constexpr Unit unit = U;
  constexpr Quantity() noexcept = default;
  constexpr explicit Quantity(double v) noexcept : value_(v) {}
  /// The number in the canonical unit (the one place a model lowers a strong type).
  constexpr double value() const noexcept { return value_; }

  constexpr auto operator<=>(const Quantity&) const noexcept = default;
  constexpr Quantity operator-() const noexcept { return Quantity{-value_}; }
  friend constexpr Quantity operator+(Quantity a, Quantity b) noexcept {
    return Quantity{a.value_ + b.value_};
  }
  friend constexpr Quantity operator-(Quantity a, Quantity b) noexcept {
    return Quantity{a.value_ - b.value_};
  }
  friend constexpr Quantity operator*(double k, Quantity a) noexcept {
    return Quantity{k * a.value_};
  }
  friend constexpr Quantity operator*(Quantity a, double k) noexcept {
    return Quantity{k * a.value_};
  }
  friend constexpr Quantity operator/(Quantity a, double k) noexcept {
    return Quantity{a.value_ / k};
  }
  friend constexpr double operator/(Quantity a, Quantity b) noexcept { return a.value_ / b.value_; }

 private:
  double value_ = 0.0;
};

using Milliseconds = Quantity<Unit::ms>;
using Millivolts = Quantity<Unit::mV>;
using Nanosiemens = Quantity<Unit::nS>;
using Picoamps = Quantity<Unit::pA>;
using Picofarads = Quantity<Unit::pF>;
using Micrometres = Quantity<Unit::um>;
using Hertz = Quantity<Unit::Hz>;

/// The few cross-dimension products the models need.
constexpr Picoamps operator*(Nanosiemens g, Millivolts v) noexcept {
  return Picoamps{g.value() * v.value()};
}

namespace literals {
// clang-format off
constexpr Milliseconds operator""_ms(long double v) noexcept { return Milliseconds{static_cast<double>(v)}; }
constexpr Milliseconds operator""_ms(unsigned long long v) noexcept { return Milliseconds{static_cast<double>(v)}; }
constexpr Milliseconds operator""_s(long double v) noexcept { return Milliseconds{1e3 * static_cast<double>(v)}; }
constexpr Milliseconds operator""_s(unsigned long long v) noexcept { return Milliseconds{1e3 * static_cast<double>(v)}; }
constexpr Milliseconds operator""_us(long double v) noexcept { return Milliseconds{1e-3 * static_cast<double>(v)}; }
constexpr Millivolts operator""_mV(long double v) noexcept { return Millivolts{static_cast<double>(v)}; }
constexpr Millivolts operator""_mV(unsigned long long v) noexcept { return Millivolts{static_cast<double>(v)}; }
constexpr Nanosiemens operator""_nS(long double v) noexcept { return Nanosiemens{static_cast<double>(v)}; }
constexpr Nanosiemens operator""_nS(unsigned long long v) noexcept { return Nanosiemens{static_cast<double>(v)}; }
constexpr Picoamps operator""_pA(long double v) noexcept { return Picoamps{static_cast<double>(v)}; }
constexpr Picoamps operator""_pA(unsigned long long v) noexcept { return Picoamps{static_cast<double>(v)}; }
constexpr Picoamps operator""_nA(long double v) noexcept { return Picoamps{1e3 * static_cast<double>(v)}; }
constexpr Picofarads operator""_pF(long double v) noexcept { return Picofarads{static_cast<double>(v)}; }
constexpr Picofarads operator""_pF(unsigned long long v) noexcept { return Picofarads{static_cast<double>(v)}; }
constexpr Micrometres operator""_um(long double v) noexcept { return Micrometres{static_cast<double>(v)}; }
constexpr Micrometres operator""_um(unsigned long long v) noexcept { return Micrometres{static_cast<double>(v)}; }
constexpr Hertz operator""_Hz(long double v) noexcept { return Hertz{static_cast<double>(v)}; }
constexpr Hertz operator""_Hz(unsigned long long v) noexcept { return Hertz{static_cast<double>(v)}; }
// clang-format on
}  // namespace literals

}  // namespace spindle
