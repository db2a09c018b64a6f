// report.hpp: what `spindle run` tells about a finished run: summary.json (for scripts) and the
// table on stdout (for people). Both come from one RunReport so they cannot disagree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spindle/analysis.hpp"

namespace spindle::app {

struct RunReport {
  std::string version;
  std::string network;
  std::uint64_t seed = 0;
  unsigned threads = 0;
  unsigned partitions = 0;
  double duration_ms = 0.0;
  std::uint32_t cells = 0;
  std::uint64_t synapses = 0;
  std::uint64_t spikes = 0;
  std::uint64_t synaptic_events = 0;
  double build_s = 0.0;  ///< wall-clock seconds to validate and build the network
  double sim_s = 0.0;    ///< wall-clock seconds of Simulation::run
  std::vector<analysis::PopulationSummary> populations;
  analysis::PopulationSummary all;  ///< every cell together
  std::string output;               ///< the output folder, as given or made up

  double wall_s() const noexcept { return build_s + sim_s; }
  /// Simulated seconds per wall-clock second of the run (build excluded): > 1 is faster than
  /// real time.
  double real_time_factor() const noexcept;
};

/// The content of summary.json (keys in a fixed order; NaN statistics become null).
nlohmann::ordered_json summary_json(const RunReport& r);

/// The aligned table `spindle run` prints on stdout, ending with a newline.
std::string summary_table(const RunReport& r);

/// 1234567 -> "1,234,567".
std::string group_digits(std::uint64_t n);

}  // namespace spindle::app
