// spindle/models/dendritic_tree.hpp: path geometry on a spindle::Morphology, as the reduced
// dendritic cell needs it: the path distance between two points of the tree and on which side
// of the first point the second lies. "Distal" means the second point lies beyond the first,
// on the first point's side away from the soma (a bAP on its way out passes the first point
// before it reaches the second); every other point (towards the soma, or on another branch
// reached through a branch point or the soma) is "proximal".
#pragma once

#include <cstddef>
#include <vector>

#include "spindle/location.hpp"

namespace spindle::models {

/// Path distance between two points and the side the second lies on, seen from the first.
struct TreeSeparation {
  double distance_um = 0.0;
  bool distal = false;
};

class DendriticTree {
 public:
  explicit DendriticTree(Morphology morphology);

  const Morphology& morphology() const noexcept { return morphology_; }
  /// Path distance of the proximal end of branch b from the soma [um].
  double start_um(std::size_t b) const noexcept { return start_[b]; }
  double end_um(std::size_t b) const noexcept {
    return start_[b] + morphology_.branches[b].length_um;
  }

  /// Path distance from `from` to `to` and the side of `to` seen from `from` (see the file
  /// comment). The soma and the axon initial segment count as distance 0 on no branch.
  TreeSeparation separation(const Location& from, const Location& to) const;

  /// The point at path distance `distance_um` on the path from the soma to the distal end of
  /// branch `leaf` (e.g. the apical trunk); clamped to [0, end of leaf]. 0 is the soma.
  Location on_path(std::size_t leaf, double distance_um) const;

 private:
  bool is_ancestor(std::size_t a, std::size_t b) const noexcept;  // a on the path soma -> b

  Morphology morphology_;
  std::vector<double> start_;
};

}  // namespace spindle::models
