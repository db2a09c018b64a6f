// sparse_coding: Földiák's (1990) bars experiment, first with the paper's rate network
// (spindle/models/foldiak.hpp), then with spiking LIF units and inhibitory plasticity in the
// spirit of SAILnet (spindle/models/sailnet.hpp: lif_delta cells in an exact event-driven
// loop), over several seeds: which unit codes which bar, whether the code is one-to-one, the
// mean |correlation| between outputs before and after learning, the mean activity, and the
// learned receptive fields. The protocol is experiment.hpp (shared with tests/validation/wta);
// docs/examples.md has the results.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "experiment.hpp"
#include "spindle/error.hpp"
#include "spindle/svg_plot.hpp"

using namespace spindle;
namespace plot = spindle::plot;
namespace foldiak = spindle::models::foldiak;
namespace bars = spindle::models::bars;
namespace sailnet = spindle::models::sailnet;

namespace {

struct Options {
  std::uint64_t seed = 1;
  std::size_t seeds = 10;
  std::size_t rate_presentations = sparse_coding::Protocol{}.presentations;
  std::size_t spiking_presentations = sparse_coding::spiking_protocol().presentations;
  std::filesystem::path out = "sparse-coding-out";
  bool quiet = false;
};

struct Version {
  std::string name;
  std::vector<sparse_coding::Outcome> runs;
  std::size_t one_to_one() const {
    return static_cast<std::size_t>(
        std::count_if(runs.begin(), runs.end(), [](const auto& r) { return r.code.one_to_one; }));
  }
  std::vector<double> collect(double bars::OutputStatistics::*field, bool after) const {
    std::vector<double> v;
    for (const auto& r : runs)
      v.push_back((after ? r.after : r.before).*field);
    return v;
  }
};

double mean(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v)
    s += x / static_cast<double>(v.size());
  return s;
}

/// The 16 receptive fields as 8 x 8 heat maps, image row 0 at the top.
void save_fields(const sparse_coding::Outcome& run, const std::string& title,
                 const std::filesystem::path& path) {
  plot::Figure fig(title);
  fig.columns(4).size(760, 190);
  std::vector<int> bar_of_unit(run.fields.size(), -1);
  for (std::size_t b = 0; b < run.code.unit_of_bar.size(); ++b)
    if (run.code.unit_of_bar[b] >= 0)
      bar_of_unit[static_cast<std::size_t>(run.code.unit_of_bar[b])] = static_cast<int>(b);
  double hi = 0.0;
  for (const auto& f : run.fields)
    hi = std::max(hi, *std::max_element(f.begin(), f.end()));
  for (std::size_t i = 0; i < run.fields.size(); ++i) {
    std::vector<double> v(bars::pixels);
    for (std::size_t r = 0; r < bars::side; ++r)
      for (std::size_t c = 0; c < bars::side; ++c)
        v[(bars::side - 1 - r) * bars::side + c] = run.fields[i][r * bars::side + c];
    auto& p = fig.add_panel();
    const int b = bar_of_unit[i];
    p.title(b < 0 ? fmt::format("unit {}: no bar", i)
                  : fmt::format("unit {}: {} {}", i, b < 8 ? "row" : "column", b % 8));
    p.heatmap({.rows = bars::side,
               .cols = bars::side,
               .values = v,
               .label = "weight",
               .vmin = 0.0,
               .vmax = hi});
  }
  fig.save(path);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "sparse_coding: Földiák's (1990) bars problem with anti-Hebbian lateral inhibition, rate "
      "network and spiking (SAILnet-style) network"};
  app.add_option("--seed", o.seed, "first seed; runs use seed, seed + 1, ... (default 1)");
  app.add_option("--seeds", o.seeds, "seeds per version (default 10)")->check(CLI::Range(1, 1000));
  app.add_option("--rate-presentations", o.rate_presentations,
                 "training images, rate network (default 3000)")
      ->check(CLI::Range(1, 10000000));
  app.add_option("--spiking-presentations", o.spiking_presentations,
                 "training images, spiking network (default 8000)")
      ->check(CLI::Range(1, 10000000));
  app.add_option("--out", o.out, "output folder (results.json, codes.csv, SVGs)");
  app.add_flag("--quiet", o.quiet, "print nothing but errors");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    fmt::print(stderr, "sparse_coding: {}\nrun sparse_coding --help for the options\n", e.what());
    return 2;
  }
  try {
    Version rate{"rate", {}}, spiking{"spiking", {}};
    sparse_coding::Protocol rate_protocol, spiking_protocol = sparse_coding::spiking_protocol();
    rate_protocol.presentations = o.rate_presentations;
    spiking_protocol.presentations = o.spiking_presentations;
    std::vector<std::uint64_t> seeds;
    for (std::size_t k = 0; k < o.seeds; ++k) {
      const std::uint64_t seed = o.seed + k;
      seeds.push_back(seed);
      foldiak::Network fn(foldiak::Params{}, seed);
      rate.runs.push_back(sparse_coding::run(fn, rate_protocol, seed));
      sailnet::Network sn(sparse_coding::spiking_params(), seed);
      spiking.runs.push_back(sparse_coding::run(sn, spiking_protocol, seed));
      if (!o.quiet)
        for (const Version* v : {&rate, &spiking}) {
          const auto& r = v->runs.back();
          fmt::print(
              "seed {} {:>7}: one-to-one {:>3}, mean |r| {:.4f} -> {:.4f} ({:.1f}x), activity "
              "{:.4f}, unit of each bar {}\n",
              seed, v->name, r.code.one_to_one ? "yes" : "no", r.before.mean_abs_correlation,
              r.after.mean_abs_correlation,
              r.before.mean_abs_correlation / r.after.mean_abs_correlation, r.after.mean_activity,
              r.code.unit_of_bar);
        }
    }

    nlohmann::ordered_json j;
    j["seeds"] = seeds;
    j["presentations"] = {{"rate", o.rate_presentations}, {"spiking", o.spiking_presentations}};
    j["warmup"] = rate_protocol.warmup;
    j["test_images"] = rate_protocol.test_images;
    for (const Version* v : {&rate, &spiking}) {
      const auto before = v->collect(&bars::OutputStatistics::mean_abs_correlation, false);
      const auto after = v->collect(&bars::OutputStatistics::mean_abs_correlation, true);
      const auto activity = v->collect(&bars::OutputStatistics::mean_activity, true);
      j["seeds_one_to_one"][v->name] = v->one_to_one();
      j["corr_before"][v->name] = before;
      j["corr_after"][v->name] = after;
      j["corr_ratio_of_means"][v->name] = mean(before) / mean(after);
      j["mean_activity"][v->name] = activity;
      std::vector<std::vector<int>> codes;
      for (const auto& r : v->runs)
        codes.push_back(r.code.unit_of_bar);
      j["unit_of_bar"][v->name] = codes;
      if (!o.quiet)
        fmt::print(
            "{}: one-to-one in {} of {} seeds; mean |r| {:.4f} -> {:.4f} ({:.1f}x); activity "
            "{:.4f} .. {:.4f}\n",
            v->name, v->one_to_one(), o.seeds, mean(before), mean(after),
            mean(before) / mean(after), *std::min_element(activity.begin(), activity.end()),
            *std::max_element(activity.begin(), activity.end()));
    }

    std::filesystem::create_directories(o.out);
    {
      std::ofstream csv(o.out / "codes.csv");
      csv << "version,seed,one_to_one,corr_before,corr_after,mean_activity,unit_of_bar\n";
      for (const Version* v : {&rate, &spiking})
        for (std::size_t k = 0; k < seeds.size(); ++k) {
          const auto& r = v->runs[k];
          csv << fmt::format("{},{},{},{},{},{},\"{}\"\n", v->name, seeds[k],
                             r.code.one_to_one ? 1 : 0, r.before.mean_abs_correlation,
                             r.after.mean_abs_correlation, r.after.mean_activity,
                             fmt::join(r.code.unit_of_bar, " "));
        }
    }
    save_fields(rate.runs.front(),
                fmt::format("Rate network (Földiák 1990), seed {}: learned feed-forward weights",
                            seeds.front()),
                o.out / "receptive_fields_rate.svg");
    save_fields(
        spiking.runs.front(),
        fmt::format("Spiking network (SAILnet-style), seed {}: learned feed-forward weights",
                    seeds.front()),
        o.out / "receptive_fields_spiking.svg");

    plot::Figure cf("Mean |correlation| between outputs on random bar images");
    auto& cp = cf.panel();
    cp.x().label("seed");
    cp.y().label("mean |r|").log();
    std::vector<double> xs(seeds.begin(), seeds.end());
    std::size_t style = 0;
    for (const Version* v : {&rate, &spiking}) {
      for (bool after : {false, true})
        cp.add(plot::LineSeries{
            .label =
                fmt::format("{}, {}", v->name, after ? "after learning" : "before (after warm-up)"),
            .x = xs,
            .y = v->collect(&bars::OutputStatistics::mean_abs_correlation, after),
            .color = plot::palette(style),
            .dash = after ? plot::Dash::solid : plot::Dash::dashed,
            .marker = after ? plot::Marker::circle : plot::Marker::square,
            .connect = false});
      ++style;
    }
    cf.save(o.out / "correlations.svg");

    std::ofstream(o.out / "results.json") << j.dump(2) << '\n';
    if (!o.quiet) fmt::print("wrote {}\n", (o.out / "results.json").string());
    return 0;
  } catch (const Error& e) {
    fmt::print(stderr, "sparse_coding: {}\n", e.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "sparse_coding: {}\n", e.what());
    return 2;
  }
}
