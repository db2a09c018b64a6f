// The figures of `spindle run`: a spike raster and the population rates, as SVG.
#pragma once

#include <filesystem>
#include <vector>

#include "spindle/simulation.hpp"

namespace spindle::app {

/// raster.svg: spikes of up to `max_cells` cells per population over the whole run, one
/// coloured band per population.
void write_raster(const std::filesystem::path& path, const std::vector<Spike>& spikes,
                  const std::vector<PopulationInfo>& populations, double duration_ms);

/// rates.svg: each population's rate over time (5 ms bins) above its mean rate.
void write_rates(const std::filesystem::path& path, const std::vector<Spike>& spikes,
                 const std::vector<PopulationInfo>& populations, double duration_ms);

}  // namespace spindle::app
