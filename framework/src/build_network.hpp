// build_network.hpp (private): validation of a NetworkSpec and generation of its synapses.
// Everything a user can get wrong is checked here, before any state is created, so that a
// failed build leaves nothing behind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "executor.hpp"
#include "spindle/model_registry.hpp"
#include "spindle/network_spec.hpp"
#include "spindle/simulation.hpp"

namespace spindle::detail {

/// One generated synapse before it is frozen into a partition.
struct Edge {
  std::uint32_t source;
  std::uint32_t target;
  float weight;
  std::uint16_t receptor;
  std::int64_t delay;  ///< ticks, >= 1
};

struct BuiltPopulation {
  PopulationInfo info;
  const CellModelInfo* model = nullptr;
  ParameterValues parameters;
  bool recorded = true;
};

/// Validated network: populations with global ids, synapses sorted by target cell.
struct BuiltNetwork {
  std::vector<BuiltPopulation> populations;
  std::vector<Edge> edges;  ///< ordered by (target, projection, generation order)
  std::uint32_t num_cells = 0;
  Time min_delay = Time::never();
};

/// Checks every part of `spec`; throws spindle::Error naming the first thing that is wrong.
BuiltNetwork build_network(const NetworkSpec& spec, const ModelRegistry& models, std::uint64_t seed,
                           Executor& executor);

/// Index of the population that holds global cell `gid`.
std::size_t population_of(const std::vector<BuiltPopulation>& pops, std::uint32_t gid);

}  // namespace spindle::detail
