// spindle/models/lif_exp.hpp: `lif_exp`, leaky integrate-and-fire with exponentially decaying
// postsynaptic currents, integrated exactly between events (NEST iaf_psc_exp_ps; Brette et al.
// 2007). The group class is public so that tests and benchmarks can drive it directly through
// the CellGroup contract.
//
//   tau_m dV/dt = -(V - E_L) + (I_exc + I_inh + I_e + I_stim) tau_m / C_m
//   dI_exc/dt = -I_exc / tau_syn_exc,  dI_inh/dt = -I_inh / tau_syn_inh
//   input of weight w [pA] on "exc" / "inh":  I_exc += w  /  I_inh += w   (w >= 0 / w <= 0)
//   V >= V_th  ->  spike; V = V_reset, clamped there for t_ref
//
// Parameters (name, unit, default, allowed range):
//   C_m          pF   250   > 0      membrane capacitance
//   tau_m        ms    10   > 0      membrane time constant
//   tau_syn_exc  ms     2   > 0      decay time of excitatory currents (differs from tau_m)
//   tau_syn_inh  ms     2   > 0      decay time of inhibitory currents (differs from tau_m)
//   t_ref        ms     2   >= 0     absolute refractory period (rounded to whole ticks)
//   E_L          mV   -70   finite   resting potential
//   V_reset      mV   -70   < V_th   potential after a spike
//   V_th         mV   -55   finite   spike threshold
//   I_e          pA     0   finite   constant bias current
// Receptors: "exc", "inh" (pA). State: "V_m" (mV), "I_exc", "I_inh" (pA).
// tau_syn_* must differ from tau_m by more than 1e-6 tau_m: the closed-form solution has a
// tau_syn / (tau_syn - tau_m) factor, and the threshold search works on sums of distinct
// exponentials (the equal case would need a t exp(-t / tau) term).
//
// Semantics at the edges, all exact to one tick (1 ns):
//  - A spike is reported at the first tick at or after the exact threshold crossing; a crossing
//    within a tick comes before any input arriving in that tick. V is continuous, so inputs
//    never cross threshold by themselves.
//  - During refractoriness, [t_spike, t_spike + t_ref), V is clamped at V_reset while the
//    synaptic currents keep decaying and keep receiving input (as in NEST).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "spindle/cell_model.hpp"
#include "spindle/model_registry.hpp"
#include "spindle/models/exact_cell_group.hpp"
#include "spindle/parameters.hpp"

namespace spindle::models {

/// Lowered, validated lif_exp parameters: plain doubles in ms, mV, pA, pF.
struct LifExpParams {
  double C_m = 250.0;        ///< [pF]
  double tau_m = 10.0;       ///< [ms]
  double tau_syn_exc = 2.0;  ///< [ms]
  double tau_syn_inh = 2.0;  ///< [ms]
  double t_ref = 2.0;        ///< [ms]
  double E_L = -70.0;        ///< [mV]
  double V_reset = -70.0;    ///< [mV]
  double V_th = -55.0;       ///< [mV]
  double I_e = 0.0;          ///< [pA]

  /// From values resolved against lif_exp_model().parameters.
  static LifExpParams from(const ParameterValues& v);
};

/// Relations between parameters that single ranges cannot express: "" if fine, else the reason.
std::string lif_exp_relations(const LifExpParams& p);

/// Schema, receptors, state variables and factory of `lif_exp`.
CellModelInfo lif_exp_model();

class LifExpGroup final : public ExactCellGroup<LifExpGroup> {
 public:
  static constexpr std::size_t exc = 0, inh = 1;               ///< receptors
  static constexpr std::size_t V_m = 0, I_exc = 1, I_inh = 2;  ///< state variables

  /// `p` must satisfy the schema ranges and lif_exp_relations().
  LifExpGroup(const LifExpParams& p, std::size_t n);

  std::size_t size() const noexcept override { return V_.size(); }
  void set_state(std::size_t cell, std::size_t var, double value) override;
  Time receive(std::size_t cell, Time t, double weight, std::size_t receptor) override;
  void set_parameter(std::size_t cell, std::size_t param, double value) override;
  double probe(std::size_t cell, std::size_t var, Time t) const override;

  /// One cell's state at one time (V_m [mV], currents [pA]).
  struct State {
    double V, I_exc, I_inh;
    Time t;
  };

 private:
  friend class ExactCellGroup<LifExpGroup>;
  State state_at(std::size_t c, Time t) const noexcept;
  void advance(std::size_t c, Time t);
  void propagate(State& s, double v_inf, Time to) const noexcept;
  Time next_crossing(std::size_t c) const;
  Time cheap_bound(std::size_t c) const noexcept;
  /// Lower bound of the next crossing, from the trajectory's state at `from` >= t_[c].
  Time bound_at(std::size_t c, Time from) const noexcept;
  void fire(std::size_t c, Time t);
  /// The potential the cell relaxes to without synaptic input [mV].
  double v_inf(std::size_t c) const noexcept {
    return E_L_[c] + p_.tau_m / p_.C_m * (I_e_[c] + I_stim_[c]);
  }

  LifExpParams p_;
  Time t_ref_;    ///< refractory period in ticks
  double d_exc_;  ///< 1/tau_m - 1/tau_syn_exc [1/ms]
  double d_inh_;  ///< 1/tau_m - 1/tau_syn_inh [1/ms]
  /// tau_m / tau_syn_x when that is a whole number 1..8 (then exp(-dt/tau_syn_x) is a power of
  /// exp(-dt/tau_m), one exp call instead of two), else 0.
  int pow_exc_ = 0, pow_inh_ = 0;
  // THREADING: the kernel may call different cells of one group from different partitions at
  // the same time. Everything below is per cell.
  std::vector<double> V_;   ///< [mV] at t_ (V_reset while refractory)
  std::vector<double> Ie_;  ///< excitatory current [pA] at t_
  std::vector<double> Ii_;  ///< inhibitory current [pA] at t_
  // Per-cell parameters (PopulationSpec::vary); the rest of p_ is shared.
  std::vector<double> E_L_, V_th_, V_reset_, I_e_;  ///< [mV], [mV], [mV], [pA]
};

}  // namespace spindle::models
