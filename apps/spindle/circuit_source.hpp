// circuit_source.hpp: what `spindle run` simulates, either a built-in network (--network) or a
// circuit file (`spindle run FILE.toml`, docs/circuit-format.md) with the command line's
// --scale, --duration, --seed, --threads and --partitions in place of the file's settings.
#pragma once

#include <optional>

#include "commands.hpp"
#include "sim_setup.hpp"
#include "spindle/circuit_file.hpp"
#include "spindle/simulation.hpp"

namespace spindle::app {

struct RunSource {
  LoadedModels catalog;  ///< first, so destroyed last: the plugins' code must outlive the rest
  SimSetup setup;
  std::optional<CircuitFile> circuit;  ///< set when the network comes from a file

  /// Builds the simulation. Errors the build finds in a file's network are re-thrown with the
  /// file, line and column of the population, projection, stimulus or probe they concern.
  Simulation build() const;
};

/// Reads and checks everything run needs before it creates any output: the network (built-in or
/// file), the options with their overrides, and the models with the plugins of --plugin and of
/// the file. Throws spindle::Error ("FILE:LINE:COL: ..." for mistakes in a file).
RunSource make_run_source(const RunArgs& args);

}  // namespace spindle::app
