// spindle/models/builtin.hpp: registers Spindle's built-in models, through the same
// ModelRegistry call that plugins use.
#pragma once

#include "spindle/model_registry.hpp"

namespace spindle::models {

/// Adds every built-in model to `registry`.
void register_builtin(ModelRegistry& registry);

/// A registry holding the built-in models.
ModelRegistry builtin_registry();

}  // namespace spindle::models
