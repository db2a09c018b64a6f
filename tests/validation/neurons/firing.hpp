// Firing-pattern measurements shared by the neuron tests: the response of one cell to a current
// step (driven through the CellGroup contract by the kernel emulator), ISI statistics, and one
// classifier of the Naud et al. (2008) step-current patterns, applied unchanged to every cell.
//
// Statistics of a spike train over a step [t_on, t_off) (ISI_k: the k-th interspike interval):
//   latency            first spike - t_on
//   adaptation index   AI = 1 - ISI_1 / mean(last three ISIs): the fraction of the initial rate
//                      lost by the end (0: none; < 0: the rate grows)
//   CV late            coefficient of variation of the ISIs of the second half of the train
//   gap ratio          largest ratio of consecutive values of the sorted ISIs; the ISIs below
//                      that gap are "short" (intra-burst), the others "long"
//   bursts             maximal runs of short ISIs (a run of k short ISIs is a burst of k + 1
//                      spikes)
//
// Classifier, rules tried in order (thresholds chosen once, stated here, never per cell):
//   silent                    no spike
//   transient                 the last spike comes before the step's half time
//   bimodal ISIs: gap ratio >= 3 with at least 2 short and 2 long ISIs
//     initial burst           the short ISIs all come before the first long one
//     delayed regular burst.  bursts recur and the first spike comes later than half the
//                             median long (inter-burst) ISI
//     regular bursting        bursts recur
//   otherwise:
//     delayed accelerating    AI < -0.3 (the rate grows by more than 1 / 0.7) and the first
//                             spike comes later than the first ISI
//     irregular               CV late > 0.25
//     adapting                AI > 0.3 (the rate falls by more than 30%)
//     tonic                   the rest (regular, |AI| <= 0.3, or too few spikes to tell)
// The thresholds sit between the classes' values for the Naud et al. parameter sets by a factor
// of at least 1.6 (test_adex_patterns.cpp prints the statistics; docs/neuron-models.md lists them).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "spindle/cell_model.hpp"
#include "validation/models/kernel_emulator.hpp"

namespace spindle::test {

/// Spike times [ms] of cell `cell` of `g` from rest (its current state) under a current step of
/// I [pA] over [t_on, t_off), run until t_end [ms].
inline std::vector<double> step_response(CellGroup& g, double I, double t_on, double t_off,
                                         double t_end, std::size_t cell = 0) {
  std::vector<EmuEvent> ev{emu_current(Time::from_ms(t_on), I)};
  if (t_off < t_end) ev.push_back(emu_current(Time::from_ms(t_off), 0.0));
  EmuOptions opt;
  opt.end = Time::from_ms(t_end);
  const EmuResult r = emulate_cell(g, cell, ev, opt);
  std::vector<double> out;
  for (Time t : r.spikes)
    out.push_back(t.to_ms());
  return out;
}

struct FiringStats {
  std::size_t spikes = 0;
  double latency = std::numeric_limits<double>::infinity();  ///< [ms]
  double last = std::numeric_limits<double>::quiet_NaN();    ///< last spike - t_on [ms]
  double rate = 0.0;                                         ///< spikes / step length [Hz]
  std::vector<double> isi;                                   ///< [ms]
  double adaptation_index = 0.0;
  double cv_late = 0.0;
  double gap_ratio = 1.0;
  double short_max = 0.0;  ///< longest short ISI [ms] (0 if not bimodal)
  std::size_t short_isis = 0, long_isis = 0, bursts = 0;
  bool short_prefix = false;  ///< all short ISIs come before the first long one
  double median_long = 0.0;   ///< [ms]
  double median_isi = 0.0;    ///< [ms]
};

inline double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

inline double cv_of(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  double s2 = 0.0;
  for (double x : v)
    s2 += (x - m) * (x - m);
  return std::sqrt(s2 / static_cast<double>(v.size() - 1)) / m;
}

inline FiringStats firing_stats(const std::vector<double>& spikes, double t_on, double t_off) {
  FiringStats s;
  std::vector<double> in;
  for (double t : spikes)
    if (t >= t_on && t < t_off) in.push_back(t);
  s.spikes = in.size();
  s.rate = static_cast<double>(in.size()) / ((t_off - t_on) * 1e-3);
  if (in.empty()) return s;
  s.latency = in.front() - t_on;
  s.last = in.back() - t_on;
  for (std::size_t k = 1; k < in.size(); ++k)
    s.isi.push_back(in[k] - in[k - 1]);
  const std::size_t n = s.isi.size();
  if (n == 0) return s;
  s.median_isi = median_of(s.isi);
  if (n >= 2) {
    const std::size_t m = std::min<std::size_t>(3, n - 1);
    const double late =
        std::accumulate(s.isi.end() - static_cast<std::ptrdiff_t>(m), s.isi.end(), 0.0) /
        static_cast<double>(m);
    s.adaptation_index = 1.0 - s.isi.front() / late;
    s.cv_late =
        cv_of(std::vector<double>(s.isi.begin() + static_cast<std::ptrdiff_t>(n / 2), s.isi.end()));
  }
  std::vector<double> sorted = s.isi;
  std::sort(sorted.begin(), sorted.end());
  std::size_t split = 0;
  for (std::size_t k = 1; k < n; ++k) {
    const double r = sorted[k] / sorted[k - 1];
    if (r > s.gap_ratio) {
      s.gap_ratio = r;
      split = k;
    }
  }
  if (split > 0) {
    s.short_max = sorted[split - 1];
    s.short_isis = split;
    s.long_isis = n - split;
    s.median_long = median_of(
        std::vector<double>(sorted.begin() + static_cast<std::ptrdiff_t>(split), sorted.end()));
    std::size_t first_long = n;
    for (std::size_t k = 0; k < n; ++k)
      if (s.isi[k] > s.short_max) {
        first_long = k;
        break;
      }
    s.short_prefix = true;
    bool in_burst = false;
    for (std::size_t k = 0; k < n; ++k) {
      const bool is_short = s.isi[k] <= s.short_max;
      if (is_short && k > first_long) s.short_prefix = false;
      if (is_short && !in_burst) ++s.bursts;
      in_burst = is_short;
    }
  }
  return s;
}

enum class Pattern {
  silent,
  tonic,
  adapting,
  initial_burst,
  regular_bursting,
  delayed_accelerating,
  delayed_regular_bursting,
  transient,
  irregular
};

inline const char* pattern_name(Pattern p) {
  switch (p) {
    case Pattern::silent:
      return "silent";
    case Pattern::tonic:
      return "tonic";
    case Pattern::adapting:
      return "adapting";
    case Pattern::initial_burst:
      return "initial burst";
    case Pattern::regular_bursting:
      return "regular bursting";
    case Pattern::delayed_accelerating:
      return "delayed accelerating";
    case Pattern::delayed_regular_bursting:
      return "delayed regular bursting";
    case Pattern::transient:
      return "transient";
    case Pattern::irregular:
      return "irregular";
  }
  return "?";
}

/// Thresholds of the classifier (see the file comment).
struct ClassifierThresholds {
  double transient_fraction = 0.5;  ///< last spike before this fraction of the step
  double gap_ratio = 3.0;
  std::size_t min_short = 2, min_long = 2;
  double burst_delay = 0.5;  ///< delayed bursting: latency > this x median long ISI
  double ai = 0.3;           ///< |AI| beyond which the rate is adapting / accelerating
  double cv_irregular = 0.25;
};

inline Pattern classify(const FiringStats& s, double step_ms, const ClassifierThresholds& c = {}) {
  if (s.spikes == 0) return Pattern::silent;
  if (s.last < c.transient_fraction * step_ms) return Pattern::transient;
  if (s.gap_ratio >= c.gap_ratio && s.short_isis >= c.min_short && s.long_isis >= c.min_long) {
    if (s.short_prefix) return Pattern::initial_burst;
    if (s.latency > c.burst_delay * s.median_long) return Pattern::delayed_regular_bursting;
    return Pattern::regular_bursting;
  }
  if (s.adaptation_index < -c.ai && !s.isi.empty() && s.latency > s.isi.front())
    return Pattern::delayed_accelerating;
  if (s.cv_late > c.cv_irregular) return Pattern::irregular;
  if (s.adaptation_index > c.ai) return Pattern::adapting;
  return Pattern::tonic;
}

}  // namespace spindle::test
