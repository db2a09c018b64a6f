// The `spindle` program: parses the command line, dispatches to a command and turns every
// failure into one message and an exit status (docs/cli.md):
//   0 success, 1 internal error (a bug), 2 bad input (command line, parameters, files),
//   130 interrupted by Ctrl-C or SIGTERM.
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "networks.hpp"
#include "spindle/error.hpp"

#ifndef SPINDLE_VERSION
#error "the build defines SPINDLE_VERSION (apps/spindle/CMakeLists.txt)"
#endif

namespace {

constexpr int exit_usage = 2;
constexpr int exit_internal = 1;
constexpr int exit_interrupted = 130;

// A signal handler can only reach static storage, so this one flag is the exception to the
// no-globals rule; nothing but the handler writes it, and commands get it passed explicitly.
volatile std::sig_atomic_t stop_flag = 0;

extern "C" void on_stop_signal(int /*sig*/) {
  stop_flag = 1;
}

void install_stop_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  // SA_RESETHAND: a second Ctrl-C kills at once, should the run not reach a check point.
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void print_error(const std::string& where, const std::string& message) {
  std::fflush(stdout);
  std::fputs(fmt::format("{}: error: {}\n", where, message).c_str(), stderr);
}

/// "spindle run" for a failure inside `run`, "spindle" otherwise.
std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* sub = &app;;) {
    const auto subs = sub->get_subcommands();
    if (subs.empty()) break;
    sub = subs.front();
    path += " " + sub->get_name();
  }
  return path;
}

/// Adds the options run and bench share.
void add_sim_options(CLI::App& cmd, spindle::app::SimArgs& sim) {
  cmd.add_option("--duration", sim.duration, "Simulated time [ms], > 0")
      ->type_name("MS")
      ->capture_default_str();
  cmd.add_option("--scale", sim.scale,
                 fmt::format("Size of a scalable network ({}), 0 < S <= 1: cell numbers and "
                             "in-degrees x S (default 0.1)",
                             spindle::app::scalable_network_names()))
      ->type_name("S");
  cmd.add_option("--seed", sim.seed, "Random seed, a whole number >= 0; same seed, same spikes")
      ->type_name("N")
      ->capture_default_str();
  cmd.add_option("--threads", sim.threads,
                 fmt::format("Worker threads, 1 to {}", spindle::app::max_threads))
      ->type_name("N")
      ->capture_default_str();
  cmd.add_option("--partitions", sim.partitions,
                 "Number of partitions, 1 to the number of cells (default: 4 x threads); "
                 "results do not depend on it")
      ->type_name("K");
}

/// Adds the plugin options run, bench and models share.
void add_plugin_options(CLI::App& cmd, spindle::app::PluginArgs& plugins) {
  cmd.add_option("--plugin", plugins.files,
                 "Load the model plugin at PATH (a shared library); may be repeated")
      ->type_name("PATH")
      ->take_all()
      ->allow_extra_args(false);
  cmd.add_flag("--no-default-plugins", plugins.no_defaults,
               "Load only --plugin files, not those of the installed plugin folder and of "
               "SPINDLE_PLUGIN_PATH");
}

}  // namespace

int main(int argc, char** argv) {
  install_stop_handler();
  const std::string version = SPINDLE_VERSION;

  CLI::App app{"Spindle: event-driven simulation of spiking networks.", "spindle"};
  app.set_version_flag("--version", "spindle " + version, "Print the version and exit");
  app.require_subcommand(0, 1);
  app.footer(
      "Run 'spindle COMMAND --help' for the options of a command.\n"
      "Exit status: 0 success, 2 bad input, 1 internal error, 130 interrupted.");

  spindle::app::RunArgs run_args;
  CLI::App* run = app.add_subcommand(
      "run", "Simulate a built-in network; write spikes and a summary to a folder");
  run->add_option("FILE", run_args.circuit,
                  "Circuit file (TOML, docs/circuit-format.md) to simulate instead of --network; "
                  "the options below replace its [simulation] values")
      ->type_name("FILE.toml");
  add_sim_options(*run, run_args.sim);
  add_plugin_options(*run, run_args.sim.plugins);
  run->add_option("--network", run_args.sim.network,
                  fmt::format("Network to simulate: {}", spindle::app::network_names()))
      ->type_name("NAME")
      ->capture_default_str();
  run->add_option("--out", run_args.out,
                  "Output folder, created if missing (default: spindle-out/YYYYmmdd-HHMMSS)")
      ->type_name("DIR");
  run->add_flag("--quiet,-q", run_args.quiet, "Print nothing but errors (no progress, no table)");

  spindle::app::BenchArgs bench_args;
  CLI::App* bench = app.add_subcommand(
      "bench", "Time a built-in network; print one line of JSON (nothing is written)");
  bench
      ->add_option("network", bench_args.sim.network,
                   fmt::format("Network: {}; or '{}' for the series of Brunel networks from "
                               "10^3 to 10^6 cells (one JSON line per size; --duration "
                               "default 100 there)",
                               spindle::app::network_names(), spindle::app::scaling_series_name))
      ->type_name("NETWORK");
  bench
      ->add_option("--max-cells", bench_args.max_cells,
                   "scaling only: largest network of the series, 1000 to 1000000 cells "
                   "(default 1000000; sizes that do not fit in memory are skipped)")
      ->type_name("N");
  bench->add_flag("--no-record", bench_args.no_record,
                  "Simulate without recording spikes (to measure what recording costs)");
  add_sim_options(*bench, bench_args.sim);
  add_plugin_options(*bench, bench_args.sim.plugins);

  spindle::app::ModelsArgs models_args;
  CLI::App* models = app.add_subcommand(
      "models", "List the models (built-in and from plugins) with their parameters and origin");
  models->add_option("MODEL", models_args.names, "Show only these models (default: all)");
  add_plugin_options(*models, models_args.plugins);
  bool models_json = false, models_markdown = false;
  CLI::Option* json = models->add_flag("--json", models_json, "Print JSON instead of tables");
  models->add_flag("--markdown", models_markdown, "Print Markdown (the text of docs/models.md)")
      ->excludes(json);

  spindle::app::CalibrateArgs calibrate_args;
  CLI::App* calibrate = app.add_subcommand(
      "calibrate-dendrite",
      "Fit pyramidal_dendritic's dendritic kernel to the cable cell's inhibition map; print it");
  calibrate->add_option("--out", calibrate_args.out, "Also write the fitted values as JSON")
      ->type_name("FILE.json");
  calibrate->add_flag("--quiet,-q", calibrate_args.quiet, "No progress message");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e);  // --help, --version: print to stdout, exit 0
    }
    const std::string where = command_path(app);
    std::string message = e.what();
    if (where == "spindle" && dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
      message += " (the commands are: run, bench, models, calibrate-dendrite)";
    }
    print_error(where, fmt::format("{}\nRun '{} --help' for the allowed options.", message, where));
    return exit_usage;
  }

  const spindle::app::StopRequest stop{&stop_flag};
  const std::string where = command_path(app);
  try {
    if (run->parsed()) {
      run_args.out_given = run->count("--out") > 0;
      run_args.sim.partitions_given = run->count("--partitions") > 0;
      run_args.sim.scale_given = run->count("--scale") > 0;
      run_args.network_given = run->count("--network") > 0;
      run_args.duration_given = run->count("--duration") > 0;
      run_args.seed_given = run->count("--seed") > 0;
      run_args.threads_given = run->count("--threads") > 0;
      return spindle::app::run_command(run_args, version, stop);
    }
    if (bench->parsed()) {
      // Checked here rather than with CLI11's required(), whose message lists no choices.
      if (bench->count("network") == 0) {
        throw spindle::Error(
            fmt::format("NETWORK is required: one of {}", spindle::app::network_names()));
      }
      bench_args.sim.partitions_given = bench->count("--partitions") > 0;
      bench_args.sim.scale_given = bench->count("--scale") > 0;
      bench_args.duration_given = bench->count("--duration") > 0;
      bench_args.max_cells_given = bench->count("--max-cells") > 0;
      return spindle::app::bench_command(bench_args, version, stop);
    }
    if (models->parsed()) {
      models_args.format = models_json       ? spindle::app::ListFormat::json
                           : models_markdown ? spindle::app::ListFormat::markdown
                                             : spindle::app::ListFormat::text;
      return spindle::app::models_command(models_args);
    }
    if (calibrate->parsed()) return spindle::app::calibrate_command(calibrate_args);
    print_error("spindle",
                "a command is required: run, bench, models or calibrate-dendrite\n"
                "Run 'spindle --help' for help.");
    return exit_usage;
  } catch (const spindle::app::Interrupted&) {
    print_error(where, "interrupted; no output was written");
    return exit_interrupted;
  } catch (const spindle::Error& e) {
    print_error(where, e.what());
    return exit_usage;
  } catch (const std::exception& e) {
    print_error(where, fmt::format("internal error (please report it): {}", e.what()));
    return exit_internal;
  }
}
