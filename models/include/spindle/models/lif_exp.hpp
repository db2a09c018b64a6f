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
#include "spindle/models/exp_sum_roots.hpp"
#include "spindle/models/rebase_grid.hpp"
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

/// The state an input to a lif_exp cell touches, in one record (two cache lines at most instead of
/// eleven arrays). Free trajectory V(t) = v_inf + wm exp(-(t - b)/tau_m) + we exp(-(t - b)/
/// tau_syn_exc) + wi exp(-(t - b)/tau_syn_inh), for t >= max(t, ref_end) (V_reset before). The
/// currents are I_x(t) = w_x exp(-(t - b)/tau_x) / k_x at every t >= t. While open (from a spike
/// until the cell is next updated at or after ref_end) wm is not kept: the trajectory restarts at
/// V_reset at ref_end.
struct LifExpCell : ExactCellState {
  bool open = false;
  double wm = 0.0, we = 0.0, wi = 0.0;  ///< [mV]
  Time b;
  double v_inf = 0.0;  ///< LifExpGroup::fresh_v_inf(), kept up to date
  double V_th = 0.0;   ///< [mV] (per-cell parameter)
};

class LifExpGroup final : public ExactCellGroup<LifExpGroup, LifExpCell> {
 public:
  static constexpr std::size_t exc = 0, inh = 1;               ///< receptors
  static constexpr std::size_t V_m = 0, I_exc = 1, I_inh = 2;  ///< state variables

  /// `p` must satisfy the schema ranges and lif_exp_relations().
  LifExpGroup(const LifExpParams& p, std::size_t n);

  std::size_t size() const noexcept override { return cell_.size(); }
  void set_state(std::size_t cell, std::size_t var, double value) override;
  Time receive(std::size_t cell, Time t, double weight, std::size_t receptor) override;
  void receive_batch(Time t, std::size_t receptor, const std::uint32_t* cells, std::size_t n,
                     std::uint32_t index_offset, const float* weights, double weight,
                     Time* out) override;
  void set_parameter(std::size_t cell, std::size_t param, double value) override;
  double probe(std::size_t cell, std::size_t var, Time t) const override;
  /// exc: how far the envelope bound (see the .cpp) stays below V_th, per pA; inh: infinity.
  double safe_weight(std::size_t cell, Time t, std::size_t receptor) const override;
  bool only_inhibits(std::size_t receptor) const noexcept override { return receptor == inh; }
  /// V is linear in the input currents (the file comment of the .cpp, receive_late()).
  bool accepts_late_inputs() const noexcept override { return true; }
  void receive_late(std::size_t cell, const Time* times, std::size_t n, double weight,
                    std::size_t receptor) override;

 private:
  friend class ExactCellGroup<LifExpGroup, LifExpCell>;
  /// exp(-dt / tau) for the membrane and both synaptic time constants.
  struct Decay {
    double m, e, i;
  };
  /// Per-time work of one batch of inputs at t: the grid base and the scale factors there.
  struct Batch {
    Time t, base;
    Decay grow;  ///< exp((t - base) / tau_k)
    Decay at;    ///< exp(-(t - base) / tau_k) = 1 / grow
  };
  /// Inline, defined in lif_exp.cpp (its only caller): every input and late arrival calls it.
  inline Decay decay(Time dt) const noexcept;
  Batch batch_at(Time t) const noexcept;
  void rebase(std::size_t c, Time b) noexcept {
    if (cell_[c].b != b) rebase_slow(c, b);
  }
  void rebase_slow(std::size_t c, Time b) noexcept;
  /// Coefficients of the free trajectory at `origin` >= max(b_[c], cell_[c].ref_end): V = v_inf +
  /// sum (see the .cpp).
  Decay coefficients_at(std::size_t c, Time origin) const noexcept;
  /// Coefficients at ref_end of an open refractory period, V_inf = vi from then on.
  Decay restart_coefficients(std::size_t c, double vi) const noexcept;
  /// Ends an open refractory period (at or after its end): base at ref_end, w_m set.
  void close_refractory(std::size_t c, double vi) noexcept;
  /// The inputs of one batch on one receptor, with the envelope's classification of the time
  /// constants (see envelope_kind_) as template arguments: the hot loop, with no per-input
  /// branch on either.
  template <bool Exc, bool ExcSlow, bool InhSlow>
  void receive_run(const Batch& batch, const std::uint32_t* cells, std::size_t n,
                   std::uint32_t index_offset, const float* weights, double weight, Time* out);
  /// receive_run() for the group's receptor and envelope kind.
  void receive_dispatch(const Batch& batch, std::size_t receptor, const std::uint32_t* cells,
                        std::size_t n, std::uint32_t index_offset, const float* weights,
                        double weight, Time* out);
  void advance(std::size_t c, Time t) noexcept { cell_[c].t = t; }
  void on_current_change(std::size_t c, double old_current) noexcept;
  Time next_crossing(std::size_t c) const;
  /// Lower bound of the next crossing, from the trajectory's state at `from` >= cell_[c].t.
  Time bound_at(std::size_t c, Time from) const noexcept;
  /// The same from the coefficients `a` of the free trajectory at `origin`.
  Time bound_from(std::size_t c, Time origin, const Decay& a) const noexcept;
  /// bound_from() for one envelope kind, from v_inf and V_th.
  template <bool ExcSlow, bool InhSlow>
  Time bound_from_kind(double vi, double th, Time origin, const Decay& a) const noexcept;
  /// Envelope of the free trajectory from coefficients `a`: V(s) - V_th <= C + B exp(-s/tau_m)
  /// for s >= 0; `scale` is the size of the terms (for rounding margins).
  struct Majorant {
    double C, B, scale;
  };
  Majorant majorant(std::size_t c, const Decay& a) const noexcept;
  template <bool ExcSlow, bool InhSlow>
  static Majorant majorant_kind(double vi, double V_th, const Decay& a) noexcept;
  void fire(std::size_t c, Time t);
  /// The potential the cell relaxes to without synaptic input [mV] (kept in cell_).
  double v_inf(std::size_t c) const noexcept { return cell_[c].v_inf; }
  /// The same from the parameters, for cell_[c].v_inf when E_L, I_e or I_stim change.
  double fresh_v_inf(std::size_t c) const noexcept { return E_L_[c] + R_ * (I_e_[c] + I_stim_[c]); }
  /// Sets the stored trajectory from V and the currents at cell_[c].t (before the run).
  void set_trajectory(std::size_t c, double V, double Ie, double Ii) noexcept;

  LifExpParams p_;
  double R_;  ///< tau_m / C_m [mV/pA]
  /// tau_m, tau_syn_exc, tau_syn_inh prepared for the threshold search.
  ExpSumShape exp_shape_;
  Time t_ref_;    ///< refractory period in ticks
  double d_exc_;  ///< 1/tau_m - 1/tau_syn_exc [1/ms]
  double d_inh_;  ///< 1/tau_m - 1/tau_syn_inh [1/ms]
  double k_exc_;  ///< 1 / (C_m d_exc): voltage coefficient per pA of excitatory current [mV/pA]
  double k_inh_;  ///< 1 / (C_m d_inh)
  /// tau_m / tau_syn_x when that is a whole number 1..32 (then exp(-dt/tau_syn_x) is a power of
  /// exp(-dt/tau_m), one exp call instead of two), else 0.
  int pow_exc_ = 0, pow_inh_ = 0;
  /// What bound_from() needs of the time constants: which synaptic term is faster or slower
  /// than the membrane, and the rates 1/tau [1/ms].
  /// Coefficients c0 + c1 y + c2 y^2 of a bound on y^rho over 0 < y <= 1, equal to it at y = 1.
  struct PowerBound {
    double c0, c1, c2;
  };
  static PowerBound power_bound_above(double rho) noexcept;
  static PowerBound power_bound_below(double rho) noexcept;
  struct Envelope {
    double rate_m, rate_exc, rate_inh;
    /// Bounds of the synaptic terms in powers of y = exp(-s/tau_m): from above (for a positive
    /// coefficient) and from below (for a negative one); see tangent_bound().
    PowerBound exc_up, exc_down, inh_up, inh_down;
  } envelope_{};
  /// 1 / tau_m, 1 / tau_syn_exc, 1 / tau_syn_inh per tick: decay() multiplies a tick count.
  Decay per_tick_{};
  /// Lower bound [ms] of the next crossing from the tangent envelope (see the .cpp), from the
  /// coefficients `a` and c0 = v_inf - V_th; +inf for never, 0 when it knows nothing.
  double tangent_bound(double c0, const Decay& a) const noexcept;
  /// 2 (tau_syn_exc > tau_m) + (tau_syn_inh > tau_m): which synaptic terms are slower than the
  /// membrane (the others are faster: lif_exp_relations keeps them apart).
  int envelope_kind_ = 0;
  /// Cells keep their trajectory scaled against a base time on a grid whose period is 16 times
  /// the shortest time constant (so no scale factor exceeds e^16); see the .cpp.
  RebaseGrid grid_;
  // THREADING: the kernel may call different cells of one group from different partitions at
  // the same time. Everything below is per cell.
  // The other per-cell parameters (PopulationSpec::vary); the rest of p_ is shared.
  std::vector<double> E_L_, V_reset_, I_e_;  ///< [mV], [mV], [pA]
};

}  // namespace spindle::models
