// spindle/random.hpp: counter-based random streams. A stream is keyed by (seed, id, purpose)
// and draws value k as a pure function of (key, k), so no generator is shared between cells,
// partitions or threads, and results do not depend on who draws first.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include "spindle/ziggurat_tables.hpp"

namespace spindle {

/// What a stream is used for; part of its key, so streams of one cell never overlap.
enum class Purpose : std::uint64_t {
  initial_state = 1,
  connectivity = 2,
  weights = 3,
  delays = 4,
  stimulus = 5,
  parameters = 6,
  positions = 7,
  locations = 8,
  user = 100,
};

/// SplitMix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

__extension__ typedef unsigned __int128 uint128_t;

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t id, Purpose purpose,
               std::uint64_t sub = 0) noexcept
      : key_(mix64(mix64(mix64(seed ^ 0x5851f42d4c957f2dULL) ^ id) ^
                   (static_cast<std::uint64_t>(purpose) << 32 ^ sub))) {}

  /// Draw number `counter` of this stream, then advance.
  std::uint64_t next_u64() noexcept { return mix64(key_ + (++counter_) * 0x9e3779b97f4a7c15ULL); }
  /// Uniform on [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  /// Uniform on (0, 1]: safe for log().
  double uniform_open0() noexcept { return 1.0 - uniform(); }
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
  /// Exponential with the given mean.
  double exponential(double mean) noexcept { return mean * standard_exponential(); }
  /// Exponential with mean 1, by the ziggurat method (Marsaglia & Tsang 2000): one 64-bit draw,
  /// a multiplication and a comparison in 97.8 % of cases, no logarithm. Its low 8 bits pick a
  /// layer and its high 53 bits the point. This is on the path of every Poisson arrival.
  double standard_exponential() noexcept {
    for (;;) {
      const std::uint64_t j = next_u64();
      const auto layer = static_cast<unsigned>(j & 0xff);
      const double x = static_cast<double>(j >> 11) * 0x1.0p-53 * ziggurat::x[layer];
      if (x < ziggurat::x[layer + 1]) [[likely]]
        return x;  // inside the box's part that lies wholly under the curve
      if (const double y = exponential_edge(layer, x); y >= 0.0) return y;
    }
  }
  /// Standard normal by the ziggurat method (Marsaglia & Tsang 2000), 128 layers: one 64-bit
  /// draw gives the layer (low 7 bits), the sign (bit 7) and a 53-bit abscissa (high bits), so
  /// layer and value are independent (the flaw Doornik 2005 found in the 32-bit original). In
  /// 97.2 % of cases that is all; no logarithm, no cosine. Networks draw one per synapse weight
  /// and delay.
  double normal() noexcept {
    for (;;) {
      const std::uint64_t j = next_u64();
      const auto layer = static_cast<unsigned>(j & 0x7f);
      // The sign goes straight into the result: a branch on it would mispredict half the time.
      const std::uint64_t sign = (j & 0x80) << 56;
      const double x = static_cast<double>(j >> 11) * 0x1.0p-53 * ziggurat::normal_x[layer];
      double v = x;
      if (!(x < ziggurat::normal_x[layer + 1])) [[unlikely]] {
        v = normal_edge(layer, x);
        if (v < 0.0) continue;
      }
      return std::bit_cast<double>(std::bit_cast<std::uint64_t>(v) ^ sign);
    }
  }
  /// Uniform integer in [0, n) without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t n) noexcept {
    for (;;) {
      const uint128_t m = static_cast<uint128_t>(next_u64()) * n;
      const auto low = static_cast<std::uint64_t>(m);
      if (low >= n || low >= (-n) % n) return static_cast<std::uint64_t>(m >> 64);
    }
  }

  std::uint64_t counter() const noexcept { return counter_; }
  void set_counter(std::uint64_t c) noexcept { counter_ = c; }

 private:
  /// The rare part of standard_exponential(): the tail beyond r (memoryless: r plus a fresh
  /// exponential), or a point of a layer's edge, kept if it lies under exp(-x); -1 rejects it.
  [[gnu::noinline]] double exponential_edge(unsigned layer, double x) noexcept {
    if (layer == 0) return ziggurat::r - std::log(uniform_open0());
    return under_curve(ziggurat::fx, layer, std::exp(-x)) ? x : -1.0;
  }

  /// The rare part of normal(): |x| beyond r from the tail (Marsaglia 1964), or a point of a
  /// layer's edge, kept if it lies under exp(-x^2/2); -1 rejects it.
  [[gnu::noinline]] double normal_edge(unsigned layer, double x) noexcept {
    if (layer == 0) {
      for (;;) {
        const double a = -std::log(uniform_open0()) / ziggurat::normal_r;
        const double b = -std::log(uniform_open0());
        if (b + b > a * a) return ziggurat::normal_r + a;
      }
    }
    return under_curve(ziggurat::normal_fx, layer, std::exp(-0.5 * x * x)) ? x : -1.0;
  }

  /// Both ziggurats' edge test: a uniform height in layer `layer` of the table `fx` lies below
  /// the curve's value f_x at the point drawn.
  bool under_curve(const double* fx, unsigned layer, double f_x) noexcept {
    return fx[layer] + uniform() * (fx[layer + 1] - fx[layer]) < f_x;
  }

  std::uint64_t key_;
  std::uint64_t counter_ = 0;
};

}  // namespace spindle
