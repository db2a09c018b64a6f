// spindle/location.hpp: where a synapse lands on its target cell, and the dendritic tree that
// a cell model declares so that projections can name places on it.
//
// A projection says where its synapses go (LocationSpec); at build time every synapse gets a
// concrete Location, drawn deterministically. Point-neuron models accept only the soma: any
// other location is a build-time error that names the projection. Distances are path
// distances from the soma in µm, stored to 0.1 µm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "spindle/distribution.hpp"
#include "spindle/units.hpp"

namespace spindle {

/// Where one synapse lands.
struct Location {
  enum class Kind : std::uint8_t { soma, axon_initial_segment, dendrite };
  Kind kind = Kind::soma;
  std::uint16_t branch = 0;  ///< dendrite: index into the model's Morphology::branches
  float distance_um = 0;     ///< dendrite: path distance from the soma [µm]

  friend bool operator==(const Location&, const Location&) = default;
};

/// One unbranched dendritic section.
struct Branch {
  std::string name;  ///< unique within the morphology ("apical_trunk", "oblique_1", ...)
  int parent = -1;   ///< index of the parent branch; -1: attached to the soma
  double length_um = 0;
  double diameter_um = 0;
  std::string region;  ///< "apical", "basal", "tuft", ...
};

/// A cell model's dendritic tree: branches listed parents first.
struct Morphology {
  std::vector<Branch> branches;

  /// Path distance from the soma to the proximal end of branch b.
  double start_um(std::size_t b) const;
  /// Index of the branch of that name, or -1.
  int branch_index(const std::string& name) const noexcept;
  /// Distinct region names, in order of first appearance.
  std::vector<std::string> regions() const;
  /// Throws spindle::Error (prefixed by `context`) when parents do not come first, a name
  /// repeats, or a length or diameter is not positive.
  void check(const std::string& context) const;
};

/// How a projection places its synapses.
struct LocationSpec {
  enum class Kind {
    soma,
    axon_initial_segment,
    dendrite,        ///< one point: `branch` at `distance_um`
    region,          ///< uniform in path length over `region` within [from_um, to_um]
    region_distance  ///< distance drawn from `distance`, on a branch of `region` reaching it
  };
  Kind kind = Kind::soma;
  std::string branch;
  std::string region;
  double distance_um = 0;
  double from_um = 0, to_um = 0;
  ValueSpec distance;

  bool is_soma() const noexcept { return kind == Kind::soma; }
  /// "soma", "dendrite(apical_trunk, 250 um)", "region(apical, 150-400 um)", ...
  std::string describe() const;
};

/// Factories for LocationSpec, used with ProjectionSpec::at().
namespace locate {
LocationSpec soma();
LocationSpec axon_initial_segment();
LocationSpec dendrite(std::string branch, Micrometres distance);
LocationSpec region(std::string region, Micrometres from, Micrometres to);
LocationSpec region_distance(std::string region, ValueSpec distance);
}  // namespace locate

}  // namespace spindle
