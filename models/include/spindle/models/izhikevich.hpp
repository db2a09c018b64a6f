// spindle/models/izhikevich.hpp: `izhikevich`, the simple spiking model of Izhikevich (2003,
// IEEE Trans Neural Netw 14:1569) with exponentially decaying postsynaptic currents, integrated
// between events by the shared error-controlled integrator (ode_integrator.hpp). The group class
// is public so that tests and benchmarks can drive it directly through the CellGroup contract.
//
//   dv/dt = 0.04 v^2 + 5 v + 140 - u + (I_exc + I_inh + I_e + I_stim) / C_m
//   du/dt = a (b v - u)
//   input of weight w [pA] on "exc" / "inh":  I_exc += w  /  I_inh += w   (w >= 0 / w <= 0)
//   v reaches V_peak  ->  spike; v = c, u += d
//
// Units: v in mV and t in ms as in the paper, so u and the paper's I are in mV/ms. Currents here
// are in pA and enter divided by C_m; with the default C_m = 1 pF a current of I pA is exactly
// the paper's I (1 pA / 1 pF = 1 mV/ms). The numbers 0.04 [1/(mV ms)], 5 [1/ms] and 140 [mV/ms]
// are the model's fixed fit to cortical cells (not parameters).
//
// Parameters (name, unit, default, allowed range); defaults are the regular-spiking cell:
//   a            1 (1/ms)     0.02   > 0          recovery rate of u
//   b            1 (1/ms)     0.2    finite       sensitivity of u to v
//   c            mV         -65      < V_peak     reset potential
//   d            1 (mV/ms)    8      finite       jump of u at a spike
//   V_peak       mV          30      finite       spike cut-off (the paper's "v >= 30 mV")
//   C_m          pF           1      > 0          scale of the input currents (see Units)
//   tau_syn_exc  ms           2      > 0          decay time of excitatory currents
//   tau_syn_inh  ms           2      > 0          decay time of inhibitory currents
//   I_e          pA           0      finite       constant bias current
//   rtol         1         1e-8      [1e-13, 1e-3] relative local error tolerance per step
//   atol         1         1e-8      [1e-13, 1e-2] absolute local error tolerance (mV, mV/ms)
// Receptors: "exc", "inh" (pA). State: "V_m" (mV), "u" (mV/ms), "I_exc", "I_inh" (pA).
// Initial state as in Izhikevich's code: v = -65 mV, u = b v.
// Presets (izhikevich_presets()): RS, IB, CH, FS and LTS of the paper's Fig. 2.
//
// Integration: the paper's code steps v by Euler at 0.5 ms and resets when a grid point is at or
// above 30 mV; here v and u are integrated with error control and the spike is the crossing of
// V_peak itself (exact to the tick for the numerical solution), so spike times differ from the
// paper's by up to a step but the firing classes are the same.
#pragma once

#include <string>
#include <vector>

#include "spindle/model_registry.hpp"
#include "spindle/models/ode_integrator.hpp"
#include "spindle/parameters.hpp"

namespace spindle::models {

/// Lowered, validated izhikevich parameters.
struct IzhikevichParams {
  double a = 0.02;           ///< [1/ms]
  double b = 0.2;            ///< [1/ms]
  double c = -65.0;          ///< [mV]
  double d = 8.0;            ///< [mV/ms]
  double V_peak = 30.0;      ///< [mV]
  double C_m = 1.0;          ///< [pF]
  double tau_syn_exc = 2.0;  ///< [ms]
  double tau_syn_inh = 2.0;  ///< [ms]
  double I_e = 0.0;          ///< [pA]
  ode::Tolerance tol{1e-8, 1e-8};

  /// From values resolved against izhikevich_model().parameters.
  static IzhikevichParams from(const ParameterValues& v);
};

/// Relations between parameters that single ranges cannot express: "" if fine, else the reason.
std::string izhikevich_relations(const IzhikevichParams& p);

/// Schema, receptors, state variables and factory of `izhikevich`.
CellModelInfo izhikevich_model();

/// A named parameter set of the paper (Izhikevich 2003, Fig. 2).
struct IzhikevichPreset {
  std::string name;     ///< "RS", "IB", "CH", "FS", "LTS"
  std::string meaning;  ///< the firing class, in words
  ParameterSet params;  ///< a, b, c, d
};
const std::vector<IzhikevichPreset>& izhikevich_presets();
/// The preset of that name; an unknown name is an Error listing the known ones.
const IzhikevichPreset& izhikevich_preset(const std::string& name);

/// The equations of izhikevich for the shared event logic (ode_integrator.hpp).
struct IzhikevichDynamics {
  static constexpr std::size_t dim = 2;  ///< v [mV], u [mV/ms]
  IzhikevichParams p;

  void rhs(const ode::Vec<2>& y, const std::array<double, 2>& syn, double bias, bool clamped,
           ode::Vec<2>& dy) const noexcept {
    const double v = y[0], u = y[1];
    dy[0] = clamped ? 0.0 : (0.04 * v + 5.0) * v + 140.0 - u + (syn[0] + syn[1] + bias) / p.C_m;
    dy[1] = p.a * (p.b * v - u);
  }
  ode::Vec<2> reset(const ode::Vec<2>& y) const noexcept { return {p.c, y[1] + p.d}; }
  ode::Vec<2> initial() const noexcept { return {-65.0, -65.0 * p.b}; }
  static constexpr std::size_t I_e_param = 8;  ///< index of I_e in the schema
  double I_e() const noexcept { return p.I_e; }
  double tau_syn(std::size_t r) const noexcept { return r == 0 ? p.tau_syn_exc : p.tau_syn_inh; }
  int weight_sign(std::size_t r) const noexcept { return r == 0 ? +1 : -1; }
  double t_ref() const noexcept { return 0.0; }
  ode::Settings settings() const noexcept;
};

class IzhikevichGroup final : public ode::OdeCellGroup<IzhikevichDynamics> {
 public:
  static constexpr std::size_t exc = 0, inh = 1;                      ///< receptors
  static constexpr std::size_t V_m = 0, u = 1, I_exc = 2, I_inh = 3;  ///< state variables

  /// `p` must satisfy the schema ranges and izhikevich_relations().
  IzhikevichGroup(const IzhikevichParams& p, std::size_t n);
};

}  // namespace spindle::models
