// cell_types: the built-in presets (see the header). Every value below is either copied from the
// publication named in `source` or marked there as chosen here; the measured behaviour of each
// preset (f-I curve, adaptation index, latency, class at 3x rheobase) is in
// docs/neuron-models.md and is asserted by tests/validation/neurons/test_cell_types.cpp.
#include "spindle/models/cell_types.hpp"

namespace spindle::models {

namespace {

/// AdEx values of one row of Naud et al. (2008) Table 1 (V_T = -50 mV, Delta_T = 2 mV, V_peak =
/// 0 mV as in their simulations; science.md sec. 6.4).
ParameterSet naud_row(double C, double g_L, double E_L, double a, double tau_w, double b,
                      double V_r) {
  return {{"C_m", C},       {"g_L", g_L},    {"E_L", E_L},     {"V_T", -50.0},
          {"Delta_T", 2.0}, {"a", a},        {"tau_w", tau_w}, {"b", b},
          {"V_reset", V_r}, {"V_peak", 0.0}, {"t_ref", 0.0}};
}

/// The fast-spiking cell chosen here (not a published fit): no subthreshold adaptation (a = 0),
/// a sharp spike initiation (Delta_T = 0.5 mV), tau_m = C_m / g_L = 10 ms, a deep reset to rest
/// and a 1 ms refractory period, so that the rate grows steeply with the current and reaches
/// ~300 Hz at 1 nA without slowing down during a step.
ParameterSet fast_spiking(double b) {
  return {{"C_m", 100.0},     {"g_L", 10.0},   {"E_L", -65.0}, {"V_T", -50.0},
          {"Delta_T", 0.5},   {"a", 0.0},      {"b", b},       {"tau_w", 100.0},
          {"V_reset", -65.0}, {"V_peak", 0.0}, {"t_ref", 1.0}};
}

}  // namespace

const std::vector<CellTypePreset>& builtin_cell_types() {
  static const std::vector<CellTypePreset> presets = {
      {"pv_basket", "adex", fast_spiking(0.0), target_domain::soma,
       "class: Markram et al. 2004 (basket cells, PV, fast spiking non-accommodating, cNAC); "
       "values: chosen here to give that class (no adaptation, a = b = 0; Delta_T = 0.5 mV; "
       "tau_m = 10 ms; t_ref = 1 ms), not a fit to recordings",
       "fast spiking, non-accommodating (cNAC); perisomatic inhibition"},
      {"chandelier", "adex", fast_spiking(5.0), target_domain::axon_initial_segment,
       "class: Markram et al. 2004 (chandelier cells, PV, fast spiking; axo-axonic cartridges "
       "on the axon initial segment); values: pv_basket's with a small spike-triggered "
       "adaptation b = 5 pA, tau_w = 100 ms, chosen here for weak accommodation, not a fit",
       "fast spiking, weakly accommodating; axon initial segment"},
      {"som_martinotti", "adex", naud_row(200, 12, -70, 2, 300, 60, -58),
       target_domain::distal_dendrite,
       "values: Naud et al. 2008, Table 1, 'adaptation' pattern (published AdEx parameters); "
       "class: Markram et al. 2004 (Martinotti cells, SOM, accommodating, axon to layer 1); "
       "assigning this pattern to Martinotti cells is a choice made here",
       "accommodating (cAC), with subthreshold adaptation (a = 2 nS); apical tuft inhibition"},
      {"double_bouquet", "adex", naud_row(130, 18, -58, 4, 150, 120, -50), target_domain::dendrite,
       "values: Naud et al. 2008, Table 1, 'initial burst' pattern (published AdEx parameters); "
       "class: Markram et al. 2004 (double bouquet cells, burst-onset accommodating, bAC, among "
       "their classes); the assignment is a choice made here",
       "burst onset, then accommodating (bAC); basal and oblique dendrites"},
      {"vip_bipolar", "adex", naud_row(100, 12, -60, -11, 130, 30, -48),
       target_domain::interneurons,
       "values: Naud et al. 2008, Table 1, 'irregular spiking' pattern (published AdEx "
       "parameters); class: Markram et al. 2004 (bipolar cells, VIP/CR, irregular spiking cIS "
       "among their classes); the assignment is a choice made here. Aperiodic only near the "
       "published 160 pA step (140-160 pA); delayed bursts at low currents, regular above 250 pA",
       "irregular spiking (cIS) at the published step; disinhibition (targets interneurons)"},
      {"neurogliaform", "adex", naud_row(200, 12, -70, -10, 300, 0, -58), target_domain::diffuse,
       "values: Naud et al. 2008, Table 1, 'delayed accelerating' pattern (published AdEx "
       "parameters); class: Markram et al. 2004 / Olah et al. 2009 (neurogliaform cells, late "
       "spiking, GABA_B and volume transmission); the assignment is a choice made here. The slow "
       "GABA_B output is a property of the projection (receptor, synapse model), not of the cell",
       "late spiking (delayed onset, accelerating); diffuse, slow (GABA_B) inhibition"},
      {"pyr_regular",
       "adex",
       {{"C_m", 281.0},
        {"g_L", 30.0},
        {"E_L", -70.6},
        {"V_T", -50.4},
        {"Delta_T", 2.0},
        {"a", 4.0},
        {"tau_w", 144.0},
        {"b", 80.5},
        {"V_reset", -70.6},
        {"V_peak", 0.0},
        {"t_ref", 0.0}},
       target_domain::any,
       "values: Brette & Gerstner 2005, regular-spiking parameters fitted to a detailed "
       "pyramidal-cell model (the adex defaults; V_peak = 0 mV as Naud et al. 2008)",
       "regular spiking, adapting pyramidal cell"},
      {"pyr_bursting", "adex", naud_row(200, 10, -58, 2, 120, 100, -46), target_domain::any,
       "values: Naud et al. 2008, Table 1, 'regular bursting' pattern (published AdEx "
       "parameters); using it for intrinsically bursting layer-5 pyramidal cells is a choice "
       "made here",
       "regular bursting pyramidal cell"},
  };
  return presets;
}

}  // namespace spindle::models
