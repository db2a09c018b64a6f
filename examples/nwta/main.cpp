// nwta: decision time and accuracy of the Kriener, Chaudhuri & Fiete (2020) winner-take-all
// circuits versus the number of options N = 2, 4, ..., 1024, with the authors' protocol and
// example parameters, unchanged across N (science.md sec. 2): the nonlinear-inhibition WTA
// (nWTA) and the conventional WTA under the same noise, the conventional WTA at sigma = 0, the
// fit T(N) = a + c ln N over N <= 256, and the spiking translation (spiking_nwta.hpp). The rate
// model is spindle/models/rate_wta.hpp; docs/examples.md has the results.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "spiking_nwta.hpp"
#include "spindle/error.hpp"
#include "spindle/models/rate_wta.hpp"
#include "spindle/svg_plot.hpp"

using namespace spindle;
namespace plot = spindle::plot;
namespace rw = spindle::models::rate_wta;

namespace {

struct Options {
  std::uint64_t seed = 1;
  std::size_t trials = 500, max_n = 1024, spiking_trials = 100, spiking_max_n = 1024;
  std::size_t spiking_large_trials = 4;  ///< spiking trials per N above kFitMaxN
  std::filesystem::path out = "nwta-out";
  bool quiet = false;
};

constexpr std::size_t kFitMaxN = 256;  // the fit T(N) = a + c ln N uses N <= 256 (issue 8)

std::vector<double> column(const std::vector<rw::Summary>& s, double rw::Summary::*field) {
  std::vector<double> v;
  for (const rw::Summary& x : s)
    v.push_back(x.*field);
  return v;
}

nlohmann::ordered_json to_json(const std::vector<rw::Summary>& s) {
  nlohmann::ordered_json j;
  j["mean_decision_time"] = column(s, &rw::Summary::mean_decision_time);
  j["se_decision_time"] = column(s, &rw::Summary::se_decision_time);
  j["accuracy"] = column(s, &rw::Summary::accuracy);
  j["se_accuracy"] = column(s, &rw::Summary::se_accuracy);
  std::vector<double> decided;
  for (const rw::Summary& x : s)
    decided.push_back(static_cast<double>(x.decided) / static_cast<double>(x.trials));
  j["decided_fraction"] = decided;
  j["no_winner_fraction"] = column(s, &rw::Summary::no_winner_fraction);
  j["timed_out_fraction"] = column(s, &rw::Summary::timed_out_fraction);
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "nwta: decision time and accuracy of the nonlinear-inhibition WTA (Kriener, Chaudhuri & "
      "Fiete 2020) and the conventional WTA versus the number of options N = 2 ... 1024"};
  app.add_option("--seed", o.seed, "random seed (noise of every trial)");
  app.add_option("--trials", o.trials, "rate-model trials per N and circuit (default 500)")
      ->check(CLI::Range(2, 1000000));
  app.add_option("--max-n", o.max_n, "largest N, a power of two (default 1024)")
      ->check(CLI::Range(4, 1 << 20));
  app.add_option("--spiking-trials", o.spiking_trials,
                 "spiking trials per N up to 256 (default 100; 0: not run)")
      ->check(CLI::Range(0, 100000));
  app.add_option("--spiking-max-n", o.spiking_max_n,
                 "largest N of the spiking runs (default 1024; a trial at N = 1024 takes ~1 min "
                 "and 1.1 GB)")
      ->check(CLI::Range(2, 1 << 20));
  app.add_option("--spiking-large-trials", o.spiking_large_trials,
                 "spiking trials per N above 256 (default 4; 0: not run)")
      ->check(CLI::Range(0, 100000));
  app.add_option("--out", o.out, "output folder (results.json, nwta.csv, SVGs)");
  app.add_flag("--quiet", o.quiet, "print nothing but errors");
  try {
    app.parse(argc, argv);
    if ((o.max_n & (o.max_n - 1)) != 0)
      throw CLI::ValidationError("--max-n", "must be a power of two");
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    fmt::print(stderr, "nwta: {}\nrun nwta --help for the options\n", e.what());
    return 2;
  }
  try {
    std::vector<std::size_t> ns;
    for (std::size_t n = 2; n <= o.max_n; n *= 2)
      ns.push_back(n);
    std::vector<double> n_values(ns.begin(), ns.end());

    rw::Params nonlinear;  // the authors' example parameters (rate_wta.hpp)
    rw::Params conventional = nonlinear;
    conventional.inhibition = rw::Inhibition::conventional;
    rw::Params noiseless = conventional;
    noiseless.sigma = 0.0;

    std::vector<rw::Summary> nw, cv;
    std::vector<double> sigma0_correct, sigma0_time;
    if (!o.quiet)
      fmt::print("{:>5}  {:>22}  {:>8}  {:>22}  {:>9}  {:>10}\n", "N", "nWTA T (tau)", "accuracy",
                 "conventional T (tau)", "no winner", "sigma = 0");
    for (std::size_t n : ns) {
      nw.push_back(rw::run_trials(nonlinear, n, o.trials, o.seed));
      cv.push_back(rw::run_trials(conventional, n, o.trials, o.seed));
      // sigma = 0 is deterministic: one trial says it all.
      const rw::Trial clean = rw::run_trial(noiseless, n, o.seed, 0);
      const bool ok = clean.outcome == rw::Outcome::decided && clean.correct;
      sigma0_correct.push_back(ok ? 1.0 : 0.0);
      sigma0_time.push_back(clean.time);
      if (!o.quiet)
        fmt::print(
            "{:>5}  {:>10.3f} +- {:<8.3f}  {:>8.3f}  {:>10.3f} +- {:<8.3f}  {:>9.3f}  {:>10}\n", n,
            nw.back().mean_decision_time, nw.back().se_decision_time, nw.back().accuracy,
            cv.back().mean_decision_time, cv.back().se_decision_time, cv.back().no_winner_fraction,
            ok ? fmt::format("T = {:.2f}", clean.time) : std::string("fails"));
    }

    std::vector<double> ln_n, t_fit;
    for (std::size_t i = 0; i < ns.size() && ns[i] <= kFitMaxN; ++i) {
      ln_n.push_back(std::log(n_values[i]));
      t_fit.push_back(nw[i].mean_decision_time);
    }
    const rw::LineFit fit = rw::fit_line(ln_n, t_fit);
    std::size_t capped = 0;
    for (const auto& s : nw)
      capped += s.timed_out;
    for (const auto& s : cv)
      capped += s.timed_out;
    if (!o.quiet)
      fmt::print(
          "nWTA: T(N) = {:.3f} + {:.3f} ln N over N <= {}, R^2 = {:.4f}; time cap t = {} "
          "hit in {} trials\n",
          fit.a, fit.c, kFitMaxN, fit.r2, nonlinear.t_max, capped);

    // The spiking translation.
    std::vector<nwta::SpikingSummary> spiking;
    std::vector<double> spiking_n;
    const nwta::SpikingSetup setup;
    for (std::size_t n = 2; o.spiking_trials > 0 && n <= std::min(o.spiking_max_n, o.max_n);
         n *= 2) {
      const std::size_t trials = n <= kFitMaxN ? o.spiking_trials : o.spiking_large_trials;
      if (trials == 0) break;
      spiking.push_back(nwta::run_spiking(setup, n, trials, o.seed));
      spiking_n.push_back(static_cast<double>(n));
      const auto& s = spiking.back();
      const std::size_t rate_index = spiking.size() - 1;  // N = 2, 4, ... in both sweeps
      if (!o.quiet)
        fmt::print(
            "spiking N = {}: decided {:.3f}, T = {:.1f} +- {:.1f} ms, accuracy {:.3f} +- {:.3f} "
            "(rate nWTA {:.3f}, chance {:.3f})\n",
            n, 1.0 - s.no_winner_fraction, s.mean_decision_time_ms, s.se_decision_time_ms,
            s.accuracy, s.se_accuracy, nw[rate_index].accuracy, 1.0 / static_cast<double>(n));
    }

    std::vector<double> spiking_ln_n, spiking_t;
    for (std::size_t i = 0; i < spiking.size() && spiking[i].n <= kFitMaxN; ++i)
      if (spiking[i].decided > 0) {
        spiking_ln_n.push_back(std::log(spiking_n[i]));
        spiking_t.push_back(spiking[i].mean_decision_time_ms);
      }
    const bool spiking_fitted = spiking_ln_n.size() >= 3;
    const rw::LineFit spiking_fit =
        spiking_fitted ? rw::fit_line(spiking_ln_n, spiking_t) : rw::LineFit{};
    if (!o.quiet && spiking_fitted)
      fmt::print("spiking: T(N) = {:.1f} + {:.1f} ln N ms over N <= {}, R^2 = {:.4f}\n",
                 spiking_fit.a, spiking_fit.c, kFitMaxN, spiking_fit.r2);

    std::filesystem::create_directories(o.out);
    {
      std::ofstream csv(o.out / "nwta.csv");
      csv << "n,nwta_T,nwta_se_T,nwta_accuracy,conv_T,conv_se_T,conv_accuracy,conv_no_winner,"
             "conv_sigma0_correct\n";
      for (std::size_t i = 0; i < ns.size(); ++i)
        csv << fmt::format("{},{},{},{},{},{},{},{},{}\n", ns[i], nw[i].mean_decision_time,
                           nw[i].se_decision_time, nw[i].accuracy, cv[i].mean_decision_time,
                           cv[i].se_decision_time, cv[i].accuracy, cv[i].no_winner_fraction,
                           sigma0_correct[i]);
    }

    plot::Figure tf("Decision time versus number of options (Kriener, Chaudhuri & Fiete)");
    auto& tp = tf.panel();
    tp.x().label("number of options N").log();
    tp.y().label("decision time T", "tau");
    tp.add(plot::LineSeries{.label = "nWTA (rate model)",
                            .x = n_values,
                            .y = column(nw, &rw::Summary::mean_decision_time),
                            .yerr = column(nw, &rw::Summary::se_decision_time),
                            .marker = plot::Marker::circle});
    tp.add(plot::LineSeries{.label = "conventional WTA (decided trials)",
                            .x = n_values,
                            .y = column(cv, &rw::Summary::mean_decision_time),
                            .yerr = column(cv, &rw::Summary::se_decision_time),
                            .marker = plot::Marker::square});
    std::vector<double> fit_x, fit_y;
    for (double n : n_values)
      if (n <= static_cast<double>(kFitMaxN)) {
        fit_x.push_back(n);
        fit_y.push_back(fit.a + fit.c * std::log(n));
      }
    tp.add(plot::LineSeries{
        .label = fmt::format("{:.2f} + {:.2f} ln N (R² = {:.3f})", fit.a, fit.c, fit.r2),
        .x = fit_x,
        .y = fit_y,
        .dash = plot::Dash::dashed});
    if (!spiking.empty()) {
      auto& sp = tf.add_panel();
      sp.title("spiking translation (a population per option, gated inhibition)");
      sp.x().label("number of options N").log();
      sp.y().label("decision time", "ms");
      std::vector<double> t, se;
      for (const auto& s : spiking) {
        t.push_back(s.mean_decision_time_ms);
        se.push_back(s.se_decision_time_ms);
      }
      sp.add(plot::LineSeries{.label = "spiking nWTA",
                              .x = spiking_n,
                              .y = t,
                              .yerr = se,
                              .marker = plot::Marker::circle});
      if (spiking_fitted) {
        std::vector<double> fx, fy;
        for (double n : spiking_n)
          if (n <= static_cast<double>(kFitMaxN)) {
            fx.push_back(n);
            fy.push_back(spiking_fit.a + spiking_fit.c * std::log(n));
          }
        sp.add(plot::LineSeries{.label = fmt::format("{:.0f} + {:.0f} ln N (R² = {:.3f})",
                                                     spiking_fit.a, spiking_fit.c, spiking_fit.r2),
                                .x = fx,
                                .y = fy,
                                .dash = plot::Dash::dashed});
      }
    }
    tf.save(o.out / "decision_time.svg");

    plot::Figure af("Accuracy versus number of options");
    auto& ap = af.panel();
    ap.x().label("number of options N").log();
    ap.y().label("fraction of trials").limits(0, 1);
    ap.add(plot::LineSeries{.label = "nWTA: correct decisions",
                            .x = n_values,
                            .y = column(nw, &rw::Summary::accuracy),
                            .yerr = column(nw, &rw::Summary::se_accuracy),
                            .marker = plot::Marker::circle});
    ap.add(plot::LineSeries{.label = "conventional: correct decisions",
                            .x = n_values,
                            .y = column(cv, &rw::Summary::accuracy),
                            .yerr = column(cv, &rw::Summary::se_accuracy),
                            .marker = plot::Marker::square});
    ap.add(plot::LineSeries{.label = "conventional: no winner",
                            .x = n_values,
                            .y = column(cv, &rw::Summary::no_winner_fraction),
                            .dash = plot::Dash::dashed,
                            .marker = plot::Marker::triangle});
    ap.add(plot::LineSeries{.label = "conventional at σ = 0: correct",
                            .x = n_values,
                            .y = sigma0_correct,
                            .dash = plot::Dash::dotted,
                            .marker = plot::Marker::diamond});
    if (!spiking.empty()) {
      std::vector<double> acc, se, chance;
      for (const auto& s : spiking) {
        acc.push_back(s.accuracy);
        se.push_back(s.se_accuracy);
      }
      for (double n : spiking_n)
        chance.push_back(1.0 / n);
      ap.add(plot::LineSeries{.label = "spiking nWTA: correct decisions",
                              .x = spiking_n,
                              .y = acc,
                              .yerr = se,
                              .marker = plot::Marker::circle});
      ap.add(plot::LineSeries{
          .label = "chance, 1/N", .x = spiking_n, .y = chance, .dash = plot::Dash::dotted});
    }
    af.save(o.out / "accuracy.svg");

    nlohmann::ordered_json j;
    j["n"] = ns;
    j["trials"] = o.trials;
    j["seed"] = o.seed;
    j["parameters"] = {{"alpha", nonlinear.alpha},
                       {"beta", nonlinear.beta},
                       {"theta", nonlinear.theta},
                       {"delta", nonlinear.delta},
                       {"tau", nonlinear.tau},
                       {"tau_eta", nonlinear.tau_eta},
                       {"sigma", nonlinear.sigma},
                       {"dt", nonlinear.dt},
                       {"t_max", nonlinear.t_max},
                       {"first_check", nonlinear.first_check},
                       {"check_every", nonlinear.check_every}};
    j["nwta"] = to_json(nw);
    j["conventional"] = to_json(cv);
    j["no_winner_fraction"] = column(cv, &rw::Summary::no_winner_fraction);
    j["fit_a"] = fit.a;
    j["fit_c"] = fit.c;
    j["fit_r2"] = fit.r2;
    j["fit_max_n"] = kFitMaxN;
    j["time_cap_hits"] = capped;
    j["conventional_sigma0_correct"] = sigma0_correct;
    j["conventional_sigma0_decision_time"] = sigma0_time;
    if (!spiking.empty()) {
      nlohmann::ordered_json sj;
      sj["n"] = spiking_n;
      std::vector<std::size_t> trials;
      for (const auto& s : spiking)
        trials.push_back(s.trials);
      sj["trials"] = trials;
      std::vector<double> t, se, acc, se_acc, dec, rate_acc;
      for (std::size_t i = 0; i < spiking.size(); ++i) {
        t.push_back(spiking[i].mean_decision_time_ms);
        se.push_back(spiking[i].se_decision_time_ms);
        acc.push_back(spiking[i].accuracy);
        se_acc.push_back(spiking[i].se_accuracy);
        dec.push_back(1.0 - spiking[i].no_winner_fraction);
        rate_acc.push_back(nw[i].accuracy);
      }
      sj["mean_decision_time_ms"] = t;
      sj["se_decision_time_ms"] = se;
      sj["accuracy"] = acc;
      sj["se_accuracy"] = se_acc;
      sj["rate_nwta_accuracy"] = rate_acc;  // the rate model's at the same N, side by side
      sj["decided_fraction"] = dec;
      sj["cells_per_option"] = setup.cells_per_option;
      sj["tau_ms"] = setup.tau_ms;
      sj["duration_cap_ms"] = setup.duration_ms;
      if (spiking_fitted) {
        sj["fit_a_ms"] = spiking_fit.a;
        sj["fit_c_ms"] = spiking_fit.c;
        sj["fit_r2"] = spiking_fit.r2;
      }
      j["spiking"] = sj;
    }
    std::ofstream(o.out / "results.json") << j.dump(2) << '\n';
    if (!o.quiet) fmt::print("wrote {}\n", (o.out / "results.json").string());
    return 0;
  } catch (const Error& e) {
    fmt::print(stderr, "nwta: {}\n", e.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "nwta: {}\n", e.what());
    return 2;
  }
}
