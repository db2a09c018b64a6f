#include "spindle/models/builtin.hpp"

#include "spindle/models/lif_delta.hpp"
#include "spindle/models/lif_exp.hpp"

namespace spindle::models {

void register_builtin(ModelRegistry& registry) {
  registry.add_cell_model(lif_delta_model());
  registry.add_cell_model(lif_exp_model());
}

ModelRegistry builtin_registry() {
  ModelRegistry r;
  register_builtin(r);
  return r;
}

}  // namespace spindle::models
