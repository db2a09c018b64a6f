// spindle/models/short_term_plasticity.hpp: `tsodyks_markram`, short-term depression and
// facilitation of Tsodyks & Markram (1997) in the parametrisation of Markram, Wang & Tsodyks
// (1998) and Gupta, Wang & Markram (2000). Event-driven: state changes only at presynaptic
// spikes, once per train (all synapses one presynaptic cell reaches through one delay).
//
//   PSR_n = w u_n R_n                      (w: the synapse's weight)
//   u_1 = U, R_1 = 1
//   u_{n+1} = U + u_n (1 - U) exp(-dt_n / F)          (F = 0: u = U, no facilitation)
//   R_{n+1} = 1 + (R_n - u_n R_n - 1) exp(-dt_n / D)
//
// Parameters: U (1, in (0, 1]) utilisation, D (ms, > 0) recovery, F (ms, >= 0) facilitation.
// Presets (Gupta et al. 2000 means for inhibitory F1-F3; E1-E3 for excitatory synapses onto
// interneurons, recalled values, see science.md 5.4): stp_preset("F1") etc.
#pragma once

#include <string>
#include <vector>

#include "spindle/model_registry.hpp"

namespace spindle::models {

SynapseModelInfo tsodyks_markram_model();

struct StpPreset {
  std::string name;  ///< "F1", "F2", "F3", "E1", "E2", "E3"
  double U, D_ms, F_ms;
  std::string behaviour;  ///< facilitating, depressing, pseudo-linear
  std::string source;
};

const std::vector<StpPreset>& stp_presets();
/// The parameters of a preset for ProjectionSpec::with_synapse("tsodyks_markram", ...); an
/// unknown name is a spindle::Error listing the presets.
ParameterSet stp_preset(const std::string& name);

}  // namespace spindle::models
