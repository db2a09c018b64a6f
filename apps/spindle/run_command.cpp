// `spindle run`: simulate a built-in network, write spikes and a summary, print a table.
#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>

#include "circuit_source.hpp"
#include "commands.hpp"
#include "figures.hpp"
#include "output_dir.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "sim_setup.hpp"
#include "spindle/analysis.hpp"
#include "spindle/simulation.hpp"
#include "spindle/spike_io.hpp"

namespace spindle::app {

int run_command(const RunArgs& args, const std::string& version, StopRequest stop) {
  using Clock = std::chrono::steady_clock;
  const RunSource source = make_run_source(args);  // a built-in network or a circuit file
  const SimSetup& setup = source.setup;

  // The folder is made (and test-written) before the run so that a bad --out fails in a
  // moment, not after the simulation; until commit() it is removed again on any failure.
  OutputDir out(args.out_given ? std::filesystem::path(args.out) : OutputDir::default_path(""),
                "--out");

  // The program owns the process, so it (not the library) caps TBB's total parallelism.
  const tbb::global_control threads_cap(tbb::global_control::max_allowed_parallelism,
                                        setup.options.threads);

  const auto t_build = Clock::now();
  Simulation sim = source.build();
  const auto t_run = Clock::now();
  if (stop.requested()) throw Interrupted{};
  {
    ProgressBar bar(stderr, !args.quiet && ProgressBar::is_terminal(stderr), sim.now());
    sim.run(Time::from_ms(setup.duration_ms), [&](Time now, Time end) {
      bar.update(now, end);
      if (stop.requested()) throw Interrupted{};
    });
    bar.finish();
  }
  const auto t_done = Clock::now();

  const std::vector<Spike> spikes = sim.spikes();
  const Time t0 = Time::zero(), t1 = Time::from_ms(setup.duration_ms);
  RunReport r;
  r.version = version;
  r.network = setup.network;
  r.scale = setup.scale;
  r.seed = setup.options.seed;
  r.threads = sim.num_threads();
  r.partitions = sim.num_partitions();
  r.duration_ms = setup.duration_ms;
  r.cells = sim.num_cells();
  r.synapses = sim.num_synapses();
  r.spikes = spikes.size();
  r.synaptic_events = sim.statistics().synaptic_events;
  r.build_s = std::chrono::duration<double>(t_run - t_build).count();
  r.sim_s = std::chrono::duration<double>(t_done - t_run).count();
  r.populations = analysis::summarize(spikes, sim.populations(), t0, t1);
  r.synchrony = population_synchrony(spikes, sim.populations(), setup.duration_ms);
  r.all = analysis::summarize(spikes, {analysis::all_cells(sim.populations())}, t0, t1).front();
  r.output = out.path().string();

  write_spikes_csv(out.staged("spikes.csv"), spikes);
  write_spikes_binary(out.staged("spikes.bin"), spikes);
  write_file_atomic(out.staged("summary.json"), summary_json(r).dump(2) + "\n");
  write_raster(out.staged("raster.svg"), spikes, sim.populations(), setup.duration_ms);
  write_rates(out.staged("rates.svg"), spikes, sim.populations(), setup.duration_ms);
  out.commit();

  if (!args.quiet) {
    std::fputs(summary_table(r).c_str(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace spindle::app
