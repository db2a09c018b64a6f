// Helpers for tests that inspect a model's schema: one place for lookups both the model and the
// neuron schema tests need.
#pragma once

#include <string>

#include "spindle/model_registry.hpp"
#include "spindle/parameters.hpp"
#include "support/catch.hpp"

namespace spindle::test {

/// The schema entry `name` of model `m`; fails the test when there is none.
inline const ParamInfo& param(const CellModelInfo& m, const std::string& name) {
  for (const auto& p : m.parameters)
    if (p.name == name) return p;
  FAIL("no parameter " << name);
  throw;
}

/// The model's relation check on `given` (other values at their defaults): "" when fine.
inline std::string relations(const CellModelInfo& m, const ParameterSet& given) {
  return m.check_relations(resolve_parameters(m.parameters, given, "test"));
}

}  // namespace spindle::test
