// pyramidal_dendritic_psc: pyramidal_dendritic's dendrite on lif_exp's soma (see the header).
#include "spindle/models/pyramidal_dendritic_psc.hpp"

#include <map>
#include <utility>
#include <vector>

#include "spindle/error.hpp"

namespace spindle::models {

namespace {

/// PD14's cell (Potjans & Diesmann 2014, Table 5; NEST's Potjans_2014 network_params.py).
const std::map<std::string, double> kPd14Soma{
    {"C_m", 250.0}, {"tau_m", 10.0}, {"tau_syn_exc", 0.5}, {"tau_syn_inh", 0.5},
    {"t_ref", 2.0}, {"E_L", -65.0},  {"V_reset", -65.0},   {"V_th", -50.0}};

}  // namespace

PyramidalDendriticPscParams PyramidalDendriticPscParams::from(const ParameterValues& v) {
  PyramidalDendriticPscParams p;
  static_cast<DendriteParams&>(p) = DendriteParams::from(v);
  p.soma = LifExpParams::from(v);
  p.gaba_driving_force = v["gaba_driving_force"];
  return p;
}

PyramidalDendriticPscParams PyramidalDendriticPscParams::defaults() {
  const CellModelInfo m = pyramidal_dendritic_psc_model();
  return from(resolve_parameters(m.parameters, {}, m.name));
}

std::unique_ptr<PyramidalDendriticGroup> make_pyramidal_dendritic_psc(
    const PyramidalDendriticPscParams& p, std::size_t n) {
  SPINDLE_ASSERT(lif_exp_relations(p.soma).empty() && p.gaba_driving_force > 0.0);
  DendriticSoma soma{
      std::make_unique<LifExpGroup>(p.soma, n), {+1, -1}, 1.0 / p.gaba_driving_force};
  return std::make_unique<PyramidalDendriticGroup>(p, std::move(soma), n);
}

CellModelInfo pyramidal_dendritic_psc_model() {
  CellModelInfo m;
  const CellModelInfo soma = lif_exp_model();
  m.name = "pyramidal_dendritic_psc";
  m.summary =
      "reduced pyramidal cell on a current-based soma: lif_exp (PD14's iaf_psc_exp) plus "
      "pyramidal_dendritic's event-driven dendrite (bAP calcium, GABA_A shunt, attenuated and "
      "delayed dendritic inputs, also inhibitory ones, optional Graupner-Brunel plasticity)";
  // lif_exp's schema first (same names, order and ranges, so per-cell parameters keep their
  // indices), with PD14's cell as defaults.
  m.parameters = soma.parameters;
  for (ParamInfo& p : m.parameters)
    if (auto it = kPd14Soma.find(p.name); it != kPd14Soma.end()) p.default_value = it->second;
  for (ParamInfo& p : dendrite_parameters(1.0))
    m.parameters.push_back(std::move(p));
  m.parameters.push_back(param_positive(
      "gaba_driving_force", Unit::mV, 15.0,
      "|V - E_GABA_A| that converts a dendritic inhibitory current into the conductance the bAP "
      "kernel sees, g = |w| / it (assumed: a membrane near -60 mV, E_GABA_A near -75 mV)"));
  m.receptors = {
      {"exc", Unit::pA, +1, "excitatory current; on a dendrite attenuated and delayed to the soma"},
      {"inh", Unit::pA, -1,
       "inhibitory current; on a dendrite attenuated and delayed to the soma (gaba_to_soma) and "
       "an alpha conductance |w| / gaba_driving_force that scales nearby bAP calcium"},
  };
  m.state = soma.state;
  for (const StateVarInfo& v : dendrite_state())
    m.state.push_back(v);
  m.per_cell_parameters = soma.per_cell_parameters;
  m.check_relations = [](const ParameterValues& v) {
    return lif_exp_relations(PyramidalDendriticPscParams::from(v).soma);
  };
  m.make = [](const ParameterValues& v, std::size_t n) -> std::unique_ptr<CellGroup> {
    return make_pyramidal_dendritic_psc(PyramidalDendriticPscParams::from(v), n);
  };
  m.morphology = [](const ParameterValues&) { return pyramidal_dendritic_morphology(); };
  m.has_axon_initial_segment = true;
  return m;
}

}  // namespace spindle::models
