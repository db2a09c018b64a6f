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
                 "inputs per placement of the inhibition (soma; trunk at 50, 150, 250 um) "
                 "(default 200)")
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
    // apical trunk at each contact distance, same conductance; the first placement_inputs clean
    // inputs. Dendritic rows with somatic reach (gaba_to_soma = 1) at every distance, and the
    // farthest one once more without it (the limiting case, compared with the uninhibited set).
    const std::size_t np = std::min(o.placement_inputs, o.inputs);
    const std::vector<std::vector<double>> placement_drives(
        drives.begin(), drives.begin() + static_cast<std::ptrdiff_t>(np));
    const std::vector<std::vector<std::uint32_t>> placement_ideal(
        ideal.begin(), ideal.begin() + static_cast<std::ptrdiff_t>(np));
    const models::WtaParams at_soma = kwta::perisomatic_circuit(s);
    const auto soma_winners = kwta::winners(s, at_soma, placement_drives, o.seed + 11);
    const kwta::Summary soma = kwta::summarize(soma_winners, placement_ideal, s.k);
    struct DendriticRow {
      double contact_um;
      bool reaches_soma;
      models::WtaParams circuit;
      std::vector<std::vector<std::uint32_t>> winners;
      kwta::Summary summary;
    };
    std::vector<DendriticRow> rows;
    for (double d : s.dendritic_contacts_um)
      rows.push_back({d, true, kwta::dendritic_circuit(s, d, true), {}, {}});
    const double farthest = s.dendritic_contacts_um.back();
    rows.push_back({farthest, false, kwta::dendritic_circuit(s, farthest, false), {}, {}});
    for (auto& r : rows) {
      r.winners = kwta::winners(s, r.circuit, placement_drives, o.seed + 11);
      r.summary = kwta::summarize(r.winners, placement_ideal, s.k);
    }
    const DendriticRow& no_reach = rows.back();
    // Against the uninhibited prediction: same set, and its size.
    const double tau_m = models::wta_exc_membrane(at_soma).tau_m.value();
    double uninhibited_size = 0, uninhibited_equal = 0, same_as_lif_exp = 0;
    for (std::size_t i = 0; i < np; ++i) {
      same_as_lif_exp += (soma_winners[i] == winners[i] ? 1.0 : 0.0) / static_cast<double>(np);
      const auto free_set = kwta::uninhibited_set(s, placement_drives[i], tau_m);
      uninhibited_size += static_cast<double>(free_set.size()) / static_cast<double>(np);
      uninhibited_equal += (free_set == no_reach.winners[i] ? 1.0 : 0.0) / static_cast<double>(np);
    }
    const models::DendriticKernelParams kernel = models::PyramidalDendriticParams::defaults().dend;
    const auto label_of = [](const DendriticRow& r) {
      return fmt::format("dendritic {} um{}", r.contact_um,
                         r.reaches_soma ? "" : ", no somatic reach");
    };
    if (!o.quiet) {
      fmt::print(
          "placement (pyramidal_dendritic, {} nS per pool synapse, {} inputs): perisomatic "
          "active {:.2f} +- {:.2f}, overlap {:.3f}, {:.3f} in the top-k; sets equal to the "
          "lif_exp circuit's in {:.1f} % of inputs\n",
          s.g_pool_exc_nS, np, soma.mean_active, soma.sd_active, soma.mean_overlap, soma.precision,
          100 * same_as_lif_exp);
      for (const auto& r : rows)
        fmt::print("  {}: active {:.2f} +- {:.2f}, overlap {:.3f}, {:.3f} in the top-k\n",
                   label_of(r), r.summary.mean_active, r.summary.sd_active, r.summary.mean_overlap,
                   r.summary.precision);
      fmt::print("  uninhibited cells would give {:.2f} (the no-reach set in {:.1f} % of inputs)\n",
                 uninhibited_size, 100 * uninhibited_equal);
    }

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

    plot::Figure place(fmt::format(
        "Basket inhibition on the soma or the apical trunk ({} nS, pyramidal_dendritic)",
        s.g_pool_exc_nS));
    place.columns(2);
    std::vector<double> reach_d, reach_active, reach_sd, reach_overlap, reach_precision;
    for (const auto& r : rows)
      if (r.reaches_soma) {
        reach_d.push_back(r.contact_um);
        reach_active.push_back(r.summary.mean_active);
        reach_sd.push_back(r.summary.sd_active);
        reach_overlap.push_back(100 * r.summary.mean_overlap);
        reach_precision.push_back(100 * r.summary.precision);
      }
    auto& pa = place.add_panel();
    pa.title(fmt::format("active set size (mean +- s.d., {} inputs)", np));
    pa.x().label("contact on the apical trunk", "um").limits(0, 350);
    pa.y().label("active cells").limits(30, 90);
    pa.legend(plot::LegendPlace::top_left);
    pa.add(plot::LineSeries{.label = "dendritic, reaches the soma",
                            .x = reach_d,
                            .y = reach_active,
                            .yerr = reach_sd,
                            .marker = plot::Marker::circle});
    pa.add(plot::LineSeries{.label = "dendritic, no somatic reach",
                            .x = {no_reach.contact_um},
                            .y = {no_reach.summary.mean_active},
                            .yerr = {no_reach.summary.sd_active},
                            .marker = plot::Marker::square,
                            .connect = false});
    pa.hline(soma.mean_active, "perisomatic");
    pa.hline(uninhibited_size, "no inhibition");
    auto& pb = place.add_panel();
    pb.title("agreement with the ideal top-k");
    pb.x().label("contact on the apical trunk", "um").limits(0, 350);
    pb.y().label("percent").limits(0, 105);
    pb.legend(plot::LegendPlace::bottom_left);
    pb.add(plot::LineSeries{.label = "top-k cells that are active",
                            .x = reach_d,
                            .y = reach_overlap,
                            .marker = plot::Marker::circle});
    pb.add(plot::LineSeries{.label = "active cells that are in the top-k",
                            .x = reach_d,
                            .y = reach_precision,
                            .dash = plot::Dash::dashed,
                            .marker = plot::Marker::square});
    pb.add(plot::LineSeries{.label = "no somatic reach: in the top-k",
                            .x = {no_reach.contact_um},
                            .y = {100 * no_reach.summary.precision},
                            .marker = plot::Marker::triangle,
                            .connect = false});
    pb.hline(100 * soma.precision, "perisomatic, in the top-k");
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
    nlohmann::ordered_json dendritic = nlohmann::ordered_json::array();
    for (const auto& r : rows) {
      if (!r.reaches_soma) continue;
      auto row = placement_json(r.summary);
      row["contact_um"] = r.contact_um;
      row["location"] = r.circuit.inhibition_location.describe();
      row["somatic_fraction"] = std::exp(-r.contact_um / kernel.lambda_epsp);
      row["somatic_delay_ms"] = r.contact_um * kernel.epsp_delay_per_100um / 100.0;
      dendritic.push_back(row);
    }
    auto no_reach_json = placement_json(no_reach.summary);
    no_reach_json["contact_um"] = no_reach.contact_um;
    no_reach_json["location"] = no_reach.circuit.inhibition_location.describe();
    no_reach_json["equals_uninhibited_fraction"] = uninhibited_equal;
    j["placement"] = {{"cell_model", at_soma.exc_model},
                      {"inputs", np},
                      {"g_pool_exc_nS", s.g_pool_exc_nS},
                      {"lambda_epsp_um", kernel.lambda_epsp},
                      {"epsp_delay_per_100um_ms", kernel.epsp_delay_per_100um},
                      {"perisomatic", placement_json(soma)},
                      {"perisomatic_equals_lif_exp_fraction", same_as_lif_exp},
                      {"dendritic", dendritic},
                      {"dendritic_no_somatic_reach", no_reach_json},
                      {"uninhibited_mean_active", uninhibited_size}};
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
