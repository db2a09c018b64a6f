// networks.hpp: the networks built into the `spindle` program, by name. Each is a plain
// NetworkSpec filled through the C++ builder, so the program and a user's own code describe a
// network the same way.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "spindle/network_spec.hpp"

namespace spindle::app {

struct NetworkEntry {
  std::string_view name;
  std::string_view description;  ///< one line, with the reference
  NetworkSpec (*make)(double scale);
  /// Whether the network takes --scale (in (0, 1]); the others are built at their one size.
  bool scalable = false;
  double default_scale = 1.0;
};

/// What `spindle run` simulates without --network (or a file): the microcircuit with interneuron
/// classes at scale 0.1.
inline constexpr std::string_view default_network = "microcircuit";

/// CUBA: Vogels & Abbott 2005 as Brette et al. 2007 benchmark 2 (lif_exp, current synapses).
NetworkSpec cuba_network();
/// Benchmark 4 of Brette et al. 2007: the CUBA architecture with lif_delta voltage jumps.
NetworkSpec delta_network();

/// Brunel (2000) in its asynchronous irregular state C, full size.
NetworkSpec brunel_network();

/// Potjans & Diesmann (2014) with PV/SOM/VIP interneurons (spindle/models/microcircuit.hpp).
NetworkSpec microcircuit_network(double scale);
/// Potjans & Diesmann (2014) as published (NEST's Potjans_2014 example).
NetworkSpec pd14_network(double scale);
/// pd14 with DC instead of Poisson external drive (NEST's poisson_input = False).
NetworkSpec pd14_dc_network(double scale);

/// Every built-in network, the default ("microcircuit") first.
std::span<const NetworkEntry> networks();

/// The network of that name, or nullopt.
const NetworkEntry* find_network(std::string_view name);

/// "microcircuit, pd14, cuba, ...": for messages and --help.
std::string network_names();

/// The networks that take --scale, as network_names() writes them.
std::string scalable_network_names();

/// Total number of cells in a spec (before it is built).
std::size_t total_cells(const NetworkSpec& spec);

}  // namespace spindle::app
