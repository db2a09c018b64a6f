// Path geometry on a morphology (see the header).
#include "spindle/models/dendritic_tree.hpp"

#include <algorithm>
#include <cmath>

namespace spindle::models {

DendriticTree::DendriticTree(Morphology morphology) : morphology_(std::move(morphology)) {
  start_.resize(morphology_.branches.size());
  for (std::size_t b = 0; b < start_.size(); ++b)
    start_[b] = morphology_.start_um(b);
}

bool DendriticTree::is_ancestor(std::size_t a, std::size_t b) const noexcept {
  for (int p = static_cast<int>(b); p >= 0;
       p = morphology_.branches[static_cast<std::size_t>(p)].parent)
    if (static_cast<std::size_t>(p) == a) return true;
  return false;
}

TreeSeparation DendriticTree::separation(const Location& from, const Location& to) const {
  const bool from_dend = from.kind == Location::Kind::dendrite;
  const bool to_dend = to.kind == Location::Kind::dendrite;
  const double d_from = from_dend ? from.distance_um : 0.0;
  const double d_to = to_dend ? to.distance_um : 0.0;
  if (!to_dend) return {d_from, false};  // the soma lies towards the soma
  if (!from_dend) return {d_to, true};   // everything lies beyond the soma
  const std::size_t a = from.branch, b = to.branch;
  if (a == b) return {std::abs(d_to - d_from), d_to > d_from};
  if (is_ancestor(a, b)) return {d_to - d_from, true};
  if (is_ancestor(b, a)) return {d_from - d_to, false};
  // Different subtrees: the path turns at the distal end of the deepest common ancestor (or at
  // the soma when there is none).
  double junction = 0.0;
  for (int p = morphology_.branches[a].parent; p >= 0;
       p = morphology_.branches[static_cast<std::size_t>(p)].parent)
    if (is_ancestor(static_cast<std::size_t>(p), b)) {
      junction = end_um(static_cast<std::size_t>(p));
      break;
    }
  return {d_from + d_to - 2.0 * junction, false};
}

Location DendriticTree::on_path(std::size_t leaf, double distance_um) const {
  Location l;
  if (!(distance_um > 0.0)) return l;  // the soma
  std::size_t b = leaf;
  distance_um = std::min(distance_um, end_um(leaf));
  while (distance_um < start_um(b) && morphology_.branches[b].parent >= 0)
    b = static_cast<std::size_t>(morphology_.branches[b].parent);
  l.kind = Location::Kind::dendrite;
  l.branch = static_cast<std::uint16_t>(b);
  l.distance_um = static_cast<float>(distance_um);
  return l;
}

}  // namespace spindle::models
