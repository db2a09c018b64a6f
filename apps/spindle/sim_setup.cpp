#include "sim_setup.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "cli_values.hpp"
#include "networks.hpp"
#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"

namespace spindle::app {

SimSetup make_setup(const SimArgs& args, const std::string& network_item) {
  SimSetup s;
  const NetworkEntry* entry = find_network(args.network);
  if (entry == nullptr) {
    throw Error(fmt::format("{}: there is no network '{}'; the networks are: {}", network_item,
                            args.network, network_names()));
  }
  if (args.scale_given && !entry->scalable) {
    throw Error(fmt::format("--scale: network '{}' has one size; --scale applies to {}",
                            args.network, scalable_network_names()));
  }
  s.network = args.network;
  s.scale = args.scale_given ? parse_fraction("--scale", args.scale) : entry->default_scale;
  s.spec = entry->make(s.scale);
  s.duration_ms = parse_duration_ms("--duration", args.duration);
  s.options.seed = parse_seed("--seed", args.seed);
  s.options.threads =
      static_cast<unsigned>(parse_integer("--threads", args.threads, 1, max_threads));
  if (args.partitions_given) {
    // More partitions than cells would leave some empty; the message says the real bound.
    const std::uint64_t cells = total_cells(s.spec);
    const std::uint64_t hi = std::min<std::uint64_t>(max_partitions, cells);
    s.options.partitions =
        static_cast<unsigned>(parse_integer("--partitions", args.partitions, 1, hi));
  }
  return s;
}

LoadedModels load_models(const PluginArgs& args) {
  LoadedModels m;
  models::register_builtin(m.registry);
  if (!args.no_defaults) m.plugins.load_defaults(m.registry, std::getenv("SPINDLE_PLUGIN_PATH"));
  for (const std::string& file : args.files)
    m.plugins.load(file, m.registry);
  return m;
}

}  // namespace spindle::app
