// spindle/models/cable/cable_tree.hpp: the geometry of a branched dendritic cable and its
// discretisation into compartments. A CellGeometry is a soma plus unbranched branches given
// by length and diameter (the same names and fields as spindle::Morphology, so that the kernel
// and the cable model speak of the same "apical_trunk_3" at "250 um"); a CableTree cuts each
// branch into equal segments of at most `max_segment_um` and numbers them in Hines order
// (every compartment after its parent; compartment 0 is the soma).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace spindle::models::cable {

/// One unbranched dendritic section (mirrors spindle::Branch).
struct CableBranch {
  std::string name;        ///< unique, e.g. "apical_trunk_2", "oblique_1", "basal_3"
  int parent = -1;         ///< index of the parent branch; -1: attached to the soma
  double length_um = 0;    ///< [um]
  double diameter_um = 0;  ///< [um], constant along the branch
  std::string region;      ///< "apical", "tuft", "basal"
};

/// Soma (a cylinder) plus branches, parents listed before children.
struct CellGeometry {
  double soma_length_um = 20.0;    ///< [um]
  double soma_diameter_um = 20.0;  ///< [um]
  std::vector<CableBranch> branches;

  /// Path distance from the soma of the branch's proximal end [um].
  double start_um(std::size_t branch) const;
  /// Index of the branch of that name; throws spindle::Error listing the names if unknown.
  std::size_t branch_index(const std::string& name) const;
  /// Throws spindle::Error on a bad tree (parent after child, non-positive sizes, duplicates).
  void validate() const;
};

/// The apical trunk of ca1_pyramidal_geometry() is this chain of branches, soma outward.
inline constexpr const char* apical_trunk_prefix = "apical_trunk_";

/// A CA1-like pyramidal cell (sizes after Golding, Mickus, Katz, Kath & Spruston 2005 and the
/// Poirazi, Brannon & Mel 2003 cell used by Müllner et al. 2015; table in
/// docs/dendritic-inhibition.md): soma, a 450 um apical trunk tapering from 2.2 to 1.1 um in six
/// 75 um sections with one oblique at the distal end of each of the first four, a two-branch
/// tuft, four basal dendrites. Every dendritic diameter is multiplied by `diameter_scale`.
CellGeometry ca1_pyramidal_geometry(double diameter_scale = 1.0);

/// The same cell on a spatial axis stretched by sqrt(k): every dendritic diameter x k, every
/// branch length x sqrt(k), soma length and diameter x k^(3/4). A cylinder's length constant
/// grows as sqrt(d) and its input conductance as d^(3/2), so every branch keeps its electrotonic
/// length and every branch point and the soma keep their share of the load: with the same
/// membrane densities (and somatic current, synaptic conductances x k^(3/2)) the cable equation
/// is the same equation in x / sqrt(k). Cable theory's lambda ∝ sqrt(d), made testable on a
/// finite, tapered, active tree (the "mul2"/"div2" variants of Müllner et al.'s model scale
/// geometry and length constants together; science.md §1.3). Throws spindle::Error for k <= 0.
CellGeometry electrotonically_scaled(const CellGeometry& geometry, double k);

/// A point of the tree as a linear interpolation between two compartment nodes (centres):
/// value = (1 - weight_b) * x[a] + weight_b * x[b]. Point conductances are split the same way.
struct TreePoint {
  std::size_t a = 0, b = 0;
  double weight_b = 0.0;
};

/// Geometry cut into compartments (0 = soma), each with its parent compartment, membrane area
/// and the axial conductance to its parent. A branch with children ends in a zero-area node
/// (the branch point) that its children attach to.
class CableTree {
 public:
  /// `max_segment_um` > 0; `Ra_ohm_cm` is the axial resistivity [Ohm cm].
  CableTree(const CellGeometry& geometry, double max_segment_um, double Ra_ohm_cm);

  std::size_t size() const noexcept { return parent_.size(); }
  const CellGeometry& geometry() const noexcept { return geometry_; }
  /// Parent compartment of i > 0 (always < i); parent(0) is undefined.
  std::size_t parent(std::size_t i) const noexcept { return parent_[i]; }
  double area_um2(std::size_t i) const noexcept { return area_um2_[i]; }
  double diameter_um(std::size_t i) const noexcept { return diameter_um_[i]; }
  /// Path distance of the compartment's centre from the soma [um] (0 for the soma).
  double distance_um(std::size_t i) const noexcept { return distance_um_[i]; }
  /// Axial conductance between i > 0 and its parent [uS].
  double axial_uS(std::size_t i) const noexcept { return axial_uS_[i]; }
  /// Branch of compartment i > 0; -1 for the soma.
  int branch_of(std::size_t i) const noexcept { return branch_of_[i]; }
  /// First compartment and compartment count of a branch.
  std::size_t first_of(std::size_t branch) const noexcept { return first_[branch]; }
  std::size_t count_of(std::size_t branch) const noexcept { return count_[branch]; }

  /// The point at path distance `distance_um` from the soma on `branch` (within
  /// [start_um, start_um + length_um]; else spindle::Error). Between two nodes the point is
  /// interpolated linearly along the path (towards the parent node before the first centre,
  /// towards the zero-area branch-point node after the last centre; at a leaf it is the last
  /// node).
  TreePoint locate(std::size_t branch, double distance_um) const;

  /// A point on the apical trunk chain (branches named apical_trunk_prefix + k) at path
  /// distance `distance_um`; 0 is the soma.
  TreePoint locate_on_trunk(double distance_um) const;

 private:
  CellGeometry geometry_;
  std::vector<std::size_t> parent_;
  std::vector<double> area_um2_, diameter_um_, distance_um_, axial_uS_;
  std::vector<int> branch_of_;
  std::vector<std::size_t> first_, count_;
  std::vector<std::size_t> junction_;  // zero-area node at a branch's distal end; 0: a leaf
};

}  // namespace spindle::models::cable
