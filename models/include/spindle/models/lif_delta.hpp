// spindle/models/lif_delta.hpp: `lif_delta`, leaky integrate-and-fire with voltage-jump
// (delta) synapses, integrated exactly between events (Brette et al. 2007, benchmark 4; NEST
// iaf_psc_delta_ps). The model registers through register_builtin(); the group class is public
// so that tests and benchmarks can drive it directly through the CellGroup contract.
//
//   tau_m dV/dt = -(V - E_L) + (I_e + I_stim) tau_m / C_m          between inputs
//   V -> V + w                                                    input of weight w [mV]
//   V >= V_th  ->  spike; V = V_reset; refractory for t_ref
//
// Parameters (name, unit, default, allowed range):
//   C_m      pF   250   > 0          membrane capacitance
//   tau_m    ms    10   > 0          membrane time constant
//   E_L      mV   -65   finite       resting potential
//   V_th     mV   -50   finite       spike threshold
//   V_reset  mV   -65   < V_th       potential after a spike
//   t_ref    ms     2   >= 0         absolute refractory period (rounded to whole ticks)
//   I_e      pA     0   finite       constant bias current
// Receptors: "exc" (mV, weights >= 0), "inh" (mV, weights <= 0). State: "V_m" (mV).
//
// Semantics at the edges, all exact to one tick (1 ns):
//  - A spike is reported at the first tick at or after the exact threshold crossing. A crossing
//    of the free trajectory within a tick comes before any input arriving in that tick.
//  - Inputs arriving in the same tick are summed before the threshold test (the kernel hands
//    them over before the check at that tick), so +1 mV and -1 mV together do nothing.
//  - During refractoriness, [t_spike, t_spike + t_ref), V stays at V_reset and inputs are
//    discarded (as NEST iaf_psc_delta without refractory_input). An input at exactly
//    t_spike + t_ref counts. With t_ref = 0 a cell fires at most once per tick.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "spindle/cell_model.hpp"
#include "spindle/model_registry.hpp"
#include "spindle/models/exact_cell_group.hpp"
#include "spindle/models/rebase_grid.hpp"
#include "spindle/parameters.hpp"

namespace spindle::models {

/// Lowered, validated lif_delta parameters: plain doubles in ms, mV, pA, pF.
struct LifDeltaParams {
  double C_m = 250.0;      ///< [pF]
  double tau_m = 10.0;     ///< [ms]
  double E_L = -65.0;      ///< [mV]
  double V_th = -50.0;     ///< [mV]
  double V_reset = -65.0;  ///< [mV]
  double t_ref = 2.0;      ///< [ms]
  double I_e = 0.0;        ///< [pA]

  /// From values resolved against lif_delta_model().parameters.
  static LifDeltaParams from(const ParameterValues& v);
};

/// Relations between parameters that single ranges cannot express: "" if fine, else the reason.
std::string lif_delta_relations(const LifDeltaParams& p);

/// Schema, receptors, state variables and factory of `lif_delta`.
CellModelInfo lif_delta_model();

/// A lif_delta cell's state: everything an input reads, in one cache line.
struct alignas(64) LifDeltaCell : ExactCellState {
  /// Free trajectory V(t) = V_inf + w exp(-(t - b) / tau_m) for t >= ref_end (V_reset before).
  double w = 0.0;  ///< [mV]
  Time b = Time::zero();
  double v_inf = 0.0;  ///< E_L + R (I_e + I_stim) [mV]
  double V_th = 0.0;   ///< [mV]
};
static_assert(sizeof(LifDeltaCell) == 64);

class LifDeltaGroup final : public ExactCellGroup<LifDeltaGroup, LifDeltaCell> {
 public:
  static constexpr std::size_t exc = 0, inh = 1;  ///< receptors
  static constexpr std::size_t V_m = 0;           ///< state variables

  /// `p` must satisfy the schema ranges and lif_delta_relations().
  LifDeltaGroup(const LifDeltaParams& p, std::size_t n);

  std::size_t size() const noexcept override { return cell_.size(); }
  void set_state(std::size_t cell, std::size_t var, double value) override;
  Time receive(std::size_t cell, Time t, double weight, std::size_t receptor) override;
  void receive_batch(Time t, std::size_t receptor, const std::uint32_t* cells, std::size_t n,
                     std::uint32_t index_offset, const float* weights, double weight,
                     Time* out) override;
  void receive_series(std::size_t cell, const Time* times, std::size_t n, double weight,
                      std::size_t receptor, Time* out) override;
  bool only_inhibits(std::size_t receptor) const noexcept override { return receptor == inh; }
  /// Jumps add to the scaled state whatever their order (the file comment of the .cpp).
  bool accepts_late_inputs() const noexcept override { return true; }
  void receive_late(std::size_t cell, const Time* times, std::size_t n, double weight,
                    std::size_t receptor) override;
  void set_parameter(std::size_t cell, std::size_t param, double value) override;
  double probe(std::size_t cell, std::size_t var, Time t) const override;
  /// exc: V_th minus the highest point of the free trajectory (jumps add up); inh: infinity.
  double safe_weight(std::size_t cell, Time t, std::size_t receptor) const override;

 private:
  friend class ExactCellGroup<LifDeltaGroup, LifDeltaCell>;
  double v_inf(std::size_t c) const noexcept { return cell_[c].v_inf; }
  /// V_inf is read by every input; it changes only with a parameter or the injected current.
  void update_v_inf(std::size_t c) noexcept {
    cell_[c].v_inf = E_L_[c] + R_ * (I_e_[c] + I_stim_[c]);
  }
  double value_at(std::size_t c, Time t) const noexcept;
  void advance(std::size_t c, Time t);
  void on_current_change(std::size_t c, double old_current) noexcept;
  void rebase(std::size_t c, Time b) noexcept {
    if (cell_[c].b != b) rebase_slow(c, b);
  }
  void rebase_slow(std::size_t c, Time b) noexcept;
  /// An input with the batch's grid base, grow = exp((t - base)/tau_m) and shrink = 1 / grow.
  Time receive_scaled(std::size_t cell, Time t, double weight, std::size_t receptor, Time base,
                      double grow, double shrink);
  Time next_crossing(std::size_t c) const noexcept;
  void fire(std::size_t c, Time t);

  LifDeltaParams p_;
  double R_;  ///< tau_m / C_m [mV/pA]
  /// 1 / tau_m per tick: in_tau(d) = d / tau_m with one multiplication (no division by the
  /// ticks per ms and by tau_m on the path of every input).
  double per_tick_;
  double in_tau(Time d) const noexcept { return static_cast<double>(d.ticks()) * per_tick_; }
  Time t_ref_;  ///< refractory period in ticks
  /// Cells keep V - V_inf scaled by exp((t - b)/tau_m) against a base time b on a grid of period
  /// 16 tau_m (so the scale stays below e^16): every input of one spike then shares one exp, and
  /// w only needs a rebase when a cell's base falls behind the grid.
  RebaseGrid grid_;
  // THREADING: the kernel may call different cells of one group from different partitions at
  // the same time. Everything below is per cell.
  // Per-cell parameters (PopulationSpec::vary) not in LifDeltaCell; the rest of p_ is shared.
  std::vector<double> E_L_, V_reset_, I_e_;  ///< [mV], [mV], [pA]
};

}  // namespace spindle::models
