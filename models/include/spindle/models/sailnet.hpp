// spindle/models/sailnet.hpp: a spiking version of Földiák's sparse-coding network with
// inhibitory plasticity, in the spirit of SAILnet (Zylberberg, Murphy & DeWeese 2011, PLoS
// Comput Biol 7:e1002250; science.md sec. 3.3).
//
// Output units are lif_delta cells (spindle/models/lif_delta.hpp), driven by the library's
// LifDeltaGroup through the CellGroup contract in an exact event-driven loop (no time step):
// during a presentation of `presentation` ms, unit i receives the constant current
// I_i = sum_j Q_ij x_j (C_m = tau_m, so 1 pA of drive is 1 mV of asymptotic depolarisation),
// fires when V reaches its own threshold theta_i (V_th per cell; E_L = V_reset = 0), and each of
// its spikes lowers every other unit k's V by inhibition_gain * W_ki after `delay` (W >= 0: the
// lateral inhibitory weights). SAILnet's discrete update u <- (1 - eta) u + eta (Q x - W a) is
// this cell with tau_m = 1 / eta iterations, a 1-iteration delay and a jump of eta W.
// y_i = number of spikes in the presentation.
//
// Learning after every presentation (SAILnet's rules with batch size 1):
//   dW_ij = alpha (y_i y_j - p^2), W_ii = 0, W >= 0     (Földiák's anti-Hebbian rule)
//   dQ_i  = beta y_i (x - y_i Q_i)                      (Oja's rule)
//   dtheta_i = gamma (y_i - p)                          (Földiák's threshold rule)
// The state and the rules are local_sparse_coding.hpp's (shared with foldiak.hpp); theta starts
// at theta0. warm_up() adapts theta alone, with warmup_gamma.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "spindle/models/local_sparse_coding.hpp"

namespace spindle::models::sailnet {

/// oja: SAILnet's dQ_i = beta y_i (x - y_i Q_i); foldiak: Földiák's dQ_i = beta y_i (x - Q_i).
enum class FeedForwardRule { oja, foldiak };

struct Params : local_sparse_coding::LearningParams {
  FeedForwardRule feedforward = FeedForwardRule::oja;
  double tau_m = 10.0;           ///< [ms]
  double t_ref = 1.0;            ///< [ms]
  double presentation = 50.0;    ///< [ms]: 5 tau_m, SAILnet's 50 iterations at eta = 0.1
  double delay = 1.0;            ///< [ms] of the lateral inhibition
  double inhibition_gain = 0.1;  ///< mV of V per unit of W (SAILnet's eta)
  double theta0 = 1.0;           ///< initial thresholds [mV]
  double theta_min = 1e-3;       ///< thresholds stay above V_reset = 0 [mV]
};

class Network : public local_sparse_coding::Learner<Network, Params> {
 public:
  /// Draws Q from the stream keyed (seed, 1, Purpose::weights).
  Network(const Params& p, std::uint64_t seed);

  /// Presents image x (size inputs) and returns each unit's spike count.
  std::vector<double> respond(const std::vector<double>& x) const;
  bool oja_rule() const noexcept { return p_.feedforward == FeedForwardRule::oja; }
};

}  // namespace spindle::models::sailnet
