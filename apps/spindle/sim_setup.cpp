#include "sim_setup.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "cli_values.hpp"
#include "networks.hpp"
#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"

namespace spindle::app {

SimSetup make_setup(const SimArgs& args, const std::string& network_item) {
  SimSetup s;
  std::optional<NetworkSpec> spec = make_network(args.network);
  if (!spec) {
    throw Error(fmt::format("{}: there is no network '{}'; the networks are: {}", network_item,
                            args.network, network_names()));
  }
  s.network = args.network;
  s.spec = std::move(*spec);
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
