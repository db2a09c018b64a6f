#include "figures.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "spindle/analysis.hpp"
#include "spindle/svg_plot.hpp"

namespace spindle::app {

namespace {
// 200 rows per population keep a raster readable and the file small (a few MB at most).
constexpr std::uint32_t kRasterCells = 200;
}  // namespace

void write_raster(const std::filesystem::path& path, const std::vector<Spike>& spikes,
                  const std::vector<PopulationInfo>& populations, double duration_ms) {
  plot::Figure fig("Spike raster");
  auto& panel = fig.add_panel(2.0);
  panel.x().label("time", "ms").limits(0, duration_ms);
  panel.raster(plot::raster_bands(spikes, populations, kRasterCells));
  fig.save(path);
}

void write_rates(const std::filesystem::path& path, const std::vector<Spike>& spikes,
                 const std::vector<PopulationInfo>& populations, double duration_ms) {
  const Time t1 = Time::from_ms(duration_ms);
  const Time bin = Time::from_ms(std::min(5.0, duration_ms));
  plot::Figure fig("Population rates");
  auto& over_time = fig.add_panel(1.4);
  over_time.x().label("time", "ms").limits(0, duration_ms);
  over_time.y().label("rate", "Hz");
  plot::BarSeries means{.label = "mean rate"};
  for (const auto& pop : populations) {
    const auto rate = analysis::population_rate(spikes, pop, Time::zero(), t1, bin);
    over_time.histogram(
        {.label = pop.name, .edges = rate.edges_ms, .counts = rate.rate_hz, .outline = true});
    std::uint64_t n = 0;
    for (const auto& s : spikes)
      n += s.cell >= pop.first && s.cell < pop.first + pop.size;
    means.categories.push_back(pop.name);
    means.height.push_back(static_cast<double>(n) / (pop.size * duration_ms * 1e-3));
  }
  auto& mean = fig.add_panel();
  mean.y().label("mean rate", "Hz");
  mean.legend(plot::LegendPlace::hidden);
  mean.bars(std::move(means));
  fig.save(path);
}

}  // namespace spindle::app
