// Brunel (2000) sparse E-I network: built with the NetworkSpec builder, simulated, its spikes
// written to DIR/spikes.csv, and its graph inspected with Boost Graph algorithms. README.md
// has the command line and the expected output.
//
// models::brunel_network() builds the same network for the tests and the `spindle` program;
// here the builder calls are spelled out, which is the point of the example. The numbers come
// from models::BrunelParams (Brunel's Fig. 8 values), so they exist in one place.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <boost/graph/breadth_first_search.hpp>

#include "spindle/analysis.hpp"
#include "spindle/error.hpp"
#include "spindle/graph.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/reference_networks.hpp"
#include "spindle/simulation.hpp"
#include "spindle/spike_io.hpp"

using namespace spindle;
using namespace spindle::literals;

namespace {

/// The network: two populations of lif_delta cells, four fixed-in-degree projections and an
/// independent Poisson train per cell standing for C_E external synapses at nu_ext each.
NetworkSpec build_brunel(const models::BrunelParams& p) {
  NetworkSpec net;
  const ParameterSet lif{{"tau_m", Milliseconds{p.tau_m}},
                         {"E_L", 0.0_mV},
                         {"V_th", Millivolts{p.theta}},
                         {"V_reset", Millivolts{p.V_r}},
                         {"t_ref", Milliseconds{p.t_ref}}};
  const ValueSpec v0 = uniform(Millivolts{p.V_r}, Millivolts{p.theta});
  net.add_population("E", "lif_delta", p.N_E, lif).init("V_m", v0);
  net.add_population("I", "lif_delta", p.N_I, lif).init("V_m", v0);

  const Millivolts J{p.J};
  const Milliseconds D{p.delay};
  for (const char* post : {"E", "I"}) {
    net.connect("E", post, ConnectionRule::fixed_indegree(p.C_E), "exc", J, D);
    net.connect("I", post, ConnectionRule::fixed_indegree(p.C_I), "inh", -p.g * J, D);
    net.add_poisson(post, Hertz{static_cast<double>(p.C_E) * p.nu_ext_hz()}, "exc", J);
  }
  return net;
}

struct Options {
  models::BrunelParams net;  // g = 5, eta = 2: state C, asynchronous irregular
  double duration_ms = 500.0;
  double scale = 1.0;
  unsigned threads = 1, partitions = 0;
  std::uint64_t seed = 1;
  std::filesystem::path out = "brunel-out";
};

constexpr const char* kUsage =
    "usage: brunel [--g G] [--eta ETA] [--duration MS] [--threads T] [--partitions P]\n"
    "              [--scale S] [--seed N] [--out DIR]\n"
    "  --g G           relative inhibitory strength (default 5)\n"
    "  --eta ETA       external rate / threshold rate (default 2)\n"
    "  --duration MS   simulated time in ms (default 500)\n"
    "  --threads T     worker threads (default 1)\n"
    "  --partitions P  partitions, 0 = 4 per thread (default 0)\n"
    "  --scale S       multiplies N_E = 10000 and N_I = 2500, in (0, 1]; in-degrees stay\n"
    "  --seed N        random seed (default 1)\n"
    "  --out DIR       folder for spikes.csv (default brunel-out)\n";

template <typename T>
T number(std::string_view flag, std::string_view text, double lo, double hi) {
  T v{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || !(v >= lo && v <= hi))
    throw Error(fmt::format("{}: '{}' is not a number in [{}, {}]", flag, text, lo, hi));
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 == argc) throw Error(std::string(flag) + ": unknown option or missing value");
    const std::string_view v = argv[++i];
    if (flag == "--g")
      o.net.g = number<double>(flag, v, 0, inf);
    else if (flag == "--eta")
      o.net.eta = number<double>(flag, v, 0, inf);
    else if (flag == "--duration")
      o.duration_ms = number<double>(flag, v, 1e-3, 1e9);
    else if (flag == "--threads")
      o.threads = number<unsigned>(flag, v, 1, 1024);
    else if (flag == "--partitions")
      o.partitions = number<unsigned>(flag, v, 0, 1 << 20);
    else if (flag == "--scale")
      o.scale = number<double>(flag, v, 1e-4, 1);
    else if (flag == "--seed")
      o.seed = number<std::uint64_t>(flag, v, 0, 1.8e19);
    else if (flag == "--out")
      o.out = std::filesystem::path(v);
    else
      throw Error(std::string(flag) + ": unknown option");
  }
  o.net = o.net.reduced(o.scale, 1.0);
  return o;
}

/// In-degree histogram and out-degree range of each population, and breadth-first hop counts
/// from the first cell of each population to the cells of the other.
void graph_report(const Simulation& sim) {
  const CellGraph cells(sim);
  const BoostCellGraph& g = cells.boost_graph();
  const auto& pops = sim.populations();
  for (const PopulationInfo& pop : pops) {
    std::map<std::uint64_t, std::uint32_t> in;  // in-degree -> number of cells
    std::vector<std::uint64_t> out;
    for (std::uint32_t v = pop.first; v < pop.first + pop.size; ++v) {
      ++in[boost::in_degree(v, g)];
      out.push_back(boost::out_degree(v, g));
    }
    const auto [out_min, out_max] = std::minmax_element(out.begin(), out.end());
    fmt::print("{} in-degree:", pop.name);
    for (auto [degree, count] : in)
      fmt::print(" {} (x{})", degree, count);
    fmt::print("; out-degree {}..{}\n", *out_min, *out_max);
  }
  for (std::size_t a = 0; a < pops.size(); ++a) {
    const PopulationInfo& from = pops[a];
    const PopulationInfo& to = pops[1 - a];
    std::vector<std::uint32_t> hops(boost::num_vertices(g), ~0u);
    hops[from.first] = 0;
    boost::breadth_first_search(g, from.first,
                                boost::visitor(boost::make_bfs_visitor(
                                    boost::record_distances(hops.data(), boost::on_tree_edge()))));
    const auto first = hops.begin() + to.first, last = first + to.size;
    fmt::print("BFS from {} cell {} to {} cells: {} to {} synapses\n", from.name, from.first,
               to.name, *std::min_element(first, last), *std::max_element(first, last));
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    }
  try {
    const Options o = parse(argc, argv);
    std::filesystem::create_directories(o.out);  // fail before the run, not after it
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    Simulation sim(build_brunel(o.net), models::builtin_registry(),
                   {.seed = o.seed, .threads = o.threads, .partitions = o.partitions});
    const auto t1 = Clock::now();
    sim.run(Time::from_ms(o.duration_ms));
    const auto t2 = Clock::now();
    const auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
    fmt::print(
        "Brunel network g = {}, eta = {}: {} cells, {} synapses, {} threads, {} "
        "partitions\nbuild {:.2f} s, run {:.2f} s for {} ms\n",
        o.net.g, o.net.eta, sim.num_cells(), sim.num_synapses(), sim.num_threads(),
        sim.num_partitions(), secs(t1 - t0), secs(t2 - t1), o.duration_ms);
    const std::vector<Spike> spikes = sim.spikes();
    for (const auto& s : analysis::summarize(spikes, sim.populations(), Time::zero(), sim.now()))
      fmt::print("{}: {} cells, {} spikes, {:.2f} Hz, CV(ISI) {:.2f}\n", s.name, s.cells, s.spikes,
                 s.rate_hz, s.cv_isi);
    graph_report(sim);
    write_spikes_csv(o.out / "spikes.csv", spikes);
    fmt::print("wrote {}\n", (o.out / "spikes.csv").string());
    return 0;
  } catch (const Error& e) {
    fmt::print(stderr, "brunel: {}\n{}", e.what(), kUsage);
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "brunel: {}\n", e.what());
    return 2;
  }
}
