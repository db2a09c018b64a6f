// build_network.hpp (private): validation of a NetworkSpec and generation of its synapses.
// Everything a user can get wrong is checked here, before any state is created, so that a
// failed build leaves nothing behind.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spindle/model_registry.hpp"
#include "spindle/network_spec.hpp"
#include "spindle/simulation.hpp"

namespace spindle::detail {

/// The longest delay [ms]: transient edges keep delays as 32-bit ticks (20 bytes an edge).
inline constexpr double max_delay_ms = 4294.967295;

/// A Location packed in 32 bits: 0 the soma, 1 the axon initial segment, else
/// (branch + 2) << 16 | distance in units of 0.1 um (at most 6553.5 um).
using Place = std::uint32_t;
inline constexpr Place soma_place = 0;
inline constexpr double place_resolution_um = 0.1;
Place encode_place(const Location& where);
Location decode_place(Place p);

/// One generated synapse before it is frozen into a partition.
struct Edge {
  std::uint32_t source;
  std::uint32_t target;
  float weight;
  std::uint16_t receptor;
  std::uint16_t slot;   ///< 0: static synapse; else 1 + index of its plastic projection
  std::uint32_t delay;  ///< ticks, >= 1
  Place place;          ///< where it lands on the target cell
};
static_assert(sizeof(Edge) == 24, "the build's transient memory assumes 24-byte edges");

struct BuiltPopulation {
  PopulationInfo info;
  const CellModelInfo* model = nullptr;
  ParameterValues parameters;
  bool recorded = true;
  const Layout* layout = nullptr;
  std::vector<Position> positions;       ///< empty without a layout
  std::optional<Morphology> morphology;  ///< the model's tree; none for a point neuron
};

/// How one projection draws the place of each synapse: one place, or a branch picked among
/// `windows` (path-distance intervals, one per branch) and a distance inside it.
struct PlacementPlan {
  LocationSpec::Kind kind = LocationSpec::Kind::soma;
  Place fixed = soma_place;
  struct Window {
    std::uint16_t branch;
    double lo_um, hi_um;
  };
  std::vector<Window> windows;
  std::vector<double> cumulative;  ///< region: cumulative window lengths, for the branch draw
};

/// A validated projection, ready to generate synapses.
struct ProjectionPlan {
  const ProjectionSpec* spec;
  std::size_t index;
  const BuiltPopulation* src;
  const BuiltPopulation* tgt;
  std::uint16_t receptor;
  bool same_population;
  std::uint16_t slot = 0;  ///< 0 for static synapses
  const SynapseModelInfo* synapse = nullptr;
  ParameterValues synapse_parameters;
  PlacementPlan placement;
};

/// A validated network: populations with global ids and positions, projections ready to
/// generate their synapses. Holds pointers into the spec, which must outlive it.
struct BuiltNetwork {
  std::vector<BuiltPopulation> populations;
  std::vector<ProjectionPlan> plans;
  std::uint32_t num_cells = 0;
  std::uint16_t num_slots = 1;  ///< slot 0 (static) + one per projection with a synapse model
};

/// Checks every part of `spec`; throws spindle::Error naming the first thing that is wrong.
BuiltNetwork validate_network(const NetworkSpec& spec, const ModelRegistry& models,
                              std::uint64_t seed);

/// Expected number of incoming synapses of every cell (for balancing partitions before the
/// synapses exist).
std::vector<double> expected_in_degree(const BuiltNetwork& net);

/// Appends every synapse whose target lies in [first, last), in an order that depends only on
/// the seed (each rule draws from streams keyed by the target, the source or the projection).
void generate_edges(const BuiltNetwork& net, std::uint64_t seed, std::uint32_t first,
                    std::uint32_t last, std::vector<Edge>& out);

/// Index of the population that holds global cell `gid`.
std::size_t population_of(const std::vector<BuiltPopulation>& pops, std::uint32_t gid);

}  // namespace spindle::detail
