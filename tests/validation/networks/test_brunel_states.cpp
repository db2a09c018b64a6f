// Brunel (2000) Fig. 8: the four dynamical states of the sparse E-I network, told apart by
// measured statistics, and the asynchronous state's rate against the Siegert mean field.
//
// Network size. The states are defined by C_E = 1000, J = 0.1 mV (mu, sigma and nu_0 depend
// on C_E, J, g and eta only), so the reduction keeps those and cuts N alone: N_E = 4000,
// N_I = 1000 (connection probability 0.25 instead of 0.1). Reducing the in-degree instead,
// with J C_E fixed, raises sigma^2 as 1/c_scale and changes the states (at C_E = 250,
// N_E = 1000: CV 1.5 in B and 1.1 in C, and B's synchrony, 0.4, falls below C's, 0.7).
// Below N_E ~ 4000 the finite-size fluctuations of state C, whose relative variance scales
// as 1/N, reach B's synchrony (N_E = 2000: 1.5 vs 1.2). Cost in Release on one core: 29 s of
// CPU for the four panels (measured on a shared 2-core machine: 7 + 9.5 + 7 + 7.5 s).
//
// Measured (seed 1; all 5000 cells; statistics over the window after the warm-up):
//
//   panel g    eta  warm-up+window  rate [Hz]  CV     Fano   synchrony  peak [Hz]  class
//   A     3    2     40 + 100 ms    335.5      0.002  855    0.51       328        SR
//   B     6    4    100 + 200 ms     64.7      0.91   398    1.23       172        SI fast
//   C     5    2    100 + 300 ms     39.9      0.48   225    1.12       109        AI
//   D     4.5  0.9  200 + 800 ms      5.29     0.54   174    6.5         31        SI slow
//
// (Before the Poisson drive's draws changed: A 335.3 Hz, B 65.0 Hz and synchrony 1.29, C 39.1 Hz
// and 0.72, D 6.39 Hz and 7.6; seeds 2 and 3 then gave synchrony B 1.22, 1.19 and C 0.74, 0.82.)
// C's synchrony is a finite-size fluctuation and varies with the draws: with the
// ziggurat exponential for the Poisson drive (other draws, the same distribution), seeds 1-6
// gave 1.12, 0.75, 0.65, 0.70, 0.74, 1.00 (peak 78-109 Hz), so B and C are told apart by their
// spectral peak (above 140 Hz against at most 109 Hz), not by synchrony alone.
//
// The full network (N_E = 10 000; excitatory cells, 300 ms after 100 ms, D 2 s after 300 ms):
// A 333 Hz, CV 0.001, synchrony 0.50, 336 Hz; B 61.3 Hz, CV 0.98, 1.10, 172 Hz; C 38.6 Hz,
// CV 0.42, 0.41, 125 Hz; D 6.2 Hz, CV 0.64, 4.8, 20-23 Hz. So state C is not perfectly
// asynchronous at this size either: its Fano factor stays ~100-160 from N_E = 2000 to
// 10 000 (finite-size noise amplified by a damped ~110 Hz mode), while A's and B's grow in
// proportion to N (a true oscillation). Its CV, 0.44, is below the 0.68 of the mean-field
// stationary state for the same reason; cells driven open-loop by Poisson input with the
// mean-field mu and sigma reach CV 0.66.
#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>
#include <vector>

#include "spindle/analysis.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/mean_field.hpp"
#include "spindle/models/reference_networks.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::models;

namespace {

/// Statistics of the whole network (E and I together) over a window after the transient.
struct StateStats {
  double rate_hz = 0.0;  ///< mean single-cell rate
  double cv = 0.0;       ///< mean CV of single-cell ISIs (cells with >= 3 spikes)
  /// Fano factor of the population spike count in 1 ms bins: 1 for independent Poisson cells,
  /// larger when cells fire together.
  double fano = 0.0;
  /// Synchrony: the population rate's variance beyond the Poisson part, relative to its mean
  /// squared, (fano - 1) / (mean count per bin). 0 for independent cells; a^2/2 for a rate
  /// modulated as 1 + a sin(wt); unlike the Fano factor it does not grow with N for a given
  /// oscillation, while finite-size fluctuations of an asynchronous state shrink as 1/N.
  double synchrony = 0.0;
  double peak_hz = 0.0;  ///< frequency of the largest peak of the population-rate spectrum
};

/// Welch estimate of the population-count spectrum (64 ms Hann segments, 50 % overlap, each
/// segment's mean removed): the frequency of the largest bin from 15.6 to 500 Hz.
double spectral_peak_hz(const std::vector<std::uint64_t>& counts) {
  constexpr std::size_t L = 64;  // 1 ms bins: resolution 1000 / 64 = 15.6 Hz
  REQUIRE(counts.size() >= L);
  std::vector<double> power(L / 2 + 1, 0.0), x(L);
  for (std::size_t start = 0; start + L <= counts.size(); start += L / 2) {
    double mean = 0.0;
    for (std::size_t n = 0; n < L; ++n)
      mean += static_cast<double>(counts[start + n]);
    mean /= L;
    for (std::size_t n = 0; n < L; ++n)
      x[n] = (static_cast<double>(counts[start + n]) - mean) *
             (0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(n) / L));
    for (std::size_t k = 1; k <= L / 2; ++k) {
      std::complex<double> sum = 0.0;
      for (std::size_t n = 0; n < L; ++n)
        sum += x[n] * std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>(k * n) / L);
      power[k] += std::norm(sum);
    }
  }
  const auto peak = std::max_element(power.begin() + 1, power.end()) - power.begin();
  return static_cast<double>(peak) * 1e3 / L;
}

StateStats measure(const Simulation& sim, double from_ms, double to_ms) {
  const std::vector<Spike> spikes = sim.spikes();
  const PopulationInfo all = analysis::all_cells(sim.populations());
  const Time t0 = Time::from_ms(from_ms), t1 = Time::from_ms(to_ms), bin = Time::from_ms(1.0);
  StateStats s;
  s.rate_hz = analysis::mean_rate_hz(spikes, all, t0, t1);
  s.cv = analysis::cv_isi(spikes, all, t0, t1);
  s.fano = analysis::fano_factor(spikes, all, t0, t1, bin);
  s.synchrony = (s.fano - 1.0) / (s.rate_hz * 1e-3 * all.size);
  s.peak_hz = spectral_peak_hz(analysis::binned_counts(spikes, all, t0, t1, bin));
  return s;
}

enum class State { SR, SI_fast, AI, SI_slow, unclassified };

const char* name(State s) {
  switch (s) {
    case State::SR:
      return "SR";
    case State::SI_fast:
      return "SI fast";
    case State::AI:
      return "AI";
    case State::SI_slow:
      return "SI slow";
    case State::unclassified:
      break;
  }
  return "unclassified";
}

// Thresholds, from Brunel's definitions, placed in the gaps between the measured values in
// the table at the top (nearest values in parentheses):
//  - regular units: CV < 0.2 (A 0.003; the others 0.44 and up).
//  - synchronous population: synchrony > 1, i.e. an excess SD of the population rate larger
//    than its mean (B 1.23, D 6.5), or > 0.2 for regular units (A 0.50: locked to a 3 ms
//    cycle seen through 1 ms bins); asynchronous irregular: < 1.5 and not one of the
//    oscillating states (C 0.65-1.12 over seeds 1-6; D 7.6).
//  - fast: spectral peak > 140 Hz (B 172 Hz; C 78-109 Hz); slow: peak < 50 Hz (D 31 Hz) and a low
//    rate, < 15 Hz (D 6.4 Hz; C 39 Hz). The spectrum has 15.6 Hz bins, so B would have to
//    lose two bins to fail.
State classify(const StateStats& s) {
  if (s.cv < 0.2 && s.synchrony > 0.2) return State::SR;
  if (s.synchrony > 1.0 && s.peak_hz < 50.0 && s.rate_hz < 15.0) return State::SI_slow;
  if (s.synchrony > 1.0 && s.peak_hz > 140.0 && s.cv > 0.5) return State::SI_fast;
  if (s.synchrony < 1.5 && s.cv > 0.3) return State::AI;
  return State::unclassified;
}

struct Panel {
  const char* label;
  double g, eta;
  State expected;
  double warmup_ms, window_ms;
};

/// Simulates one panel (N reduced to 0.4, see the note above) and checks its classification.
/// Returns the statistics and the parameters simulated.
std::pair<StateStats, BrunelParams> check_panel(const Panel& panel) {
  BrunelParams p;
  p.g = panel.g;
  p.eta = panel.eta;
  p = p.reduced(0.4, 1.0);
  Simulation sim(brunel_network(p), builtin_registry(), {.seed = 1, .threads = 1});
  sim.run(Time::from_ms(panel.warmup_ms + panel.window_ms));
  const StateStats s = measure(sim, panel.warmup_ms, panel.warmup_ms + panel.window_ms);
  INFO("panel " << panel.label << ": rate " << s.rate_hz << " Hz, CV " << s.cv << ", Fano "
                << s.fano << ", synchrony " << s.synchrony << ", peak " << s.peak_hz << " Hz");
  CHECK(std::string(name(classify(s))) == name(panel.expected));
  return {s, p};
}

}  // namespace

TEST_CASE("Brunel 2000 Fig. 8A (g = 3, eta = 2): synchronous regular", "[brunel][validation]") {
  check_panel({"A", 3.0, 2.0, State::SR, 40.0, 100.0});
}

TEST_CASE("Brunel 2000 Fig. 8B (g = 6, eta = 4): synchronous irregular, fast",
          "[brunel][validation]") {
  check_panel({"B", 6.0, 4.0, State::SI_fast, 100.0, 200.0});
}

TEST_CASE("Brunel 2000 Fig. 8C (g = 5, eta = 2): asynchronous irregular at the Siegert rate",
          "[brunel][validation]") {
  const auto [s, p] = check_panel({"C", 5.0, 2.0, State::AI, 100.0, 300.0});
  // The mean-field rate for the parameters simulated (nu_0 = 37.95 Hz; N does not enter).
  // 15 %: the diffusion approximation ignores the finite jumps J = 0.1 mV and the network's
  // residual synchrony. Open-loop cells driven by Poisson input with exactly the mean-field
  // mu and sigma fire at 37.5 Hz (-1.1 %); the full network at 38.5 Hz (+1.4 %), this one at
  // 39.1 Hz (+3.0 %).
  const double nu0 = brunel_rate_hz(p);
  CHECK_THAT(s.rate_hz, Catch::Matchers::WithinRel(nu0, 0.15));
}

TEST_CASE("Brunel 2000 Fig. 8D (g = 4.5, eta = 0.9): synchronous irregular, slow",
          "[brunel][validation]") {
  check_panel({"D", 4.5, 0.9, State::SI_slow, 200.0, 800.0});
}
