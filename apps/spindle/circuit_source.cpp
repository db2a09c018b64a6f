#include "circuit_source.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "cli_values.hpp"
#include "networks.hpp"
#include "spindle/error.hpp"

namespace spindle::app {

namespace {

RunSource from_file(const RunArgs& args) {
  const SimArgs& sim = args.sim;
  if (args.network_given)
    throw Error(
        fmt::format("give a circuit file or --network, not both (got '{}' and --network {})",
                    args.circuit, sim.network));
  CircuitFile file = read_circuit_file(args.circuit);

  // Command-line values win over the file's [simulation] table; each is checked as typed.
  CircuitSettings& s = file.settings;
  if (args.duration_given) s.duration_ms = parse_duration_ms("--duration", sim.duration);
  if (args.seed_given) s.seed = parse_seed("--seed", sim.seed);
  if (args.threads_given)
    s.threads = static_cast<unsigned>(parse_integer("--threads", sim.threads, 1, max_threads));
  if (sim.scale_given) s.scale = parse_fraction("--scale", sim.scale);

  RunSource src;
  src.catalog = load_models(sim.plugins);
  for (std::size_t i = 0; i < file.plugins.size(); ++i) {
    try {
      src.catalog.plugins.load(file.plugins[i], src.catalog.registry);
    } catch (const Error& e) {
      throw Error(file.at(file.origins.plugins[i], e.what()));
    }
  }
  bind_models(file, src.catalog.registry);
  try {
    scale_network(file.spec, s.scale);
  } catch (const Error& e) {
    throw Error(file.locate(e.what()));
  }

  // More partitions than cells would leave some empty; the message says the real bound.
  const std::uint64_t cells = total_cells(file.spec);
  const std::uint64_t most = std::min<std::uint64_t>(max_partitions, cells);
  if (sim.partitions_given) {
    s.partitions = static_cast<unsigned>(parse_integer("--partitions", sim.partitions, 1, most));
  } else if (s.partitions > most) {
    throw Error(file.at(file.origins.simulation,
                        fmt::format("simulation: partitions = {} exceeds the {} cells of the "
                                    "network (allowed: 0 for the default, or 1 to {})",
                                    s.partitions, cells, most)));
  }

  src.setup.network = file.path.string();
  src.setup.scale = s.scale;
  src.setup.spec = file.spec;
  src.setup.duration_ms = s.duration_ms;
  src.setup.options.seed = s.seed;
  src.setup.options.threads = s.threads;
  src.setup.options.partitions = s.partitions;
  src.circuit = std::move(file);
  return src;
}

}  // namespace

RunSource make_run_source(const RunArgs& args) {
  if (!args.circuit.empty()) return from_file(args);
  RunSource src;
  src.setup = make_setup(args.sim, "--network");
  src.catalog = load_models(args.sim.plugins);
  return src;
}

Simulation RunSource::build() const {
  try {
    return Simulation(setup.spec, catalog.registry, setup.options);
  } catch (const Error& e) {
    if (circuit) throw Error(circuit->locate(e.what()));
    throw;
  }
}

}  // namespace spindle::app
