// spindle/models/local_sparse_coding.hpp: the learned state and the local learning rules shared
// by Földiák's (1990) rate network (foldiak.hpp) and its spiking version (sailnet.hpp;
// science.md sec. 3.1 and 3.3). Only how a network responds to an image differs between them.
//
//   lateral (anti-Hebbian):  dW_ij = alpha (y_i y_j - p^2), W_ii = 0, W >= 0
//                            (W is the inhibition's magnitude: Földiák's w = -W)
//   feed-forward (Hebbian):  dQ_i  = beta y_i (x - d_i Q_i), d_i = 1 (Földiák) or y_i (Oja)
//   threshold:               dt_i  = gamma (y_i - p), t_i >= threshold_floor
//
// Initial state as the public reimplementations (science.md sec. 3.1): Q uniform on [0, 1),
// each row scaled to unit length; W = 0; thresholds all equal.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "spindle/random.hpp"

namespace spindle::models::local_sparse_coding {

/// Sizes and learning rates common to both networks.
struct LearningParams {
  std::size_t inputs = 64, outputs = 16;
  double alpha = 0.1, beta = 0.02, gamma = 0.02;  ///< lateral, feed-forward, threshold rates
  double p = 1.0 / 8.0;                           ///< target activity per unit per image
  double warmup_gamma = 0.1;                      ///< threshold rate of the warm-up
};

/// Q, W and the thresholds, with the learning rules.
class LearnedState {
 public:
  /// threshold_floor for thresholds that may take any value.
  static constexpr double no_floor = -std::numeric_limits<double>::infinity();

  /// Feed-forward weights of output i (size inputs).
  std::vector<double> receptive_field(std::size_t i) const {
    return {q_.begin() + static_cast<std::ptrdiff_t>(i * inputs_),
            q_.begin() + static_cast<std::ptrdiff_t>((i + 1) * inputs_)};
  }
  const std::vector<double>& thresholds() const noexcept { return t_; }

 protected:
  /// Draws Q from the stream keyed (seed, stream_id, Purpose::weights).
  LearnedState(const LearningParams& p, std::uint64_t seed, std::uint64_t stream_id,
               double threshold0, double threshold_floor)
      : inputs_(p.inputs),
        q_(p.outputs * p.inputs),
        w_(p.outputs * p.outputs, 0.0),
        t_(p.outputs, threshold0),
        floor_(threshold_floor) {
    RandomStream rng(seed, stream_id, Purpose::weights);
    for (std::size_t i = 0; i < p.outputs; ++i) {
      double norm = 0.0;
      for (std::size_t j = 0; j < p.inputs; ++j) {
        const double v = rng.uniform();
        q_[i * p.inputs + j] = v;
        norm += v * v;
      }
      norm = std::sqrt(norm);
      for (std::size_t j = 0; j < p.inputs; ++j)
        q_[i * p.inputs + j] /= norm;
    }
  }

  /// Feed-forward drive of output i: sum_j Q_ij x_j.
  double drive(std::size_t i, const std::vector<double>& x) const {
    double sum = 0.0;
    for (std::size_t j = 0; j < inputs_; ++j)
      sum += q_[i * inputs_ + j] * x[j];
    return sum;
  }
  /// Lateral inhibition W_ij onto output i from output j (>= 0).
  double inhibition(std::size_t i, std::size_t j) const { return w_[i * t_.size() + j]; }

  /// All three rules after a response y to image x; oja selects d_i = y_i.
  void learn_all(const LearningParams& p, const std::vector<double>& x,
                 const std::vector<double>& y, bool oja) {
    const std::size_t n = t_.size();
    const double p2 = p.p * p.p;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j)
        if (i != j) w_[i * n + j] = std::max(0.0, w_[i * n + j] + p.alpha * (y[i] * y[j] - p2));
      if (y[i] > 0.0)
        for (std::size_t j = 0; j < inputs_; ++j) {
          double& q = q_[i * inputs_ + j];
          q += p.beta * y[i] * (x[j] - (oja ? y[i] : 1.0) * q);
        }
    }
    adapt_thresholds(p.gamma, p.p, y);
  }
  /// Only the threshold rule (the warm-up uses it with warmup_gamma).
  void adapt_thresholds(double gamma, double p, const std::vector<double>& y) {
    for (std::size_t i = 0; i < t_.size(); ++i)
      t_[i] = std::max(floor_, t_[i] + gamma * (y[i] - p));
  }

 private:
  std::size_t inputs_;
  std::vector<double> q_;  // outputs x inputs, row-major
  std::vector<double> w_;  // outputs x outputs, row-major, >= 0, zero diagonal
  std::vector<double> t_;
  double floor_;
};

/// The interface both networks share: Net (derived from Learner<Net, Params>) supplies
/// `std::vector<double> respond(const std::vector<double>& x) const` and
/// `bool oja_rule() const` (d_i = y_i in the feed-forward rule).
template <class Net, class Params>
class Learner : public LearnedState {
 public:
  /// respond(), then all three learning rules; returns the response.
  std::vector<double> learn(const std::vector<double>& x) {
    const std::vector<double> y = net().respond(x);
    learn_all(p_, x, y, net().oja_rule());
    return y;
  }
  /// respond(), then only the threshold rule with rate warmup_gamma.
  std::vector<double> warm_up(const std::vector<double>& x) {
    const std::vector<double> y = net().respond(x);
    adapt_thresholds(p_.warmup_gamma, p_.p, y);
    return y;
  }
  const Params& params() const noexcept { return p_; }

 protected:
  Learner(const Params& p, std::uint64_t seed, std::uint64_t stream_id, double threshold0,
          double threshold_floor)
      : LearnedState(p, seed, stream_id, threshold0, threshold_floor), p_(p) {}

  Params p_;

 private:
  const Net& net() const { return static_cast<const Net&>(*this); }
};

}  // namespace spindle::models::local_sparse_coding
