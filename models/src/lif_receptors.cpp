// lif_receptors: conductance-based LIF with four bi-exponential receptors, AMPA, NMDA (Mg2+
// block), GABA_A and GABA_B (see the header for the model). The equations live in the header
// (LifReceptorsDynamics); integration, the threshold search and the event logic are the shared
// ones of ode_integrator.hpp.
#include "spindle/models/lif_receptors.hpp"

#include <fmt/format.h>

#include "relations.hpp"
#include "spindle/error.hpp"

namespace spindle::models {

namespace {
constexpr std::array<const char*, LifReceptorsParams::n_receptors> receptor_names{
    "AMPA", "NMDA", "GABA_A", "GABA_B"};
}  // namespace

LifReceptorsParams LifReceptorsParams::from(const ParameterValues& v) {
  LifReceptorsParams p;
  p.C_m = v["C_m"];
  p.g_L = v["g_L"];
  p.E_L = v["E_L"];
  p.V_th = v["V_th"];
  p.V_reset = v["V_reset"];
  p.t_ref = v["t_ref"];
  for (std::size_t r = 0; r < n_receptors; ++r) {
    const std::string n = receptor_names[r];
    p.E[r] = v["E_" + n];
    p.tau_rise[r] = v["tau_rise_" + n];
    p.tau_decay[r] = v["tau_decay_" + n];
  }
  p.Mg = v["Mg"];
  p.I_e = v["I_e"];
  p.tol.rtol = v["rtol"];
  p.tol.atol = v["atol"];
  return p;
}

double biexp_peak_time(double tau_rise, double tau_decay) noexcept {
  return std::log(tau_decay / tau_rise) * tau_rise * tau_decay / (tau_decay - tau_rise);
}

double biexp_normalisation(double tau_rise, double tau_decay) noexcept {
  const double tp = biexp_peak_time(tau_rise, tau_decay);
  return 1.0 / (tau_rise * tau_decay / (tau_decay - tau_rise) *
                (std::exp(-tp / tau_decay) - std::exp(-tp / tau_rise)));
}

std::string lif_receptors_relations(const LifReceptorsParams& p) {
  if (auto m = reset_below_threshold(p.V_reset, p.V_th); !m.empty()) return m;
  if (auto m = refractory_fits(p.t_ref); !m.empty()) return m;
  for (std::size_t r = 0; r < LifReceptorsParams::n_receptors; ++r) {
    const double tr = p.tau_rise[r], td = p.tau_decay[r];
    // Relative difference below 1e-6: the normalisation tr td / (td - tr) (exp - exp) loses
    // about half of the digits to cancellation, and at tr == td it is 0 / 0.
    if (!(std::abs(td - tr) > 1e-6 * std::max(tr, td)))
      return fmt::format(
          "tau_rise_{0} = {1} ms and tau_decay_{0} = {2} ms must differ (by more than 1e-6 "
          "relative): equal rise and decay times make the bi-exponential conductance an alpha "
          "function, which this model does not implement",
          receptor_names[r], tr, td);
  }
  return {};
}

CellModelInfo lif_receptors_model() {
  CellModelInfo m;
  m.name = "lif_receptors";
  m.summary =
      "leaky integrate-and-fire with four bi-exponential receptor conductances (AMPA, NMDA with "
      "the Jahr & Stevens 1990 Mg2+ block, GABA_A, GABA_B), weights normalised to the peak "
      "conductance, error-controlled Dormand-Prince integration";
  const LifReceptorsParams d;
  m.parameters = {
      param_positive("C_m", Unit::pF, d.C_m, "membrane capacitance"),
      param_positive("g_L", Unit::nS, d.g_L, "leak conductance"),
      param_any("E_L", Unit::mV, d.E_L, "leak reversal (resting) potential"),
      param_any("V_th", Unit::mV, d.V_th, "spike threshold"),
      param_any("V_reset", Unit::mV, d.V_reset, "potential after a spike (below V_th)"),
      param_nonnegative("t_ref", Unit::ms, d.t_ref,
                        "refractory period; V is clamped at V_reset during it"),
  };
  for (std::size_t r = 0; r < LifReceptorsParams::n_receptors; ++r) {
    const std::string n = receptor_names[r];
    m.parameters.push_back(
        param_any("E_" + n, Unit::mV, d.E[r], "reversal potential of the " + n + " conductance"));
    m.parameters.push_back(
        param_positive("tau_rise_" + n, Unit::ms, d.tau_rise[r],
                       "rise time of the " + n + " conductance (must differ from the decay time)"));
    m.parameters.push_back(param_positive("tau_decay_" + n, Unit::ms, d.tau_decay[r],
                                          "decay time of the " + n + " conductance"));
    if (r == LifReceptorsGroup::NMDA)
      m.parameters.push_back(param_nonnegative(
          "Mg", Unit::none, d.Mg,
          "extracellular Mg2+ concentration in mM for the NMDA block 1 / (1 + Mg / 3.57 "
          "exp(-0.062 V/mV)) (0: no block)"));
  }
  m.parameters.push_back(param_any("I_e", Unit::pA, d.I_e, "constant bias current"));
  m.parameters.push_back(ode::rtol_param(1e-10));
  m.parameters.push_back(ode::atol_param(1e-10, "mV and nS"));
  SPINDLE_ASSERT(m.parameters[LifReceptorsDynamics::I_e_param].name == "I_e");
  m.receptors = {
      {"AMPA", Unit::nS, +1, "fast excitatory conductance; weight = peak conductance"},
      {"NMDA", Unit::nS, +1,
       "slow excitatory conductance with voltage-dependent Mg2+ block; weight = peak "
       "conductance (before the block)"},
      {"GABA_A", Unit::nS, +1, "fast inhibitory conductance; weight = peak conductance"},
      {"GABA_B", Unit::nS, +1, "slow inhibitory conductance; weight = peak conductance"},
  };
  m.state = {
      {"V_m", Unit::mV, "membrane potential"},
      {"g_AMPA", Unit::nS, "AMPA conductance"},
      {"g_NMDA", Unit::nS, "NMDA conductance (before the Mg2+ block)"},
      {"g_GABA_A", Unit::nS, "GABA_A conductance"},
      {"g_GABA_B", Unit::nS, "GABA_B conductance"},
  };
  m.per_cell_parameters = {"I_e"};
  m.check_relations = [](const ParameterValues& v) {
    return lif_receptors_relations(LifReceptorsParams::from(v));
  };
  m.make = [](const ParameterValues& v, std::size_t n) -> std::unique_ptr<CellGroup> {
    return std::make_unique<LifReceptorsGroup>(LifReceptorsParams::from(v), n);
  };
  return m;
}

ode::Settings LifReceptorsDynamics::settings() const noexcept {
  ode::Settings s;
  s.tol = p.tol;
  s.event_var = 0;
  s.level = p.V_th;
  return s;
}

LifReceptorsGroup::LifReceptorsGroup(const LifReceptorsParams& p, std::size_t n)
    : ode::OdeCellGroup<LifReceptorsDynamics>(LifReceptorsDynamics{p}, n) {
  SPINDLE_ASSERT(lif_receptors_relations(p).empty());
  for (std::size_t r = 0; r < norm_.size(); ++r)
    norm_[r] = biexp_normalisation(p.tau_rise[r], p.tau_decay[r]);
}

Time LifReceptorsGroup::receive(std::size_t cell, Time t, double weight, std::size_t receptor) {
  SPINDLE_ASSERT(receptor < LifReceptorsDynamics::n_rec && weight >= 0.0);
  // Weight 0 on the template's (unused) receptor 0: commits the cell to t, firing first if a
  // crossing is due, and yields the prediction for an input at t. The cell is then at t.
  const Time next = OdeCellGroup::receive(cell, t, 0.0, 0);
  const std::size_t x = 5 + receptor;
  set_state(cell, x, probe(cell, x, t) + weight * norm_[receptor]);
  return next;
}

}  // namespace spindle::models
