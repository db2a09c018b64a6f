// spindle/svg_plot.hpp: the one plotting module, shared by the `spindle` program and every
// example (no per-example drawing code). It writes SVG text and depends on nothing but fmt.
//
// A Figure is a grid of Panels; a Panel has an x and a y Axis (linear or log, nice round
// ticks, label with unit) and holds any mix of series: lines (optional error bars or bands
// and markers), bars and histograms, a spike raster (one coloured, labelled band per
// population) or a heat map with a colour bar. Colours come from the Okabe & Ito palette,
// which stays distinguishable under the common colour-vision deficiencies.
//
//   namespace plot = spindle::plot;
//   plot::Figure fig("CUBA network");
//   auto& r = fig.add_panel(2.0);                         // twice the height of the next one
//   r.x().label("time", "ms").limits(0, 1000);
//   r.raster(plot::raster_bands(sim.spikes(), sim.populations()));
//   auto& h = fig.add_panel();
//   h.x().label("time", "ms").limits(0, 1000);
//   h.y().label("rate", "Hz");
//   const auto rate = spindle::analysis::population_rate(spikes, exc, t0, t1, bin);
//   h.histogram({.label = "exc", .edges = rate.edges_ms, .counts = rate.rate_hz});
//   fig.save("cuba.svg");                                 // atomic: temp file, then rename
//
// The series structs are aggregates with a default for every member, so designated
// initializers may name any subset ({.label = "rate", .x = t, .y = r}) without warnings.
//
// Each series kind carries a class attribute in the SVG ("line", "bars", "histogram",
// "heatmap", "spikes" with data-population, "legend"), for tests and style sheets.
//
// Data that cannot be drawn is left out, never moved: non-finite values, and values <= 0 on a
// log axis. A NaN in a line breaks it. Size mismatches (x and y of different lengths, a cell
// index outside its band) are spindle::Error naming the series.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace spindle {
struct Spike;           // spindle/simulation.hpp
struct PopulationInfo;  // spindle/simulation.hpp
}  // namespace spindle

namespace spindle::plot {

// ---------------------------------------------------------------------------------------------
// Colours

struct Color {
  std::uint8_t r = 0, g = 0, b = 0;

  /// From "#rrggbb" (or "rrggbb"); anything else is a spindle::Error.
  static Color hex(std::string_view text);
  /// "#rrggbb", lower case.
  std::string to_hex() const;
  friend bool operator==(const Color&, const Color&) = default;
};

/// Okabe & Ito (2008) colour-blind-safe palette, in the order series receive their colours:
/// blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow. Wraps.
Color palette(std::size_t i) noexcept;
inline constexpr std::size_t palette_size = 8;

/// Colour maps for heat maps: viridis (sequential, perceptually uniform) and a blue-white-red
/// diverging map (ColorBrewer RdBu, reversed) centred on zero unless limits are given.
enum class Colormap { viridis, diverging };
/// Colour of `t` in [0, 1] (clamped) on a map.
Color colormap(Colormap map, double t) noexcept;

// ---------------------------------------------------------------------------------------------
// Axes

enum class Scale { linear, log };

class Axis {
 public:
  /// Axis title, e.g. label("time", "ms") is written "time (ms)".
  Axis& label(std::string name, std::string unit = {});
  /// Fixed limits (lo < hi, both > 0 on a log axis). Without them the axis spans the data,
  /// widened to the nearest round ticks (whole decades on a log axis).
  Axis& limits(double lo, double hi);
  Axis& log(bool on = true);
  /// Explicit tick positions, optionally with their labels (same length).
  Axis& ticks(std::vector<double> at, std::vector<std::string> labels = {});

  const std::string& name() const noexcept { return name_; }
  const std::string& unit() const noexcept { return unit_; }
  /// "name (unit)", "name", or empty.
  std::string title() const;
  Scale scale() const noexcept { return scale_; }
  const std::optional<double>& lo() const noexcept { return lo_; }
  const std::optional<double>& hi() const noexcept { return hi_; }
  const std::vector<double>& tick_positions() const noexcept { return ticks_; }
  const std::vector<std::string>& tick_labels() const noexcept { return tick_labels_; }

 private:
  std::string name_, unit_;
  Scale scale_ = Scale::linear;
  std::optional<double> lo_, hi_;
  std::vector<double> ticks_;
  std::vector<std::string> tick_labels_;
};

/// Round tick positions covering [lo, hi]: steps of 1, 2 or 5 x 10^k, about `target`
/// intervals, every tick inside [lo, hi]. nice_ticks(0, 1000, 5) is 0, 200, ..., 1000.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);
/// The step nice_ticks uses.
double nice_step(double lo, double hi, int target = 5);
/// Major ticks of a log axis over [lo, hi] (both > 0): the powers of ten inside it (every
/// second or third one over many decades); over less than two decades, 1-2-5 x 10^k.
std::vector<double> log_ticks(double lo, double hi);
/// Minor ticks of a log axis: 2..9 x 10^k inside [lo, hi], not in `major`.
std::vector<double> log_minor_ticks(double lo, double hi);
/// A tick label: as many decimals as `step` needs, a true minus sign, and m×10ⁿ for numbers
/// beyond [1e-3, 1e6).
std::string format_tick(double value, double step);
/// Text made safe for XML character data and attribute values: & < > " ' escaped, control
/// characters and invalid UTF-8 replaced by U+FFFD.
std::string xml_escape(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Series

enum class Marker { none, circle, square, triangle, diamond };
enum class Dash { solid, dashed, dotted };
enum class ErrorStyle { bars, band };

/// A line (or, with connect = false, a scatter) through (x, y), optionally with symmetric
/// errors `yerr` drawn as bars with caps or as a shaded band.
struct LineSeries {
  std::string label{};  ///< legend entry; empty: none
  std::vector<double> x{}, y{};
  std::vector<double> yerr{};  ///< empty, or one half-width per point
  std::optional<Color> color{};
  double width = 1.8;  ///< px
  Dash dash = Dash::solid;
  Marker marker = Marker::none;
  double marker_size = 6.0;  ///< px
  ErrorStyle errors = ErrorStyle::bars;
  bool connect = true;
};

/// Bars of `height` centred at `x`, or at 0, 1, ... under `categories` (which then label
/// the x axis). Several categorical bar series in one panel are grouped side by side.
struct BarSeries {
  std::string label{};
  std::vector<double> x{};
  std::vector<std::string> categories{};
  std::vector<double> height{};
  std::vector<double> yerr{};  ///< empty, or one per bar
  std::optional<Color> color{};
  double width = 0.0;  ///< in x units; 0: 80 % of the closest spacing
};

/// A histogram: counts (or rates, densities) of n bins between n + 1 ascending edges.
struct Histogram {
  std::string label{};
  std::vector<double> edges{};
  std::vector<double> counts{};
  std::optional<Color> color{};
  bool outline = false;  ///< a step outline instead of filled bars (for overlays)
};

/// One population of a spike raster: spike times and cell indices within the band.
struct RasterBand {
  std::string name{};
  std::uint32_t size = 0;              ///< cells in the band (shown rows)
  std::vector<double> times{};         ///< x values, usually ms
  std::vector<std::uint32_t> cells{};  ///< row of each spike, in [0, size)
  std::optional<Color> color{};
};

/// Histograms of any values (ISIs, weights); for population rates over time use
/// spindle::analysis::population_rate, whose edges_ms and rate_hz fit Histogram directly.
/// `bins` equal bins between lo and hi: bins + 1 edges (for Histogram::edges).
std::vector<double> uniform_edges(double lo, double hi, std::size_t bins);
/// How many values fall in each bin [edges[i], edges[i+1]) (the last bin includes its right
/// edge); values outside are not counted.
std::vector<double> bin_counts(const std::vector<double>& values, const std::vector<double>& edges);

/// Bands from a simulation's spikes, one per population in order. With max_cells > 0 only
/// the first max_cells cells of each population are kept (a readable raster of a big
/// network); the band's name then says "name (first k of N)".
std::vector<RasterBand> raster_bands(const std::vector<Spike>& spikes,
                                     const std::vector<PopulationInfo>& populations,
                                     std::uint32_t max_cells = 0);

/// Values on a rows x cols grid (row-major, row 0 at the bottom) spanning [x0, x1] x
/// [y0, y1] in data units, with a colour bar titled "label (unit)". NaN cells are grey. A panel
/// has one colour bar: further heat maps in it share the first one's colour limits.
struct HeatMap {
  std::size_t rows = 0, cols = 0;
  std::vector<double> values{};
  double x0 = 0.0, x1 = 0.0, y0 = 0.0, y1 = 0.0;  ///< x1 <= x0: 0..cols (y: 0..rows)
  std::string label{}, unit{};
  Colormap map = Colormap::viridis;
  std::optional<double> vmin{}, vmax{};  ///< colour limits; default: data range
};

// ---------------------------------------------------------------------------------------------
// Panels and figures

enum class LegendPlace {
  automatic,
  top_right,
  top_left,
  bottom_right,
  bottom_left,
  outside,
  hidden
};

class Panel {
 public:
  Panel& title(std::string text);
  Axis& x() noexcept { return x_; }
  Axis& y() noexcept { return y_; }
  const Axis& x() const noexcept { return x_; }
  const Axis& y() const noexcept { return y_; }
  /// Light grid lines at the major ticks (default on; a raster or heat map turns it off).
  Panel& grid(bool on);
  /// automatic: the inside corner that hides the least data, else outside on the right.
  Panel& legend(LegendPlace where);

  Panel& add(LineSeries s);
  Panel& add(BarSeries s);
  Panel& add(Histogram h);
  Panel& add(HeatMap m);
  /// Shorthands.
  Panel& line(std::string label, std::vector<double> x, std::vector<double> y);
  Panel& histogram(Histogram h) { return add(std::move(h)); }
  Panel& bars(BarSeries s) { return add(std::move(s)); }
  Panel& heatmap(HeatMap m) { return add(std::move(m)); }
  /// A spike raster: bands stacked from the bottom in the given order, each labelled on the
  /// y axis with its name in its colour. One mark per spike inside the x limits, about 15
  /// bytes of SVG each (a million spikes: 15 MB, 1 s); for big networks show a subset of
  /// cells with raster_bands(..., max_cells) and a time window with x().limits().
  Panel& raster(std::vector<RasterBand> bands);

  /// Reference marks: dashed lines across the panel and a shaded x interval (a stimulus),
  /// each with an optional short label, and a text note at a data point.
  Panel& hline(double y, std::string label = {});
  Panel& vline(double x, std::string label = {});
  Panel& span(double x0, double x1, std::string label = {});
  Panel& note(double x, double y, std::string text);

  struct Reference {
    enum class Kind { hline, vline, span, note } kind;
    double a = 0.0, b = 0.0;
    std::string text;
  };
  using Series = std::variant<LineSeries, BarSeries, Histogram, std::vector<RasterBand>, HeatMap>;
  const std::vector<Series>& series() const noexcept { return series_; }
  const std::vector<Reference>& references() const noexcept { return refs_; }
  const std::string& title_text() const noexcept { return title_; }
  std::optional<bool> grid_setting() const noexcept { return grid_; }
  LegendPlace legend_place() const noexcept { return legend_; }
  double height() const noexcept { return height_; }

 private:
  friend class Figure;
  std::string title_;
  Axis x_, y_;
  std::optional<bool> grid_;
  LegendPlace legend_ = LegendPlace::automatic;
  double height_ = 1.0;
  std::vector<Series> series_;
  std::vector<Reference> refs_;
};

class Figure {
 public:
  explicit Figure(std::string title = {});

  Figure& title(std::string text);
  /// Width of the whole figure and height of a panel row of relative height 1, in px
  /// (default 760 x 330).
  Figure& size(double width_px, double row_height_px);
  /// Panels are laid out in rows of this many columns (default 1: stacked).
  Figure& columns(std::size_t n);

  /// The first panel, made on first use: the whole API of a one-panel figure.
  Panel& panel();
  /// A new panel; `height` is relative to the other rows (a row is as tall as its tallest).
  Panel& add_panel(double height = 1.0);
  std::size_t num_panels() const noexcept { return panels_.size(); }

  /// The figure as a complete, standalone SVG document (UTF-8).
  std::string svg() const;
  /// Writes svg() to `path` atomically (a temporary file in the same folder, then renamed).
  /// Throws spindle::Error naming the path when it cannot be written.
  void save(const std::filesystem::path& path) const;

 private:
  std::string title_;
  double width_ = 760.0, row_height_ = 330.0;
  std::size_t columns_ = 1;
  std::deque<Panel> panels_;  // deque: references returned by add_panel stay valid
};

}  // namespace spindle::plot
