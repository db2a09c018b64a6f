// A point on a named branch of a DendriticTree, for the dendrite tests.
#pragma once

#include <cstdint>
#include <string>

#include "spindle/location.hpp"
#include "spindle/models/dendritic_tree.hpp"

namespace spindle::test {

/// The dendritic location at path distance `distance_um` on branch `branch` of `tree`.
inline Location dendrite_at(const models::DendriticTree& tree, const std::string& branch,
                            double distance_um) {
  Location l;
  l.kind = Location::Kind::dendrite;
  l.branch = static_cast<std::uint16_t>(tree.morphology().branch_index(branch));
  l.distance_um = static_cast<float>(distance_um);
  return l;
}

}  // namespace spindle::test
