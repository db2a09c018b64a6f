#include "spindle/models/builtin.hpp"

#include "spindle/models/adex.hpp"
#include "spindle/models/cable/pyramidal_cable.hpp"
#include "spindle/models/cell_types.hpp"
#include "spindle/models/izhikevich.hpp"
#include "spindle/models/lif_cond.hpp"
#include "spindle/models/lif_delta.hpp"
#include "spindle/models/lif_exp.hpp"
#include "spindle/models/lif_receptors.hpp"
#include "spindle/models/pyramidal_dendritic.hpp"
#include "spindle/models/pyramidal_dendritic_psc.hpp"
#include "spindle/models/short_term_plasticity.hpp"
#include "spindle/models/stdp.hpp"

namespace spindle::models {

void register_builtin(ModelRegistry& registry) {
  registry.add_cell_model(lif_delta_model());
  registry.add_cell_model(lif_exp_model());
  registry.add_cell_model(lif_cond_model());
  registry.add_cell_model(lif_receptors_model());
  registry.add_cell_model(adex_model());
  registry.add_cell_model(izhikevich_model());
  registry.add_cell_model(pyramidal_dendritic_model());
  registry.add_cell_model(pyramidal_dendritic_psc_model());
  registry.add_cell_model(cable::pyramidal_cable_model());
  for (const auto& preset : builtin_cell_types())
    registry.add_cell_type(preset);
  registry.add_synapse_model(tsodyks_markram_model());
  registry.add_synapse_model(stdp_pair_model());
  registry.add_synapse_model(stdp_triplet_model());
  registry.add_synapse_model(vogels_istdp_model());
}

ModelRegistry builtin_registry() {
  ModelRegistry r;
  register_builtin(r);
  return r;
}

}  // namespace spindle::models
