// spindle/models/cable/cable_cell.hpp: the compartmental cell of issue 5 (the reference for
// pyramidal_dendritic). A CableCell holds what does not change during a run (tree, parameters,
// solver, resting state); a CableState holds one cell's dynamic variables, so many cells (a
// network population) share one CableCell.
//
// Time stepping (NEURON's staggered Crank-Nicolson scheme, Hines & Carnevale 1997): the gates
// live at half steps and are advanced with exponential Euler from V(t); V is advanced from t to
// t + h with Crank-Nicolson (a backward-Euler half step to t + h/2 solved in Hines order, then
// V(t+h) = 2 V(t+h/2) - V(t)); the Ca pool and synaptic conductances are integrated exactly for
// the midpoint values. Second order in h and in the segment length.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "spindle/models/cable/cable_tree.hpp"
#include "spindle/models/cable/channels.hpp"
#include "spindle/models/cable/hines_solver.hpp"

namespace spindle::models::cable {

enum class SynapseKind {
  gaba_alpha,  ///< alpha conductance, tau = gaba_tau_ms, reversal E_gaba_mV
  ampa_exp,    ///< exponential conductance, tau = ampa_tau_ms, reversal E_ampa_mV
  tonic_shunt  ///< constant conductance (the activation sets it), reversal E_gaba_mV
};

/// One synapse site of one cell: where it is and its kinetic state [nS].
struct SynapseState {
  TreePoint at;
  SynapseKind kind = SynapseKind::gaba_alpha;
  double s1 = 0.0, s2 = 0.0;  ///< gaba: g = e * s2 with s1' = -s1/tau, s2' = (s1 - s2)/tau
};

/// Dynamic variables of one cell. Gates are staggered by half a step (see the file comment).
struct CableState {
  double t_ms = 0.0;
  std::vector<double> V;              ///< [mV]
  std::vector<double> m, h, n, m_ca;  ///< gates
  std::vector<double> ca;             ///< [mM]
  std::vector<double> injected_nA;    ///< current clamp per compartment [nA]
  std::vector<SynapseState> synapses;
};

class CableCell {
 public:
  /// `max_segment_um` in (0, 5] and `dt_ms` in (0, 0.025] for the accuracy the docs claim
  /// (larger values are accepted). Computes the resting state (Newton on the whole tree).
  CableCell(const CellGeometry& geometry, const CableParams& params, double max_segment_um,
            double dt_ms);

  const CableTree& tree() const noexcept { return tree_; }
  const CableParams& params() const noexcept { return params_; }
  double dt_ms() const noexcept { return dt_ms_; }
  std::size_t size() const noexcept { return tree_.size(); }

  /// Rest at t = t_ms: V, gates and Ca at their steady state, no synapses, no current.
  CableState resting_state(double t_ms = 0.0) const;
  /// Resting potential of compartment i [mV].
  double resting_V(std::size_t i) const noexcept { return rest_V_[i]; }

  /// Adds a synapse site to `s`; returns its index in s.synapses.
  std::size_t add_synapse(CableState& s, TreePoint at, SynapseKind kind) const;
  /// A presynaptic event of weight w [nS] on synapse `k` (alpha: peak conductance w after tau;
  /// exp: jump by w; tonic: conductance set to w).
  void activate(CableState& s, std::size_t k, double weight_nS) const;

  /// Advances s to t_ms in steps of dt (the last one shorter if needed); calls `after_step`
  /// (if set) after every step.
  void advance(CableState& s, double t_ms,
               const std::function<void(const CableState&)>& after_step = {}) const;
  /// One step of length h [ms].
  void step(CableState& s, double h) const;

  /// Interpolated value of a per-compartment variable at a tree point.
  static double at(const std::vector<double>& x, TreePoint p) noexcept {
    return (1.0 - p.weight_b) * x[p.a] + p.weight_b * x[p.b];
  }

  /// True when s is at rest to within `tol_mV` (and its gates within 1e-3 of their resting
  /// values) and nothing drives it (no current, synaptic conductances below 1e-9 nS): it would
  /// stay there forever, up to that tolerance.
  bool quiescent(const CableState& s, double tol_mV = 1e-3) const noexcept;

  /// Moves a quiescent state to t_ms without stepping: V and gates to rest, synapses to zero,
  /// and the Ca pools relaxed exactly towards rest (at rest the pool equation is linear with a
  /// constant influx, so its solution is one exponential per compartment).
  void relax_to_rest(CableState& s, double t_ms) const;

 private:
  void compute_rest();

  CableTree tree_;
  CableParams params_;
  double dt_ms_;
  HinesSolver solver_;
  std::vector<double> C_nF_, gNa_uS_, gK_uS_, gCa_uS_, gL_uS_;  // per compartment
  std::vector<double> ca_drive_;  // mM/ms per uA/cm2 of inward Ca current
  double ca_q_ = 1.0;
  std::vector<double> rest_V_;
};

}  // namespace spindle::models::cable
