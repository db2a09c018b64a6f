// spindle/models/lif_cond.hpp: `lif_cond`, leaky integrate-and-fire with exponentially decaying
// synaptic conductances (NEST iaf_cond_exp; Brette et al. 2007, benchmark 1 "COBA"), integrated
// between events by the shared error-controlled integrator (ode_integrator.hpp). The group class
// is public so that tests and benchmarks can drive it directly through the CellGroup contract.
//
//   C_m dV/dt = -g_L (V - E_L) + g_exc (E_exc - V) + g_inh (E_inh - V) + I_e + I_stim
//   dg_exc/dt = -g_exc / tau_syn_exc,  dg_inh/dt = -g_inh / tau_syn_inh
//   input of weight w [nS] on "exc" / "inh":  g_exc += w  /  g_inh += w   (w >= 0 both)
//   V >= V_th  ->  spike; V = V_reset, clamped there for t_ref
//
// Both weights are conductances and so >= 0: what makes "inh" inhibitory is its reversal E_inh
// (below threshold; at E_inh = E_L it is pure shunting: it hyperpolarises nothing and divides
// depolarisations by the added conductance).
//
// Parameters (name, unit, default, allowed range); defaults are NEST iaf_cond_exp's:
//   C_m          pF   250      > 0             membrane capacitance
//   g_L          nS    16.6667 > 0             leak conductance (tau_m = C_m / g_L = 15 ms)
//   E_L          mV   -70      finite          leak reversal (resting) potential
//   V_th         mV   -55      finite          spike threshold
//   V_reset      mV   -60      < V_th          potential after a spike
//   t_ref        ms     2      >= 0            refractory period (V clamped at V_reset)
//   E_exc        mV     0      finite          reversal potential of the excitatory conductance
//   E_inh        mV   -85      finite          reversal potential of the inhibitory conductance
//   tau_syn_exc  ms     0.2    > 0             decay time of the excitatory conductance
//   tau_syn_inh  ms     2      > 0             decay time of the inhibitory conductance
//   I_e          pA     0      finite          constant bias current
//   rtol         1      1e-6   [1e-13, 1e-3]   relative local error tolerance per step
//   atol         1      1e-6   [1e-13, 1e-2]   absolute local error tolerance [mV]
// Receptors: "exc", "inh" (nS, weights >= 0). State: "V_m" (mV), "g_exc", "g_inh" (nS).
//
// Integration: between events V obeys a linear ODE with time-varying coefficients (the
// conductances decay exactly), C V' = J(s) - G(s) V. It is propagated semi-analytically by the
// Taylor steps of ode_integrator.hpp (ode::propagate_conductance_v; LifCondDynamics::membrane()),
// and a look-ahead is skipped whenever ode::sup_drive proves that the drive at threshold stays
// <= 0 for all later times (the cell cannot fire without another input: most of the time in
// COBA). Otherwise the shared Dormand-Prince 5(4) integrator with its crossing search looks
// ahead. Spikes: first tick at or after the crossing of the numerical solution.
// Default tolerance 1e-6 (local error <= 1e-6 + 1e-6 |V| mV per step): under COBA input the spike
// times are within 1.3e-5 ms of a fine RK4 reference (tests/validation/neurons/test_lif_cond.cpp),
// against up to 9e-3 ms for Brian2's exponential Euler at dt = 0.01 ms (docs/performance.md).
#pragma once

#include <string>

#include "spindle/model_registry.hpp"
#include "spindle/models/ode_integrator.hpp"
#include "spindle/parameters.hpp"

namespace spindle::models {

/// Lowered, validated lif_cond parameters: plain doubles in ms, mV, nS, pA, pF.
struct LifCondParams {
  /// Default rtol and atol: see the header comment (Integration) for why this value.
  static constexpr double default_tolerance = 1e-6;
  double C_m = 250.0;         ///< [pF]
  double g_L = 250.0 / 15.0;  ///< [nS]
  double E_L = -70.0;         ///< [mV]
  double V_th = -55.0;        ///< [mV]
  double V_reset = -60.0;     ///< [mV]
  double t_ref = 2.0;         ///< [ms]
  double E_exc = 0.0;         ///< [mV]
  double E_inh = -85.0;       ///< [mV]
  double tau_syn_exc = 0.2;   ///< [ms]
  double tau_syn_inh = 2.0;   ///< [ms]
  double I_e = 0.0;           ///< [pA]
  ode::Tolerance tol{default_tolerance, default_tolerance};

  /// From values resolved against lif_cond_model().parameters.
  static LifCondParams from(const ParameterValues& v);
};

/// Relations between parameters that single ranges cannot express: "" if fine, else the reason.
std::string lif_cond_relations(const LifCondParams& p);

/// Schema, receptors, state variables and factory of `lif_cond`.
CellModelInfo lif_cond_model();

/// The equations of lif_cond for the shared event logic (ode_integrator.hpp).
struct LifCondDynamics {
  static constexpr std::size_t dim = 1;  ///< V [mV]
  LifCondParams p;

  void rhs(const ode::Vec<1>& y, const std::array<double, 2>& syn, double bias, bool clamped,
           ode::Vec<1>& dy) const noexcept {
    dy[0] = clamped ? 0.0
                    : (-p.g_L * (y[0] - p.E_L) + syn[0] * (p.E_exc - y[0]) +
                       syn[1] * (p.E_inh - y[0]) + bias) /
                          p.C_m;
  }
  ode::Vec<1> reset(const ode::Vec<1>&) const noexcept { return {p.V_reset}; }
  ode::Vec<1> initial() const noexcept { return {p.E_L}; }
  static constexpr std::size_t I_e_param = 10;  ///< index of I_e in the schema
  double I_e() const noexcept { return p.I_e; }
  double tau_syn(std::size_t r) const noexcept { return r == 0 ? p.tau_syn_exc : p.tau_syn_inh; }
  int weight_sign(std::size_t) const noexcept { return +1; }
  double t_ref() const noexcept { return p.t_ref; }
  ode::Settings settings() const noexcept;
  /// The equations above as an ode::ConductanceMembrane: propagated semi-analytically.
  ode::ConductanceMembrane membrane() const noexcept {
    return {p.C_m, p.g_L, p.E_L, {p.E_exc, p.E_inh}};
  }
};

class LifCondGroup final : public ode::OdeCellGroup<LifCondDynamics> {
 public:
  static constexpr std::size_t exc = 0, inh = 1;               ///< receptors
  static constexpr std::size_t V_m = 0, g_exc = 1, g_inh = 2;  ///< state variables

  /// `p` must satisfy the schema ranges and lif_cond_relations().
  LifCondGroup(const LifCondParams& p, std::size_t n);
};

}  // namespace spindle::models
