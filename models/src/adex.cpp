// adex: adaptive exponential integrate-and-fire with exponential postsynaptic currents (see the
// header for the model). The equations live here; integration, the threshold search and the
// event logic are the shared ones of ode_integrator.hpp.
#include "spindle/models/adex.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "relations.hpp"
#include "spindle/error.hpp"

namespace spindle::models {

namespace {
/// Cap on (V - V_T) / Delta_T in the exponential: trial steps far past V_peak stay finite.
constexpr double max_exponent = 500.0;
}  // namespace

AdexParams AdexParams::from(const ParameterValues& v) {
  AdexParams p;
  p.C_m = v["C_m"];
  p.g_L = v["g_L"];
  p.E_L = v["E_L"];
  p.V_T = v["V_T"];
  p.Delta_T = v["Delta_T"];
  p.V_peak = v["V_peak"];
  p.V_reset = v["V_reset"];
  p.a = v["a"];
  p.b = v["b"];
  p.tau_w = v["tau_w"];
  p.t_ref = v["t_ref"];
  p.tau_syn_exc = v["tau_syn_exc"];
  p.tau_syn_inh = v["tau_syn_inh"];
  p.I_e = v["I_e"];
  p.tol.rtol = v["rtol"];
  p.tol.atol = v["atol"];
  return p;
}

std::string adex_relations(const AdexParams& p) {
  if (auto m = reset_below_peak("V_reset", p.V_reset, p.V_peak); !m.empty()) return m;
  if (!(p.V_peak - p.V_T <= max_exponent * p.Delta_T / 2))
    return fmt::format(
        "V_peak = {} mV lies {} slope factors above V_T = {} mV; at most {} are supported (the "
        "upswing reaches any such V_peak within a fraction of a tick anyway)",
        p.V_peak, (p.V_peak - p.V_T) / p.Delta_T, p.V_T, max_exponent / 2);
  if (auto m = refractory_fits(p.t_ref); !m.empty()) return m;
  return {};
}

CellModelInfo adex_model() {
  CellModelInfo m;
  m.name = "adex";
  m.summary =
      "adaptive exponential integrate-and-fire with exponential postsynaptic currents, "
      "error-controlled Dormand-Prince integration with an exact-to-the-tick crossing search "
      "(Brette & Gerstner 2005; NEST aeif_psc_exp)";
  m.parameters = {
      param_positive("C_m", Unit::pF, 281.0, "membrane capacitance"),
      param_positive("g_L", Unit::nS, 30.0, "leak conductance"),
      param_any("E_L", Unit::mV, -70.6, "leak reversal (resting) potential"),
      param_any("V_T", Unit::mV, -50.4,
                "threshold of the exponential term: where spike initiation takes over"),
      param_range("Delta_T", Unit::mV, 2.0, 0.0, 100.0,
                  "slope factor: sharpness of spike initiation (> 0)"),
      param_any("V_peak", Unit::mV, 0.0,
                "spike cut-off: a spike is V reaching V_peak (above V_reset; below V_T it "
                "acts as a hard threshold)"),
      param_any("V_reset", Unit::mV, -70.6, "potential after a spike (below V_peak)"),
      param_any("a", Unit::nS, 4.0, "subthreshold adaptation conductance"),
      param_any("b", Unit::pA, 80.5, "spike-triggered adaptation: w jumps by b at each spike"),
      param_positive("tau_w", Unit::ms, 144.0, "adaptation time constant"),
      param_nonnegative("t_ref", Unit::ms, 0.0,
                        "refractory period; V is clamped at V_reset during it, w keeps evolving"),
      param_positive("tau_syn_exc", Unit::ms, 2.0, "decay time of excitatory synaptic currents"),
      param_positive("tau_syn_inh", Unit::ms, 2.0, "decay time of inhibitory synaptic currents"),
      param_any("I_e", Unit::pA, 0.0, "constant bias current"),
      ode::rtol_param(1e-8),
      ode::atol_param(1e-8, "mV for V_m, pA for w"),
  };
  m.parameters[4].min_inclusive = false;  // Delta_T in (0, 100]
  m.receptors = {
      {"exc", Unit::pA, +1, "excitatory current: I_exc jumps up by the weight"},
      {"inh", Unit::pA, -1, "inhibitory current: I_inh jumps down by the weight"},
  };
  m.state = {
      {"V_m", Unit::mV, "membrane potential"},
      {"w", Unit::pA, "adaptation current"},
      {"I_exc", Unit::pA, "excitatory synaptic current"},
      {"I_inh", Unit::pA, "inhibitory synaptic current (<= 0)"},
  };
  m.per_cell_parameters = {"I_e"};
  m.check_relations = [](const ParameterValues& v) { return adex_relations(AdexParams::from(v)); };
  m.make = [](const ParameterValues& v, std::size_t n) -> std::unique_ptr<CellGroup> {
    return std::make_unique<AdexGroup>(AdexParams::from(v), n);
  };
  return m;
}

void AdexDynamics::rhs(const ode::Vec<2>& y, const std::array<double, 2>& syn, double bias,
                       bool clamped, ode::Vec<2>& dy) const noexcept {
  const double V = y[0], w = y[1];
  if (clamped) {
    dy[0] = 0.0;
  } else {
    const double x = std::min((V - p.V_T) / p.Delta_T, max_exponent);
    dy[0] = (-p.g_L * (V - p.E_L) + p.g_L * p.Delta_T * std::exp(x) - w + syn[0] + syn[1] + bias) /
            p.C_m;
  }
  dy[1] = (p.a * (V - p.E_L) - w) / p.tau_w;
}

ode::Settings AdexDynamics::settings() const noexcept {
  ode::Settings s;
  s.tol = p.tol;
  s.event_var = 0;
  s.level = p.V_peak;
  s.slack_from = p.V_T;
  return s;
}

AdexGroup::AdexGroup(const AdexParams& p, std::size_t n)
    : ode::OdeCellGroup<AdexDynamics>(AdexDynamics{p}, n) {
  SPINDLE_ASSERT(adex_relations(p).empty());
}

}  // namespace spindle::models
