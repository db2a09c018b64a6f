#include "figures.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "spindle/analysis.hpp"
#include "spindle/svg_plot.hpp"

namespace spindle::app {

namespace {
// 200 rows per population keep a raster readable and the file small (a few MB at most).
constexpr std::uint32_t kRasterCells = 200;

/// The cortical layer in a population name such as "L23E" or "L5PV" ("L23"), or "" if the name
/// does not start with 'L' and digits.
std::string_view layer_of(std::string_view name) {
  std::size_t n = 1;
  if (name.empty() || name[0] != 'L') return {};
  while (n < name.size() && std::isdigit(static_cast<unsigned char>(name[n])))
    ++n;
  return n > 1 ? name.substr(0, n) : std::string_view{};
}

/// "L23" -> "L2/3"; other layers as they are.
std::string layer_label(std::string_view layer) {
  return layer == "L23" ? std::string("L2/3") : std::string(layer);
}

/// Populations named layer + class ("L23E", "L23PV", ... as in the microcircuits): the layers
/// and classes in order of first appearance and each population's indices into them.
struct Layering {
  std::vector<std::string> layers, classes;
  std::vector<std::size_t> layer, cls;  ///< per population
};

/// The layering of `populations`, or nullopt when some name has no layer.
std::optional<Layering> layering(const std::vector<PopulationInfo>& populations) {
  Layering l;
  const auto index = [](std::vector<std::string>& names, std::string_view name) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
    names.emplace_back(name);
    return names.size() - 1;
  };
  for (const auto& pop : populations) {
    const std::string_view layer = layer_of(pop.name);
    if (layer.empty()) return std::nullopt;
    l.layer.push_back(index(l.layers, layer));
    l.cls.push_back(index(l.classes, std::string_view(pop.name).substr(layer.size())));
  }
  return l;
}

/// A dashed line with the layer's name at the top of each layer's block of bands.
void label_layers(plot::Panel& panel, const std::vector<PopulationInfo>& populations,
                  const Layering& l) {
  double top = 0.0;
  for (std::size_t i = 0; i < populations.size(); ++i) {
    top += std::min(populations[i].size, kRasterCells);
    if (i + 1 == populations.size() || l.layer[i + 1] != l.layer[i])
      panel.hline(top, layer_label(l.layers[l.layer[i]]));
  }
}

/// Mean rate of each population over the whole run [Hz].
std::vector<double> mean_rates(const std::vector<Spike>& spikes,
                               const std::vector<PopulationInfo>& populations, double duration_ms) {
  std::vector<double> rates;
  for (const auto& pop : populations) {
    std::uint64_t n = 0;
    for (const auto& s : spikes)
      n += s.cell >= pop.first && s.cell < pop.first + pop.size;
    rates.push_back(static_cast<double>(n) / (pop.size * duration_ms * 1e-3));
  }
  return rates;
}

/// Layered networks: one panel of rate traces per layer, then the mean rates grouped by layer
/// with one bar (and colour) per class.
void layered_rates(plot::Figure& fig, const std::vector<Spike>& spikes,
                   const std::vector<PopulationInfo>& populations, double duration_ms,
                   const Layering& l) {
  const Time t1 = Time::from_ms(duration_ms);
  const Time bin = Time::from_ms(std::min(5.0, duration_ms));
  for (std::size_t layer = 0; layer < l.layers.size(); ++layer) {
    auto& panel = fig.add_panel(0.7);
    panel.title(layer_label(l.layers[layer]));
    panel.x().label("time", "ms").limits(0, duration_ms);
    panel.y().label("rate", "Hz");
    for (std::size_t i = 0; i < populations.size(); ++i) {
      if (l.layer[i] != layer) continue;
      const auto rate = analysis::population_rate(spikes, populations[i], Time::zero(), t1, bin);
      panel.histogram({.label = populations[i].name,
                       .edges = rate.edges_ms,
                       .counts = rate.rate_hz,
                       .color = plot::palette(l.cls[i]),
                       .outline = true});
    }
  }
  const std::vector<double> rates = mean_rates(spikes, populations, duration_ms);
  auto& mean = fig.add_panel();
  mean.title("mean rate per layer and class");
  mean.y().label("mean rate", "Hz");
  std::vector<std::string> layers;
  for (const auto& name : l.layers)
    layers.push_back(layer_label(name));
  for (std::size_t c = 0; c < l.classes.size(); ++c) {
    plot::BarSeries bars{.label = l.classes[c],
                         .categories = layers,
                         .height = std::vector<double>(layers.size(), std::nan("")),
                         .color = plot::palette(c)};
    for (std::size_t i = 0; i < populations.size(); ++i) {
      if (l.cls[i] == c) bars.height[l.layer[i]] = rates[i];
    }
    mean.bars(std::move(bars));
  }
}

}  // namespace

void write_raster(const std::filesystem::path& path, const std::vector<Spike>& spikes,
                  const std::vector<PopulationInfo>& populations, double duration_ms) {
  plot::Figure fig("Spike raster");
  auto& panel = fig.add_panel(2.0);
  panel.x().label("time", "ms").limits(0, duration_ms);
  std::vector<plot::RasterBand> bands = plot::raster_bands(spikes, populations, kRasterCells);
  const std::optional<Layering> layers = layering(populations);
  if (layers) {
    // One colour per class (E, PV, ...) in every layer; the layers are labelled instead.
    for (std::size_t i = 0; i < bands.size(); ++i)
      bands[i].color = plot::palette(layers->cls[i]);
  }
  panel.raster(std::move(bands));
  if (layers) label_layers(panel, populations, *layers);
  fig.save(path);
}

void write_rates(const std::filesystem::path& path, const std::vector<Spike>& spikes,
                 const std::vector<PopulationInfo>& populations, double duration_ms) {
  const Time t1 = Time::from_ms(duration_ms);
  const Time bin = Time::from_ms(std::min(5.0, duration_ms));
  plot::Figure fig("Population rates");
  if (const std::optional<Layering> layers = layering(populations)) {
    layered_rates(fig, spikes, populations, duration_ms, *layers);
    fig.save(path);
    return;
  }
  auto& over_time = fig.add_panel(1.4);
  over_time.x().label("time", "ms").limits(0, duration_ms);
  over_time.y().label("rate", "Hz");
  plot::BarSeries means{.label = "mean rate",
                        .height = mean_rates(spikes, populations, duration_ms)};
  for (const auto& pop : populations) {
    const auto rate = analysis::population_rate(spikes, pop, Time::zero(), t1, bin);
    over_time.histogram(
        {.label = pop.name, .edges = rate.edges_ms, .counts = rate.rate_hz, .outline = true});
    means.categories.push_back(pop.name);
  }
  auto& mean = fig.add_panel();
  mean.y().label("mean rate", "Hz");
  mean.legend(plot::LegendPlace::hidden);
  mean.bars(std::move(means));
  fig.save(path);
}

}  // namespace spindle::app
