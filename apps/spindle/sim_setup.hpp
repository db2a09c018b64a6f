// sim_setup.hpp: the part run and bench share: validated simulation options and the network.
#pragma once

#include <cstdint>
#include <string>

#include "commands.hpp"
#include "spindle/model_registry.hpp"
#include "spindle/network_spec.hpp"
#include "spindle/plugin.hpp"
#include "spindle/simulation.hpp"

namespace spindle::app {

struct SimSetup {
  std::string network;
  double scale = 1.0;  ///< the scale the network was built at (1 for fixed-size networks)
  NetworkSpec spec;
  double duration_ms = 0.0;
  SimulationOptions options;
};

/// Checks every value in `args` (network name, scale, duration, seed, threads, partitions) and
/// builds the NetworkSpec; throws spindle::Error naming the first bad option and what is allowed.
/// `network_item` is how the network is named in messages ("--network" or "NETWORK").
SimSetup make_setup(const SimArgs& args, const std::string& network_item);

/// The models a command can use. `plugins` comes first so that it is destroyed last: the code
/// of the plugins' models must stay loaded while the registry (or a Simulation) uses it.
struct LoadedModels {
  PluginSet plugins;
  ModelRegistry registry;
};

/// The built-in models, then the plugins of the installed folder and of SPINDLE_PLUGIN_PATH
/// (unless --no-default-plugins), then each --plugin file. Throws spindle::Error naming the
/// plugin file and the reason it was refused.
LoadedModels load_models(const PluginArgs& args);

}  // namespace spindle::app
