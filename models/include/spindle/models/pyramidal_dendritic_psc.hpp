// spindle/models/pyramidal_dendritic_psc.hpp: `pyramidal_dendritic_psc`, the dendrite of
// pyramidal_dendritic (same morphology, calibrated bAP/GABA_A kernels, attenuated and delayed
// dendritic inputs, calcium probes, optional plasticity; pyramidal_dendritic.hpp) on a
// current-based soma: lif_exp, i.e. NEST's iaf_psc_exp as Potjans & Diesmann (2014) use it.
// It lets a PD14-style network put its inhibitory synapses where they belong on the pyramidal
// cell (issue 6: SOM Martinotti synapses on the distal dendrites) without changing its somatic
// equations or its weights.
//
// Soma: lif_exp's equations, parameters (same names, order and ranges; the defaults are PD14's
// cell: C_m 250 pF, tau_m 10 ms, tau_syn 0.5 ms, t_ref 2 ms, E_L = V_reset = -65 mV,
// V_th = -50 mV), receptors and sign convention: "exc" (pA, >= 0) and "inh" (pA, <= 0).
// Dendrite, for an input of weight w [pA] at path distance d:
//  - "exc" reaches the soma as I_exc += w exp(-d / lambda_epsp) at t + d epsp_delay / 100 um;
//  - "inh" reaches the soma the same way, I_inh += w exp(-d / lambda_epsp) after the same delay
//    (gaba_to_soma = 1, the default here), and shunts the bAP calcium near its site as a
//    dendritic GABA_A conductance of peak |w| / gaba_driving_force: the conductance that carries
//    a current w at that driving force (the kernel was calibrated in conductances).
// State: V_m, I_exc, I_inh, Ca_1..Ca_4.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "spindle/model_registry.hpp"
#include "spindle/models/lif_exp.hpp"
#include "spindle/models/pyramidal_dendritic.hpp"

namespace spindle::models {

struct PyramidalDendriticPscParams : DendriteParams {
  LifExpParams soma;
  /// [mV] |V - E_GABA_A| that turns an inhibitory current into the bAP kernel's conductance.
  double gaba_driving_force = 15.0;

  /// From values resolved against pyramidal_dendritic_psc_model().parameters.
  static PyramidalDendriticPscParams from(const ParameterValues& v);
  /// The schema defaults.
  static PyramidalDendriticPscParams defaults();
};

CellModelInfo pyramidal_dendritic_psc_model();

/// A group of n cells (p must satisfy lif_exp_relations(p.soma)).
std::unique_ptr<PyramidalDendriticGroup> make_pyramidal_dendritic_psc(
    const PyramidalDendriticPscParams& p, std::size_t n);

}  // namespace spindle::models
