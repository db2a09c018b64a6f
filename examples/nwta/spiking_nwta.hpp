// spiking_nwta.hpp: the spiking translation of the Kriener, Chaudhuri & Fiete nWTA (science.md
// sec. 2.5), shared by examples/nwta and its validation test (tests/validation/wta). Built with
// the wta circuit module (spindle/models/wta.hpp) in soft mode with `gated` inhibition: each
// excitatory cell recruits the basket-cell pool only through its own gate cell, which fires only
// while the cell fires above gate_rate: the spiking H(x_j - theta).
//
// Mapping of the rate model (x = activation, b = drive, eta = OU noise):
//  - Cell i gets a DC current I_rh + I_unit * b_i, b_1 = 1, b_i = 1 - delta, where I_rh is the
//    excitatory cells' rheobase: the threshold-linear [.]_+ of the rate model becomes the LIF
//    f-I curve above rheobase (b = 1 alone: about 63 Hz).
//  - Noise: an independent Poisson train per cell through the "exc" receptor (decay tau_syn_exc
//    = 5 ms, a quarter of tau_m = 20 ms; tau_eta is a twentieth of tau), its weight chosen so the
//    current's s.d. is sigma * I_unit (shot noise: s.d. = w sqrt(nu tau_syn / 2)) and its mean
//    subtracted from the DC current. sigma = 0.22 as in the rate model.
//  - Self-excitation alpha: an autapse (w_self) arriving as the refractory period ends.
//  - Lateral inhibition beta: the pool's inhibition is global (it also reaches the cell that
//    recruits it); the autapse makes up for that, as alpha + beta does in the rate equation
//    written with a global sum.
//  - Decision (the self-terminating rule): the first cell that fires `decision_spikes` spikes
//    within `decision_window` (5 in 30 ms: above 130 Hz, twice the undriven rate); correct iff
//    it is cell 1 (the largest drive). No such burst before duration_ms: no winner.
// The rate model's inhibition is instantaneous; the spiking loop E -> gate -> pool -> E is not,
// and with the module's slow defaults (gate_time 20 ms, pool membrane 10 ms, inhibitory current
// decaying in 10 ms) all cells fired and fell silent together in a ~100 ms relaxation
// oscillation that never chose a winner. The values below shorten the loop (gate_time 5 ms, pool
// C_m 50 pF: a 5 ms membrane, inhibition decaying in 3 ms). The gate rate, 60 Hz, sits just
// below the rate of a cell driven at b = 1 without inhibition (~63 Hz) and far below a winner's
// (> 130 Hz); at 40 Hz T(N) grew faster than ln N above N = 64, at 50 Hz no winner emerged for
// N >= 128 (20 trials each). All values were chosen by trying variants at N = 2 ... 512
// (docs/examples.md).
// Each trial is a fresh Simulation seeded by (seed, n, trial), so trials can run in parallel
// and their results do not depend on threads.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <tbb/parallel_for.h>

#include "spindle/models/builtin.hpp"
#include "spindle/models/rate_wta.hpp"
#include "spindle/models/wta.hpp"
#include "spindle/random.hpp"
#include "spindle/simulation.hpp"

namespace nwta {

struct SpikingSetup {
  double delta = 0.05;             ///< input gap (rate model's example value)
  double sigma = 0.22;             ///< noise s.d. in units of I_unit (rate model's sigma)
  double rheobase_pA = 187.5;      ///< excitatory cells: (V_th - E_L) C_m / tau_m, wta defaults
  double unit_drive_pA = 187.5;    ///< I_unit: b = 1 doubles the rheobase (about 63 Hz alone)
  double noise_rate_hz = 5000.0;   ///< Poisson rate of each cell's noise train
  double tau_syn_exc_ms = 5.0;     ///< excitatory current decay (noise and self-excitation)
  double delay_self_ms = 2.0;      ///< = t_ref: the cell's own feedback lands as it recovers
  double gate_rate_hz = 60.0;      ///< the spiking theta
  double gate_time_ms = 5.0;       ///< the gate's rate-averaging time
  double w_pool_exc_pA = -50.0;    ///< per pool spike, for 10 pool cells
  double w_gate_pool_pA = 2000.0;  ///< per gate spike; 0: the wta module's soft-mode rule
  double tau_syn_inh_ms = 3.0;     ///< decay of the pool's inhibitory current on E cells
  double pool_C_m_pF = 50.0;       ///< pool capacitance; 0: the pv_basket preset's
  double w_self_pA = 1200.0;       ///< self-excitation (alpha); 0: none
  std::size_t pool = 10;
  double duration_ms = 2000.0;  ///< trial cap
  double chunk_ms = 50.0;       ///< the run is checked for a decision after each chunk
  std::size_t decision_spikes = 5;
  double decision_window_ms = 30.0;

  spindle::models::WtaParams circuit(std::size_t n) const {
    spindle::models::WtaParams p;
    p.name = "nwta";
    p.n_exc = n;
    p.n_pool = pool;
    p.mode = spindle::models::WtaMode::soft;
    p.gated = true;
    p.gate_rate = spindle::Hertz{gate_rate_hz};
    p.gate_time = spindle::Milliseconds{gate_time_ms};
    p.w_pool_exc = spindle::Picoamps{w_pool_exc_pA};
    p.w_exc_pool = spindle::Picoamps{w_gate_pool_pA};
    p.w_self = spindle::Picoamps{w_self_pA};
    p.delay_self = spindle::Milliseconds{delay_self_ms};
    p.exc_parameters["tau_syn_exc"] = spindle::Milliseconds{tau_syn_exc_ms};
    p.exc_parameters["tau_syn_inh"] = spindle::Milliseconds{tau_syn_inh_ms};
    if (pool_C_m_pF > 0) p.pool_parameters["C_m"] = spindle::Picofarads{pool_C_m_pF};
    return p;
  }
  /// Weight [pA] of a noise spike: s.d. of the shot-noise current = sigma * I_unit.
  double noise_weight_pA() const {
    return sigma * unit_drive_pA / std::sqrt(noise_rate_hz * 1e-3 * tau_syn_exc_ms / 2.0);
  }
  /// DC current of cell i [pA]: rheobase + I_unit b_i minus the noise train's mean current.
  double dc_pA(std::size_t i) const {
    const double b = i == 0 ? 1.0 : 1.0 - delta;
    return rheobase_pA + unit_drive_pA * b -
           noise_weight_pA() * noise_rate_hz * 1e-3 * tau_syn_exc_ms;
  }
};

struct SpikingTrial {
  bool decided = false;
  double time_ms = 0.0;
  bool correct = false;
  std::size_t winner = 0;
};

/// When cell spike times `t` (ascending) first hold `k` spikes within `window`; +inf if never.
inline double first_burst(const std::vector<double>& t, std::size_t k, double window) {
  for (std::size_t j = 0; j + k <= t.size(); ++j)
    if (t[j + k - 1] - t[j] <= window) return t[j + k - 1];
  return std::numeric_limits<double>::infinity();
}

/// One trial with n excitatory cells.
inline SpikingTrial run_spiking_trial(const SpikingSetup& s, std::size_t n, std::uint64_t seed,
                                      std::uint64_t trial) {
  spindle::NetworkSpec net;
  const spindle::models::WtaCircuit c = spindle::models::add_wta(net, s.circuit(n));
  net.spike_recorder.populations = {c.excitatory};
  for (std::size_t i = 0; i < n; ++i)
    net.add_dc(c.excitatory, spindle::Picoamps{s.dc_pA(i)}).cells = {i};
  net.add_poisson(c.excitatory, spindle::Hertz{s.noise_rate_hz}, "exc",
                  spindle::Picoamps{s.noise_weight_pA()});
  const std::uint64_t key = spindle::mix64(spindle::mix64(seed ^ (n << 32)) + trial);
  spindle::Simulation sim(net, spindle::models::builtin_registry(), {.seed = key, .threads = 1});
  std::vector<std::vector<double>> times(n);
  std::size_t seen = 0;
  for (double t = s.chunk_ms; t <= s.duration_ms + 1e-9; t += s.chunk_ms) {
    sim.run(spindle::Time::from_ms(t));
    const std::vector<spindle::Spike> spikes = sim.spikes();
    for (; seen < spikes.size(); ++seen)
      times[spikes[seen].cell].push_back(spikes[seen].time.to_ms());
    SpikingTrial r;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) {
      const double at = first_burst(times[i], s.decision_spikes, s.decision_window_ms);
      if (at < best) {
        best = at;
        r.winner = i;
      }
    }
    if (std::isfinite(best)) {
      r.decided = true;
      r.time_ms = best;
      r.correct = r.winner == 0;
      return r;
    }
  }
  return {};
}

struct SpikingSummary {
  std::size_t n = 0, trials = 0, decided = 0, correct = 0;
  double mean_decision_time_ms = 0, se_decision_time_ms = 0, accuracy = 0, se_accuracy = 0;
  double no_winner_fraction = 0;
};

inline SpikingSummary run_spiking(const SpikingSetup& s, std::size_t n, std::size_t trials,
                                  std::uint64_t seed) {
  std::vector<SpikingTrial> r(trials);
  tbb::parallel_for(std::size_t{0}, trials,
                    [&](std::size_t i) { r[i] = run_spiking_trial(s, n, seed, i); });
  SpikingSummary out;
  out.n = n;
  out.trials = trials;
  std::vector<double> t;
  for (const SpikingTrial& x : r)
    if (x.decided) {
      t.push_back(x.time_ms);
      out.correct += x.correct ? 1 : 0;
    }
  out.decided = t.size();
  const spindle::models::rate_wta::MeanSe time = spindle::models::rate_wta::mean_se(t);
  out.mean_decision_time_ms = time.mean;
  out.se_decision_time_ms = time.se;
  const auto all = static_cast<double>(trials);
  out.accuracy = static_cast<double>(out.correct) / all;
  out.se_accuracy = std::sqrt(out.accuracy * (1 - out.accuracy) / all);
  out.no_winner_fraction = static_cast<double>(trials - out.decided) / all;
  return out;
}

}  // namespace nwta
