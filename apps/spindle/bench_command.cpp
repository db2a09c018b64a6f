// `spindle bench`: build and run a built-in network, print one JSON object of timings.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include <oneapi/tbb/global_control.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sim_setup.hpp"
#include "spindle/simulation.hpp"

namespace spindle::app {
namespace {

double peak_rss_mb() {
  rusage ru{};
  if (::getrusage(RUSAGE_SELF, &ru) != 0) return 0.0;
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux reports kibibytes
}

/// Resident memory now [MiB], from /proc/self/statm (0 where it cannot be read).
double current_rss_mb() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0.0;
  long pages = 0, resident = 0;
  const int got = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  return got == 2 ? static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) /
                        (1024.0 * 1024.0)
                  : 0.0;
}

}  // namespace

int bench_command(const BenchArgs& args, const std::string& version, StopRequest stop) {
  using Clock = std::chrono::steady_clock;
  const SimSetup setup = make_setup(args.sim, "NETWORK");
  const LoadedModels catalog = load_models(args.sim.plugins);
  const tbb::global_control threads_cap(tbb::global_control::max_allowed_parallelism,
                                        setup.options.threads);

  const double rss_before_build = current_rss_mb();
  const auto t_build = Clock::now();
  Simulation sim(setup.spec, catalog.registry, setup.options);
  const auto t_run = Clock::now();
  // Everything the build left resident or passed through at its peak, per synapse: the
  // simulation-ready structure plus cell state and the build's transient buffers.
  const double build_peak_mb = peak_rss_mb() - rss_before_build;
  if (stop.requested()) throw Interrupted{};
  sim.run(Time::from_ms(setup.duration_ms), [&](Time, Time) {
    if (stop.requested()) throw Interrupted{};
  });
  const auto t_done = Clock::now();

  const RunStatistics stats = sim.statistics();
  const double build_s = std::chrono::duration<double>(t_run - t_build).count();
  const double sim_s = std::chrono::duration<double>(t_done - t_run).count();

  nlohmann::ordered_json j;
  j["name"] = setup.network;
  j["cells"] = sim.num_cells();
  j["synapses"] = sim.num_synapses();
  j["duration_ms"] = setup.duration_ms;
  j["threads"] = sim.num_threads();
  j["partitions"] = sim.num_partitions();
  j["build_s"] = build_s;
  j["sim_s"] = sim_s;
  j["spikes"] = stats.spikes;
  j["synaptic_events"] = stats.synaptic_events;
  j["events_per_s"] = sim_s > 0 ? static_cast<double>(stats.synaptic_events) / sim_s : 0.0;
  j["peak_rss_mb"] = peak_rss_mb();
  j["bytes_per_synapse"] = sim.num_synapses() > 0 ? build_peak_mb * 1024.0 * 1024.0 /
                                                        static_cast<double>(sim.num_synapses())
                                                  : 0.0;
  j["seed"] = setup.options.seed;
  j["version"] = version;
  // One line: a series of benchmarks appends to a JSON-lines file.
  std::fputs((j.dump() + "\n").c_str(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace spindle::app
