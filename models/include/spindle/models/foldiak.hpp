// spindle/models/foldiak.hpp: Földiák's (1990, Biol Cybern 64:165) network that forms sparse
// codes by local learning (science.md sec. 3.1): binary inputs x, binary outputs y, Hebbian
// feed-forward weights q, anti-Hebbian (inhibitory) lateral weights w = -W <= 0, adaptive
// thresholds t.
//
//   settle:   dy*_i/dt = f(sum_j q_ij x_j + sum_{j != i} w_ij y*_j - t_i) - y*_i,
//             f(u) = 1 / (1 + exp(-lambda u)), from y* = 0; then y_i = [y*_i > 0.5]
//   learn:    dw_ij = -alpha (y_i y_j - p^2)  (w_ii = 0, w_ij <= 0)
//             dq_ij =  beta y_i (x_j - q_ij)
//             dt_i  =  gamma (y_i - p)
//
// The state and the rules are local_sparse_coding.hpp's (shared with sailnet.hpp); t starts at
// 0. The threshold warm-up quoted from the paper (alpha = beta = 0, gamma = 0.1 for 100
// cycles) is warm_up().
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "spindle/models/local_sparse_coding.hpp"

namespace spindle::models::foldiak {

struct Params : local_sparse_coding::LearningParams {
  double lambda = 10.0;            ///< sigmoid gain
  double settle_dt = 0.1;          ///< Euler step of the settling [time units]
  std::size_t settle_steps = 100;  ///< settling lasts settle_dt * settle_steps
};

class Network : public local_sparse_coding::Learner<Network, Params> {
 public:
  /// Draws Q from the stream keyed (seed, 0, Purpose::weights).
  Network(const Params& p, std::uint64_t seed);

  /// Settles on image x (values in [0, 1], size inputs) and returns y in {0, 1}.
  std::vector<double> respond(const std::vector<double>& x) const;
  bool oja_rule() const noexcept { return false; }
};

}  // namespace spindle::models::foldiak
