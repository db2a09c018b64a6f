// spindle/models/rate_wta.hpp: the rate-model winner-take-all circuits of Kriener, Chaudhuri &
// Fiete (2020, PNAS 117:25505; authors' code BKriener/nWTA), run with the authors' protocol
// (science.md §2.1-2.2). Used by examples/nwta and tests/validation/wta, which call this code.
//
//   tau dx_i/dt = -x_i + [ b_i + alpha x_i - beta sum_{j != i} g(x_j) + eta_i ]_+
//   conventional WTA: g(x) = x;   nWTA: g(x) = x H(x - theta), H(0) = 1 (the authors' gate)
//   tau_eta d eta_i/dt = -eta_i + sigma sqrt(2 tau_eta) xi_i      (Ornstein-Uhlenbeck)
//
// Euler steps of dt for x, the exact OU update for eta; x(0) = eta(0) = 0. Inputs b_1 = 1,
// b_i = 1 - delta. A trial stops when max_i x_i >= 0.8 b_max / (1 - alpha) (decided; correct
// when unit 1, the largest input, has the largest activation), or at an abort check at
// t = 200, 300, ... when x_(2)/x_(1) > 0.5 (no winner), or at the cap t_max (timed out; the
// authors' code has no cap). Times are in units of tau.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spindle::models::rate_wta {

enum class Inhibition { conventional, nonlinear };

/// Defaults: the authors' example script (science.md §2.2 table).
struct Params {
  Inhibition inhibition = Inhibition::nonlinear;
  double alpha = 0.5;              ///< self-excitation
  double beta = 0.6;               ///< lateral inhibition
  double theta = 0.2;              ///< nWTA gate threshold on the activation
  double delta = 0.05;             ///< input gap
  double tau = 1.0;                ///< activation time constant (the time unit)
  double tau_eta = 0.05;           ///< noise correlation time [tau]
  double sigma = 0.22;             ///< stationary noise s.d.
  double dt = 0.01;                ///< Euler step [tau]: tau_eta / 5
  double decision_fraction = 0.8;  ///< of the deterministic winner asymptote b_max / (1 - alpha)
  double abort_ratio = 0.5;        ///< x_(2)/x_(1) above this at an abort check: no winner
  double first_check = 200.0;      ///< first abort check [tau]
  double check_every = 100.0;      ///< abort-check period [tau]
  double t_max = 1000.0;           ///< time cap [tau]
};

enum class Outcome { decided, no_winner, timed_out };

struct Trial {
  Outcome outcome = Outcome::decided;
  double time = 0.0;     ///< when the run stopped [tau]
  bool correct = false;  ///< unit 1 had the largest activation when the run stopped
};

/// One trial with n units; its noise comes from the stream keyed (seed, trial, n), so a trial's
/// result does not depend on which thread runs it or on the other trials.
Trial run_trial(const Params& p, std::size_t n, std::uint64_t seed, std::uint64_t trial);

struct Summary {
  std::size_t n = 0, trials = 0;
  std::size_t decided = 0, no_winner = 0, timed_out = 0;
  std::size_t correct = 0;          ///< decided trials won by unit 1
  double mean_decision_time = 0.0;  ///< over decided trials [tau]; NaN if none
  double se_decision_time = 0.0;    ///< standard error of that mean; NaN if < 2 decided
  double accuracy = 0.0;            ///< correct / trials
  double se_accuracy = 0.0;         ///< binomial: sqrt(acc (1 - acc) / trials)
  double no_winner_fraction = 0.0;  ///< no_winner / trials
  double timed_out_fraction = 0.0;  ///< timed_out / trials
};

/// Trials 0 .. trials-1 of run_trial, in parallel (TBB); the result does not depend on threads.
Summary run_trials(const Params& p, std::size_t n, std::size_t trials, std::uint64_t seed);

/// Mean of `values` and its standard error; NaN where undefined (mean: none, se: fewer than 2).
struct MeanSe {
  double mean = 0.0, se = 0.0;
};
MeanSe mean_se(const std::vector<double>& values);

/// Least-squares line y = a + c x and its coefficient of determination.
struct LineFit {
  double a = 0.0, c = 0.0, r2 = 0.0;
};
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace spindle::models::rate_wta
