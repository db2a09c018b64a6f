// The plotting module: well-formed SVG with escaped text, round ticks on linear and log axes,
// one raster mark per spike, clear errors for inconsistent series, and atomic saving.
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "spindle/error.hpp"
#include "spindle/simulation.hpp"
#include "spindle/svg_plot.hpp"
#include "support/catch.hpp"

namespace plot = spindle::plot;
using Catch::Matchers::Contains;

namespace {

/// A small XML well-formedness check: one root element, balanced and properly nested tags,
/// quoted attributes, no raw '<' in values or text, and '&' only as a known entity or a
/// character reference. Returns an empty string when fine, else what is wrong and where.
std::string xml_problem(const std::string& s) {
  std::vector<std::string> open;
  std::size_t i = 0, roots = 0;
  auto entity_ok = [&](std::size_t at) {
    for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
      if (s.compare(at, std::strlen(e), e) == 0) return true;
    if (s.compare(at, 2, "&#") == 0) {
      const auto end = s.find(';', at);
      return end != std::string::npos && end - at <= 10;
    }
    return false;
  };
  auto where = [&](std::size_t at) { return " at byte " + std::to_string(at); };
  if (s.compare(0, 5, "<?xml") == 0) i = s.find("?>") + 2;
  while (i < s.size()) {
    if (s[i] != '<') {
      if (s[i] == '&' && !entity_ok(i)) return "bare '&' in text" + where(i);
      if (s[i] == '>') return "bare '>' in text" + where(i);
      if (open.empty() && !std::isspace(static_cast<unsigned char>(s[i])))
        return "text outside the root element" + where(i);
      ++i;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      i = s.find("-->", i);
      if (i == std::string::npos) return "unterminated comment";
      i += 3;
      continue;
    }
    const bool closing = s[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    const std::size_t name_start = j;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-' ||
                            s[j] == ':' || s[j] == '_'))
      ++j;
    const std::string name = s.substr(name_start, j - name_start);
    if (name.empty()) return "tag without a name" + where(i);
    if (closing) {
      if (open.empty() || open.back() != name)
        return "</" + name + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">") +
               where(i);
      open.pop_back();
      if (j >= s.size() || s[j] != '>') return "malformed closing tag" + where(i);
      i = j + 1;
      continue;
    }
    // attributes
    for (;;) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j])))
        ++j;
      if (j >= s.size()) return "unterminated tag <" + name + ">";
      if (s[j] == '>' || s.compare(j, 2, "/>") == 0) break;
      const std::size_t a = j;
      while (j < s.size() && s[j] != '=' && !std::isspace(static_cast<unsigned char>(s[j])) &&
             s[j] != '>')
        ++j;
      if (j == a || j >= s.size() || s[j] != '=') return "attribute without value" + where(a);
      ++j;
      if (s[j] != '"') return "unquoted attribute" + where(a);
      const std::size_t end = s.find('"', j + 1);
      if (end == std::string::npos) return "unterminated attribute" + where(a);
      for (std::size_t k = j + 1; k < end; ++k) {
        if (s[k] == '<') return "'<' in attribute value" + where(k);
        if (s[k] == '&' && !entity_ok(k)) return "bare '&' in attribute value" + where(k);
      }
      j = end + 1;
    }
    if (open.empty()) ++roots;
    if (s[j] == '/') {
      i = j + 2;
    } else {
      open.push_back(name);
      i = j + 1;
    }
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  if (roots != 1) return "expected one root element, found " + std::to_string(roots);
  return {};
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size()))
    ++n;
  return n;
}

/// The value of attribute `attr` of every element whose opening tag contains `marker`.
std::vector<std::string> attribute_of(const std::string& svg, const std::string& marker,
                                      const std::string& attr) {
  std::vector<std::string> out;
  for (auto at = svg.find(marker); at != std::string::npos; at = svg.find(marker, at + 1)) {
    const auto tag_start = svg.rfind('<', at);
    const auto tag_end = svg.find('>', at);
    const std::string tag = svg.substr(tag_start, tag_end - tag_start);
    const auto a = tag.find(" " + attr + "=\"");
    if (a == std::string::npos) continue;
    const auto v = a + attr.size() + 3;
    out.push_back(tag.substr(v, tag.find('"', v) - v));
  }
  return out;
}

/// Every kind of series in one figure, with text that needs escaping everywhere.
plot::Figure everything() {
  plot::Figure fig("Title <with> \"quotes\" & 'apostrophes'");
  fig.columns(2);
  auto& a = fig.add_panel();
  a.title("A & B");
  a.x().label("time", "ms");
  a.y().label("V_m < V_th", "mV");
  a.add(plot::LineSeries{.label = "trace <1>",
                         .x = {0, 1, 2, 3},
                         .y = {-70, -60, -55, -65},
                         .yerr = {1, 2, 1, 2},
                         .marker = plot::Marker::circle});
  a.add(plot::LineSeries{.label = "band & dash",
                         .x = {0, 1, 2, 3},
                         .y = {-72, -62, -57, -66},
                         .yerr = {1, 1, 1, 1},
                         .dash = plot::Dash::dashed,
                         .errors = plot::ErrorStyle::band});
  a.hline(-50, "V_th > x").vline(1.5, "on & off").span(0.5, 1.0, "stim").note(2, -60, "<note>");
  auto& b = fig.add_panel();
  b.add(plot::BarSeries{
      .label = "soma", .categories = {"PV", "SST & co"}, .height = {3, 4}, .yerr = {0.5, 0.5}});
  b.add(plot::BarSeries{.label = "dendrite", .categories = {"PV", "SST & co"}, .height = {1, 5}});
  auto& c = fig.add_panel();
  c.histogram({.label = "ISI", .edges = {0, 1, 2, 3}, .counts = {5, 3, 1}});
  c.histogram({.label = "ISI'", .edges = {0, 1, 2, 3}, .counts = {4, 2, 2}, .outline = true});
  auto& d = fig.add_panel();
  d.heatmap({.rows = 2, .cols = 3, .values = {1, 2, 3, 4, NAN, 6}, .label = "g", .unit = "nS"});
  auto& e = fig.add_panel();
  e.raster({{.name = "exc <E>", .size = 3, .times = {1, 2, 3}, .cells = {0, 1, 2}},
            {.name = "inh & I", .size = 2, .times = {1.5}, .cells = {1}}});
  return fig;
}

}  // namespace

TEST_CASE("nice ticks are round numbers inside the range", "[plot]") {
  CHECK(plot::nice_ticks(0, 1000, 5) == std::vector<double>{0, 200, 400, 600, 800, 1000});
  CHECK(plot::nice_ticks(0, 1, 5) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
  CHECK(plot::nice_ticks(0, 100, 10) ==
        std::vector<double>{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100});
  CHECK(plot::nice_step(-70, -50, 4) == 5);

  for (auto [lo, hi] :
       {std::pair{-3.7, 12.2}, {0.013, 0.0171}, {1e6, 3.3e6}, {-1e-4, 2e-4}, {997.0, 1003.0}}) {
    for (int target : {2, 5, 8}) {
      const auto t = plot::nice_ticks(lo, hi, target);
      INFO("range [" << lo << ", " << hi << "], target " << target);
      REQUIRE(t.size() >= 2);
      const double step = t[1] - t[0];
      const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
      CHECK((std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 ||
             std::abs(mantissa - 5) < 1e-6));
      for (std::size_t i = 0; i < t.size(); ++i) {
        CHECK(t[i] >= lo - 1e-9 * (hi - lo));
        CHECK(t[i] <= hi + 1e-9 * (hi - lo));
        if (i > 0) CHECK(t[i] - t[i - 1] == Approx(step));
      }
    }
  }
  CHECK(plot::nice_ticks(1, 1, 5).empty());
  CHECK(plot::nice_ticks(0, std::numeric_limits<double>::infinity(), 5).empty());
}

TEST_CASE("log axes tick the decades", "[plot]") {
  CHECK(plot::log_ticks(1, 1000) == std::vector<double>{1, 10, 100, 1000});
  CHECK(plot::log_ticks(0.5, 200) == std::vector<double>{1, 10, 100});
  // Over many decades every second or third one.
  const auto wide = plot::log_ticks(1, 1e20);
  CHECK(wide.size() <= 8);
  CHECK(wide.front() == 1);
  // Under two decades: 1-2-5 steps.
  CHECK(plot::log_ticks(2, 60) == std::vector<double>{2, 5, 10, 20, 50});
  CHECK(plot::log_ticks(0, 10).empty());
  const auto minor = plot::log_minor_ticks(1, 100);
  CHECK(minor.size() == 16);  // 2..9 and 20..90
  CHECK(minor.front() == 2);
  CHECK(minor.back() == 90);

  plot::Figure fig;
  auto& p = fig.panel();
  p.x().log().label("rate", "Hz");
  p.y().log();
  p.line("power law", {1, 10, 100, 1000}, {1e-3, 1e-2, 1e-1, 1});
  const std::string svg = fig.svg();
  CHECK(xml_problem(svg).empty());
  for (const char* label : {">1<", ">10<", ">100<", ">1000<"})
    CHECK_THAT(svg, Contains(label));
  // y spans 1e-3..1: all decades in one notation.
  for (const char* label : {">10⁻³<", ">10⁻²<", ">10⁻¹<", ">10⁰<"})
    CHECK_THAT(svg, Contains(label));

  plot::Figure bad;
  bad.panel().x().log().limits(-1, 10);
  bad.panel().line("x", {1, 2}, {1, 2});
  CHECK_THROWS_WITH(bad.svg(), Contains("log x axis") && Contains("> 0"));
}

TEST_CASE("tick labels", "[plot]") {
  CHECK(plot::format_tick(200, 200) == "200");
  CHECK(plot::format_tick(0.25, 0.25) == "0.25");
  CHECK(plot::format_tick(0.5, 0.25) == "0.50");
  CHECK(plot::format_tick(0.6000000000000001, 0.2) == "0.6");
  CHECK(plot::format_tick(-5, 5) == "\u22125");
  CHECK(plot::format_tick(0, 5) == "0");
  CHECK(plot::format_tick(1e-17, 0.1) == "0");
  CHECK(plot::format_tick(1e6, 1e6) == "10⁶");
  CHECK(plot::format_tick(2e-4, 1e-4) == "2×10⁻⁴");
  CHECK(plot::format_tick(-3e7, 1e7) == "\u22123×10⁷");
}

TEST_CASE("text is escaped for XML", "[plot]") {
  CHECK(plot::xml_escape("a<b & c>\"d\" 'e'") == "a&lt;b &amp; c&gt;&quot;d&quot; &apos;e&apos;");
  CHECK(plot::xml_escape("τ_m = 20 µm") == "τ_m = 20 µm");  // valid UTF-8 stays
  CHECK(plot::xml_escape(std::string("bell\x07")) == "bell\xEF\xBF\xBD");
  CHECK(plot::xml_escape(std::string("latin1 \xB5m")) == "latin1 \xEF\xBF\xBDm");
  CHECK(plot::xml_escape(std::string("cut \xCF")) == "cut \xEF\xBF\xBD");
  CHECK(plot::xml_escape(std::string("overlong \xC0\xAF")) == "overlong \xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(plot::xml_escape("tab\tnewline\n") == "tab\tnewline\n");
}

TEST_CASE("every kind of series gives well-formed SVG", "[plot]") {
  const std::string svg = everything().svg();
  INFO(svg.substr(0, 400));
  CHECK(xml_problem(svg).empty());
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK_THAT(svg, Contains("xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK_THAT(svg, Contains("Title &lt;with&gt; &quot;quotes&quot; &amp; &apos;apostrophes&apos;"));
  CHECK_THAT(svg, Contains("trace &lt;1&gt;"));
  CHECK_THAT(svg, Contains("V_m &lt; V_th (mV)"));
  CHECK_THAT(svg, Contains("SST &amp; co"));
  CHECK_THAT(svg, Contains("exc &lt;E&gt;"));
  CHECK_THAT(svg, Contains("&lt;note&gt;"));
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("inf") == std::string::npos);
  for (const char* cls : {"class=\"line\"", "class=\"bars\"", "class=\"histogram\"",
                          "class=\"heatmap\"", "class=\"spikes\"", "class=\"legend\""})
    CHECK_THAT(svg, Contains(cls));
  CHECK_THAT(svg, Contains("fill=\"#d9d9d9\""));  // the NaN cell of the heat map
  CHECK(everything().svg() == svg);               // deterministic
  // The xml checker itself catches the mistakes it is there for.
  CHECK_FALSE(xml_problem("<svg><g></svg>").empty());
  CHECK_FALSE(xml_problem("<svg>a & b</svg>").empty());
  CHECK_FALSE(xml_problem("<svg a=\"<\"/>").empty());
  CHECK_FALSE(xml_problem("<svg/><svg/>").empty());
}

TEST_CASE("a raster with N spikes has N marks", "[plot]") {
  std::vector<spindle::Spike> spikes;
  const std::vector<spindle::PopulationInfo> pops = {{"exc", "lif_exp", 0, 80},
                                                     {"inh", "lif_exp", 80, 20}};
  std::size_t exc = 0, inh = 0;
  for (std::uint32_t k = 0; k < 1234; ++k) {
    const std::uint32_t cell = (k * 37) % 100;
    spikes.push_back({spindle::Time::from_ms(0.5 + k * 0.7), cell});
    (cell < 80 ? exc : inh) += 1;
  }
  const auto bands = plot::raster_bands(spikes, pops);
  REQUIRE(bands.size() == 2);
  CHECK(bands[0].times.size() == exc);
  CHECK(bands[1].times.size() == inh);
  CHECK(bands[1].size == 20);

  plot::Figure fig("raster");
  fig.panel().x().label("time", "ms").limits(0, 1000);
  fig.panel().raster(bands);
  const std::string svg = fig.svg();
  CHECK(xml_problem(svg).empty());
  const auto paths = attribute_of(svg, "class=\"spikes\"", "d");
  const auto names = attribute_of(svg, "class=\"spikes\"", "data-population");
  REQUIRE(paths.size() == 2);
  CHECK(names == std::vector<std::string>{"exc", "inh"});
  CHECK(count(paths[0], "M") == exc);
  CHECK(count(paths[1], "M") == inh);
  // Bands are labelled with the population names.
  CHECK_THAT(svg, Contains(">exc</text>"));
  CHECK_THAT(svg, Contains(">inh</text>"));

  // A subset of cells per population: spikes of the other cells are left out.
  const auto few = plot::raster_bands(spikes, pops, 10);
  CHECK(few[0].name == "exc (10 of 80)");
  CHECK(few[1].size == 10);
  std::size_t kept = 0;
  for (const auto& s : spikes)
    kept += (s.cell < 10) || (s.cell >= 80 && s.cell < 90);
  CHECK(few[0].times.size() + few[1].times.size() == kept);
  for (const auto& b : few)
    for (auto c : b.cells)
      CHECK(c < 10);
}

TEST_CASE("raster labels of small bands between big ones do not overlap", "[plot]") {
  // Two 3-cell bands between 1000-cell bands get ~1 pixel each: their labels, centred on the
  // bands, would print on top of each other.
  std::vector<plot::RasterBand> bands;
  for (const auto& [name, size] :
       {std::pair{"big1", 1000u}, {"tiny1", 3u}, {"tiny2", 3u}, {"tiny3", 3u}, {"big2", 1000u}})
    bands.push_back({.name = name, .size = size, .times = {1.0}, .cells = {0}});
  plot::Figure fig("raster");
  fig.panel().x().label("time", "ms").limits(0, 10);
  fig.panel().raster(bands);
  const std::string svg = fig.svg();
  std::vector<double> y;
  for (const char* name : {"big1", "tiny1", "tiny2", "tiny3", "big2"}) {
    const std::string tail = std::string("\">") + name + "</text>";
    const auto end = svg.find(tail);
    REQUIRE(end != std::string::npos);
    const auto start = svg.rfind(" y=\"", end) + 4;
    y.push_back(std::stod(svg.substr(start, 16)));
  }
  // Rows run upwards: each label sits at least a text line (12 px font) above the previous.
  for (std::size_t i = 1; i < y.size(); ++i)
    CHECK(y[i - 1] - y[i] >= 12.0);
}

TEST_CASE("inconsistent series are errors that name the series", "[plot]") {
  plot::Panel p;
  CHECK_THROWS_AS(p.line("rate", {1, 2, 3}, {1, 2}), spindle::Error);
  CHECK_THROWS_WITH(p.line("rate", {1, 2, 3}, {1, 2}), Contains("line series 'rate'") &&
                                                           Contains("3 x values") &&
                                                           Contains("2 y values"));
  CHECK_THROWS_WITH(p.add(plot::LineSeries{.label = "v", .x = {1}, .y = {1}, .yerr = {1, 2}}),
                    Contains("'v'") && Contains("error values"));
  CHECK_THROWS_WITH(p.add(plot::BarSeries{.label = "b", .categories = {"a"}, .height = {1, 2}}),
                    Contains("bar series 'b'") && Contains("1 categories"));
  CHECK_THROWS_WITH(p.add(plot::Histogram{.label = "h", .edges = {0, 1}, .counts = {1, 2}}),
                    Contains("histogram 'h'") && Contains("one more edge"));
  CHECK_THROWS_WITH(p.add(plot::Histogram{.label = "h", .edges = {0, 2, 1}, .counts = {1, 2}}),
                    Contains("ascending"));
  CHECK_THROWS_WITH(p.add(plot::HeatMap{.rows = 2, .cols = 2, .values = {1, 2, 3}, .label = "g"}),
                    Contains("heat map 'g'") && Contains("3 values for 2 x 2"));
  CHECK_THROWS_WITH(p.raster({{.name = "exc", .size = 2, .times = {1}, .cells = {2}}}),
                    Contains("band 'exc'") && Contains("cell 2"));
  CHECK_THROWS_WITH(p.x().limits(1, 1), Contains("low < high"));
  CHECK_THROWS_AS(plot::Color::hex("#12345"), spindle::Error);
  CHECK(plot::Color::hex("#0072B2") == plot::palette(0));
  CHECK(plot::palette(0).to_hex() == "#0072b2");
  CHECK(p.series().empty());  // nothing half-added
}

TEST_CASE("values that cannot be drawn are left out", "[plot]") {
  plot::Figure fig;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  fig.panel().line("gappy", {0, 1, 2, 3, 4, 5}, {1, 2, nan, 3, inf, 4});
  const std::string svg = fig.svg();
  CHECK(xml_problem(svg).empty());
  const auto d = attribute_of(svg, "class=\"line\"", "d");
  REQUIRE(d.size() == 1);
  CHECK(count(d[0], "M") == 3);  // three runs: {0,1}, {3}, {5}
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("inf") == std::string::npos);
}

TEST_CASE("histogram helpers", "[plot]") {
  const auto e = plot::uniform_edges(0, 10, 5);
  CHECK(e == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK(plot::bin_counts({0, 1.9, 2, 9.99, 10, 10.5, -1}, e) == std::vector<double>{2, 1, 0, 0, 2});
  CHECK_THROWS_AS(plot::uniform_edges(1, 1, 3), spindle::Error);
}

TEST_CASE("figures are saved atomically", "[plot]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "spindle_test_svg_plot";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto fig = everything();
  fig.save(dir / "fig.svg");
  fig.save(dir / "fig.svg");  // replaces
  std::ifstream in(dir / "fig.svg", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == fig.svg());
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& f : fs::directory_iterator(dir))
    ++files;
  CHECK(files == 1);  // no temporary left behind

  const fs::path missing = dir / "no" / "such" / "folder" / "fig.svg";
  CHECK_THROWS_AS(fig.save(missing), spindle::Error);
  CHECK_THROWS_WITH(fig.save(missing), Contains(missing.string()));
  fs::remove_all(dir);
}

TEST_CASE("the legend goes where it hides no data", "[plot]") {
  auto figure = [](const std::vector<double>& y, plot::LegendPlace where) {
    plot::Figure fig;
    std::vector<double> x;
    for (std::size_t i = 0; i < y.size(); ++i)
      x.push_back(static_cast<double>(i));
    fig.panel().line("data", x, y).legend(where);
    return fig.svg();
  };
  // Low on the right, high on the left: the top-right corner is free.
  const std::vector<double> falling = {10, 9, 8, 5, 2, 1, 0.5, 0.2, 0.1, 0};
  CHECK(figure(falling, plot::LegendPlace::automatic) ==
        figure(falling, plot::LegendPlace::top_right));
  // A zig-zag through every corner: no corner is free, so the legend moves out of the plot.
  std::vector<double> zigzag;
  for (int i = 0; i < 200; ++i)
    zigzag.push_back(i % 2 == 0 ? 0.0 : 10.0);
  CHECK(figure(zigzag, plot::LegendPlace::automatic) == figure(zigzag, plot::LegendPlace::outside));
  CHECK(figure(zigzag, plot::LegendPlace::hidden).find("class=\"legend\"") == std::string::npos);
}
