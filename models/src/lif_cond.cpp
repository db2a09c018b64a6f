// lif_cond: conductance-based LIF with exponential conductances (see the header for the
// model). The equations live in the header (LifCondDynamics); integration, the threshold search
// and the event logic are the shared ones of ode_integrator.hpp.
#include "spindle/models/lif_cond.hpp"

#include <fmt/format.h>

#include "relations.hpp"
#include "spindle/error.hpp"

namespace spindle::models {

LifCondParams LifCondParams::from(const ParameterValues& v) {
  LifCondParams p;
  p.C_m = v["C_m"];
  p.g_L = v["g_L"];
  p.E_L = v["E_L"];
  p.V_th = v["V_th"];
  p.V_reset = v["V_reset"];
  p.t_ref = v["t_ref"];
  p.E_exc = v["E_exc"];
  p.E_inh = v["E_inh"];
  p.tau_syn_exc = v["tau_syn_exc"];
  p.tau_syn_inh = v["tau_syn_inh"];
  p.I_e = v["I_e"];
  p.tol.rtol = v["rtol"];
  p.tol.atol = v["atol"];
  return p;
}

std::string lif_cond_relations(const LifCondParams& p) {
  if (auto m = reset_below_threshold(p.V_reset, p.V_th); !m.empty()) return m;
  if (auto m = refractory_fits(p.t_ref); !m.empty()) return m;
  return {};
}

CellModelInfo lif_cond_model() {
  CellModelInfo m;
  m.name = "lif_cond";
  m.summary =
      "leaky integrate-and-fire with exponential synaptic conductances, error-controlled "
      "semi-analytic (Taylor) propagation and Dormand-Prince look-aheads with an "
      "exact-to-the-tick crossing search (NEST "
      "iaf_cond_exp; Brette et al. 2007, COBA)";
  m.parameters = {
      param_positive("C_m", Unit::pF, 250.0, "membrane capacitance"),
      param_positive("g_L", Unit::nS, 250.0 / 15.0, "leak conductance"),
      param_any("E_L", Unit::mV, -70.0, "leak reversal (resting) potential"),
      param_any("V_th", Unit::mV, -55.0, "spike threshold"),
      param_any("V_reset", Unit::mV, -60.0, "potential after a spike (below V_th)"),
      param_nonnegative("t_ref", Unit::ms, 2.0,
                        "refractory period; V is clamped at V_reset during it"),
      param_any("E_exc", Unit::mV, 0.0, "reversal potential of the excitatory conductance"),
      param_any("E_inh", Unit::mV, -85.0,
                "reversal potential of the inhibitory conductance (E_L: pure shunting)"),
      param_positive("tau_syn_exc", Unit::ms, 0.2, "decay time of the excitatory conductance"),
      param_positive("tau_syn_inh", Unit::ms, 2.0, "decay time of the inhibitory conductance"),
      param_any("I_e", Unit::pA, 0.0, "constant bias current"),
      ode::rtol_param(LifCondParams::default_tolerance),
      ode::atol_param(LifCondParams::default_tolerance, "mV"),
  };
  m.receptors = {
      {"exc", Unit::nS, +1, "excitatory conductance: g_exc jumps up by the weight"},
      {"inh", Unit::nS, +1,
       "inhibitory conductance: g_inh jumps up by the weight (inhibition through E_inh)"},
  };
  m.state = {
      {"V_m", Unit::mV, "membrane potential"},
      {"g_exc", Unit::nS, "excitatory synaptic conductance"},
      {"g_inh", Unit::nS, "inhibitory synaptic conductance"},
  };
  m.per_cell_parameters = {"I_e"};
  m.check_relations = [](const ParameterValues& v) {
    return lif_cond_relations(LifCondParams::from(v));
  };
  m.make = [](const ParameterValues& v, std::size_t n) -> std::unique_ptr<CellGroup> {
    return std::make_unique<LifCondGroup>(LifCondParams::from(v), n);
  };
  return m;
}

ode::Settings LifCondDynamics::settings() const noexcept {
  ode::Settings s;
  s.tol = p.tol;
  s.event_var = 0;
  s.level = p.V_th;
  return s;
}

LifCondGroup::LifCondGroup(const LifCondParams& p, std::size_t n)
    : ode::OdeCellGroup<LifCondDynamics>(LifCondDynamics{p}, n) {
  SPINDLE_ASSERT(lif_cond_relations(p).empty());
}

}  // namespace spindle::models
