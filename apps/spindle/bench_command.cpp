// `spindle bench`: build and run a built-in network, print one JSON object of timings; or, with
// NETWORK = "scaling", a series of Brunel networks of growing size at fixed in-degree, one JSON
// line per size (docs/benchmarks.md, "Scaling").
#include <sys/resource.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <nlohmann/json.hpp>

#include "cli_values.hpp"
#include "commands.hpp"
#include "sim_setup.hpp"
#include "spindle/error.hpp"
#include "spindle/models/reference_networks.hpp"
#include "spindle/simulation.hpp"

namespace spindle::app {
namespace {

constexpr double mib = 1024.0 * 1024.0;

/// One "Name:   123 kB" line of /proc/self/status [MiB]; 0 where it cannot be read.
double proc_status_mb(const char* key) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0.0;
  char line[256];
  double kb = 0.0;
  const std::size_t key_len = std::strlen(key);
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
      kb = std::strtod(line + key_len + 1, nullptr);
      break;
    }
  }
  std::fclose(f);
  return kb / 1024.0;
}

/// Peak resident memory of the process [MiB] since it started or since reset_peak_rss().
double peak_rss_mb() {
  const double hwm = proc_status_mb("VmHWM");
  if (hwm > 0.0) return hwm;
  rusage ru{};
  if (::getrusage(RUSAGE_SELF, &ru) != 0) return 0.0;
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux reports kibibytes
}

double current_rss_mb() {
  return proc_status_mb("VmRSS");
}

/// Hands freed memory back to the system and restarts the peak (Linux >= 4.0: writing "5" to
/// clear_refs resets VmHWM), so that each size of a series measures its own peak. Returns
/// whether the peak was reset.
bool reset_peak_rss() {
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

/// Memory the system can still give us [MiB] (MemAvailable of /proc/meminfo); 0 if unknown.
double available_memory_mb() {
  std::FILE* f = std::fopen("/proc/meminfo", "r");
  if (!f) return 0.0;
  char line[256];
  double kb = 0.0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "MemAvailable:", 13) == 0) {
      kb = std::strtod(line + 13, nullptr);
      break;
    }
  }
  std::fclose(f);
  return kb / 1024.0;
}

/// What one build-and-run measured.
struct Measurement {
  double build_s = 0.0, sim_s = 0.0;
  double peak_rss_mb = 0.0;
  double build_mb = 0.0;  ///< peak RSS after the build minus RSS before it
  std::size_t cells = 0, synapses = 0;
  unsigned threads = 0, partitions = 0;
  RunStatistics stats;
};

Measurement measure(const NetworkSpec& spec, const ModelRegistry& registry,
                    const SimulationOptions& options, double duration_ms, StopRequest stop) {
  using Clock = std::chrono::steady_clock;
  Measurement m;
  const double rss_before_build = current_rss_mb();
  const auto t_build = Clock::now();
  Simulation sim(spec, registry, options);
  const auto t_run = Clock::now();
  // Everything the build left resident or passed through at its peak: the simulation-ready
  // structure plus cell state and the build's transient buffers.
  m.build_mb = peak_rss_mb() - rss_before_build;
  if (stop.requested()) throw Interrupted{};
  sim.run(Time::from_ms(duration_ms), [&](Time, Time) {
    if (stop.requested()) throw Interrupted{};
  });
  const auto t_done = Clock::now();
  m.build_s = std::chrono::duration<double>(t_run - t_build).count();
  m.sim_s = std::chrono::duration<double>(t_done - t_run).count();
  m.peak_rss_mb = peak_rss_mb();
  m.cells = sim.num_cells();
  m.synapses = sim.num_synapses();
  m.threads = sim.num_threads();
  m.partitions = sim.num_partitions();
  m.stats = sim.statistics();
  return m;
}

/// The fields both modes print, in one order.
void add_measurement(nlohmann::ordered_json& j, const Measurement& m, double duration_ms) {
  const std::uint64_t events = m.stats.synaptic_events + m.stats.stimulus_events;
  j["cells"] = m.cells;
  j["synapses"] = m.synapses;
  j["duration_ms"] = duration_ms;
  j["threads"] = m.threads;
  j["partitions"] = m.partitions;
  j["build_s"] = m.build_s;
  j["sim_s"] = m.sim_s;
  j["spikes"] = m.stats.spikes;
  j["mean_rate_hz"] = m.cells > 0 ? static_cast<double>(m.stats.spikes) /
                                        static_cast<double>(m.cells) / (duration_ms * 1e-3)
                                  : 0.0;
  j["synaptic_events"] = m.stats.synaptic_events;
  j["stimulus_events"] = m.stats.stimulus_events;
  j["stimulus_events_lazy"] = m.stats.stimulus_events_lazy;  // of those, without a queue event
  j["stimulus_events_late"] = m.stats.stimulus_events_late;  // of those, after later input
  j["stimulus_requeued"] = m.stats.stimulus_requeued;
  j["events_per_s"] = m.sim_s > 0 ? static_cast<double>(events) / m.sim_s : 0.0;
  // Per delivered event, recurrent and external (Poisson) alike: issue 7's measure.
  j["ns_per_event"] = events > 0 ? m.sim_s * 1e9 / static_cast<double>(events) : 0.0;
  j["peak_rss_mb"] = m.peak_rss_mb;
  j["bytes_per_synapse"] =
      m.synapses > 0 ? m.build_mb * mib / static_cast<double>(m.synapses) : 0.0;
}

void print_line(const nlohmann::ordered_json& j) {
  // One line: a series of benchmarks appends to a JSON-lines file.
  std::fputs((j.dump() + "\n").c_str(), stdout);
  std::fflush(stdout);
}

/// Cells of the scaling series: 1-2-5 steps per decade from 10^3 to 10^6.
constexpr std::array<std::size_t, 10> scaling_sizes = {1000,  2000,   5000,   10000,  20000,
                                                       50000, 100000, 200000, 500000, 1000000};
constexpr std::size_t max_scaling_cells = scaling_sizes.back();
/// Simulated time of each size unless --duration is given. State C delivers about 70 events
/// per cell and ms (38 Hz x 1250 synapses + 20 kHz external), so 100 ms is 7e6 events per 1000
/// cells, enough for a stable ns/event, and 10^6 cells take minutes rather than an hour.
constexpr const char* default_scaling_duration_ms = "100";
/// Memory estimate of the build [bytes per synapse] for the check before each size: 8 bytes of
/// the frozen form (target, weight) plus the edge list (20 bytes) and sort permutation (4) of
/// the partitions being frozen, at most `threads` of the `partitions` at a time, with 15 %
/// headroom (docs/benchmarks.md, "Memory per synapse": Brunel measured 14.3 bytes with 4
/// partitions, for which this gives 16.1).
double planned_bytes_per_synapse(unsigned threads, unsigned partitions) {
  const double in_flight = static_cast<double>(std::min(threads, partitions));
  return 1.15 * (8.0 + 24.0 * in_flight / static_cast<double>(partitions));
}
/// Per cell: state, queues, Poisson generator and recorded spikes [bytes], generously.
constexpr double planned_bytes_per_cell = 2048.0;

int scaling_series(const BenchArgs& args, const std::string& version, StopRequest stop) {
  if (args.sim.scale_given) {
    throw Error("--scale does not apply to the scaling series; use --max-cells to stop earlier");
  }
  const std::size_t max_cells =
      args.max_cells_given
          ? static_cast<std::size_t>(parse_integer("--max-cells", args.max_cells,
                                                   scaling_sizes.front(), max_scaling_cells))
          : max_scaling_cells;
  const double duration_ms = parse_duration_ms(
      "--duration", args.duration_given ? args.sim.duration : default_scaling_duration_ms);
  SimulationOptions options;
  options.seed = parse_seed("--seed", args.sim.seed);
  options.threads =
      static_cast<unsigned>(parse_integer("--threads", args.sim.threads, 1, max_threads));
  if (args.sim.partitions_given) {
    options.partitions = static_cast<unsigned>(
        parse_integer("--partitions", args.sim.partitions, 1, scaling_sizes.front()));
  }
  const LoadedModels catalog = load_models(args.sim.plugins);
  const tbb::global_control threads_cap(tbb::global_control::max_allowed_parallelism,
                                        options.threads);

  const models::BrunelParams full{};  // state C, C_E = 1000, C_I = 250
  const double full_cells = static_cast<double>(full.N_E + full.N_I);
  for (const std::size_t cells : scaling_sizes) {
    if (cells > max_cells) break;
    // Only the population sizes change; in-degrees (hence J, nu_ext) stay as published.
    const models::BrunelParams p = full.reduced(static_cast<double>(cells) / full_cells, 1.0);
    const double n = static_cast<double>(p.N_E + p.N_I);
    const unsigned partitions = options.partitions > 0 ? options.partitions : 4 * options.threads;
    const double planned_mb = (n * static_cast<double>(p.C_E + p.C_I) *
                                   planned_bytes_per_synapse(options.threads, partitions) +
                               n * planned_bytes_per_cell) /
                              mib;
    const bool peak_reset = reset_peak_rss();
    const double available_mb = available_memory_mb();
    nlohmann::ordered_json j;
    j["name"] = "scaling";
    j["network"] = "brunel";
    if (available_mb > 0.0 && planned_mb > 0.9 * available_mb) {
      j["cells"] = p.N_E + p.N_I;
      j["skipped"] =
          fmt::format("needs about {:.0f} MiB, {:.0f} MiB available; this and larger sizes not run",
                      planned_mb, available_mb);
      print_line(j);
      break;
    }
    const Measurement m =
        measure(models::brunel_network(p), catalog.registry, options, duration_ms, stop);
    add_measurement(j, m, duration_ms);
    j["in_degree"] = p.C_E + p.C_I;
    // Without the reset the peak is the largest of every size so far, not this one's.
    j["peak_is_this_size"] = peak_reset;
    j["seed"] = options.seed;
    j["version"] = version;
    print_line(j);
  }
  return 0;
}

}  // namespace

int bench_command(const BenchArgs& args, const std::string& version, StopRequest stop) {
  if (args.sim.network == scaling_series_name) return scaling_series(args, version, stop);
  if (args.max_cells_given) throw Error("--max-cells applies only to 'spindle bench scaling'");
  SimSetup setup = make_setup(args.sim, "NETWORK");
  if (args.no_record) setup.spec.record_spikes = false;
  const LoadedModels catalog = load_models(args.sim.plugins);
  const tbb::global_control threads_cap(tbb::global_control::max_allowed_parallelism,
                                        setup.options.threads);

  const Measurement m =
      measure(setup.spec, catalog.registry, setup.options, setup.duration_ms, stop);
  nlohmann::ordered_json j;
  j["name"] = setup.network;
  j["scale"] = setup.scale;
  j["recording"] = !args.no_record;
  add_measurement(j, m, setup.duration_ms);
  j["seed"] = setup.options.seed;
  j["version"] = version;
  print_line(j);
  return 0;
}

}  // namespace spindle::app
