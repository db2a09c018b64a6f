// spindle/models/adex.hpp: `adex`, the adaptive exponential integrate-and-fire model (Brette &
// Gerstner 2005, J Neurophysiol 94:3637) with exponentially decaying postsynaptic currents (as
// NEST aeif_psc_exp), integrated between events by the shared error-controlled integrator
// (ode_integrator.hpp). The group class is public so that tests and benchmarks can drive it
// directly through the CellGroup contract.
//
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T) / Delta_T) - w
//               + I_exc + I_inh + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w
//   dI_exc/dt = -I_exc / tau_syn_exc,  dI_inh/dt = -I_inh / tau_syn_inh
//   input of weight w [pA] on "exc" / "inh":  I_exc += w  /  I_inh += w   (w >= 0 / w <= 0)
//   V reaches V_peak  ->  spike; V = V_reset, w += b; V clamped at V_reset for t_ref
//
// Parameters (name, unit, default, allowed range); defaults are Brette & Gerstner's regular-
// spiking cell (their Table 1), with V_peak = 0 mV (Naud et al. 2008) and V_reset = E_L:
//   C_m          pF   281      > 0             membrane capacitance
//   g_L          nS    30      > 0             leak conductance
//   E_L          mV   -70.6    finite          leak reversal (resting) potential
//   V_T          mV   -50.4    finite          threshold slope factor's midpoint (rheobase-ish)
//   Delta_T      mV     2      (0, 100]        slope factor: sharpness of the spike initiation
//   V_peak       mV     0      > V_reset       spike cut-off: the spike is V reaching V_peak
//   V_reset      mV   -70.6    < V_peak        potential after a spike
//   a            nS     4      finite          subthreshold adaptation (a < 0: resonance off,
//                                              "delayed" and "irregular" patterns)
//   b            pA    80.5    finite          spike-triggered adaptation increment
//   tau_w        ms   144      > 0             adaptation time constant
//   t_ref        ms     0      >= 0            refractory period (V clamped at V_reset)
//   tau_syn_exc  ms     2      > 0             decay time of excitatory currents
//   tau_syn_inh  ms     2      > 0             decay time of inhibitory currents
//   I_e          pA     0      finite          constant bias current
//   rtol         1      1e-8   [1e-13, 1e-3]   relative local error tolerance per step
//   atol         1      1e-8   [1e-13, 1e-2]   absolute local error tolerance (mV for V, pA for w)
// Receptors: "exc", "inh" (pA; current-based: the conductance-based cell is lif_cond).
// State: "V_m" (mV), "w" (pA), "I_exc", "I_inh" (pA).
//
// Integration: V and w by the shared Dormand-Prince 5(4) integrator with the crossing search of
// ode_integrator.hpp; the synaptic currents exactly. The upswing to V_peak is a finite-time
// blow-up (V - V_T ~ -Delta_T ln((t* - t) / tau_m)); above V_T the voltage error is also allowed
// to be worth 0.01 tick of time (ode::time_slack_ms), which more than halves the steps of a
// spiking cell (1271 instead of 2976 for the first 17 spikes of Naud's tonic cell). The exponent is
// capped at 500 (exp(500) ~ 1e217) so that trial steps far past the cut-off stay finite and are
// rejected by the error test rather than producing inf. V_peak below V_T is allowed: the model is
// then an exponential LIF with a hard threshold at V_peak (and V can graze it).
#pragma once

#include <string>

#include "spindle/model_registry.hpp"
#include "spindle/models/ode_integrator.hpp"
#include "spindle/parameters.hpp"

namespace spindle::models {

/// Lowered, validated adex parameters: plain doubles in ms, mV, nS, pA, pF.
struct AdexParams {
  double C_m = 281.0;        ///< [pF]
  double g_L = 30.0;         ///< [nS]
  double E_L = -70.6;        ///< [mV]
  double V_T = -50.4;        ///< [mV]
  double Delta_T = 2.0;      ///< [mV]
  double V_peak = 0.0;       ///< [mV]
  double V_reset = -70.6;    ///< [mV]
  double a = 4.0;            ///< [nS]
  double b = 80.5;           ///< [pA]
  double tau_w = 144.0;      ///< [ms]
  double t_ref = 0.0;        ///< [ms]
  double tau_syn_exc = 2.0;  ///< [ms]
  double tau_syn_inh = 2.0;  ///< [ms]
  double I_e = 0.0;          ///< [pA]
  ode::Tolerance tol{1e-8, 1e-8};

  /// From values resolved against adex_model().parameters.
  static AdexParams from(const ParameterValues& v);
};

/// Relations between parameters that single ranges cannot express: "" if fine, else the reason.
std::string adex_relations(const AdexParams& p);

/// Schema, receptors, state variables and factory of `adex`.
CellModelInfo adex_model();

/// The equations of adex for the shared event logic (ode_integrator.hpp).
struct AdexDynamics {
  static constexpr std::size_t dim = 2;  ///< V [mV], w [pA]
  AdexParams p;

  void rhs(const ode::Vec<2>& y, const std::array<double, 2>& syn, double bias, bool clamped,
           ode::Vec<2>& dy) const noexcept;
  ode::Vec<2> reset(const ode::Vec<2>& y) const noexcept { return {p.V_reset, y[1] + p.b}; }
  ode::Vec<2> initial() const noexcept { return {p.E_L, 0.0}; }
  static constexpr std::size_t I_e_param = 13;  ///< index of I_e in the schema
  double I_e() const noexcept { return p.I_e; }
  double tau_syn(std::size_t r) const noexcept { return r == 0 ? p.tau_syn_exc : p.tau_syn_inh; }
  int weight_sign(std::size_t r) const noexcept { return r == 0 ? +1 : -1; }
  double t_ref() const noexcept { return p.t_ref; }
  ode::Settings settings() const noexcept;
};

class AdexGroup final : public ode::OdeCellGroup<AdexDynamics> {
 public:
  static constexpr std::size_t exc = 0, inh = 1;                      ///< receptors
  static constexpr std::size_t V_m = 0, w = 1, I_exc = 2, I_inh = 3;  ///< state variables

  /// `p` must satisfy the schema ranges and adex_relations().
  AdexGroup(const AdexParams& p, std::size_t n);
};

}  // namespace spindle::models
