// spindle/models/lif_receptors.hpp: `lif_receptors`, leaky integrate-and-fire with four
// conductance receptors of bi-exponential (rise/decay) kinetics, AMPA, NMDA (with the Mg2+ block
// of Jahr & Stevens 1990), GABA_A and GABA_B, integrated between events by the shared
// error-controlled integrator and event logic (ode_integrator.hpp, as lif_cond).
//
//   C_m dV/dt = -g_L (V - E_L) + sum_r B_r(V) g_r (E_r - V) + I_e + I_stim
//   B_NMDA(V) = 1 / (1 + [Mg] / 3.57 mM * exp(-0.062 V / mV)),  B_r = 1 for the others
//   per receptor r:  dx_r/dt = -x_r / tau_rise_r,  dg_r/dt = x_r - g_r / tau_decay_r
//   input of weight w [nS] on r:  x_r += w * n_r     (w >= 0 for all four: conductances)
//   V >= V_th  ->  spike; V = V_reset, clamped there for t_ref
//
// One input alone gives g_r(t) = w n_r tr td / (td - tr) (exp(-t/td) - exp(-t/tr)) (tr, td the
// rise and decay times), which peaks at t* = ln(td / tr) tr td / (td - tr); the normalisation
//   n_r = 1 / (tr td / (td - tr) (exp(-t*/td) - exp(-t*/tr)))
// makes that peak exactly w nS. tr == td (the alpha function, a different formula) is rejected
// by the relation check; tr > td is allowed (the formula is symmetric in tr and td).
//
// Parameters (name, unit, default, allowed range):
//   C_m             pF   250      > 0      membrane capacitance
//   g_L             nS    16.67   > 0      leak conductance (tau_m = 15 ms)
//   E_L             mV   -70      finite   leak reversal (resting) potential
//   V_th            mV   -55      finite   spike threshold
//   V_reset         mV   -60      < V_th   potential after a spike
//   t_ref           ms     2      >= 0     refractory period (V clamped at V_reset)
//   E_AMPA          mV     0      finite   AMPA reversal
//   tau_rise_AMPA   ms     0.2    > 0      AMPA rise time  (!= tau_decay_AMPA)
//   tau_decay_AMPA  ms     2      > 0      AMPA decay time
//   E_NMDA          mV     0      finite   NMDA reversal
//   tau_rise_NMDA   ms     2      > 0      NMDA rise time  (!= tau_decay_NMDA)
//   tau_decay_NMDA  ms   100      > 0      NMDA decay time
//   Mg              1      1      >= 0     extracellular [Mg2+] in mM (0: no block)
//   E_GABA_A        mV   -70      finite   GABA_A reversal
//   tau_rise_GABA_A ms     0.5    > 0      GABA_A rise time (!= tau_decay_GABA_A)
//   tau_decay_GABA_A ms    6      > 0      GABA_A decay time
//   E_GABA_B        mV   -95      finite   GABA_B reversal
//   tau_rise_GABA_B ms    30      > 0      GABA_B rise time (!= tau_decay_GABA_B)
//   tau_decay_GABA_B ms  150      > 0      GABA_B decay time
//   I_e             pA     0      finite   constant bias current (per cell)
//   rtol, atol      1   1e-10              local error tolerances (atol in mV and nS)
// Receptors: "AMPA", "NMDA", "GABA_A", "GABA_B" (nS, weights >= 0).
// State: "V_m" (mV), "g_AMPA", "g_NMDA", "g_GABA_A", "g_GABA_B" (nS).
//
// Structure: the shared OdeCellGroup has two exponential synaptic variables solved in closed
// form; this model needs eight (a rise and a decay variable per receptor), so they are carried
// in the ODE state (dim = 9: V, g_r, x_r) and the template's two synaptic variables stay 0. An
// input is applied by LifReceptorsGroup::receive: the template's receive with weight 0 commits
// the cell to t (firing first if a crossing is due, exactly as for any input), then x_r += w n_r
// in the committed state at t through set_state; the returned prediction is the template's
// ("check now", or keep_prediction while refractory), so the next look-ahead starts from the
// state with the input.
#pragma once

#include <array>
#include <cmath>
#include <string>

#include "spindle/model_registry.hpp"
#include "spindle/models/ode_integrator.hpp"
#include "spindle/parameters.hpp"

namespace spindle::models {

/// Lowered, validated lif_receptors parameters: plain doubles in ms, mV, nS, pA, pF, mM.
struct LifReceptorsParams {
  static constexpr std::size_t n_receptors = 4;
  double C_m = 250.0;                                                 ///< [pF]
  double g_L = 16.67;                                                 ///< [nS]
  double E_L = -70.0;                                                 ///< [mV]
  double V_th = -55.0;                                                ///< [mV]
  double V_reset = -60.0;                                             ///< [mV]
  double t_ref = 2.0;                                                 ///< [ms]
  std::array<double, n_receptors> E{0.0, 0.0, -70.0, -95.0};          ///< reversals [mV]
  std::array<double, n_receptors> tau_rise{0.2, 2.0, 0.5, 30.0};      ///< [ms]
  std::array<double, n_receptors> tau_decay{2.0, 100.0, 6.0, 150.0};  ///< [ms]
  double Mg = 1.0;                                                    ///< extracellular [Mg2+] [mM]
  double I_e = 0.0;                                                   ///< [pA]
  ode::Tolerance tol{1e-10, 1e-10};

  /// From values resolved against lif_receptors_model().parameters.
  static LifReceptorsParams from(const ParameterValues& v);
};

/// Relations between parameters that single ranges cannot express: "" if fine, else the reason.
std::string lif_receptors_relations(const LifReceptorsParams& p);

/// Time of the peak of the bi-exponential conductance after one input [ms] (tr != td).
double biexp_peak_time(double tau_rise, double tau_decay) noexcept;
/// n with peak conductance w for an input x += w n (tr != td; see the file comment).
double biexp_normalisation(double tau_rise, double tau_decay) noexcept;

/// Schema, receptors, state variables and factory of `lif_receptors`.
CellModelInfo lif_receptors_model();

/// The equations of lif_receptors for the shared event logic (ode_integrator.hpp).
/// State: y[0] = V [mV], y[1 + r] = g_r [nS], y[5 + r] = x_r [nS/ms].
struct LifReceptorsDynamics {
  static constexpr std::size_t n_rec = LifReceptorsParams::n_receptors;
  static constexpr std::size_t dim = 1 + 2 * n_rec;
  LifReceptorsParams p;

  /// Jahr & Stevens (1990) Mg2+ block of NMDA at V [mV].
  double mg_block(double V) const noexcept {
    return 1.0 / (1.0 + p.Mg / 3.57 * std::exp(-0.062 * V));
  }

  void rhs(const ode::Vec<dim>& y, const std::array<double, 2>&, double bias, bool clamped,
           ode::Vec<dim>& dy) const noexcept {
    const double V = y[0];
    double I = -p.g_L * (V - p.E_L) + bias;
    for (std::size_t r = 0; r < n_rec; ++r) {
      const double g = r == 1 ? y[1 + r] * mg_block(V) : y[1 + r];
      I += g * (p.E[r] - V);
      dy[1 + r] = y[5 + r] - y[1 + r] / p.tau_decay[r];
      dy[5 + r] = -y[5 + r] / p.tau_rise[r];
    }
    dy[0] = clamped ? 0.0 : I / p.C_m;
  }
  ode::Vec<dim> reset(const ode::Vec<dim>& y) const noexcept {
    ode::Vec<dim> out = y;
    out[0] = p.V_reset;
    return out;
  }
  ode::Vec<dim> initial() const noexcept {
    ode::Vec<dim> y{};
    y[0] = p.E_L;
    return y;
  }
  static constexpr std::size_t I_e_param = 19;  ///< index of I_e in the schema
  double I_e() const noexcept { return p.I_e; }
  double tau_syn(std::size_t) const noexcept { return 1.0; }  ///< template's unused variables
  int weight_sign(std::size_t) const noexcept { return +1; }
  double t_ref() const noexcept { return p.t_ref; }
  ode::Settings settings() const noexcept;
};

class LifReceptorsGroup final : public ode::OdeCellGroup<LifReceptorsDynamics> {
 public:
  static constexpr std::size_t AMPA = 0, NMDA = 1, GABA_A = 2, GABA_B = 3;  ///< receptors
  static constexpr std::size_t V_m = 0, g_AMPA = 1, g_NMDA = 2, g_GABA_A = 3,
                               g_GABA_B = 4;  ///< state variables

  /// `p` must satisfy the schema ranges and lif_receptors_relations().
  LifReceptorsGroup(const LifReceptorsParams& p, std::size_t n);

  Time receive(std::size_t cell, Time t, double weight, std::size_t receptor) override;

 private:
  std::array<double, LifReceptorsDynamics::n_rec> norm_{};
};

}  // namespace spindle::models
