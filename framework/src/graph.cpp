#include "spindle/graph.hpp"

#include <utility>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle {

namespace {
BoostCellGraph make_graph(const Simulation& sim) {
  const auto synapses = sim.synapses();
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ends;
  std::vector<SynapseEdge> props;
  ends.reserve(synapses.size());
  props.reserve(synapses.size());
  for (const auto& s : synapses) {
    ends.emplace_back(s.source, s.target);
    props.push_back({s.weight, s.delay.to_ms(), s.receptor, s.location});
  }
  BoostCellGraph g(boost::edges_are_unsorted_multi_pass, ends.begin(), ends.end(), props.begin(),
                   sim.num_cells());
  for (std::size_t p = 0; p < sim.populations().size(); ++p) {
    const auto& info = sim.populations()[p];
    for (std::uint32_t c = 0; c < info.size; ++c)
      g[info.first + c].population = static_cast<std::uint32_t>(p);
  }
  return g;
}

SynapseInfo info_of(const BoostCellGraph& g, BoostCellGraph::edge_descriptor e) {
  const auto& p = g[e];
  return {static_cast<std::uint32_t>(boost::source(e, g)),
          static_cast<std::uint32_t>(boost::target(e, g)),
          p.weight,
          Time::from_ms(p.delay_ms),
          p.receptor,
          p.location};
}
}  // namespace

CellGraph::CellGraph(const Simulation& sim)
    : graph_(make_graph(sim)), populations_(sim.populations()) {}

std::uint32_t CellGraph::num_cells() const noexcept {
  return static_cast<std::uint32_t>(boost::num_vertices(graph_));
}
std::uint64_t CellGraph::num_synapses() const noexcept {
  return boost::num_edges(graph_);
}

void CellGraph::check(std::uint32_t cell) const {
  if (cell >= num_cells())
    throw Error(fmt::format("cell {} does not exist; cells are 0..{}", cell, num_cells() - 1));
}

std::uint64_t CellGraph::in_degree(std::uint32_t cell) const {
  check(cell);
  return boost::in_degree(cell, graph_);
}

std::uint64_t CellGraph::out_degree(std::uint32_t cell) const {
  check(cell);
  return boost::out_degree(cell, graph_);
}

std::vector<SynapseInfo> CellGraph::out_synapses(std::uint32_t cell) const {
  check(cell);
  std::vector<SynapseInfo> out;
  for (auto [it, end] = boost::out_edges(cell, graph_); it != end; ++it)
    out.push_back(info_of(graph_, *it));
  return out;
}

std::vector<SynapseInfo> CellGraph::in_synapses(std::uint32_t cell) const {
  check(cell);
  std::vector<SynapseInfo> in;
  for (auto [it, end] = boost::in_edges(cell, graph_); it != end; ++it)
    in.push_back(info_of(graph_, *it));
  return in;
}

std::uint32_t CellGraph::population_of(std::uint32_t cell) const {
  check(cell);
  return graph_[cell].population;
}

const std::string& CellGraph::population_name(std::uint32_t cell) const {
  return populations_[population_of(cell)].name;
}

}  // namespace spindle
