// commands.hpp: the subcommands of the `spindle` program. main() parses the command line into
// the *Args structs (text as typed); each command validates its arguments completely before it
// creates anything, then does its work. User mistakes throw spindle::Error (exit status 2).
#pragma once

#include <csignal>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace spindle::app {

/// Lets a long run notice Ctrl-C: main's signal handler sets the flag, the progress callback
/// reads it between epochs and stops the run by throwing Interrupted.
struct StopRequest {
  const volatile std::sig_atomic_t* flag = nullptr;
  bool requested() const noexcept { return flag != nullptr && *flag != 0; }
};

class Interrupted : public std::exception {
 public:
  const char* what() const noexcept override { return "interrupted"; }
};

/// Plugin options shared by run, bench and models (docs/plugins.md).
struct PluginArgs {
  std::vector<std::string> files;  ///< --plugin PATH, in the order given
  bool no_defaults = false;        ///< --no-default-plugins: skip the installed folder and
                                   ///< SPINDLE_PLUGIN_PATH
};

/// Options shared by run and bench, as typed on the command line.
struct SimArgs {
  std::string network = "microcircuit";  ///< networks.hpp default_network
  std::string scale;                     ///< --scale, for networks that take it
  bool scale_given = false;              ///< false: the network's default scale
  std::string duration = "1000";
  std::string seed = "1";
  std::string threads = "1";
  std::string partitions;
  bool partitions_given = false;  ///< false: the library picks 4 x threads
  PluginArgs plugins;
};

struct RunArgs {
  SimArgs sim;
  std::string circuit;  ///< FILE: a circuit file to run instead of --network; empty: none
  /// Which options were typed: with a file they replace its [simulation] values.
  bool network_given = false, duration_given = false, seed_given = false, threads_given = false;
  std::string out;  ///< empty: spindle-out/<YYYYmmdd-HHMMSS>
  bool out_given = false;
  bool quiet = false;
};

struct BenchArgs {
  SimArgs sim;
  bool duration_given = false;
  std::string max_cells;  ///< --max-cells, for the scaling series only
  bool max_cells_given = false;
  bool no_record = false;  ///< --no-record: measure without the spike recorder
};

/// `spindle bench scaling`: Brunel networks from 10^3 to 10^6 cells at fixed in-degree.
inline constexpr const char* scaling_series_name = "scaling";

enum class ListFormat { text, json, markdown };

struct ModelsArgs {
  PluginArgs plugins;
  std::vector<std::string> names;  ///< models to show; empty: all
  ListFormat format = ListFormat::text;
};

struct CalibrateArgs {
  std::string out;  ///< --out FILE.json; empty: print only
  bool quiet = false;
};

/// Largest --threads and --partitions accepted: far above any machine we run on, low enough
/// that a typo (--threads 10000) is caught instead of starting thousands of threads.
inline constexpr std::uint64_t max_threads = 1024;
inline constexpr std::uint64_t max_partitions = 1u << 20;

/// `spindle run`; returns the exit status.
int run_command(const RunArgs& args, const std::string& version, StopRequest stop);
/// `spindle bench`; returns the exit status.
int bench_command(const BenchArgs& args, const std::string& version, StopRequest stop);
/// `spindle models`: every model with its schema and origin; returns the exit status.
int models_command(const ModelsArgs& args);
/// `spindle calibrate-dendrite`: fit pyramidal_dendritic to the cable cell; exit status.
int calibrate_command(const CalibrateArgs& args);

}  // namespace spindle::app
