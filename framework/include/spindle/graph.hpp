// spindle/graph.hpp: the built network as a Boost Graph (compressed sparse row), for analysis
// with Boost Graph algorithms: degree distributions, shortest paths, components. This is the
// one public header that exposes a third-party type, on purpose: include it only where you
// run graph algorithms. The kernel keeps its own leaner per-partition form; a CellGraph is
// made from a Simulation on request and holds the same synapses.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "spindle/simulation.hpp"

namespace spindle {

struct CellVertex {
  std::uint32_t population = 0;
};

struct SynapseEdge {
  float weight = 0.0f;  ///< in the receptor's unit
  double delay_ms = 0.0;
  std::uint16_t receptor = 0;
  Location location;  ///< where it lands on the target
};

using BoostCellGraph =
    boost::compressed_sparse_row_graph<boost::bidirectionalS, CellVertex, SynapseEdge,
                                       boost::no_property, std::uint32_t, std::uint64_t>;

class CellGraph {
 public:
  /// Freezes the synapses of `sim` into a CSR graph: cells are vertices, synapses edges.
  explicit CellGraph(const Simulation& sim);

  std::uint32_t num_cells() const noexcept;
  std::uint64_t num_synapses() const noexcept;
  std::uint64_t in_degree(std::uint32_t cell) const;
  std::uint64_t out_degree(std::uint32_t cell) const;
  /// Synapses leaving / reaching a cell, ordered by the other end.
  std::vector<SynapseInfo> out_synapses(std::uint32_t cell) const;
  std::vector<SynapseInfo> in_synapses(std::uint32_t cell) const;
  /// Index and name of a cell's population.
  std::uint32_t population_of(std::uint32_t cell) const;
  const std::string& population_name(std::uint32_t cell) const;

  /// The Boost graph itself, for Boost Graph algorithms.
  const BoostCellGraph& boost_graph() const noexcept { return graph_; }

 private:
  void check(std::uint32_t cell) const;
  BoostCellGraph graph_;
  std::vector<PopulationInfo> populations_;
};

}  // namespace spindle
