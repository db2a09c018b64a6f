// spindle/cell_type.hpp: a named cell-type preset (a cell model plus parameter values, the
// domain its axon targets and where the numbers come from). Presets live in the
// ModelRegistry beside the models, so built-in code and plugins add them the same way and
// `spindle models` lists them.
#pragma once

#include <string>

#include "spindle/network_spec.hpp"
#include "spindle/parameters.hpp"

namespace spindle {

struct CellTypeInfo {
  std::string name;           ///< "pv_basket", "chandelier", ...
  std::string model;          ///< the cell model it configures
  ParameterSet params;        ///< values for that model's schema; the rest take defaults
  std::string target_domain;  ///< "soma", "axon_initial_segment", "distal_dendrite", ...
  std::string source;         ///< where the numbers come from, and which are choices
  std::string summary;        ///< the class in words
  std::string origin = "built-in";
};

/// Sets `pop`'s model to the preset's and merges the preset's parameter values into it
/// (replacing values the preset also sets, keeping the others). Returns `pop`.
PopulationSpec& apply(PopulationSpec& pop, const CellTypeInfo& preset);

}  // namespace spindle
