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
  std::size_t inputs = 1000, noise_inputs = 200, placement_inputs = 200;
  double g_pool_exc_nS = kwta::Setup{}.g_pool_exc_nS;
  std::filesystem::path out = "kwta-out";
  bool quiet = false;
};

/// Active-set sizes of a run, as doubles (for histograms).
std::vector<double> sizes_of(const std::vector<std::vector<std::uint32_t>>& winners) {
  std::vector<double> out;
  for (const auto& w : winners)
    out.push_back(static_cast<double>(w.size()));
  return out;
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
  app.add_option("--placement-inputs", o.placement_inputs,
                 "inputs for perisomatic vs dendritic inhibition (default 200)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--g-pool-exc", o.g_pool_exc_nS,
                 "placement runs: pool -> E peak conductance per synapse [nS] (default 10)")
      ->check(CLI::Range(0.01, 1000.0));
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
    kwta::Setup s;
    s.g_pool_exc_nS = o.g_pool_exc_nS;
    const models::WtaParams circuit = s.circuit();
    const kwta::Columns columns(s, o.seed);
    RandomStream input_rng(o.seed, 0, Purpose::user);

    // Zero noise: o.inputs random inputs.
    std::vector<std::vector<double>> overlaps, drives;
    std::vector<std::vector<std::uint32_t>> ideal;
    for (std::size_t i = 0; i < o.inputs; ++i) {
      overlaps.push_back(columns.overlaps(kwta::random_input(s, input_rng)));
      drives.push_back(kwta::drive_rheobases(s, overlaps.back()));
      ideal.push_back(kwta::top_k(overlaps.back(), s.k));
    }
    const auto winners = kwta::winners(s, circuit, drives, o.seed);
    const kwta::Summary clean = kwta::summarize(winners, ideal, s.k);
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
        noisy_drives.push_back(kwta::drive_rheobases(s, noisy_overlap));
      }
      const auto w = kwta::winners(s, circuit, noisy_drives, o.seed + 7);
      const kwta::Summary sp = kwta::summarize(w, clean_top, s.k),
                          id = kwta::summarize(noisy_top, clean_top, s.k);
      spiking_overlap.push_back(sp.mean_overlap);
      ideal_overlap.push_back(id.mean_overlap);
      noisy_active.push_back(sp.mean_active);
      if (!o.quiet)
        fmt::print(
            "noise {:.2f}: spiking overlap {:.3f}, ideal top-k overlap {:.3f}, active {:.2f}\n", f,
            sp.mean_overlap, id.mean_overlap, sp.mean_active);
    }
    // Placement: pyramidal_dendritic cells, the pool's GABA_A synapses on the soma or on the
    // apical trunk, same conductance; the first placement_inputs clean inputs.
    const std::size_t np = std::min(o.placement_inputs, o.inputs);
    const std::vector<std::vector<double>> placement_drives(
        drives.begin(), drives.begin() + static_cast<std::ptrdiff_t>(np));
    const std::vector<std::vector<std::uint32_t>> placement_ideal(
        ideal.begin(), ideal.begin() + static_cast<std::ptrdiff_t>(np));
    const models::WtaParams at_soma = kwta::placement_circuit(s, kwta::Placement::perisomatic),
                            at_dendrite = kwta::placement_circuit(s, kwta::Placement::dendritic);
    const auto soma_winners = kwta::winners(s, at_soma, placement_drives, o.seed + 11);
    const auto dendrite_winners = kwta::winners(s, at_dendrite, placement_drives, o.seed + 11);
    const kwta::Summary soma = kwta::summarize(soma_winners, placement_ideal, s.k),
                        dendrite = kwta::summarize(dendrite_winners, placement_ideal, s.k);
    // Against the uninhibited prediction: same set, and its size.
    const double tau_m = models::wta_exc_membrane(at_dendrite).tau_m.value();
    double uninhibited_size = 0, uninhibited_equal = 0, same_as_lif_exp = 0;
    for (std::size_t i = 0; i < np; ++i) {
      same_as_lif_exp += (soma_winners[i] == winners[i] ? 1.0 : 0.0) / static_cast<double>(np);
      const auto free_set = kwta::uninhibited_set(s, placement_drives[i], tau_m);
      uninhibited_size += static_cast<double>(free_set.size()) / static_cast<double>(np);
      uninhibited_equal += (free_set == dendrite_winners[i] ? 1.0 : 0.0) / static_cast<double>(np);
    }
    if (!o.quiet)
      fmt::print(
          "placement (pyramidal_dendritic, {} nS per pool synapse, {} inputs): perisomatic "
          "active {:.2f} +- {:.2f}, overlap {:.3f}; dendritic (apical trunk {} um) active {:.2f} "
          "+- {:.2f}, overlap {:.3f}, {:.3f} of them in the top-k; perisomatic sets equal to the "
          "lif_exp circuit's in {:.1f} % of inputs; uninhibited cells would give {:.2f} (same "
          "set in {:.1f} % of inputs)\n",
          s.g_pool_exc_nS, np, soma.mean_active, soma.sd_active, soma.mean_overlap,
          s.dendritic_contact_um, dendrite.mean_active, dendrite.sd_active, dendrite.mean_overlap,
          dendrite.precision, 100 * same_as_lif_exp, uninhibited_size, 100 * uninhibited_equal);

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

    plot::Figure place(
        fmt::format("Basket inhibition on the soma or the dendrite ({} nS)", s.g_pool_exc_nS));
    place.columns(2);
    auto& pa = place.add_panel();
    pa.title(fmt::format("active set size, {} inputs", np));
    pa.x().label("active cells");
    pa.y().label("inputs");
    const auto place_edges = plot::uniform_edges(0.5, 150.5, 75);
    pa.histogram({.label = "perisomatic",
                  .edges = place_edges,
                  .counts = plot::bin_counts(sizes_of(soma_winners), place_edges)});
    pa.histogram({.label = fmt::format("dendritic ({} um)", s.dendritic_contact_um),
                  .edges = place_edges,
                  .counts = plot::bin_counts(sizes_of(dendrite_winners), place_edges),
                  .outline = true});
    pa.span(static_cast<double>(s.k) - 4.5, static_cast<double>(s.k) + 4.5, "k +- 4");
    auto& pb = place.add_panel();
    pb.title("active cells that are in the top-k");
    pb.x().label("fraction of the active set", "%");
    pb.y().label("inputs");
    const auto in_top_edges = plot::uniform_edges(0, 101, 101);
    for (const auto* w : {&soma_winners, &dendrite_winners}) {
      std::vector<double> percent;
      for (std::size_t i = 0; i < np; ++i)
        percent.push_back(
            100.0 * static_cast<double>(kwta::intersection_size((*w)[i], placement_ideal[i])) /
            static_cast<double>(std::max<std::size_t>((*w)[i].size(), 1)));
      pb.histogram({.label = w == &soma_winners ? "perisomatic" : "dendritic",
                    .edges = in_top_edges,
                    .counts = plot::bin_counts(percent, in_top_edges),
                    .outline = w != &soma_winners});
    }
    place.save(o.out / "kwta_placement.svg");

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
    const auto placement_json = [](const kwta::Summary& x) {
      return nlohmann::ordered_json{{"mean_active", x.mean_active},
                                    {"sd_active", x.sd_active},
                                    {"mean_overlap_topk", x.mean_overlap},
                                    {"fraction_within_k_pm_4", x.within},
                                    {"fraction_of_active_in_topk", x.precision}};
    };
    j["placement"] = {{"cell_model", at_soma.exc_model},
                      {"inputs", np},
                      {"g_pool_exc_nS", s.g_pool_exc_nS},
                      {"perisomatic", placement_json(soma)},
                      {"perisomatic_equals_lif_exp_fraction", same_as_lif_exp},
                      {"dendritic", placement_json(dendrite)},
                      {"dendritic_location", at_dendrite.inhibition_location.describe()},
                      {"uninhibited_mean_active", uninhibited_size},
                      {"dendritic_equals_uninhibited_fraction", uninhibited_equal}};
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
