// kwta: HTM-style k-winners-take-all (2048 columns, k = 40, 2 %) made by spiking basket-cell
// feedback (spindle/models/wta.hpp, hard_k mode), compared with the ideal top-k on the same
// overlaps: size of the active set, overlap with the top-k, degradation with input noise, and
// whether the inhibition can be moved from the soma to the dendrites. The experiment itself is
// in kwta_experiment.hpp (shared with tests/validation/wta); docs/examples.md has the results.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "kwta_experiment.hpp"
#include "spindle/error.hpp"
#include "spindle/svg_plot.hpp"

using namespace spindle;
namespace plot = spindle::plot;

namespace {

struct Options {
  std::uint64_t seed = 1;
  std::size_t inputs = 1000, noise_inputs = 200;
  std::filesystem::path out = "kwta-out";
  bool quiet = false;
};

struct Summary {
  double mean_active = 0, sd_active = 0, mean_overlap = 0, within = 0;
};

Summary summarize(const std::vector<std::vector<std::uint32_t>>& winners,
                  const std::vector<std::vector<std::uint32_t>>& ideal, std::size_t k) {
  Summary s;
  const auto n = static_cast<double>(winners.size());
  double sq = 0;
  for (std::size_t i = 0; i < winners.size(); ++i) {
    const auto a = static_cast<double>(winners[i].size());
    s.mean_active += a / n;
    sq += a * a / n;
    s.mean_overlap += static_cast<double>(kwta::intersection_size(winners[i], ideal[i])) /
                      static_cast<double>(k) / n;
    if (std::abs(a - static_cast<double>(k)) <= 4.0) s.within += 1.0 / n;
  }
  s.sd_active = std::sqrt(std::max(0.0, sq - s.mean_active * s.mean_active));
  return s;
}

/// Whether the pool -> E synapses can go onto the dendrites: builds the circuit with a
/// dendritic location and returns the kernel's answer ("" if it builds).
std::string dendritic_placement_check(const kwta::Setup& s) {
  models::WtaParams p = s.circuit();
  p.n_exc = 100;
  p.k = 2;
  p.inhibition_location = locate::region("basal", Micrometres{0.0}, Micrometres{100.0});
  NetworkSpec net;
  models::add_wta(net, p);
  try {
    Simulation sim(net, models::builtin_registry());
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"kwta: k-winners-take-all by spiking basket-cell feedback (2048 columns, k = 40)"};
  app.add_option("--seed", o.seed, "random seed (inputs, column weights)");
  app.add_option("--inputs", o.inputs, "random inputs at zero noise (default 1000)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--noise-inputs", o.noise_inputs, "inputs per noise level (default 200)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--out", o.out, "output folder (results.json, winners.csv, SVGs)");
  app.add_flag("--quiet", o.quiet, "print nothing but errors");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    fmt::print(stderr, "kwta: {}\nrun kwta --help for the options\n", e.what());
    return 2;
  }
  try {
    const kwta::Setup s;
    const models::WtaParams circuit = s.circuit();
    const kwta::Columns columns(s, o.seed);
    RandomStream input_rng(o.seed, 0, Purpose::user);

    // Zero noise: o.inputs random inputs.
    std::vector<std::vector<double>> overlaps, drives;
    std::vector<std::vector<std::uint32_t>> ideal;
    for (std::size_t i = 0; i < o.inputs; ++i) {
      overlaps.push_back(columns.overlaps(kwta::random_input(s, input_rng)));
      drives.push_back(kwta::drive_pA(s, overlaps.back()));
      ideal.push_back(kwta::top_k(overlaps.back(), s.k));
    }
    const auto winners = kwta::winners(s, circuit, drives, o.seed);
    const Summary clean = summarize(winners, ideal, s.k);
    if (!o.quiet)
      fmt::print(
          "{} inputs, no noise: active {:.2f} +- {:.2f} (target {}), {:.1f} % within k +- 4, "
          "overlap with the ideal top-k {:.2f} %\n",
          o.inputs, clean.mean_active, clean.sd_active, s.k, 100 * clean.within,
          100 * clean.mean_overlap);

    // Input noise: a fraction of the active bits moved; compared with the clean top-k.
    const std::vector<double> levels = {0.0, 0.05, 0.1, 0.2, 0.3, 0.5};
    std::vector<double> spiking_overlap, ideal_overlap, noisy_active;
    RandomStream noise_rng(o.seed, 1, Purpose::user);
    for (double f : levels) {
      std::vector<std::vector<double>> noisy_drives;
      std::vector<std::vector<std::uint32_t>> clean_top, noisy_top;
      for (std::size_t i = 0; i < o.noise_inputs; ++i) {
        const kwta::SparseInput in = kwta::random_input(s, noise_rng);
        const auto noisy_overlap = columns.overlaps(kwta::noisy(s, in, f, noise_rng));
        clean_top.push_back(kwta::top_k(columns.overlaps(in), s.k));
        noisy_top.push_back(kwta::top_k(noisy_overlap, s.k));
        noisy_drives.push_back(kwta::drive_pA(s, noisy_overlap));
      }
      const auto w = kwta::winners(s, circuit, noisy_drives, o.seed + 7);
      const Summary sp = summarize(w, clean_top, s.k), id = summarize(noisy_top, clean_top, s.k);
      spiking_overlap.push_back(sp.mean_overlap);
      ideal_overlap.push_back(id.mean_overlap);
      noisy_active.push_back(sp.mean_active);
      if (!o.quiet)
        fmt::print(
            "noise {:.2f}: spiking overlap {:.3f}, ideal top-k overlap {:.3f}, active {:.2f}\n", f,
            sp.mean_overlap, id.mean_overlap, sp.mean_active);
    }
    const std::string dendritic = dendritic_placement_check(s);
    if (!o.quiet)
      fmt::print("dendritic placement of the inhibition: {}\n",
                 dendritic.empty() ? "builds" : "not possible yet: " + dendritic);

    std::filesystem::create_directories(o.out);
    {
      std::ofstream csv(o.out / "winners.csv");
      csv << "input,active,overlap_topk\n";
      for (std::size_t i = 0; i < winners.size(); ++i)
        csv << i << ',' << winners[i].size() << ',' << kwta::intersection_size(winners[i], ideal[i])
            << '\n';
    }
    std::vector<double> active_sizes, overlap_pct;
    for (std::size_t i = 0; i < winners.size(); ++i) {
      active_sizes.push_back(static_cast<double>(winners[i].size()));
      overlap_pct.push_back(100.0 *
                            static_cast<double>(kwta::intersection_size(winners[i], ideal[i])) /
                            static_cast<double>(s.k));
    }
    plot::Figure fig(
        fmt::format("k-WTA by spiking basket-cell feedback: {} columns, k = {}", s.columns, s.k));
    fig.columns(2);
    auto& a = fig.add_panel();
    a.title(fmt::format("active set size, {} inputs", o.inputs));
    a.x().label("active cells");
    a.y().label("inputs");
    const auto edges = plot::uniform_edges(25.5, 55.5, 30);
    a.histogram(
        {.label = "spiking", .edges = edges, .counts = plot::bin_counts(active_sizes, edges)});
    a.span(static_cast<double>(s.k) - 4.5, static_cast<double>(s.k) + 4.5, "k +- 4");
    auto& b = fig.add_panel();
    b.title("overlap with the ideal top-k");
    b.x().label("overlap", "%");
    b.y().label("inputs");
    const auto pct = plot::uniform_edges(70, 100.5, 61);
    b.histogram({.label = "spiking", .edges = pct, .counts = plot::bin_counts(overlap_pct, pct)});
    b.vline(90, "90 %");
    fig.save(o.out / "kwta_active.svg");

    plot::Figure noise("k-WTA under input noise (overlap with the clean input's top-k)");
    auto& p = noise.panel();
    p.x().label("fraction of active input bits moved");
    p.y().label("overlap with clean top-k").limits(0, 1);
    p.add(plot::LineSeries{.label = "spiking circuit",
                           .x = levels,
                           .y = spiking_overlap,
                           .marker = plot::Marker::circle});
    p.add(plot::LineSeries{.label = "ideal top-k of the noisy input",
                           .x = levels,
                           .y = ideal_overlap,
                           .dash = plot::Dash::dashed,
                           .marker = plot::Marker::square});
    noise.save(o.out / "kwta_noise.svg");

    nlohmann::ordered_json j;
    j["columns"] = s.columns;
    j["k"] = s.k;
    j["inputs"] = o.inputs;
    j["seed"] = o.seed;
    j["trigger_count"] = models::kwta_trigger_count(s.k);
    j["mean_active"] = clean.mean_active;
    j["sd_active"] = clean.sd_active;
    j["fraction_within_k_pm_4"] = clean.within;
    j["mean_overlap_topk"] = clean.mean_overlap;
    j["noise_levels"] = levels;
    j["noise_inputs"] = o.noise_inputs;
    j["noise_overlap_spiking"] = spiking_overlap;
    j["noise_overlap_ideal"] = ideal_overlap;
    j["noise_mean_active"] = noisy_active;
    j["placement"] = {
        {"perisomatic", "built and measured above"},
        {"dendritic", dendritic.empty() ? "builds" : "not possible yet: " + dendritic}};
    std::ofstream(o.out / "results.json") << j.dump(2) << '\n';
    if (!o.quiet) fmt::print("wrote {}\n", (o.out / "results.json").string());
    return 0;
  } catch (const Error& e) {
    fmt::print(stderr, "kwta: {}\n", e.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "kwta: {}\n", e.what());
    return 2;
  }
}
