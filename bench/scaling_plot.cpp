// spindle_scaling_plot: draws the scaling series of `spindle bench scaling` (JSON lines on a
// file) as one SVG figure with the project's plotting module: ns per event (recurrent and
// external), bytes per synapse and build time against the number of cells, on log x axes.
//
//   spindle_scaling_plot SERIES.jsonl OUT.svg
//
// Lines without "sim_s" (sizes the series skipped for lack of memory) are left out. Exit
// status: 0 written, 2 bad arguments or input.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "spindle/error.hpp"
#include "spindle/svg_plot.hpp"

namespace {

struct Series {
  std::vector<double> cells, ns_per_event, bytes_per_synapse, build_s;
  std::string title;
};

Series read_series(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw spindle::Error(fmt::format("cannot read '{}'", path));
  Series s;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      throw spindle::Error(fmt::format("{}:{}: not a JSON object", path, number));
    }
    if (!j.contains("sim_s")) continue;
    s.cells.push_back(j.at("cells").get<double>());
    s.ns_per_event.push_back(j.at("ns_per_event").get<double>());
    s.bytes_per_synapse.push_back(j.at("bytes_per_synapse").get<double>());
    s.build_s.push_back(j.at("build_s").get<double>());
    if (s.title.empty()) {
      s.title = fmt::format("Brunel state C at fixed in-degree {}: {} ms, {} thread(s), Spindle {}",
                            j.value("in_degree", 0), j.value("duration_ms", 0.0),
                            j.value("threads", 0), j.value("version", std::string("?")));
    }
  }
  if (s.cells.empty()) throw spindle::Error(fmt::format("'{}' holds no measured size", path));
  return s;
}

void draw(const Series& s, const std::string& out) {
  namespace plot = spindle::plot;
  plot::Figure fig(s.title);
  fig.size(760, 260);
  const auto panel = [&](const std::string& name, const std::string& unit,
                         const std::vector<double>& y, bool log_y) -> plot::Panel& {
    plot::Panel& p = fig.add_panel();
    p.x().label("cells").log();
    p.y().label(name, unit).log(log_y);
    p.legend(plot::LegendPlace::hidden);
    p.add(plot::LineSeries{.label = name, .x = s.cells, .y = y, .marker = plot::Marker::circle});
    return p;
  };
  panel("time per event", "ns", s.ns_per_event, false).hline(10.0, "target 10 ns");
  // From 0, so that the small growth with size is not magnified.
  const double most = *std::max_element(s.bytes_per_synapse.begin(), s.bytes_per_synapse.end());
  panel("memory per synapse", "bytes", s.bytes_per_synapse, false)
      .y()
      .limits(0.0, std::max(20.0, 1.2 * most));
  panel("build time", "s", s.build_s, true);
  fig.save(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fputs("usage: spindle_scaling_plot SERIES.jsonl OUT.svg\n", stderr);
    return 2;
  }
  try {
    draw(read_series(argv[1]), argv[2]);
  } catch (const std::exception& e) {
    std::fputs(fmt::format("spindle_scaling_plot: error: {}\n", e.what()).c_str(), stderr);
    return 2;
  }
  return 0;
}
