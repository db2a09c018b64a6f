// izhikevich: the simple model of Izhikevich (2003) with exponential postsynaptic currents (see
// the header). The equations live in the header (IzhikevichDynamics); integration, the threshold
// search and the event logic are the shared ones of ode_integrator.hpp.
#include "spindle/models/izhikevich.hpp"

#include <fmt/format.h>

#include "relations.hpp"
#include "spindle/error.hpp"

namespace spindle::models {

IzhikevichParams IzhikevichParams::from(const ParameterValues& v) {
  IzhikevichParams p;
  p.a = v["a"];
  p.b = v["b"];
  p.c = v["c"];
  p.d = v["d"];
  p.V_peak = v["V_peak"];
  p.C_m = v["C_m"];
  p.tau_syn_exc = v["tau_syn_exc"];
  p.tau_syn_inh = v["tau_syn_inh"];
  p.I_e = v["I_e"];
  p.tol.rtol = v["rtol"];
  p.tol.atol = v["atol"];
  return p;
}

std::string izhikevich_relations(const IzhikevichParams& p) {
  return reset_below_peak("c", p.c, p.V_peak);
}

CellModelInfo izhikevich_model() {
  CellModelInfo m;
  m.name = "izhikevich";
  m.summary =
      "Izhikevich (2003) simple model with exponential postsynaptic currents, error-controlled "
      "Dormand-Prince integration with an exact-to-the-tick crossing search";
  m.parameters = {
      param_positive("a", Unit::none, 0.02, "recovery rate of u [1/ms]"),
      param_any("b", Unit::none, 0.2, "sensitivity of u to v [1/ms]"),
      param_any("c", Unit::mV, -65.0, "reset potential (below V_peak)"),
      param_any("d", Unit::none, 8.0, "jump of u at each spike [mV/ms]"),
      param_any("V_peak", Unit::mV, 30.0, "spike cut-off: a spike is v reaching V_peak"),
      param_positive("C_m", Unit::pF, 1.0,
                     "input scale: currents enter as I / C_m; 1 pF makes I [pA] the paper's I"),
      param_positive("tau_syn_exc", Unit::ms, 2.0, "decay time of excitatory synaptic currents"),
      param_positive("tau_syn_inh", Unit::ms, 2.0, "decay time of inhibitory synaptic currents"),
      param_any("I_e", Unit::pA, 0.0, "constant bias current"),
      ode::rtol_param(1e-8),
      ode::atol_param(1e-8, "mV for V_m, mV/ms for u"),
  };
  m.receptors = {
      {"exc", Unit::pA, +1, "excitatory current: I_exc jumps up by the weight"},
      {"inh", Unit::pA, -1, "inhibitory current: I_inh jumps down by the weight"},
  };
  m.state = {
      {"V_m", Unit::mV, "membrane potential v"},
      {"u", Unit::none, "recovery variable [mV/ms]"},
      {"I_exc", Unit::pA, "excitatory synaptic current"},
      {"I_inh", Unit::pA, "inhibitory synaptic current (<= 0)"},
  };
  m.per_cell_parameters = {"I_e"};
  m.check_relations = [](const ParameterValues& v) {
    return izhikevich_relations(IzhikevichParams::from(v));
  };
  m.make = [](const ParameterValues& v, std::size_t n) -> std::unique_ptr<CellGroup> {
    return std::make_unique<IzhikevichGroup>(IzhikevichParams::from(v), n);
  };
  return m;
}

const std::vector<IzhikevichPreset>& izhikevich_presets() {
  // Izhikevich (2003) Fig. 2 and its text: (a, b, c, d) per class.
  static const std::vector<IzhikevichPreset> presets = {
      {"RS",
       "regular spiking: tonic with spike-frequency adaptation (excitatory cortical cells)",
       {{"a", 0.02}, {"b", 0.2}, {"c", -65.0}, {"d", 8.0}}},
      {"IB",
       "intrinsically bursting: an initial burst, then tonic spikes",
       {{"a", 0.02}, {"b", 0.2}, {"c", -55.0}, {"d", 4.0}}},
      {"CH",
       "chattering: repetitive bursts of closely spaced spikes",
       {{"a", 0.02}, {"b", 0.2}, {"c", -50.0}, {"d", 2.0}}},
      {"FS",
       "fast spiking: high rate without adaptation (inhibitory interneurons)",
       {{"a", 0.1}, {"b", 0.2}, {"c", -65.0}, {"d", 2.0}}},
      {"LTS",
       "low-threshold spiking: high rate with adaptation, rebound (inhibitory)",
       {{"a", 0.02}, {"b", 0.25}, {"c", -65.0}, {"d", 2.0}}},
  };
  return presets;
}

const IzhikevichPreset& izhikevich_preset(const std::string& name) {
  std::string known;
  for (const auto& p : izhikevich_presets()) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  throw Error(fmt::format("unknown izhikevich preset '{}' (known: {})", name, known));
}

ode::Settings IzhikevichDynamics::settings() const noexcept {
  ode::Settings s;
  s.tol = p.tol;
  s.event_var = 0;
  s.level = p.V_peak;
  return s;
}

IzhikevichGroup::IzhikevichGroup(const IzhikevichParams& p, std::size_t n)
    : ode::OdeCellGroup<IzhikevichDynamics>(IzhikevichDynamics{p}, n) {
  SPINDLE_ASSERT(izhikevich_relations(p).empty());
}

}  // namespace spindle::models
