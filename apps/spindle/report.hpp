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
  double scale = 1.0;  ///< the network's --scale (1 for fixed-size networks)
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
  /// Golomb's synchrony chi per population (analysis::synchrony_chi, synchrony_bin_ms bins);
  /// NaN where no cell fired or the run is shorter than two bins.
  std::vector<double> synchrony;
  analysis::PopulationSummary all;  ///< every cell together
  std::string output;               ///< the output folder, as given or made up

  double wall_s() const noexcept { return build_s + sim_s; }
  /// Simulated seconds per wall-clock second of the run (build excluded): > 1 is faster than
  /// real time.
  double real_time_factor() const noexcept;
};

/// Bin width of the synchrony measure [ms]: a few membrane time constants' worth of PD14-like
/// cells, short enough to see population oscillations up to ~100 Hz.
inline constexpr double synchrony_bin_ms = 5.0;

/// Golomb's chi of every population over [0, duration_ms) (see RunReport::synchrony).
std::vector<double> population_synchrony(const std::vector<Spike>& spikes,
                                         const std::vector<PopulationInfo>& populations,
                                         double duration_ms);

/// The content of summary.json (keys in a fixed order; NaN statistics become null).
nlohmann::ordered_json summary_json(const RunReport& r);

/// The aligned table `spindle run` prints on stdout, ending with a newline.
std::string summary_table(const RunReport& r);

/// 1234567 -> "1,234,567".
std::string group_digits(std::uint64_t n);

}  // namespace spindle::app
