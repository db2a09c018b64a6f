// sim_setup.hpp: the part run and bench share: validated simulation options and the network.
#pragma once

#include <cstdint>
#include <string>

#include "commands.hpp"
#include "spindle/network_spec.hpp"
#include "spindle/simulation.hpp"

namespace spindle::app {

struct SimSetup {
  std::string network;
  NetworkSpec spec;
  double duration_ms = 0.0;
  SimulationOptions options;
};

/// Checks every value in `args` (network name, duration, seed, threads, partitions) and builds
/// the NetworkSpec; throws spindle::Error naming the first bad option and what is allowed.
/// `network_item` is how the network is named in messages ("--network" or "NETWORK").
SimSetup make_setup(const SimArgs& args, const std::string& network_item);

}  // namespace spindle::app
