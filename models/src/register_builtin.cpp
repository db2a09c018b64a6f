#include "spindle/models/builtin.hpp"

namespace spindle::models {

void register_builtin(ModelRegistry& /*registry*/) {}

ModelRegistry builtin_registry() {
  ModelRegistry r;
  register_builtin(r);
  return r;
}

}  // namespace spindle::models
