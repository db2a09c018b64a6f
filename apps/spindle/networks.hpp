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
  NetworkSpec (*make)();
};

/// CUBA: Vogels & Abbott 2005 as Brette et al. 2007 benchmark 2 (lif_exp, current synapses).
NetworkSpec cuba_network();
/// Benchmark 4 of Brette et al. 2007: the CUBA architecture with lif_delta voltage jumps.
NetworkSpec delta_network();

/// Brunel (2000) in its asynchronous irregular state C, full size.
NetworkSpec brunel_network();

/// Every built-in network, the default ("cuba") first.
std::span<const NetworkEntry> networks();

/// The network of that name, or nullopt.
std::optional<NetworkSpec> make_network(std::string_view name);

/// "cuba, delta": for messages and --help.
std::string network_names();

/// Total number of cells in a spec (before it is built).
std::size_t total_cells(const NetworkSpec& spec);

}  // namespace spindle::app
