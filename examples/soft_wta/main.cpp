// soft_wta: a spiking soft winner-take-all (spindle/models/wta.hpp, soft mode) checked against
// Maass (2000, science.md sec. 4): the output spike counts rank the cells as the inputs do (for
// inputs farther apart than the circuit's resolution, which is stated and measured), the k-WTA
// definition read off the output for every k, and a function of one variable approximated by a
// soft-WTA stage on positive linear gates followed by positive readout weights (fitted by
// non-negative least squares), as the approximation theorem states. docs/examples.md has the
// results.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "approximation.hpp"
#include "soft_wta_experiment.hpp"
#include "spindle/error.hpp"
#include "spindle/random.hpp"
#include "spindle/svg_plot.hpp"

using namespace spindle;
namespace plot = spindle::plot;

namespace {

struct Options {
  std::uint64_t seed = 1;
  std::size_t inputs = 1000;
  std::filesystem::path out = "soft_wta-out";
  bool quiet = false;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"soft_wta: spiking soft winner-take-all and Maass (2000) approximation"};
  app.add_option("--seed", o.seed, "random seed (inputs, gate weights)");
  app.add_option("--inputs", o.inputs, "random inputs for the rank test (default 1000)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--out", o.out, "output folder (results.json, CSV, SVGs)");
  app.add_flag("--quiet", o.quiet, "print nothing but errors");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    fmt::print(stderr, "soft_wta: {}\nrun soft_wta --help for the options\n", e.what());
    return 2;
  }
  try {
    const soft_wta::Setup s;
    RandomStream rng(o.seed, 0, Purpose::user);

    // 1. Resolution: two cells at x0 and x0 + gap among random others; the pair is resolved when
    //    the upper one fires more (or both are silent).
    const std::vector<double> gaps = {0.002, 0.005, 0.01, 0.02, 0.03, 0.05};
    const std::size_t pairs = 100;
    std::vector<std::vector<double>> pair_inputs;
    for (double g : gaps)
      for (std::size_t t = 0; t < pairs; ++t) {
        std::vector<double> x(s.n);
        for (auto& v : x)
          v = rng.uniform();
        x[0] = rng.uniform(0.0, 1.0 - g);
        x[1] = x[0] + g;
        pair_inputs.push_back(x);
      }
    const auto pair_counts = soft_wta::counts(s, pair_inputs, o.seed);
    std::vector<double> resolved;
    double measured_resolution = NAN;
    for (std::size_t gi = 0; gi < gaps.size(); ++gi) {
      double ok = 0;
      for (std::size_t t = 0; t < pairs; ++t) {
        const auto& c = pair_counts[gi * pairs + t];
        ok += (c[1] > c[0] || (c[0] == 0.0 && c[1] == 0.0)) ? 1.0 : 0.0;
      }
      resolved.push_back(ok / pairs);
      if (std::isnan(measured_resolution) && ok / pairs >= 0.99) measured_resolution = gaps[gi];
    }

    // 2. Rank order on random inputs, and the k-WTA definition read off the output.
    std::vector<std::vector<double>> x(o.inputs, std::vector<double>(s.n));
    for (auto& v : x)
      for (auto& e : v)
        e = rng.uniform();
    const auto counts = soft_wta::counts(s, x, o.seed + 1);
    std::size_t above = 0, agree = 0, agree_all = 0;
    std::vector<double> kwta_ok(s.n - 1, 0.0);
    for (std::size_t i = 0; i < o.inputs; ++i) {
      const bool same = soft_wta::same_rank_order(x[i], counts[i]);
      agree_all += same;
      if (soft_wta::min_gap(x[i]) <= s.resolution) continue;
      ++above;
      agree += same;
      for (std::size_t k = 1; k < s.n; ++k)
        kwta_ok[k - 1] += soft_wta::is_kwta(x[i], counts[i], k);
    }
    for (auto& v : kwta_ok)
      v /= static_cast<double>(std::max<std::size_t>(above, 1));
    const double rank_agreement = static_cast<double>(agree) / static_cast<double>(above);
    if (!o.quiet)
      fmt::print(
          "resolution: stated {}, measured {} (>= 99 % of pairs ordered)\nrank order kept for "
          "{:.1f} % of {} inputs with all gaps > {} ({:.1f} % of all {} inputs)\n",
          s.resolution, measured_resolution, 100 * rank_agreement, above, s.resolution,
          100.0 * static_cast<double>(agree_all) / static_cast<double>(o.inputs), o.inputs);

    // 3. Maass's approximation theorem (approximation.hpp): n soft-WTA units on the tangent
    //    gates, their rank outputs read out by NNLS on a 101-point grid, judged on 200 held-out
    //    random inputs; n from 8 to 64, the headline at 64.
    const auto F = [](double v) { return 0.5 + 0.4 * std::sin(2.0 * std::numbers::pi * v); };
    const std::vector<std::size_t> unit_counts = {8, 16, 32, 64};
    const std::size_t headline_units = 64;
    std::vector<soft_wta::Approximation> sweep;
    std::vector<double> sweep_n, sweep_rms, sweep_max, sweep_bound;
    for (std::size_t n : unit_counts) {
      sweep.push_back(soft_wta::approximate(s, soft_wta::approximation_setup(n), F, o.seed + 2));
      sweep_n.push_back(static_cast<double>(n));
      sweep_rms.push_back(sweep.back().rms_error_test);
      sweep_max.push_back(sweep.back().max_error_test);
      sweep_bound.push_back(1.0 / static_cast<double>(n - 1));
      if (!o.quiet)
        fmt::print("  {:3d} units: held-out max error {:.4f}, rms {:.4f} (grid: max {:.4f})\n", n,
                   sweep.back().max_error_test, sweep.back().rms_error_test,
                   sweep.back().max_error_train);
    }
    const std::size_t head = static_cast<std::size_t>(
        std::find(unit_counts.begin(), unit_counts.end(), headline_units) - unit_counts.begin());
    const soft_wta::ApproximationSetup as = soft_wta::approximation_setup(headline_units);
    const soft_wta::Approximation& ap = sweep[head];
    const std::vector<double>& xs = ap.x;
    const std::vector<double>& target = ap.target;
    const std::vector<double>& fit = ap.fit;
    const std::size_t grid = xs.size();
    if (!o.quiet)
      fmt::print(
          "F(x) = 0.5 + 0.4 sin(2 pi x) from {} soft-WTA units, positive readout (NNLS on {} grid "
          "points): max error {:.4f}, rms {:.4f}; on {} held-out random inputs: max {:.4f}, rms "
          "{:.4f}\n",
          as.units, grid, ap.max_error_train, ap.rms_error_train, as.test, ap.max_error_test,
          ap.rms_error_test);

    std::filesystem::create_directories(o.out);
    {
      std::ofstream csv(o.out / "approximation.csv");
      csv << "x,target,fit\n";
      for (std::size_t g = 0; g < grid; ++g)
        csv << xs[g] << ',' << target[g] << ',' << fit[g] << '\n';
    }
    plot::Figure fig("Soft WTA (Maass 2000): rank order and function approximation");
    fig.columns(2);
    auto& r = fig.add_panel();
    r.title("output vs input, 20 random inputs");
    r.x().label("input x").limits(0, 1);
    r.y().label("spike count", fmt::format("per {:.0f} ms", s.window_ms));
    for (std::size_t i = 0; i < std::min<std::size_t>(20, o.inputs); ++i)
      r.add(plot::LineSeries{.x = x[i],
                             .y = counts[i],
                             .color = plot::palette(i % 8),
                             .width = 0.0,
                             .marker = plot::Marker::circle,
                             .marker_size = 4.0,
                             .connect = false});
    auto& q = fig.add_panel();
    q.title("pairs resolved vs input gap");
    q.x().label("gap").log();
    q.y().label("fraction ordered").limits(0, 1.05);
    q.add(plot::LineSeries{
        .label = "spiking soft WTA", .x = gaps, .y = resolved, .marker = plot::Marker::circle});
    q.vline(s.resolution, "stated");
    auto& p = fig.add_panel();
    p.title(fmt::format("F(x) from {} units, positive weights", as.units));
    p.x().label("x").limits(0, 1);
    p.y().label("F");
    p.add(plot::LineSeries{.label = "target", .x = xs, .y = target, .dash = plot::Dash::dashed});
    p.add(plot::LineSeries{.label = "soft WTA + NNLS", .x = xs, .y = fit});
    auto& u = fig.add_panel();
    u.title(fmt::format("rank outputs, 8 of {} units", as.units));
    u.x().label("x").limits(0, 1);
    u.y().label("soft-WTA output (scaled rank)");
    for (std::size_t i = 0; i < as.units; i += as.units / 8) {
      std::vector<double> yi(grid);
      for (std::size_t g = 0; g < grid; ++g)
        yi[g] = ap.features[g][i];
      u.add(plot::LineSeries{.x = xs, .y = yi});
    }
    auto& e = fig.add_panel();
    e.title("held-out error vs number of units");
    e.x().label("units").log();
    e.y().label("error").log();
    e.add(plot::LineSeries{
        .label = "rms", .x = sweep_n, .y = sweep_rms, .marker = plot::Marker::circle});
    e.add(plot::LineSeries{
        .label = "max", .x = sweep_n, .y = sweep_max, .marker = plot::Marker::square});
    e.add(plot::LineSeries{
        .label = "1 / (n - 1)", .x = sweep_n, .y = sweep_bound, .dash = plot::Dash::dashed});
    fig.save(o.out / "soft_wta.svg");

    nlohmann::ordered_json j;
    j["n"] = s.n;
    j["inputs"] = o.inputs;
    j["seed"] = o.seed;
    j["window_ms"] = s.window_ms;
    j["resolution_stated"] = s.resolution;
    j["resolution_measured"] = measured_resolution;
    j["resolution_gaps"] = gaps;
    j["resolution_fraction_ordered"] = resolved;
    j["inputs_above_resolution"] = above;
    j["rank_agreement"] = rank_agreement;
    j["rank_agreement_all_inputs"] = static_cast<double>(agree_all) / static_cast<double>(o.inputs);
    j["kwta_definition_agreement"] = kwta_ok;
    j["approximation"] = {{"target", "0.5 + 0.4 sin(2 pi x)"},
                          {"units", as.units},
                          {"bias", as.bias},
                          {"gain", as.gain},
                          {"grid", grid},
                          {"max_error", ap.max_error_train},
                          {"rms_error", ap.rms_error_train},
                          {"held_out_inputs", as.test},
                          {"rank_width", as.rank_width},
                          {"max_error_held_out", ap.max_error_test},
                          {"rms_error_held_out", ap.rms_error_test},
                          {"weights", ap.weights},
                          {"units_sweep", unit_counts},
                          {"rms_error_held_out_sweep", sweep_rms},
                          {"max_error_held_out_sweep", sweep_max}};
    std::ofstream(o.out / "results.json") << j.dump(2) << '\n';
    if (!o.quiet) fmt::print("wrote {}\n", (o.out / "results.json").string());
    return 0;
  } catch (const Error& e) {
    fmt::print(stderr, "soft_wta: {}\n", e.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "soft_wta: {}\n", e.what());
    return 2;
  }
}
