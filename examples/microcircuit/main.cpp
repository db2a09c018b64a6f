// The Potjans & Diesmann (2014) cortical microcircuit, with or without the PV/SOM/VIP split of
// its inhibitory populations, assembled and run through the C++ API: microcircuit_network()
// returns a plain NetworkSpec (the same one `spindle run` simulates), which a program can read
// and change with the builder before handing it to a Simulation. docs/microcircuit.md has the
// model and the measured rates.
//
//   microcircuit [--variant interneurons|pd14] [--scale S] [--duration MS] [--seed N]
//                [--threads T] [--out DIR] [--quiet] [--toml FILE] [--dendritic-delay MS]
//
// Writes DIR/results.json (settings and per-population cells, rate, CV ISI), DIR/rates.csv and
// DIR/rates.svg (mean rate per population after a 100 ms transient). With --toml it writes the
// spec as a circuit file instead (write_circuit_toml; how examples/circuits/*.toml were made)
// and simulates nothing.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "spindle/analysis.hpp"
#include "spindle/circuit_file.hpp"
#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/microcircuit.hpp"
#include "spindle/simulation.hpp"
#include "spindle/svg_plot.hpp"

using namespace spindle;
namespace mc = spindle::models;

namespace {

constexpr double kTransientMs = 100.0;

struct Options {
  mc::MicrocircuitParams circuit{.scale = 0.1};
  double duration_ms = 1100.0;
  std::uint64_t seed = 1;
  unsigned threads = 1;
  std::filesystem::path out = "microcircuit-out";
  bool quiet = false;
  std::filesystem::path toml;  ///< non-empty: write the circuit file, do not simulate
};

void write_results(const Options& o, const Simulation& sim,
                   const std::vector<analysis::PopulationSummary>& stats) {
  nlohmann::ordered_json j;
  j["variant"] = mc::variant_name(o.circuit.variant);
  j["scale"] = o.circuit.scale;
  j["seed"] = o.seed;
  if (o.circuit.variant == mc::MicrocircuitParams::Variant::interneurons)
    j["dendritic_delay_per_100um_ms"] = o.circuit.dendritic_delay_per_100um;
  j["duration_ms"] = o.duration_ms;
  j["window_ms"] = {kTransientMs, o.duration_ms};
  j["cells"] = sim.num_cells();
  j["synapses"] = sim.num_synapses();
  std::ofstream csv(o.out / "rates.csv");
  csv << "population,cells,rate_hz,cv_isi\n";
  plot::BarSeries bars{.label = "mean rate"};
  for (const auto& s : stats) {
    j["populations"].push_back(
        {{"name", s.name}, {"cells", s.cells}, {"rate_hz", s.rate_hz}, {"cv_isi", s.cv_isi}});
    csv << fmt::format("{},{},{:.6f},{:.6f}\n", s.name, s.cells, s.rate_hz, s.cv_isi);
    bars.categories.push_back(s.name);
    bars.height.push_back(s.rate_hz);
  }
  std::ofstream(o.out / "results.json") << j.dump(2) << "\n";
  plot::Figure fig(fmt::format("Microcircuit ({}, scale {:g})", mc::variant_name(o.circuit.variant),
                               o.circuit.scale));
  auto& panel = fig.add_panel();
  panel.y().label("mean rate", "Hz");
  panel.legend(plot::LegendPlace::hidden);
  panel.bars(std::move(bars));
  fig.save(o.out / "rates.svg");
}

int run(const Options& o) {
  // 1. The network as data: populations, projections and stimuli, not yet built.
  NetworkSpec net = mc::microcircuit_network(o.circuit);
  if (!o.quiet) {
    std::size_t synapses = 0;
    for (const ProjectionSpec& p : net.projections)
      synapses += p.rule.n;  // every projection is fixed_total_number
    fmt::print("{} populations, {} projections, {} synapses, {} Poisson inputs\n",
               net.populations.size(), net.projections.size(), synapses, net.stimuli.size());
  }
  // 2. The spec is an ordinary value: record only what this program reports on, or save it as
  //    a circuit file that `spindle run FILE.toml` reads back into the same spec.
  net.record_spikes = true;
  if (!o.toml.empty()) {
    const CircuitSettings settings{
        .duration_ms = o.duration_ms, .seed = o.seed, .threads = o.threads};
    std::ofstream file(o.toml);
    file << write_circuit_toml(net, settings);
    if (!file.flush()) throw Error(fmt::format("--toml: cannot write '{}'", o.toml.string()));
    if (!o.quiet) fmt::print("wrote {}\n", o.toml.string());
    return 0;
  }

  std::filesystem::create_directories(o.out);  // a bad --out fails before the run

  // 3. Build (draws connections, weights, delays, initial potentials) and simulate.
  Simulation sim(net, mc::builtin_registry(), {.seed = o.seed, .threads = o.threads});
  sim.run(Time::from_ms(o.duration_ms));

  // 4. Rates after the onset transient.
  const auto stats = analysis::summarize(sim.spikes(), sim.populations(),
                                         Time::from_ms(kTransientMs), Time::from_ms(o.duration_ms));
  write_results(o, sim, stats);
  if (!o.quiet) {
    for (const auto& s : stats)
      fmt::print("  {:<7} {:>6} cells  {:7.3f} Hz  CV {:.2f}\n", s.name, s.cells, s.rate_hz,
                 s.cv_isi);
    fmt::print("wrote {}\n", o.out.string());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::string variant = "interneurons";
  std::string out = o.out.string();
  CLI::App app{"The Potjans & Diesmann (2014) microcircuit through the C++ API", "microcircuit"};
  app.add_option("--variant", variant, "interneurons (PV/SOM/VIP) or pd14")
      ->check(CLI::IsMember({"interneurons", "pd14"}))
      ->capture_default_str();
  app.add_option("--scale", o.circuit.scale, "Cell numbers and in-degrees x S, 0 < S <= 1")
      ->check(CLI::Range(1e-6, 1.0))
      ->capture_default_str();
  app.add_option("--duration", o.duration_ms, "Simulated time [ms], > 100 (the transient)")
      ->check(CLI::Range(kTransientMs + 1e-3, 1e9))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Random seed")->capture_default_str();
  app.add_option("--threads", o.threads, "Worker threads")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  app.add_option("--out", out, "Output folder")->capture_default_str();
  app.add_flag("--quiet", o.quiet, "Print nothing but errors");
  app.add_option("--dendritic-delay", o.circuit.dendritic_delay_per_100um,
                 "interneurons: delay [ms per 100 um] of the pyramidal cells' dendritic (SOM) "
                 "inputs to the soma, >= 0; the cable's own is about 1 (docs/microcircuit.md)")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  std::string toml;
  app.add_option("--toml", toml, "Write the network as a circuit file FILE; do not simulate")
      ->type_name("FILE");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return e.get_exit_code() == 0 ? app.exit(e) : (app.exit(e), 2);
  }
  o.out = out;
  o.toml = toml;
  o.circuit.variant = variant == "pd14" ? mc::MicrocircuitParams::Variant::pd14
                                        : mc::MicrocircuitParams::Variant::interneurons;
  try {
    return run(o);
  } catch (const Error& e) {
    fmt::print(stderr, "microcircuit: {}\n", e.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "microcircuit: {}\n", e.what());
    return 2;
  }
}
