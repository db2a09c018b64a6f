// svg_plot.cpp: layout and SVG output of spindle::plot figures.
//
// svg() works in three steps: (1) per panel, resolve colours and the data extent of every
// series; (2) lay out the grid: vertical margins first (they do not depend on the data), then
// the y ticks, whose label widths give the left margin, then the x ticks; left and right
// margins are aligned within a column so stacked panels share their plot edges; (3) draw each
// panel back to front, clipped to its plot area. All text is estimated at 0.6 em per
// character, which is close for DejaVu Sans and errs wide for Helvetica and Arial.
#include "spindle/svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <limits>

#include "spindle/error.hpp"
#include "spindle/simulation.hpp"
#include "spindle/spike_io.hpp"

namespace spindle::plot {

namespace {

constexpr const char* kFontFamily = "DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif";
constexpr double kTickFont = 12.0;
constexpr double kAxisFont = 13.5;
constexpr double kFigureTitleFont = 17.0;
constexpr double kPanelTitleFont = 14.0;
constexpr double kLegendFont = 12.0;
constexpr double kNoteFont = 11.0;
constexpr double kTickLength = 5.0;
constexpr double kMinorTickLength = 3.0;
constexpr double kOuterPad = 14.0;
constexpr double kColumnGap = 18.0;
constexpr double kRowGap = 10.0;
constexpr const char* kText = "#222222";
constexpr const char* kAxisInk = "#4d4d4d";
constexpr const char* kSoftText = "#555555";
constexpr const char* kGridInk = "#e6e6e6";
/// A white outline under annotation text keeps it readable over data.
constexpr const char* kHalo =
    " stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"";
constexpr double kInf = std::numeric_limits<double>::infinity();

/// Shortest decimal with at most `decimals` places: "12.5", "3", "-0.25".
std::string num(double v, int decimals = 2) {
  if (!std::isfinite(v)) v = 0.0;
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0')
      s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

double text_width(std::string_view s, double font_size) {
  return 0.6 * font_size * static_cast<double>(code_points(s));
}

std::string superscript(long e) {
  static constexpr std::array<const char*, 10> digits = {"⁰", "¹", "²", "³", "⁴",
                                                         "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string s = e < 0 ? "⁻" : "";
  for (char c : std::to_string(std::labs(e)))
    s += digits[static_cast<std::size_t>(c - '0')];
  return s;
}

std::string with_minus(std::string s) {
  if (!s.empty() && s[0] == '-') s.replace(0, 1, "\u2212");
  return s;
}

std::string decade_label(double v) {
  return "10" + superscript(std::lround(std::log10(v)));
}

bool usable(double v, bool log) {
  return std::isfinite(v) && (!log || v > 0.0);
}

struct Extent {
  double lo = kInf, hi = -kInf;
  void add(double v, bool log) {
    if (!usable(v, log)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return !(lo <= hi); }
};

struct TickLabel {
  double at = 0.0;
  std::string text;
  std::string color;  // empty: default
};

/// An axis resolved for drawing: limits, tick marks and labels, and the mapping to pixels.
struct AxisPlan {
  double lo = 0.0, hi = 1.0;
  bool log = false;
  std::vector<double> marks, minor, grid;
  std::vector<TickLabel> labels;
  double p0 = 0.0, p1 = 1.0;  // pixel positions of lo and hi

  double t(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
  double operator()(double v) const { return p0 + (p1 - p0) * t(v); }
  bool inside(double v) const {
    const double eps = 1e-9 * (hi - lo);
    return v >= lo - eps && v <= hi + eps;
  }
  double max_label_width(double font) const {
    double w = 0.0;
    for (const auto& l : labels)
      w = std::max(w, text_width(l.text, font));
    return w;
  }
};

int clamp_target(double pixels, double per_tick, int lo, int hi) {
  return std::clamp(static_cast<int>(std::lround(pixels / per_tick)), lo, hi);
}

double smallest_spacing(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  double d = kInf;
  for (std::size_t i = 1; i < v.size(); ++i)
    if (v[i] > v[i - 1]) d = std::min(d, v[i] - v[i - 1]);
  return d;
}

/// Resolves limits and ticks of one axis. `exact`: the data extent is the natural range (a
/// raster's rows, a heat map's grid), so it is not widened to round ticks.
AxisPlan plan_axis(const Axis& axis, Extent data, bool exact, int target, const char* which) {
  AxisPlan a;
  a.log = axis.scale() == Scale::log;
  const std::string name = axis.name().empty() ? std::string(which) : "'" + axis.name() + "'";
  if (axis.lo() && axis.hi()) {
    a.lo = *axis.lo();
    a.hi = *axis.hi();
    if (a.log && !(a.lo > 0.0))
      throw Error(fmt::format("plot: log {} axis {} needs limits > 0, got [{}, {}]", which, name,
                              a.lo, a.hi));
  } else if (data.empty()) {
    a.lo = a.log ? 1.0 : 0.0;
    a.hi = a.log ? 10.0 : 1.0;
  } else if (a.log) {
    a.lo = data.lo;
    a.hi = data.hi;
    if (!exact) {
      a.lo = std::pow(10.0, std::floor(std::log10(a.lo) + 1e-9));
      a.hi = std::pow(10.0, std::ceil(std::log10(a.hi) - 1e-9));
    }
    if (!(a.hi > a.lo)) a.hi = a.lo * 10.0;
  } else {
    a.lo = data.lo;
    a.hi = data.hi;
    if (!(a.hi > a.lo)) {
      const double pad = a.lo == 0.0 ? 1.0 : 0.5 * std::abs(a.lo);
      a.lo -= pad;
      a.hi += pad;
    } else if (!exact) {
      // Widen to the next round tick when that costs little, else pad by 3 %; never pad past
      // a data edge at zero (bars and histograms stand on it).
      const double step = nice_step(a.lo, a.hi, target), span = a.hi - a.lo;
      const double lo_tick = std::floor(a.lo / step + 1e-9) * step;
      const double hi_tick = std::ceil(a.hi / step - 1e-9) * step;
      if (a.lo != 0.0) a.lo = a.lo - lo_tick <= 0.05 * span ? lo_tick : a.lo - 0.03 * span;
      if (a.hi != 0.0) a.hi = hi_tick - a.hi <= 0.05 * span ? hi_tick : a.hi + 0.03 * span;
    }
  }

  if (!axis.tick_positions().empty()) {
    const auto& at = axis.tick_positions();
    const auto& text = axis.tick_labels();
    const double step = smallest_spacing(at);
    for (std::size_t i = 0; i < at.size(); ++i) {
      if (!usable(at[i], a.log) || !a.inside(at[i])) continue;
      a.marks.push_back(at[i]);
      a.labels.push_back({at[i], i < text.size() ? text[i] : format_tick(at[i], step), {}});
    }
    a.grid = a.marks;
    return a;
  }
  if (a.log) {
    a.marks = log_ticks(a.lo, a.hi);
    a.minor = log_minor_ticks(a.lo, a.hi);
    // Decades read best in one notation: plain from 0.01 to 1000, else all as 10ⁿ.
    auto decade = [](double v) {
      return std::abs(v - std::pow(10.0, std::round(std::log10(v)))) <= 1e-9 * v;
    };
    const bool decades = std::all_of(a.marks.begin(), a.marks.end(), decade);
    const bool plain = std::all_of(a.marks.begin(), a.marks.end(),
                                   [](double v) { return v >= 0.00999 && v <= 1000.1; });
    for (double v : a.marks)
      a.labels.push_back({v, decades && !plain ? decade_label(v) : format_tick(v, v), {}});
  } else {
    a.marks = nice_ticks(a.lo, a.hi, target);
    const double step = nice_step(a.lo, a.hi, target);
    for (double v : a.marks)
      a.labels.push_back({v, format_tick(v, step), {}});
  }
  a.grid = a.marks;
  return a;
}

/// Colour anchors, interpolated linearly in RGB.
constexpr std::array<std::uint32_t, 11> kViridis = {0x440154, 0x482576, 0x414487, 0x35608d,
                                                    0x2a788e, 0x21908c, 0x22a884, 0x43bf71,
                                                    0x7ad151, 0xbbdf27, 0xfde725};
constexpr std::array<std::uint32_t, 11> kDiverging = {0x053061, 0x2166ac, 0x4393c3, 0x92c5de,
                                                      0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582,
                                                      0xd6604d, 0xb2182b, 0x67001f};
constexpr std::array<std::uint32_t, palette_size> kOkabeIto = {
    0x0072b2, 0xd55e00, 0x009e73, 0xcc79a7, 0xe69f00, 0x56b4e9, 0x000000, 0xf0e442};

Color from_rgb(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}

std::string css(const Color& c) {
  return c.to_hex();
}

const char* dash_array(Dash d) {
  switch (d) {
    case Dash::dashed:
      return "7 4";
    case Dash::dotted:
      return "1.5 3.5";
    case Dash::solid:
      break;
  }
  return nullptr;
}

/// Appends SVG text with fmt.
class Out {
 public:
  template <typename... Args>
  void operator()(fmt::format_string<Args...> f, Args&&... args) {
    fmt::format_to(std::back_inserter(s_), f, std::forward<Args>(args)...);
  }
  std::string& str() { return s_; }

 private:
  std::string s_;
};

void text(Out& out, double x, double y, std::string_view s, double size, const char* anchor,
          const std::string& extra = {}) {
  out("<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\"{}>{}</text>\n", num(x), num(y),
      num(size, 1), anchor, extra, xml_escape(s));
}

/// Marker outline centred at (x, y) with radius r, as path data.
void marker_path(std::string& d, Marker m, double x, double y, double r) {
  auto out = std::back_inserter(d);
  switch (m) {
    case Marker::circle:
      fmt::format_to(out, "M{} {}a{} {} 0 1 0 {} 0a{} {} 0 1 0 {} 0z", num(x - r), num(y), num(r),
                     num(r), num(2 * r), num(r), num(r), num(-2 * r));
      break;
    case Marker::square: {
      const double h = 0.88 * r;
      fmt::format_to(out, "M{} {}h{}v{}h{}z", num(x - h), num(y - h), num(2 * h), num(2 * h),
                     num(-2 * h));
      break;
    }
    case Marker::triangle: {
      const double k = 1.15 * r;
      fmt::format_to(out, "M{} {}L{} {}L{} {}z", num(x), num(y - k), num(x + k * 0.866),
                     num(y + k * 0.5), num(x - k * 0.866), num(y + k * 0.5));
      break;
    }
    case Marker::diamond: {
      const double k = 1.2 * r;
      fmt::format_to(out, "M{} {}L{} {}L{} {}L{} {}z", num(x), num(y - k), num(x + k), num(y),
                     num(x), num(y + k), num(x - k), num(y));
      break;
    }
    case Marker::none:
      break;
  }
}

/// A scatter (connect = false) always shows markers, circles unless told otherwise.
Marker shown_marker(const LineSeries& l) {
  return l.connect || l.marker != Marker::none ? l.marker : Marker::circle;
}

struct LegendEntry {
  enum class Kind { line, patch, outline } kind;
  std::string label;
  Color color;
  Dash dash = Dash::solid;
  Marker marker = Marker::none;
  double width = 1.8;
};

struct PanelPlan {
  const Panel* panel = nullptr;
  std::size_t index = 0, row = 0, col = 0;
  double cx = 0, cy = 0, cw = 0, ch = 0;            // cell
  double left = 0, right = 0, top = 0, bottom = 0;  // margins inside the cell
  double need_left = 0, need_right = 0;             // before alignment within the column
  double px = 0, py = 0, pw = 0, ph = 0;            // plot area
  Extent xdata, ydata;
  bool xexact = false, yexact = false;
  AxisPlan xa, ya;
  bool grid = true;
  std::vector<Color> colors;  // one per series (bands: first band's)
  std::vector<std::vector<Color>> band_colors;
  std::size_t categorical_bars = 0;
  std::vector<std::string> categories;
  const HeatMap* heat = nullptr;
  double cmin = 0, cmax = 1;
  AxisPlan ca;  // colour bar axis
  double colorbar_w = 0;
  std::vector<LegendEntry> legend;
  double legend_w = 0, legend_h = 0;
  LegendPlace place = LegendPlace::hidden;
  bool outside = false;   // the legend sits right of the plot (asked for, or no corner was free)
  double lx = 0, ly = 0;  // legend box position
};

constexpr double kLegendRow = 18.0;
constexpr double kLegendSwatch = 24.0;

double bar_width(const BarSeries& s, std::size_t categorical) {
  if (!s.categories.empty())
    return 0.8 / static_cast<double>(std::max<std::size_t>(1, categorical));
  if (s.width > 0.0) return s.width;
  const double d = smallest_spacing(s.x);
  return std::isfinite(d) ? 0.8 * d : 0.8;
}

/// x position of bar i of series s (categorical series are grouped side by side).
double bar_x(const BarSeries& s, std::size_t i, std::size_t slot, std::size_t categorical) {
  if (s.categories.empty()) return s.x[i];
  const double w = 0.8 / static_cast<double>(std::max<std::size_t>(1, categorical));
  return static_cast<double>(i) - 0.4 + (static_cast<double>(slot) + 0.5) * w;
}

struct HeatLimits {
  double lo = 0, hi = 1;
};

HeatLimits heat_limits(const HeatMap& m) {
  Extent e;
  for (double v : m.values)
    e.add(v, false);
  HeatLimits h;
  if (e.empty()) e = {0.0, 1.0};
  if (m.map == Colormap::diverging && !m.vmin && !m.vmax) {
    const double a = std::max(std::abs(e.lo), std::abs(e.hi));
    h = {-a, a};
  } else {
    h = {m.vmin.value_or(e.lo), m.vmax.value_or(e.hi)};
  }
  if (!(h.hi > h.lo)) {
    const double pad = h.lo == 0.0 ? 1.0 : 0.5 * std::abs(h.lo);
    h = {h.lo - pad, h.hi + pad};
  }
  return h;
}

double heat_x0(const HeatMap& m) {
  return m.x1 > m.x0 ? m.x0 : 0.0;
}
double heat_x1(const HeatMap& m) {
  return m.x1 > m.x0 ? m.x1 : static_cast<double>(m.cols);
}
double heat_y0(const HeatMap& m) {
  return m.y1 > m.y0 ? m.y0 : 0.0;
}
double heat_y1(const HeatMap& m) {
  return m.y1 > m.y0 ? m.y1 : static_cast<double>(m.rows);
}

/// Step 1: colours, extents, legend entries.
void collect(PanelPlan& pp) {
  const Panel& p = *pp.panel;
  const bool xlog = p.x().scale() == Scale::log, ylog = p.y().scale() == Scale::log;
  std::size_t next_color = 0;
  auto take = [&](const std::optional<Color>& c) { return c ? *c : palette(next_color++); };
  bool has_raster = false, has_heat = false;
  for (const auto& s : p.series())
    if (auto* b = std::get_if<BarSeries>(&s); b && !b->categories.empty()) {
      ++pp.categorical_bars;
      if (pp.categories.empty()) pp.categories = b->categories;
    }
  std::size_t slot = 0;
  for (const auto& s : p.series()) {
    if (auto* l = std::get_if<LineSeries>(&s)) {
      const Color c = take(l->color);
      pp.colors.push_back(c);
      for (std::size_t i = 0; i < l->x.size(); ++i) {
        if (!usable(l->x[i], xlog) || !usable(l->y[i], ylog)) continue;
        pp.xdata.add(l->x[i], xlog);
        const double e = l->yerr.empty() ? 0.0 : std::abs(l->yerr[i]);
        pp.ydata.add(l->y[i], ylog);
        if (std::isfinite(e) && e > 0) {
          pp.ydata.add(l->y[i] - e, ylog);
          pp.ydata.add(l->y[i] + e, ylog);
        }
      }
      if (!l->label.empty())
        pp.legend.push_back({LegendEntry::Kind::line, l->label, c, l->dash, shown_marker(*l),
                             l->connect ? l->width : 0.0});
    } else if (auto* b = std::get_if<BarSeries>(&s)) {
      const Color c = take(b->color);
      pp.colors.push_back(c);
      const double w = bar_width(*b, pp.categorical_bars);
      const std::size_t my_slot = b->categories.empty() ? 0 : slot++;
      for (std::size_t i = 0; i < b->height.size(); ++i) {
        const double x = bar_x(*b, i, my_slot, pp.categorical_bars);
        if (b->categories.empty()) {
          pp.xdata.add(x - w / 2, xlog);
          pp.xdata.add(x + w / 2, xlog);
        }
        pp.ydata.add(b->height[i], ylog);
        if (!b->yerr.empty() && std::isfinite(b->yerr[i]))
          pp.ydata.add(b->height[i] + std::abs(b->yerr[i]), ylog);
      }
      if (!ylog) pp.ydata.add(0.0, false);
      if (!b->label.empty()) pp.legend.push_back({LegendEntry::Kind::patch, b->label, c});
    } else if (auto* h = std::get_if<Histogram>(&s)) {
      const Color c = take(h->color);
      pp.colors.push_back(c);
      for (double e : h->edges)
        pp.xdata.add(e, xlog);
      for (double v : h->counts)
        pp.ydata.add(v, ylog);
      if (!ylog) pp.ydata.add(0.0, false);
      if (!h->label.empty())
        pp.legend.push_back(
            {h->outline ? LegendEntry::Kind::outline : LegendEntry::Kind::patch, h->label, c});
    } else if (auto* bands = std::get_if<std::vector<RasterBand>>(&s)) {
      has_raster = true;
      std::vector<Color> cs;
      double rows = 0;
      for (const auto& band : *bands) {
        cs.push_back(take(band.color));
        for (double t : band.times)
          pp.xdata.add(t, xlog);
        rows += band.size;
      }
      pp.colors.push_back(cs.empty() ? palette(0) : cs.front());
      pp.band_colors.push_back(std::move(cs));
      pp.ydata.add(0.0, ylog);
      pp.ydata.add(std::max(rows, 1.0), ylog);
      pp.yexact = true;
    } else if (auto* m = std::get_if<HeatMap>(&s)) {
      has_heat = true;
      pp.colors.push_back(Color{});
      if (!pp.heat) pp.heat = m;
      pp.xdata.add(heat_x0(*m), xlog);
      pp.xdata.add(heat_x1(*m), xlog);
      pp.ydata.add(heat_y0(*m), ylog);
      pp.ydata.add(heat_y1(*m), ylog);
      pp.xexact = pp.yexact = true;
    }
  }
  if (pp.categorical_bars > 0) {
    pp.xdata.add(-0.5, false);
    pp.xdata.add(static_cast<double>(pp.categories.size()) - 0.5, false);
    pp.xexact = true;
  }
  for (const auto& r : p.references()) {
    using K = Panel::Reference::Kind;
    if (r.kind == K::hline) pp.ydata.add(r.a, ylog);
    if (r.kind == K::vline) pp.xdata.add(r.a, xlog);
    if (r.kind == K::span) {
      pp.xdata.add(r.a, xlog);
      pp.xdata.add(r.b, xlog);
    }
    if (r.kind == K::note) {
      pp.xdata.add(r.a, xlog);
      pp.ydata.add(r.b, ylog);
    }
  }
  pp.grid = p.grid_setting().value_or(!has_raster && !has_heat);
  double w = 0;
  for (const auto& e : pp.legend)
    w = std::max(w, text_width(e.label, kLegendFont));
  pp.legend_w = 8 + kLegendSwatch + 7 + w + 9;
  pp.legend_h = 6 + kLegendRow * static_cast<double>(pp.legend.size()) + 3;
  pp.outside = !pp.legend.empty() && p.legend_place() == LegendPlace::outside;
}

/// Moves band labels apart so that neighbours are at least `gap` (data units) apart, keeping
/// them inside [0, top]: small populations between big ones would otherwise print on top of
/// each other. Labels stay in band order; each moves as little as the two passes allow.
void spread_band_labels(std::vector<TickLabel>& labels, double gap, double top) {
  if (labels.size() < 2 || gap * static_cast<double>(labels.size()) > top) return;
  for (std::size_t i = 1; i < labels.size(); ++i)
    labels[i].at = std::max(labels[i].at, labels[i - 1].at + gap);
  labels.back().at = std::min(labels.back().at, top - gap / 2);
  for (std::size_t i = labels.size() - 1; i-- > 0;)
    labels[i].at = std::min(labels[i].at, labels[i + 1].at - gap);
}

/// Step 2a: vertical layout and y axis (needs only the cell height).
void plan_vertical(PanelPlan& pp) {
  const Panel& p = *pp.panel;
  pp.top = p.title_text().empty() ? 10.0 : 30.0;
  pp.bottom = kTickLength + 5 + kTickFont + 3 + (p.x().title().empty() ? 0.0 : 9 + kAxisFont);
  pp.ph = std::max(20.0, pp.ch - pp.top - pp.bottom);
  pp.ya = plan_axis(p.y(), pp.ydata, pp.yexact, clamp_target(pp.ph, 55, 2, 8), "y");
  // A raster labels its bands instead of numbering rows.
  for (const auto& s : p.series()) {
    auto* bands = std::get_if<std::vector<RasterBand>>(&s);
    if (!bands || !p.y().tick_positions().empty()) continue;
    const auto& cs = pp.band_colors.front();
    pp.ya.marks.clear();
    pp.ya.labels.clear();
    pp.ya.grid.clear();
    double base = 0;
    pp.ya.marks.push_back(0);
    for (std::size_t i = 0; i < bands->size(); ++i) {
      const double sz = (*bands)[i].size;
      pp.ya.labels.push_back({base + sz / 2, (*bands)[i].name, css(cs[i])});
      base += sz;
      pp.ya.marks.push_back(base);
    }
    spread_band_labels(pp.ya.labels, base * (kTickFont + 2) / pp.ph, base);
    break;
  }
  pp.need_left = kTickLength + 5 + std::max(8.0, pp.ya.max_label_width(kTickFont)) +
                 (p.y().title().empty() ? 2.0 : 10 + kAxisFont);
  pp.need_right = 16.0;
  if (pp.heat) {
    const HeatLimits h = heat_limits(*pp.heat);
    pp.cmin = h.lo;
    pp.cmax = h.hi;
    Axis cbar;
    cbar.limits(h.lo, h.hi);
    pp.ca = plan_axis(cbar, {}, true, clamp_target(pp.ph, 50, 2, 8), "colour");
    std::string title = pp.heat->label;
    if (!pp.heat->unit.empty()) title += " (" + pp.heat->unit + ")";
    pp.colorbar_w = 14 + 13 + kTickLength + 4 + pp.ca.max_label_width(kTickFont) +
                    (title.empty() ? 0.0 : 8 + kAxisFont);
    pp.need_right += pp.colorbar_w;
  }
}

/// Step 2b: horizontal layout once the column's margins are known.
void plan_horizontal(PanelPlan& pp) {
  pp.px = pp.cx + pp.left;
  pp.py = pp.cy + pp.top;
  pp.pw = std::max(20.0, pp.cw - pp.left - pp.right);
  pp.xa = plan_axis(pp.panel->x(), pp.xdata, pp.xexact, clamp_target(pp.pw, 90, 2, 10), "x");
  if (pp.categorical_bars > 0 && pp.panel->x().tick_positions().empty()) {
    pp.xa.marks.clear();
    pp.xa.labels.clear();
    pp.xa.grid.clear();
    for (std::size_t i = 0; i < pp.categories.size(); ++i) {
      pp.xa.marks.push_back(static_cast<double>(i));
      pp.xa.labels.push_back({static_cast<double>(i), pp.categories[i], {}});
    }
  }
  pp.xa.p0 = pp.px;
  pp.xa.p1 = pp.px + pp.pw;
  pp.ya.p0 = pp.py + pp.ph;
  pp.ya.p1 = pp.py;
  pp.ca.p0 = pp.py + pp.ph;
  pp.ca.p1 = pp.py;
}

/// Pixel positions of the drawn data, for placing the legend where it hides the least.
std::vector<std::pair<double, double>> data_points(const PanelPlan& pp) {
  std::vector<std::pair<double, double>> pts;
  const bool xlog = pp.xa.log, ylog = pp.ya.log;
  std::size_t slot = 0;
  for (const auto& s : pp.panel->series()) {
    if (auto* l = std::get_if<LineSeries>(&s)) {
      double lx = NAN, ly = NAN;
      for (std::size_t i = 0; i < l->x.size(); ++i) {
        if (!usable(l->x[i], xlog) || !usable(l->y[i], ylog)) {
          lx = ly = NAN;
          continue;
        }
        const double x = pp.xa(l->x[i]), y = pp.ya(l->y[i]);
        if (l->connect && std::isfinite(lx)) {  // points every 6 px along long segments
          const int k = static_cast<int>(std::hypot(x - lx, y - ly) / 6.0);
          for (int j = 1; j <= k; ++j)
            pts.emplace_back(lx + (x - lx) * j / (k + 1.0), ly + (y - ly) * j / (k + 1.0));
        }
        pts.emplace_back(x, y);
        if (!l->yerr.empty() && std::isfinite(l->yerr[i])) {
          const double e = std::abs(l->yerr[i]);
          if (usable(l->y[i] + e, ylog)) pts.emplace_back(x, pp.ya(l->y[i] + e));
        }
        lx = x;
        ly = y;
      }
    } else if (auto* b = std::get_if<BarSeries>(&s)) {
      const std::size_t my_slot = b->categories.empty() ? 0 : slot++;
      for (std::size_t i = 0; i < b->height.size(); ++i) {
        const double xv = bar_x(*b, i, my_slot, pp.categorical_bars);
        if (!usable(xv, xlog) || !usable(b->height[i], ylog)) continue;
        const double x = pp.xa(xv), top = pp.ya(b->height[i]);
        for (double y = top; y <= pp.py + pp.ph; y += 6)
          pts.emplace_back(x, y);
      }
    } else if (auto* h = std::get_if<Histogram>(&s)) {
      for (std::size_t i = 0; i < h->counts.size(); ++i) {
        const double xv = 0.5 * (h->edges[i] + h->edges[i + 1]);
        if (!usable(xv, xlog) || !usable(h->counts[i], ylog)) continue;
        const double x = pp.xa(xv), top = pp.ya(h->counts[i]);
        for (double y = top; y <= pp.py + pp.ph; y += 6)
          pts.emplace_back(x, y);
      }
    }
  }
  return pts;
}

/// Step 2c: where the legend goes. Returns false when it must move outside (margins change).
bool place_legend(PanelPlan& pp) {
  pp.place = pp.legend.empty() ? LegendPlace::hidden
             : pp.outside      ? LegendPlace::outside
                               : pp.panel->legend_place();
  if (pp.place == LegendPlace::hidden) return true;
  if (pp.place == LegendPlace::outside) {
    pp.lx = pp.px + pp.pw + 14 + pp.colorbar_w;
    pp.ly = pp.py;
    return true;
  }
  const double inset = 8;
  auto corner = [&](LegendPlace c) -> std::pair<double, double> {
    const bool right = c == LegendPlace::top_right || c == LegendPlace::bottom_right;
    const bool top = c == LegendPlace::top_right || c == LegendPlace::top_left;
    return {right ? pp.px + pp.pw - inset - pp.legend_w : pp.px + inset,
            top ? pp.py + inset : pp.py + pp.ph - inset - pp.legend_h};
  };
  if (pp.place != LegendPlace::automatic) {
    std::tie(pp.lx, pp.ly) = corner(pp.place);
    return true;
  }
  const auto pts = data_points(pp);
  const std::array<LegendPlace, 4> order = {LegendPlace::top_right, LegendPlace::top_left,
                                            LegendPlace::bottom_right, LegendPlace::bottom_left};
  for (auto c : order) {
    // Named copies, not a structured binding: clang 14 cannot capture bindings in a lambda.
    const auto at = corner(c);
    const double x = at.first, y = at.second;
    const bool fits = pp.legend_w + 2 * inset <= pp.pw && pp.legend_h + 2 * inset <= pp.ph;
    const bool free = std::none_of(pts.begin(), pts.end(), [&](const auto& q) {
      return q.first >= x - 3 && q.first <= x + pp.legend_w + 3 && q.second >= y - 3 &&
             q.second <= y + pp.legend_h + 3;
    });
    if (fits && free) {
      pp.place = c;
      pp.lx = x;
      pp.ly = y;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Step 3: drawing

void draw_grid(Out& out, const PanelPlan& pp) {
  if (!pp.grid) return;
  std::string d;
  for (double v : pp.ya.grid) {
    if (!pp.ya.inside(v)) continue;
    const double y = pp.ya(v);
    if (std::abs(y - (pp.py + pp.ph)) < 0.5) continue;  // the x axis line is there
    d += fmt::format("M{} {}H{}", num(pp.px), num(y), num(pp.px + pp.pw));
  }
  if (!d.empty())
    out("<path d=\"{}\" stroke=\"{}\" stroke-width=\"1\" fill=\"none\"/>\n", d, kGridInk);
}

void draw_spans(Out& out, const PanelPlan& pp) {
  for (const auto& r : pp.panel->references()) {
    if (r.kind != Panel::Reference::Kind::span) continue;
    const double a = std::max(pp.xa.lo, std::min(r.a, r.b));
    const double b = std::min(pp.xa.hi, std::max(r.a, r.b));
    if (!(b > a) || !usable(a, pp.xa.log)) continue;
    out("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#000000\" "
        "fill-opacity=\"0.07\"/>\n",
        num(pp.xa(a)), num(pp.py), num(pp.xa(b) - pp.xa(a)), num(pp.ph));
  }
}

void draw_heat(Out& out, const PanelPlan& pp, const HeatMap& m, const std::string& clip) {
  const HeatLimits lim{pp.cmin, pp.cmax};
  const double x0 = heat_x0(m), x1 = heat_x1(m), y0 = heat_y0(m), y1 = heat_y1(m);
  const double dx = (x1 - x0) / static_cast<double>(m.cols);
  const double dy = (y1 - y0) / static_cast<double>(m.rows);
  out("<g class=\"heatmap\" clip-path=\"url(#{})\">\n", clip);
  auto level = [&](double v) -> int {
    if (!std::isfinite(v)) return -1;
    const double t = std::clamp((v - lim.lo) / (lim.hi - lim.lo), 0.0, 1.0);
    return static_cast<int>(std::lround(t * 255.0));
  };
  for (std::size_t r = 0; r < m.rows; ++r) {
    const double ya = y0 + dy * static_cast<double>(r), yb = ya + dy;
    if (!usable(ya, pp.ya.log) || !usable(yb, pp.ya.log)) continue;
    const double top = pp.ya(yb), bot = pp.ya(ya);
    std::size_t c = 0;
    while (c < m.cols) {
      const int lv = level(m.values[r * m.cols + c]);
      std::size_t e = c + 1;
      while (e < m.cols && level(m.values[r * m.cols + e]) == lv)
        ++e;
      const double xa = x0 + dx * static_cast<double>(c), xb = x0 + dx * static_cast<double>(e);
      if (usable(xa, pp.xa.log) && usable(xb, pp.xa.log)) {
        const std::string fill = lv < 0 ? std::string("#d9d9d9") : css(colormap(m.map, lv / 255.0));
        // Cells overlap by half a pixel so no hairline seams show between them.
        out("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n", num(pp.xa(xa)),
            num(top - 0.25), num(pp.xa(xb) - pp.xa(xa) + 0.5), num(bot - top + 0.5), fill);
      }
      c = e;
    }
  }
  out("</g>\n");
}

void draw_bars(Out& out, const PanelPlan& pp, const BarSeries& b, const Color& c,
               std::size_t slot) {
  const double w = bar_width(b, pp.categorical_bars);
  const double base = pp.ya.log ? pp.ya.lo : std::clamp(0.0, pp.ya.lo, pp.ya.hi);
  std::string d, err;
  for (std::size_t i = 0; i < b.height.size(); ++i) {
    const double x = bar_x(b, i, slot, pp.categorical_bars);
    const double h = b.height[i];
    if (!usable(x - w / 2, pp.xa.log) || !usable(x + w / 2, pp.xa.log) || !usable(h, pp.ya.log))
      continue;
    const double xa = pp.xa(x - w / 2), xb = pp.xa(x + w / 2);
    const double ya = pp.ya(std::clamp(h, pp.ya.lo, pp.ya.hi)), yb = pp.ya(base);
    d += fmt::format("M{} {}H{}V{}H{}z", num(xa), num(std::min(ya, yb)), num(xb),
                     num(std::max(ya, yb)), num(xa));
    if (!b.yerr.empty() && std::isfinite(b.yerr[i]) && b.yerr[i] != 0.0) {
      const double e = std::abs(b.yerr[i]);
      const double lo = usable(h - e, pp.ya.log) ? h - e : pp.ya.lo;
      const double xm = pp.xa(x), cap = std::min(5.0, 0.25 * (xb - xa));
      err += fmt::format("M{} {}V{}M{} {}h{}M{} {}h{}", num(xm), num(pp.ya(lo)), num(pp.ya(h + e)),
                         num(xm - cap), num(pp.ya(h + e)), num(2 * cap), num(xm - cap),
                         num(pp.ya(lo)), num(2 * cap));
    }
  }
  if (!d.empty()) out("<path class=\"bars\" d=\"{}\" fill=\"{}\"/>\n", d, css(c));
  if (!err.empty())
    out("<path d=\"{}\" stroke=\"{}\" stroke-width=\"1.3\" fill=\"none\"/>\n", err, kText);
}

void draw_histogram(Out& out, const PanelPlan& pp, const Histogram& h, const Color& c) {
  const double base = pp.ya.log ? pp.ya.lo : std::clamp(0.0, pp.ya.lo, pp.ya.hi);
  std::string d;
  if (h.outline) {
    bool open = false;
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
      const double v = h.counts[i];
      if (!usable(h.edges[i], pp.xa.log) || !usable(v, pp.ya.log)) {
        open = false;
        continue;
      }
      const double y = pp.ya(std::clamp(v, pp.ya.lo, pp.ya.hi));
      if (!open) d += fmt::format("M{} {}", num(pp.xa(h.edges[i])), num(pp.ya(base)));
      d += fmt::format("V{}H{}", num(y), num(pp.xa(h.edges[i + 1])));
      const bool next_ok = i + 1 < h.counts.size() && usable(h.counts[i + 1], pp.ya.log);
      if (!next_ok) d += fmt::format("V{}", num(pp.ya(base)));
      open = next_ok;
    }
    if (!d.empty())
      out("<path class=\"histogram\" d=\"{}\" stroke=\"{}\" stroke-width=\"1.6\" "
          "stroke-linejoin=\"miter\" "
          "fill=\"none\"/>\n",
          d, css(c));
    return;
  }
  double narrowest = kInf;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    const double v = h.counts[i];
    if (!usable(h.edges[i], pp.xa.log) || !usable(v, pp.ya.log) || v == base) continue;
    const double xa = pp.xa(h.edges[i]), xb = pp.xa(h.edges[i + 1]);
    const double y = pp.ya(std::clamp(v, pp.ya.lo, pp.ya.hi)), yb = pp.ya(base);
    narrowest = std::min(narrowest, xb - xa);
    d += fmt::format("M{} {}H{}V{}H{}z", num(xa), num(std::min(y, yb)), num(xb),
                     num(std::max(y, yb)), num(xa));
  }
  if (d.empty()) return;
  // Thin white gaps separate wide bins; narrow bins read as one filled profile.
  if (narrowest > 5.0)
    out("<path class=\"histogram\" d=\"{}\" fill=\"{}\" stroke=\"#ffffff\" "
        "stroke-width=\"0.7\"/>\n",
        d, css(c));
  else
    out("<path class=\"histogram\" d=\"{}\" fill=\"{}\"/>\n", d, css(c));
}

/// Polyline runs of a line series in pixels, split at unusable points. Dense runs (more
/// points than 2 per pixel column with ascending x) keep first/min/max/last per column.
std::vector<std::vector<std::pair<double, double>>> line_runs(const PanelPlan& pp,
                                                              const LineSeries& l) {
  std::vector<std::vector<std::pair<double, double>>> runs(1);
  for (std::size_t i = 0; i < l.x.size(); ++i) {
    if (!usable(l.x[i], pp.xa.log) || !usable(l.y[i], pp.ya.log)) {
      if (!runs.back().empty()) runs.emplace_back();
      continue;
    }
    runs.back().emplace_back(pp.xa(l.x[i]), pp.ya(l.y[i]));
  }
  if (runs.back().empty()) runs.pop_back();
  for (auto& r : runs) {
    if (r.size() < 4 * static_cast<std::size_t>(pp.pw)) continue;
    const bool ascending = std::is_sorted(
        r.begin(), r.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (!ascending) continue;
    std::vector<std::pair<double, double>> thin;
    std::size_t i = 0;
    while (i < r.size()) {
      const double column = std::floor(r[i].first);
      std::size_t j = i;
      std::size_t lo = i, hi = i;
      while (j < r.size() && std::floor(r[j].first) == column) {
        if (r[j].second < r[lo].second) lo = j;
        if (r[j].second > r[hi].second) hi = j;
        ++j;
      }
      std::array<std::size_t, 4> keep = {i, std::min(lo, hi), std::max(lo, hi), j - 1};
      for (std::size_t k = 0; k < keep.size(); ++k)
        if (k == 0 || keep[k] != keep[k - 1]) thin.push_back(r[keep[k]]);
      i = j;
    }
    r = std::move(thin);
  }
  return runs;
}

/// The clipped part of a line series: error band and line.
void draw_line(Out& out, const PanelPlan& pp, const LineSeries& l, const Color& c) {
  const std::string col = css(c);
  if (!l.yerr.empty() && l.errors == ErrorStyle::band) {
    std::vector<std::pair<double, double>> up, dn;
    std::string d;
    auto flush = [&] {
      if (up.size() >= 2) {
        d += fmt::format("M{} {}", num(up[0].first), num(up[0].second));
        for (std::size_t k = 1; k < up.size(); ++k)
          d += fmt::format("L{} {}", num(up[k].first), num(up[k].second));
        for (std::size_t k = dn.size(); k-- > 0;)
          d += fmt::format("L{} {}", num(dn[k].first), num(dn[k].second));
        d += "z";
      }
      up.clear();
      dn.clear();
    };
    for (std::size_t i = 0; i < l.x.size(); ++i) {
      const double e = std::abs(l.yerr[i]);
      if (!usable(l.x[i], pp.xa.log) || !usable(l.y[i] + e, pp.ya.log) ||
          !usable(l.y[i] - e, pp.ya.log)) {
        flush();
        continue;
      }
      up.emplace_back(pp.xa(l.x[i]), pp.ya(l.y[i] + e));
      dn.emplace_back(pp.xa(l.x[i]), pp.ya(l.y[i] - e));
    }
    flush();
    if (!d.empty()) out("<path d=\"{}\" fill=\"{}\" fill-opacity=\"0.22\"/>\n", d, col);
  }
  if (l.connect) {
    std::string d;
    for (const auto& run : line_runs(pp, l)) {
      if (run.size() == 1) {  // a lone point still shows, as a dot
        d += fmt::format("M{} {}h0", num(run[0].first), num(run[0].second));
        continue;
      }
      for (std::size_t k = 0; k < run.size(); ++k)
        d += fmt::format("{}{} {}", k == 0 ? 'M' : 'L', num(run[k].first), num(run[k].second));
    }
    if (!d.empty()) {
      const char* da = dash_array(l.dash);
      out("<path class=\"line\" d=\"{}\" stroke=\"{}\" stroke-width=\"{}\" fill=\"none\" "
          "stroke-linejoin=\"round\" stroke-linecap=\"round\"{}/>\n",
          d, col, num(l.width), da ? fmt::format(" stroke-dasharray=\"{}\"", da) : std::string());
    }
  }
}

/// The unclipped part: error bars and markers of the points inside the axes, drawn whole even
/// on the plot edge; bars are cut at the axis limits.
void draw_line_marks(Out& out, const PanelPlan& pp, const LineSeries& l, const Color& c) {
  const std::string col = css(c);
  auto shown = [&](std::size_t i) {
    return usable(l.x[i], pp.xa.log) && usable(l.y[i], pp.ya.log) && pp.xa.inside(l.x[i]) &&
           pp.ya.inside(l.y[i]);
  };
  if (!l.yerr.empty() && l.errors == ErrorStyle::bars) {
    std::string d;
    double spacing = kInf;
    for (std::size_t i = 1; i < l.x.size(); ++i)
      if (usable(l.x[i], pp.xa.log) && usable(l.x[i - 1], pp.xa.log))
        spacing = std::min(spacing, std::abs(pp.xa(l.x[i]) - pp.xa(l.x[i - 1])));
    const double cap = spacing > 10 ? 3.5 : 0.0;
    for (std::size_t i = 0; i < l.x.size(); ++i) {
      const double e = std::abs(l.yerr[i]);
      if (!shown(i) || !std::isfinite(e) || e == 0.0) continue;
      const double lo = usable(l.y[i] - e, pp.ya.log) ? std::max(l.y[i] - e, pp.ya.lo) : pp.ya.lo;
      const double hi = std::min(l.y[i] + e, pp.ya.hi);
      const double x = pp.xa(l.x[i]), ya = pp.ya(lo), yb = pp.ya(hi);
      d += fmt::format("M{} {}V{}", num(x), num(ya), num(yb));
      if (cap > 0 && lo == l.y[i] - e)
        d += fmt::format("M{} {}h{}", num(x - cap), num(ya), num(2 * cap));
      if (cap > 0 && hi == l.y[i] + e)
        d += fmt::format("M{} {}h{}", num(x - cap), num(yb), num(2 * cap));
    }
    if (!d.empty())
      out("<path d=\"{}\" stroke=\"{}\" stroke-width=\"1.2\" fill=\"none\"/>\n", d, col);
  }
  const Marker m = shown_marker(l);
  if (m != Marker::none) {
    std::string d;
    for (std::size_t i = 0; i < l.x.size(); ++i) {
      if (!shown(i)) continue;
      marker_path(d, m, pp.xa(l.x[i]), pp.ya(l.y[i]), l.marker_size / 2);
    }
    if (!d.empty())
      out("<path d=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>\n", d, col);
  }
}

void draw_raster(Out& out, const PanelPlan& pp, const std::vector<RasterBand>& bands,
                 const std::vector<Color>& colors) {
  double total = 0;
  for (const auto& b : bands)
    total += b.size;
  const double row = total > 0 ? pp.ph * (1.0 / (pp.ya.hi - pp.ya.lo)) : pp.ph;
  // Ticks for a few cells, dots for many: never smaller than about a pixel.
  const double mark = row >= 1.5 ? std::max(0.85 * row, 3.0) : 1.4;
  const double stroke = row >= 4.0 ? 1.0 : (row >= 1.5 ? 1.2 : 1.4);
  double base = 0;
  for (std::size_t bi = 0; bi < bands.size(); ++bi) {
    const auto& b = bands[bi];
    const std::string col = css(colors[bi]);
    if (bi % 2 == 1 && !pp.ya.log) {
      const double ya = pp.ya(std::clamp(base + b.size, pp.ya.lo, pp.ya.hi));
      const double yb = pp.ya(std::clamp(base, pp.ya.lo, pp.ya.hi));
      out("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#000000\" "
          "fill-opacity=\"0.035\"/>\n",
          num(pp.px), num(ya), num(pp.pw), num(yb - ya));
    }
    std::string d;
    d.reserve(b.times.size() * 16);
    auto o = std::back_inserter(d);
    for (std::size_t i = 0; i < b.times.size(); ++i) {
      if (!usable(b.times[i], pp.xa.log) || !pp.xa.inside(b.times[i])) continue;
      const double yc = pp.ya(base + b.cells[i] + 0.5);
      fmt::format_to(o, "M{} {}v{}", num(pp.xa(b.times[i]), 1), num(yc - mark / 2, 1),
                     num(mark, 1));
    }
    if (!d.empty())
      out("<path class=\"spikes\" data-population=\"{}\" d=\"{}\" stroke=\"{}\" "
          "stroke-width=\"{}\" fill=\"none\"/>\n",
          xml_escape(b.name), d, col, num(stroke, 1));
    base += b.size;
  }
  // Band edges.
  std::string d;
  base = 0;
  for (std::size_t bi = 0; bi + 1 < bands.size(); ++bi) {
    base += bands[bi].size;
    if (!pp.ya.inside(base)) continue;
    d += fmt::format("M{} {}H{}", num(pp.px), num(pp.ya(base)), num(pp.px + pp.pw));
  }
  if (!d.empty())
    out("<path d=\"{}\" stroke=\"#9a9a9a\" stroke-width=\"0.8\" fill=\"none\"/>\n", d);
}

void draw_references(Out& out, const PanelPlan& pp) {
  using K = Panel::Reference::Kind;
  for (const auto& r : pp.panel->references()) {
    if (r.kind == K::hline && usable(r.a, pp.ya.log) && pp.ya.inside(r.a)) {
      const double y = pp.ya(r.a);
      out("<path d=\"M{} {}H{}\" stroke=\"#666666\" stroke-width=\"1.1\" "
          "stroke-dasharray=\"5 4\"/>\n",
          num(pp.px), num(y), num(pp.px + pp.pw));
      if (!r.text.empty())
        text(out, pp.px + pp.pw - 4, y - 4, r.text, kNoteFont, "end",
             fmt::format(" fill=\"{}\"{}", kSoftText, kHalo));
    } else if (r.kind == K::vline && usable(r.a, pp.xa.log) && pp.xa.inside(r.a)) {
      const double x = pp.xa(r.a);
      out("<path d=\"M{} {}V{}\" stroke=\"#666666\" stroke-width=\"1.1\" "
          "stroke-dasharray=\"5 4\"/>\n",
          num(x), num(pp.py), num(pp.py + pp.ph));
      if (!r.text.empty())
        text(out, x + 4, pp.py + kNoteFont, r.text, kNoteFont, "start",
             fmt::format(" fill=\"{}\"{}", kSoftText, kHalo));
    } else if (r.kind == K::span && !r.text.empty()) {
      const double a = std::max(pp.xa.lo, std::min(r.a, r.b));
      const double b = std::min(pp.xa.hi, std::max(r.a, r.b));
      if (b > a && usable(a, pp.xa.log))
        text(out, 0.5 * (pp.xa(a) + pp.xa(b)), pp.py + kNoteFont + 2, r.text, kNoteFont, "middle",
             fmt::format(" fill=\"{}\"{}", kSoftText, kHalo));
    } else if (r.kind == K::note && usable(r.a, pp.xa.log) && usable(r.b, pp.ya.log)) {
      text(out, pp.xa(r.a), pp.ya(r.b), r.text, kNoteFont, "start",
           fmt::format(" fill=\"{}\"{}", kText, kHalo));
    }
  }
}

void draw_axes(Out& out, const PanelPlan& pp) {
  const Panel& p = *pp.panel;
  const double bottom = pp.py + pp.ph;
  // Left and bottom spines only.
  out("<path d=\"M{} {}V{}H{}\" stroke=\"{}\" stroke-width=\"1\" fill=\"none\"/>\n", num(pp.px),
      num(pp.py), num(bottom), num(pp.px + pp.pw), kAxisInk);
  std::string d;
  for (double v : pp.xa.marks)
    if (pp.xa.inside(v)) d += fmt::format("M{} {}v{}", num(pp.xa(v)), num(bottom), kTickLength);
  for (double v : pp.xa.minor)
    if (pp.xa.inside(v))
      d += fmt::format("M{} {}v{}", num(pp.xa(v)), num(bottom), kMinorTickLength);
  for (double v : pp.ya.marks)
    if (pp.ya.inside(v)) d += fmt::format("M{} {}h{}", num(pp.px), num(pp.ya(v)), -kTickLength);
  for (double v : pp.ya.minor)
    if (pp.ya.inside(v))
      d += fmt::format("M{} {}h{}", num(pp.px), num(pp.ya(v)), -kMinorTickLength);
  if (!d.empty())
    out("<path d=\"{}\" stroke=\"{}\" stroke-width=\"1\" fill=\"none\"/>\n", d, kAxisInk);

  out("<g font-size=\"{}\" fill=\"{}\">\n", num(kTickFont), kText);
  const double xl_y = bottom + kTickLength + 4 + kTickFont * 0.8;
  for (const auto& l : pp.xa.labels) {
    if (!pp.xa.inside(l.at)) continue;
    // Keep end labels inside the cell: the last one may hang right, never off the figure.
    out("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(pp.xa(l.at)), num(xl_y),
        xml_escape(l.text));
  }
  for (const auto& l : pp.ya.labels) {
    if (!pp.ya.inside(l.at)) continue;
    out("<text x=\"{}\" y=\"{}\" dy=\"0.35em\" text-anchor=\"end\"{}>{}</text>\n",
        num(pp.px - kTickLength - 4), num(pp.ya(l.at)),
        l.color.empty() ? std::string() : fmt::format(" fill=\"{}\" font-weight=\"600\"", l.color),
        xml_escape(l.text));
  }
  out("</g>\n");
  if (!p.x().title().empty())
    text(out, pp.px + pp.pw / 2, pp.cy + pp.ch - 4, p.x().title(), kAxisFont, "middle",
         fmt::format(" fill=\"{}\"", kText));
  if (!p.y().title().empty()) {
    const double x = pp.cx + kAxisFont * 0.8, y = pp.py + pp.ph / 2;
    out("<text transform=\"translate({} {}) rotate(-90)\" font-size=\"{}\" "
        "text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
        num(x), num(y), num(kAxisFont, 1), kText, xml_escape(p.y().title()));
  }
  if (!p.title_text().empty())
    text(out, pp.px, pp.cy + kPanelTitleFont + 2, p.title_text(), kPanelTitleFont, "start",
         fmt::format(" font-weight=\"600\" fill=\"{}\"", kText));
}

void draw_colorbar(Out& out, const PanelPlan& pp) {
  if (!pp.heat) return;
  const HeatMap& m = *pp.heat;
  const double x = pp.px + pp.pw + 14, w = 13;
  const std::string id = fmt::format("cmap{}", pp.index);
  out("<defs><linearGradient id=\"{}\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">", id);
  for (int k = 0; k <= 20; ++k)
    out("<stop offset=\"{}\" stop-color=\"{}\"/>", num(k / 20.0), css(colormap(m.map, k / 20.0)));
  out("</linearGradient></defs>\n");
  out("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{})\" stroke=\"{}\" "
      "stroke-width=\"0.8\"/>\n",
      num(x), num(pp.py), num(w), num(pp.ph), id, kAxisInk);
  std::string d;
  for (double v : pp.ca.marks)
    d += fmt::format("M{} {}h{}", num(x + w), num(pp.ca(v)), kTickLength);
  if (!d.empty())
    out("<path d=\"{}\" stroke=\"{}\" stroke-width=\"1\" fill=\"none\"/>\n", d, kAxisInk);
  out("<g font-size=\"{}\" fill=\"{}\">\n", num(kTickFont), kText);
  for (const auto& l : pp.ca.labels)
    out("<text x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>\n", num(x + w + kTickLength + 3),
        num(pp.ca(l.at)), xml_escape(l.text));
  out("</g>\n");
  std::string title = m.label;
  if (!m.unit.empty()) title += " (" + m.unit + ")";
  if (!title.empty()) {
    const double tx =
        x + w + kTickLength + 4 + pp.ca.max_label_width(kTickFont) + 8 + 0.8 * kAxisFont;
    out("<text transform=\"translate({} {}) rotate(-90)\" font-size=\"{}\" text-anchor=\"middle\" "
        "fill=\"{}\">{}</text>\n",
        num(tx), num(pp.py + pp.ph / 2), num(kAxisFont, 1), kText, xml_escape(title));
  }
}

void draw_legend(Out& out, const PanelPlan& pp) {
  if (pp.place == LegendPlace::hidden || pp.legend.empty()) return;
  out("<g class=\"legend\">\n");
  out("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#ffffff\" "
      "fill-opacity=\"0.9\" stroke=\"#cccccc\" stroke-width=\"0.8\"/>\n",
      num(pp.lx), num(pp.ly), num(pp.legend_w), num(pp.legend_h));
  for (std::size_t i = 0; i < pp.legend.size(); ++i) {
    const auto& e = pp.legend[i];
    const double yc = pp.ly + 6 + kLegendRow * (static_cast<double>(i) + 0.5);
    const double x0 = pp.lx + 8, x1 = x0 + kLegendSwatch;
    const std::string col = css(e.color);
    if (e.kind == LegendEntry::Kind::patch) {
      out("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"10\" fill=\"{}\"/>\n", num(x0 + 5),
          num(yc - 5), num(kLegendSwatch - 10), col);
    } else if (e.kind == LegendEntry::Kind::outline) {
      out("<path d=\"M{} {}V{}H{}V{}\" stroke=\"{}\" stroke-width=\"1.6\" fill=\"none\"/>\n",
          num(x0 + 2), num(yc + 5), num(yc - 4), num(x1 - 2), num(yc + 5), col);
    } else {
      if (e.width > 0) {
        const char* da = dash_array(e.dash);
        out("<path d=\"M{} {}H{}\" stroke=\"{}\" stroke-width=\"{}\" "
            "stroke-linecap=\"round\"{}/>\n",
            num(x0), num(yc), num(x1), col, num(e.width),
            da ? fmt::format(" stroke-dasharray=\"{}\"", da) : std::string());
      }
      if (e.marker != Marker::none) {
        std::string d;
        marker_path(d, e.marker, 0.5 * (x0 + x1), yc, 3.2);
        out("<path d=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>\n", d, col);
      }
    }
    text(out, x1 + 7, yc, e.label, kLegendFont, "start",
         fmt::format(" dy=\"0.35em\" fill=\"{}\"", kText));
  }
  out("</g>\n");
}

void draw_panel(Out& out, const PanelPlan& pp) {
  const std::string clip = fmt::format("clip{}", pp.index);
  out("<g class=\"panel\">\n");
  out("<defs><clipPath id=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>"
      "</defs>\n",
      clip, num(pp.px - 0.5), num(pp.py - 0.5), num(pp.pw + 1), num(pp.ph + 1));
  draw_grid(out, pp);
  draw_spans(out, pp);
  const auto& series = pp.panel->series();
  for (std::size_t i = 0; i < series.size(); ++i)
    if (auto* m = std::get_if<HeatMap>(&series[i])) draw_heat(out, pp, *m, clip);
  out("<g clip-path=\"url(#{})\">\n", clip);
  std::size_t slot = 0, raster = 0;
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (auto* b = std::get_if<BarSeries>(&series[i]))
      draw_bars(out, pp, *b, pp.colors[i], b->categories.empty() ? 0 : slot++);
    else if (auto* h = std::get_if<Histogram>(&series[i]))
      draw_histogram(out, pp, *h, pp.colors[i]);
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (auto* bands = std::get_if<std::vector<RasterBand>>(&series[i]))
      draw_raster(out, pp, *bands, pp.band_colors[raster++]);
  }
  for (std::size_t i = 0; i < series.size(); ++i)
    if (auto* l = std::get_if<LineSeries>(&series[i])) draw_line(out, pp, *l, pp.colors[i]);
  out("</g>\n");
  for (std::size_t i = 0; i < series.size(); ++i)
    if (auto* l = std::get_if<LineSeries>(&series[i])) draw_line_marks(out, pp, *l, pp.colors[i]);
  draw_references(out, pp);
  draw_axes(out, pp);
  draw_colorbar(out, pp);
  draw_legend(out, pp);
  out("</g>\n");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Colours

Color Color::hex(std::string_view text) {
  std::string_view s = text;
  if (!s.empty() && s[0] == '#') s.remove_prefix(1);
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::uint32_t v = 0;
  bool ok = s.size() == 6;
  for (char c : s) {
    const int d = digit(c);
    ok = ok && d >= 0;
    v = v * 16 + static_cast<std::uint32_t>(std::max(d, 0));
  }
  if (!ok) throw Error(fmt::format("plot: colour '{}' is not of the form #rrggbb", text));
  return from_rgb(v);
}

std::string Color::to_hex() const {
  return fmt::format("#{:02x}{:02x}{:02x}", r, g, b);
}

Color palette(std::size_t i) noexcept {
  return from_rgb(kOkabeIto[i % palette_size]);
}

Color colormap(Colormap map, double t) noexcept {
  const auto& lut = map == Colormap::viridis ? kViridis : kDiverging;
  if (!std::isfinite(t)) t = 0.0;
  t = std::clamp(t, 0.0, 1.0) * static_cast<double>(lut.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(t), lut.size() - 2);
  const double f = t - static_cast<double>(i);
  const Color a = from_rgb(lut[i]), b = from_rgb(lut[i + 1]);
  auto mix = [f](std::uint8_t x, std::uint8_t y) {
    return static_cast<std::uint8_t>(std::lround(x + f * (static_cast<double>(y) - x)));
  };
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

// ---------------------------------------------------------------------------------------------
// Axes and ticks

Axis& Axis::label(std::string name, std::string unit) {
  name_ = std::move(name);
  unit_ = std::move(unit);
  return *this;
}

Axis& Axis::limits(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi))
    throw Error(
        fmt::format("plot: axis limits must be finite with low < high, got [{}, {}]", lo, hi));
  lo_ = lo;
  hi_ = hi;
  return *this;
}

Axis& Axis::log(bool on) {
  scale_ = on ? Scale::log : Scale::linear;
  return *this;
}

Axis& Axis::ticks(std::vector<double> at, std::vector<std::string> labels) {
  if (!labels.empty() && labels.size() != at.size())
    throw Error(fmt::format("plot: {} tick labels given for {} ticks", labels.size(), at.size()));
  ticks_ = std::move(at);
  tick_labels_ = std::move(labels);
  return *this;
}

std::string Axis::title() const {
  if (name_.empty()) return unit_.empty() ? std::string() : "(" + unit_ + ")";
  return unit_.empty() ? name_ : name_ + " (" + unit_ + ")";
}

double nice_step(double lo, double hi, int target) {
  const double span = hi - lo;
  if (!std::isfinite(span) || !(span > 0)) return 1.0;
  target = std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(span / target)));
  double best = mag;
  double best_err = kInf;
  for (double k : {mag / 10, mag, mag * 10}) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double step = m * k;
      const double n = std::floor(hi / step + 1e-9) - std::ceil(lo / step - 1e-9);
      if (n < 1) continue;
      const double err = std::abs(n - target);
      // Ties go to the larger step (fewer, roomier ticks).
      if (err < best_err || (err == best_err && step > best)) {
        best = step;
        best_err = err;
      }
    }
  }
  return best;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> t;
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo)) return t;
  const double step = nice_step(lo, hi, target);
  const auto first = static_cast<long long>(std::ceil(lo / step - 1e-9));
  const auto last = static_cast<long long>(std::floor(hi / step + 1e-9));
  for (long long k = first; k <= last; ++k) {
    double v = static_cast<double>(k) * step;
    if (std::abs(v) < 1e-12 * step) v = 0.0;
    t.push_back(v);
  }
  return t;
}

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> t;
  if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi)) return t;
  const auto e0 = static_cast<long>(std::ceil(std::log10(lo) - 1e-9));
  const auto e1 = static_cast<long>(std::floor(std::log10(hi) + 1e-9));
  const long n = e1 - e0 + 1;
  if (n >= 2) {
    const long stride = n <= 7 ? 1 : (n <= 14 ? 2 : (n + 6) / 7);
    for (long e = e0; e <= e1; ++e)
      if (((e % stride) + stride) % stride == 0)
        t.push_back(std::pow(10.0, static_cast<double>(e)));
    return t;
  }
  const auto f0 = static_cast<long>(std::floor(std::log10(lo)));
  const auto f1 = static_cast<long>(std::ceil(std::log10(hi)));
  for (auto mantissas :
       {std::vector<double>{1, 2, 5}, std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
    t.clear();
    for (long e = f0; e <= f1; ++e)
      for (double m : mantissas) {
        const double v = m * std::pow(10.0, static_cast<double>(e));
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) t.push_back(v);
      }
    if (t.size() >= 2) return t;
  }
  return nice_ticks(lo, hi, 3);
}

std::vector<double> log_minor_ticks(double lo, double hi) {
  std::vector<double> t;
  if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi)) return t;
  const auto f0 = static_cast<long>(std::floor(std::log10(lo)));
  const auto f1 = static_cast<long>(std::ceil(std::log10(hi)));
  if (f1 - f0 > 8) return t;
  const auto major = log_ticks(lo, hi);
  for (long e = f0; e <= f1; ++e)
    for (int m = 2; m <= 9; ++m) {
      const double v = m * std::pow(10.0, static_cast<double>(e));
      if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
      const bool is_major = std::any_of(major.begin(), major.end(),
                                        [v](double x) { return std::abs(x - v) <= 1e-9 * v; });
      if (!is_major) t.push_back(v);
    }
  return t;
}

std::string format_tick(double value, double step) {
  if (!std::isfinite(value)) return value > 0 ? "∞" : (value < 0 ? "\u2212∞" : "NaN");
  const double scale = std::isfinite(step) && step > 0 ? step : std::abs(value);
  if (std::abs(value) <= 1e-9 * scale || value == 0.0) return "0";
  const double a = std::abs(value);
  if (a >= 1e6 || a < 1e-3) {
    const auto e = static_cast<long>(std::floor(std::log10(a) + 1e-12));
    const double m = value / std::pow(10.0, static_cast<double>(e));
    std::string ms = fmt::format("{:.4g}", m);
    if (ms == "1") return "10" + superscript(e);
    if (ms == "-1") return "\u221210" + superscript(e);
    return with_minus(ms) + "×10" + superscript(e);
  }
  int decimals = 0;
  if (std::isfinite(step) && step > 0)
    while (decimals < 9) {
      const double scaled = step * std::pow(10.0, decimals);
      if (std::abs(scaled - std::round(scaled)) <= 1e-6 * scaled) break;
      ++decimals;
    }
  return with_minus(fmt::format("{:.{}f}", value, decimals));
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  constexpr const char* replacement = "\xEF\xBF\xBD";  // U+FFFD
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        default:
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            out += replacement;
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // Multi-byte UTF-8: validate length, continuation bytes, overlongs and surrogates.
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok) {
      const std::uint32_t min_cp = len == 2 ? 0x80 : (len == 3 ? 0x800 : 0x10000);
      ok = cp >= min_cp && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE &&
           cp != 0xFFFF;
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += replacement;
      ++i;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Data helpers

std::vector<double> uniform_edges(double lo, double hi, std::size_t bins) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi) || bins == 0)
    throw Error(
        fmt::format("plot: histogram bins need finite low < high and at least one bin, "
                    "got [{}, {}] with {} bins",
                    lo, hi, bins));
  std::vector<double> e(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i)
    e[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(bins);
  e.back() = hi;
  return e;
}

std::vector<double> bin_counts(const std::vector<double>& values,
                               const std::vector<double>& edges) {
  if (edges.size() < 2) throw Error("plot: bin_counts needs at least two edges");
  std::vector<double> c(edges.size() - 1, 0.0);
  for (double v : values) {
    if (!(v >= edges.front() && v <= edges.back())) continue;
    auto it = std::upper_bound(edges.begin(), edges.end(), v);
    auto i = static_cast<std::size_t>(it - edges.begin());
    i = i == 0 ? 0 : std::min(i - 1, c.size() - 1);
    c[i] += 1.0;
  }
  return c;
}

std::vector<RasterBand> raster_bands(const std::vector<Spike>& spikes,
                                     const std::vector<PopulationInfo>& populations,
                                     std::uint32_t max_cells) {
  std::vector<RasterBand> bands;
  std::vector<std::size_t> order(populations.size());
  for (std::size_t i = 0; i < populations.size(); ++i) {
    const auto& p = populations[i];
    RasterBand b;
    b.size = max_cells > 0 ? std::min(p.size, max_cells) : p.size;
    b.name = b.size < p.size ? fmt::format("{} ({} of {})", p.name, b.size, p.size) : p.name;
    bands.push_back(std::move(b));
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return populations[a].first < populations[b].first;
  });
  for (const auto& s : spikes) {
    auto it =
        std::upper_bound(order.begin(), order.end(), s.cell,
                         [&](std::uint32_t c, std::size_t k) { return c < populations[k].first; });
    if (it == order.begin()) continue;
    const std::size_t k = *(it - 1);
    const std::uint32_t local = s.cell - populations[k].first;
    if (local >= bands[k].size) continue;  // beyond the population, or not among those shown
    bands[k].times.push_back(s.time.to_ms());
    bands[k].cells.push_back(local);
  }
  return bands;
}

// ---------------------------------------------------------------------------------------------
// Panel

namespace {
std::string series_name(std::string_view kind, const std::string& label) {
  return label.empty() ? std::string(kind) : fmt::format("{} '{}'", kind, label);
}
}  // namespace

Panel& Panel::title(std::string text) {
  title_ = std::move(text);
  return *this;
}

Panel& Panel::grid(bool on) {
  grid_ = on;
  return *this;
}

Panel& Panel::legend(LegendPlace where) {
  legend_ = where;
  return *this;
}

Panel& Panel::add(LineSeries s) {
  const auto name = series_name("line series", s.label);
  if (s.x.size() != s.y.size())
    throw Error(
        fmt::format("plot: {} has {} x values and {} y values", name, s.x.size(), s.y.size()));
  if (!s.yerr.empty() && s.yerr.size() != s.y.size())
    throw Error(
        fmt::format("plot: {} has {} points and {} error values", name, s.y.size(), s.yerr.size()));
  if (!(s.width >= 0) || !(s.marker_size >= 0))
    throw Error(fmt::format("plot: {} needs a line width and marker size >= 0", name));
  series_.emplace_back(std::move(s));
  return *this;
}

Panel& Panel::add(BarSeries s) {
  const auto name = series_name("bar series", s.label);
  const std::size_t n = s.categories.empty() ? s.x.size() : s.categories.size();
  if (!s.categories.empty() && !s.x.empty())
    throw Error(fmt::format("plot: {} gives both x values and categories; give one", name));
  if (n != s.height.size())
    throw Error(fmt::format("plot: {} has {} {} and {} heights", name, n,
                            s.categories.empty() ? "x values" : "categories", s.height.size()));
  if (!s.yerr.empty() && s.yerr.size() != s.height.size())
    throw Error(fmt::format("plot: {} has {} bars and {} error values", name, s.height.size(),
                            s.yerr.size()));
  if (!std::isfinite(s.width) || s.width < 0)
    throw Error(fmt::format("plot: {} needs a finite bar width >= 0 (0: automatic)", name));
  series_.emplace_back(std::move(s));
  return *this;
}

Panel& Panel::add(Histogram h) {
  const auto name = series_name("histogram", h.label);
  if (h.edges.size() != h.counts.size() + 1)
    throw Error(fmt::format("plot: {} needs one more edge than bins, got {} edges and {} bins",
                            name, h.edges.size(), h.counts.size()));
  for (std::size_t i = 0; i < h.edges.size(); ++i)
    if (!std::isfinite(h.edges[i]) || (i > 0 && !(h.edges[i] > h.edges[i - 1])))
      throw Error(fmt::format("plot: {} needs finite, strictly ascending edges (edge {} is {})",
                              name, i, h.edges[i]));
  series_.emplace_back(std::move(h));
  return *this;
}

Panel& Panel::add(HeatMap m) {
  const auto name = series_name("heat map", m.label);
  if (m.rows == 0 || m.cols == 0 || m.values.size() != m.rows * m.cols)
    throw Error(fmt::format("plot: {} has {} values for {} x {} cells", name, m.values.size(),
                            m.rows, m.cols));
  for (double v : {m.x0, m.x1, m.y0, m.y1})
    if (!std::isfinite(v)) throw Error(fmt::format("plot: {} has a non-finite extent", name));
  if (m.vmin && m.vmax && !(*m.vmin < *m.vmax))
    throw Error(fmt::format("plot: {} needs vmin < vmax, got {} and {}", name, *m.vmin, *m.vmax));
  series_.emplace_back(std::move(m));
  return *this;
}

Panel& Panel::line(std::string label, std::vector<double> xs, std::vector<double> ys) {
  return add(LineSeries{.label = std::move(label), .x = std::move(xs), .y = std::move(ys)});
}

Panel& Panel::raster(std::vector<RasterBand> bands) {
  for (const auto& b : bands) {
    if (b.times.size() != b.cells.size())
      throw Error(fmt::format("plot: raster band '{}' has {} spike times and {} cell indices",
                              b.name, b.times.size(), b.cells.size()));
    for (std::size_t i = 0; i < b.cells.size(); ++i)
      if (b.cells[i] >= b.size)
        throw Error(fmt::format("plot: raster band '{}' has {} cells, but spike {} is from cell {}",
                                b.name, b.size, i, b.cells[i]));
  }
  series_.emplace_back(std::move(bands));
  return *this;
}

Panel& Panel::hline(double yv, std::string label) {
  refs_.push_back({Reference::Kind::hline, yv, 0.0, std::move(label)});
  return *this;
}

Panel& Panel::vline(double xv, std::string label) {
  refs_.push_back({Reference::Kind::vline, xv, 0.0, std::move(label)});
  return *this;
}

Panel& Panel::span(double x0, double x1, std::string label) {
  refs_.push_back({Reference::Kind::span, x0, x1, std::move(label)});
  return *this;
}

Panel& Panel::note(double xv, double yv, std::string text) {
  refs_.push_back({Reference::Kind::note, xv, yv, std::move(text)});
  return *this;
}

// ---------------------------------------------------------------------------------------------
// Figure

Figure::Figure(std::string title) : title_(std::move(title)) {}

Figure& Figure::title(std::string text) {
  title_ = std::move(text);
  return *this;
}

Figure& Figure::size(double width_px, double row_height_px) {
  if (!(width_px >= 100 && width_px <= 20000) || !(row_height_px >= 50 && row_height_px <= 20000))
    throw Error(fmt::format("plot: figure size {} x {} px is outside [100, 20000] x [50, 20000]",
                            width_px, row_height_px));
  width_ = width_px;
  row_height_ = row_height_px;
  return *this;
}

Figure& Figure::columns(std::size_t n) {
  if (n == 0) throw Error("plot: a figure needs at least one column");
  columns_ = n;
  return *this;
}

Panel& Figure::panel() {
  if (panels_.empty()) panels_.emplace_back();
  return panels_.front();
}

Panel& Figure::add_panel(double height) {
  if (!std::isfinite(height) || !(height > 0) || height > 20)
    throw Error(fmt::format("plot: panel height {} must be in (0, 20]", height));
  panels_.emplace_back();
  panels_.back().height_ = height;
  return panels_.back();
}

std::string Figure::svg() const {
  const std::size_t n = panels_.size();
  const std::size_t cols = std::min(columns_, std::max<std::size_t>(n, 1));
  const std::size_t rows = (n + cols - 1) / cols;
  const double title_h = title_.empty() ? 0.0 : kFigureTitleFont + 16;

  std::vector<double> row_h(rows, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    row_h[i / cols] = std::max(row_h[i / cols], row_height_ * panels_[i].height());
  double height = kOuterPad + title_h + kOuterPad / 2;
  for (std::size_t r = 0; r < rows; ++r)
    height += row_h[r] + (r > 0 ? kRowGap : 0.0);
  height += kOuterPad / 2;
  if (n == 0) height = std::max(height, 60.0);
  const double cell_w = (width_ - 2 * kOuterPad - kColumnGap * static_cast<double>(cols - 1)) /
                        static_cast<double>(cols);

  std::vector<PanelPlan> plans(n);
  double y = kOuterPad + title_h + kOuterPad / 2;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols && r * cols + c < n; ++c) {
      auto& pp = plans[r * cols + c];
      pp.panel = &panels_[r * cols + c];
      pp.index = r * cols + c;
      pp.row = r;
      pp.col = c;
      pp.cx = kOuterPad + static_cast<double>(c) * (cell_w + kColumnGap);
      pp.cy = y;
      pp.cw = cell_w;
      pp.ch = row_h[r];
    }
    y += row_h[r] + kRowGap;
  }
  for (auto& pp : plans) {
    collect(pp);
    plan_vertical(pp);
  }
  // Align plot edges within each column, then place the legends. A legend that finds no free
  // corner moves outside, which widens its column, so lay out again; every extra pass moves at
  // least one more legend out, so this ends.
  for (;;) {
    std::vector<double> left(cols, 0.0), right(cols, 0.0);
    for (const auto& pp : plans) {
      left[pp.col] = std::max(left[pp.col], pp.need_left);
      right[pp.col] = std::max(right[pp.col], pp.need_right + (pp.outside ? pp.legend_w + 4 : 0.0));
    }
    bool settled = true;
    for (auto& pp : plans) {
      pp.left = left[pp.col];
      pp.right = right[pp.col];
      plan_horizontal(pp);
      if (!place_legend(pp)) {
        pp.outside = true;
        settled = false;
      }
    }
    if (settled) break;
  }

  Out out;
  out("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  out("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" font-family=\"{}\">\n",
      num(width_), num(height), num(width_), num(height), kFontFamily);
  if (!title_.empty()) out("<title>{}</title>\n", xml_escape(title_));
  out("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
  if (!title_.empty())
    text(out, width_ / 2, kOuterPad + kFigureTitleFont * 0.85, title_, kFigureTitleFont, "middle",
         fmt::format(" font-weight=\"600\" fill=\"{}\"", kText));
  for (const auto& pp : plans)
    draw_panel(out, pp);
  out("</svg>\n");
  return std::move(out.str());
}

void Figure::save(const std::filesystem::path& path) const {
  write_file_atomic(path, svg());
}

}  // namespace spindle::plot
