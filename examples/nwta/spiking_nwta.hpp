// spiking_nwta.hpp: the spiking translation of the Kriener, Chaudhuri & Fiete nWTA (science.md
// sec. 2, PNAS 2020), shared by examples/nwta and its validation test (tests/validation/wta).
//
// Each option i is a population of M = 20 lif_exp cells; the rate model's activation x_i is
// the population's rate filtered with tau (the decay of its excitatory currents), in units of
// r_unit, the population rate at input u = 1. Term by term (I_unit = the cells' rheobase I_rh
// is the current of u = 1):
//  - [u]_+ : cell k gets I_rh + I_unit (u - onset_k) and fires above its rheobase; the onsets
//    are spread evenly over 0 ... recruit (the same in every option), so the population rate
//    starts at u = 0 and, recruiting cells as u grows, rises about linearly
//    (population_rate_hz(); F(2) / F(1) = 1.92). The membranes are fast (tau_m 3 ms, t_ref
//    0.5 ms), so the rate follows the input within a few ms and, as the rectifier does, forgets
//    how far below threshold inhibition pushed it. (Optional private shot noise per cell,
//    private_sd, is off: the slow-membrane circuit needed it against locking, this one does
//    not, and with it T(N) bent upwards at large N: 321 / 547 / 1175 ms at N = 2 / 32 / 256.)
//  - b_i   : part of the bias current I_e (b_1 = 1, b_i = 1 - delta).
//  - eta_i : one noise current per option, shared by its cells: a step current holding a new
//    normal value of s.d. sigma I_unit for every 2 tau_eta. Held independent values have the
//    OU process's low-frequency power (sigma^2 hold = 2 sigma^2 tau_eta), which is what the
//    decision integrates; tau_eta = tau / 20 as in the rate model.
//  - alpha x_i : all-to-all excitation within the option, weight alpha I_unit / (M r_unit tau).
//  - beta sum_{j != i} x_j H(x_j - theta) : each option drives one gate cell (a lif_exp
//    interneuron with a high threshold, science.md sec. 2.5) through currents decaying with the
//    same tau, so the gate's input is proportional to x_j and reaches its rheobase at
//    x_j = theta: only options above theta recruit inhibition. With almost no refractory
//    period the gate's rate rises steeply at theta and then nearly in proportion to x_j (the
//    LIF rate ~ (x/theta - 1/2) / tau_m), a close match of x H(x - theta). Gate j inhibits
//    every cell of every other option (the rate model's j != i; N (N - 1) projections), with a
//    weight that makes a gate at x = 1 inhibit by beta I_unit, through fast GABA_A-like
//    currents (1 ms).
//  - Time scales: x's tau (40 ms, the decay of the recurrent and gate-driving excitation, as
//    slow NMDA-like currents) is long against the inhibitory loop (gate membrane 3 ms, GABA_A
//    1 ms, delays 0.2 ms, the cells' 3 ms): the rate model's inhibition acts at once, and a loop
//    lag that is a sizeable part of tau turns the nWTA's many-options phase into a collective
//    oscillation (docs/examples.md: the previous circuit, tau = 10 ms and slower parts, decided
//    in 42.5 % of trials at N = 256).
//  - Decision (the self-terminating rule, sec. 2.2): the first time an option's x reaches
//    decision_fraction of the winner's asymptote x_w (x_w = F(b + alpha x_w) / r_unit, the
//    spiking counterpart of b_max / (1 - alpha): 1.87 here) while every other option is below
//    others_below times it (the rate model's abort ratio). Correct iff it is option 1 (the
//    largest drive). No such moment before duration_ms (200 tau): no winner.
// alpha, beta, theta and delta are the rate model's example values (rate_wta.hpp) and the same
// at every N. sigma is 0.12, not the rate model's 0.22, the one departure: with 0.22 the circuit
// still decides in every trial, and its accuracy is close to the rate model's (12 trials:
// 0.83 / 0.75 / 0.75 at N = 2 / 32 / 256), but T bends upwards at large N (280 / 548 /
// 1334 +- 276 ms), so T(N) is not ln N; with 0.12 it is (docs/examples.md), and the circuit is
// then more accurate than the rate model at large N.
// The circuit is not add_wta()'s (models/wta.hpp): its gate reads one cell, and a single cell's
// spike train is too sparse a rate estimate for the threshold; here a gate reads an option's
// population.
// Each trial is a fresh Simulation seeded by (seed, n, trial), so trials can run in parallel
// and their results do not depend on threads.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <tbb/parallel_for.h>

#include "spindle/distribution.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/rate_wta.hpp"
#include "spindle/network_spec.hpp"
#include "spindle/random.hpp"
#include "spindle/simulation.hpp"

namespace nwta {

/// Noise-free rate [Hz] of a LIF cell (V_th - E_L = gap) under a constant current.
inline double lif_rate_hz(double current_pA, double C_m_pF, double tau_m_ms, double gap_mV,
                          double t_ref_ms) {
  const double rheobase = gap_mV * C_m_pF / tau_m_ms;
  if (current_pA <= rheobase) return 0.0;
  return 1000.0 / (t_ref_ms + tau_m_ms * std::log(current_pA / (current_pA - rheobase)));
}

struct SpikingSetup {
  // The rate model's example values (science.md sec. 2.2); sigma: see above.
  double alpha = 0.5, beta = 0.6, theta = 0.2, delta = 0.05, sigma = 0.12;
  double tau_eta_per_tau = 0.05;
  double decision_fraction = 0.8;
  double others_below = 0.5;  ///< the rate model's abort ratio x_(2)/x_(1)

  double tau_ms = 40.0;  ///< the rate model's tau: decay of the excitatory currents
  std::size_t cells_per_option = 20;
  // Excitatory cells (lif_exp): V_th - E_L = 15 mV, fast membrane.
  double exc_C_m_pF = 250.0, exc_tau_m_ms = 3.0, exc_t_ref_ms = 0.5;
  double unit_fraction = 1.0;       ///< I_unit as a fraction of the rheobase
  double recruit = 1.0;             ///< cell k starts firing at u = recruit (k + 1/2) / M
  double private_sd = 0.0;          ///< s.d. of each cell's own noise current [I_unit]; 0: none
  double private_rate_hz = 1000.0;  ///< its Poisson rate (inhibitory receptor, mean compensated)
  // Gate cells (lif_exp): fast membrane, almost no refractory period (rate ~ linear above theta).
  double gate_C_m_pF = 250.0, gate_tau_m_ms = 3.0, gate_t_ref_ms = 0.05;
  double tau_syn_inh_ms = 1.0;  ///< gate -> excitatory current decay (GABA_A-like)
  double delay_ms = 0.2;        ///< every synaptic delay
  double duration_ms = 8000.0;  ///< trial cap (200 tau)
  double chunk_ms = 20.0;       ///< the run is checked for a decision after each chunk

  static constexpr double kGap = 15.0;  ///< V_th - E_L [mV] of every cell (lif_exp default)

  double exc_rheobase_pA() const { return kGap * exc_C_m_pF / exc_tau_m_ms; }
  double unit_pA() const { return unit_fraction * exc_rheobase_pA(); }
  double gate_rheobase_pA() const { return kGap * gate_C_m_pF / gate_tau_m_ms; }
  double noise_hold_ms() const { return 2.0 * tau_eta_per_tau * tau_ms; }
  /// Weight [pA] of a private noise spike: shot noise of s.d. w sqrt(nu tau / 2).
  double private_weight_pA() const {
    return private_sd * unit_pA() / std::sqrt(private_rate_hz * 1e-3 * tau_syn_inh_ms / 2.0);
  }
  /// Mean current [pA] of the private noise (subtracted from the bias).
  double private_mean_pA() const {
    return private_sd > 0 ? -private_weight_pA() * private_rate_hz * 1e-3 * tau_syn_inh_ms : 0.0;
  }

  /// Input u at which cell k of an option starts firing.
  double onset(std::size_t k) const {
    return recruit * (static_cast<double>(k) + 0.5) / static_cast<double>(cells_per_option);
  }
  /// Mean rate [Hz] of an option's cells at rate-model input u.
  double population_rate_hz(double u) const {
    double sum = 0.0;
    for (std::size_t k = 0; k < cells_per_option; ++k)
      sum += lif_rate_hz(exc_rheobase_pA() + unit_pA() * (u - onset(k)), exc_C_m_pF, exc_tau_m_ms,
                         kGap, exc_t_ref_ms);
    return sum / static_cast<double>(cells_per_option);
  }
  double unit_rate_hz() const { return population_rate_hz(1.0); }
  /// The winner's asymptote x_w = F(1 + alpha x_w) / r_unit (fixed-point iteration; the slope
  /// alpha F' / r_unit is below 1 there).
  double winner_x() const {
    double x = 1.0 / (1.0 - alpha);
    for (int k = 0; k < 200; ++k)
      x = population_rate_hz(1.0 + alpha * x) / unit_rate_hz();
    return x;
  }
  /// Gate rate [Hz] when its option sits at activation x.
  double gate_rate_hz(double x) const {
    return lif_rate_hz(gate_rheobase_pA() * x / theta, gate_C_m_pF, gate_tau_m_ms, kGap,
                       gate_t_ref_ms);
  }
  /// Per-synapse weights [pA] (mean current of a train of rate r through weight w decaying
  /// with tau: w r tau).
  double w_exc_exc_pA() const {
    return alpha * unit_pA() /
           (static_cast<double>(cells_per_option) * unit_rate_hz() * 1e-3 * tau_ms);
  }
  double w_exc_gate_pA() const {
    return gate_rheobase_pA() /
           (static_cast<double>(cells_per_option) * theta * unit_rate_hz() * 1e-3 * tau_ms);
  }
  /// Gate j -> every cell of option i != j: a gate at x = 1 (rate G(1)) inhibits by
  /// beta I_unit on average (mean current of a train of rate r through weight w decaying with
  /// tau_inh: w r tau_inh).
  double w_gate_inh_pA() const {
    return -beta * unit_pA() / (gate_rate_hz(1.0) * 1e-3 * tau_syn_inh_ms);
  }
};

struct SpikingTrial {
  bool decided = false;
  double time_ms = 0.0;
  bool correct = false;
  std::size_t winner = 0;
};

/// The network of one trial with n options; excitatory populations "opt<i>" come first, so
/// the excitatory cell with global id g belongs to option g / cells_per_option.
inline spindle::NetworkSpec build_spiking_nwta(const SpikingSetup& s, std::size_t n,
                                               std::uint64_t key) {
  using spindle::ConnectionRule;
  using spindle::Milliseconds;
  using spindle::Picoamps;
  const std::size_t m = s.cells_per_option;
  spindle::NetworkSpec net;
  const spindle::ParameterSet exc{{"C_m", s.exc_C_m_pF},     {"tau_m", s.exc_tau_m_ms},
                                  {"tau_syn_exc", s.tau_ms}, {"tau_syn_inh", s.tau_syn_inh_ms},
                                  {"t_ref", s.exc_t_ref_ms}, {"E_L", -70.0},
                                  {"V_reset", -70.0},        {"V_th", -70.0 + SpikingSetup::kGap}};
  const spindle::ParameterSet gate{{"C_m", s.gate_C_m_pF},
                                   {"tau_m", s.gate_tau_m_ms},
                                   {"tau_syn_exc", s.tau_ms},
                                   {"t_ref", s.gate_t_ref_ms},
                                   {"E_L", -70.0},
                                   {"V_reset", -70.0},
                                   {"V_th", -70.0 + SpikingSetup::kGap}};
  const Milliseconds delay{s.delay_ms};
  std::vector<std::string> options(n), gates(n);
  for (std::size_t i = 0; i < n; ++i) {
    options[i] = "opt" + std::to_string(i);
    const double b = i == 0 ? 1.0 : 1.0 - s.delta;
    spindle::ParameterSet params = exc;
    params["I_e"] = s.exc_rheobase_pA() + s.unit_pA() * b - s.private_mean_pA();
    net.add_population(options[i], "lif_exp", m, params);
    // The same onsets in every option: no quenched difference between options.
    for (std::size_t k = 0; k < m; ++k)
      net.add_dc(options[i], Picoamps{-s.onset(k) * s.unit_pA()}).cells = {k};
  }
  for (std::size_t i = 0; i < n; ++i) {
    gates[i] = "gate" + std::to_string(i);
    net.add_population(gates[i], "lif_exp", 1, gate);
  }
  for (std::size_t i = 0; i < n; ++i) {
    net.connect(options[i], options[i], ConnectionRule::all_to_all(true), "exc",
                Picoamps{s.w_exc_exc_pA()}, delay);
    net.connect(options[i], gates[i], ConnectionRule::all_to_all(), "exc",
                Picoamps{s.w_exc_gate_pA()}, delay);
  }
  // The thresholded inhibition, j != i: gate j onto every other option.
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = 0; i < n; ++i)
      if (i != j)
        net.connect(gates[j], options[i], ConnectionRule::all_to_all(), "inh",
                    Picoamps{s.w_gate_inh_pA()}, delay);
  if (s.private_sd > 0)
    for (std::size_t i = 0; i < n; ++i)
      net.add_poisson(options[i], spindle::Hertz{s.private_rate_hz}, "inh",
                      Picoamps{-s.private_weight_pA()});
  // The options' noise: held normal values, one stream per (trial, option).
  const double hold = s.noise_hold_ms();
  const auto steps = static_cast<std::size_t>(std::ceil(s.duration_ms / hold));
  std::vector<double> times(steps);
  for (std::size_t k = 0; k < steps; ++k)
    times[k] = static_cast<double>(k) * hold;
  for (std::size_t i = 0; i < n; ++i) {
    spindle::RandomStream rng(key, i, spindle::Purpose::user);
    std::vector<double> amplitudes(steps);
    for (double& a : amplitudes)
      a = s.sigma * s.unit_pA() * rng.normal();
    net.add_step_current(options[i], times, std::move(amplitudes));
  }
  net.spike_recorder.populations = options;
  return net;
}

/// One trial with n options.
inline SpikingTrial run_spiking_trial(const SpikingSetup& s, std::size_t n, std::uint64_t seed,
                                      std::uint64_t trial) {
  const std::uint64_t key = spindle::mix64(spindle::mix64(seed ^ (n << 32)) + trial);
  spindle::Simulation sim(build_spiking_nwta(s, n, key), spindle::models::builtin_registry(),
                          {.seed = key, .threads = 1});
  // x_i: each spike adds 1 / (M r_unit tau) and x decays with tau between spikes.
  const double jump =
      1.0 / (static_cast<double>(s.cells_per_option) * s.unit_rate_hz() * 1e-3 * s.tau_ms);
  const double x_decision = s.decision_fraction * s.winner_x();
  std::vector<double> x(n, 0.0), last(n, 0.0);
  std::size_t seen = 0;
  for (double t = s.chunk_ms; t <= s.duration_ms + 1e-9; t += s.chunk_ms) {
    sim.run(spindle::Time::from_ms(t));
    const std::vector<spindle::Spike> spikes = sim.spikes();
    for (; seen < spikes.size(); ++seen) {
      const double ts = spikes[seen].time.to_ms();
      const std::size_t i = spikes[seen].cell / s.cells_per_option;
      x[i] = x[i] * std::exp(-(ts - last[i]) / s.tau_ms) + jump;
      last[i] = ts;
      if (x[i] < x_decision) continue;
      double others = 0.0;
      for (std::size_t j = 0; j < n; ++j)
        if (j != i) others = std::max(others, x[j] * std::exp(-(ts - last[j]) / s.tau_ms));
      if (others < s.others_below * x[i])
        return {.decided = true, .time_ms = ts, .correct = i == 0, .winner = i};
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
