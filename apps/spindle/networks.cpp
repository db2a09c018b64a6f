#include "networks.hpp"

#include <array>

#include "spindle/models/microcircuit.hpp"
#include "spindle/models/reference_networks.hpp"

namespace spindle::app {
namespace {

// Benchmark 4 keeps the architecture of CUBA (Vogels & Abbott 2005): 4000 cells, 80 % excitatory,
// random pairwise connectivity p = 0.02 (about 80 inputs per cell), no autapses, one delay.
constexpr std::size_t n_exc = 3200;
constexpr std::size_t n_inh = 800;
constexpr double p_connect = 0.02;

void connect_all(NetworkSpec& net, ValueSpec w_exc, ValueSpec w_inh) {
  using namespace spindle::literals;
  const auto rule = ConnectionRule::pairwise_bernoulli(p_connect, /*autapses=*/false);
  for (const char* target : {"exc", "inh"}) {
    net.connect("exc", target, rule, "exc", w_exc, 0.1_ms);
    net.connect("inh", target, rule, "inh", w_inh, 0.1_ms);
  }
}

}  // namespace

NetworkSpec cuba_network() {
  // One definition of CUBA serves the program, the tests, the examples and bench/: the shared
  // one in spindle/models/reference_networks.hpp, at its published defaults (4000 cells,
  // lif_exp with C_m 200 pF, tau_m 20 ms, E_L -49 mV, V_th -50 mV, V_reset -60 mV, t_ref 5 ms,
  // tau_syn 5 / 10 ms, weights 16.2 / -90 pA, delay 0.1 ms, V_m uniform in [-60, -50) mV).
  return models::cuba_network();
}

NetworkSpec brunel_network() {
  return models::brunel_network({});
}

NetworkSpec delta_network() {
  using namespace spindle::literals;
  NetworkSpec net;
  for (const auto& [name, size] : {std::pair{"exc", n_exc}, std::pair{"inh", n_inh}}) {
    net.add_population(name, "lif_delta", size)
        .set("tau_m", 20.0_ms)
        .set("E_L", -49.0_mV)
        .set("V_th", -50.0_mV)
        .set("V_reset", -60.0_mV)
        .set("t_ref", 5.0_ms)
        .init("V_m", uniform(-60.0_mV, -50.0_mV));
  }
  connect_all(net, 0.25_mV, -2.25_mV);
  return net;
}

NetworkSpec microcircuit_network(double scale) {
  return models::microcircuit_network(
      {.scale = scale, .variant = models::MicrocircuitParams::Variant::interneurons});
}

NetworkSpec pd14_network(double scale) {
  return models::microcircuit_network(
      {.scale = scale, .variant = models::MicrocircuitParams::Variant::pd14});
}

NetworkSpec pd14_dc_network(double scale) {
  return models::microcircuit_network({.scale = scale,
                                       .variant = models::MicrocircuitParams::Variant::pd14,
                                       .drive = models::MicrocircuitParams::Drive::dc});
}

std::span<const NetworkEntry> networks() {
  // Constant data (names and function pointers), not mutable global state.
  static constexpr std::array<NetworkEntry, 7> table{{
      {"microcircuit",
       "Potjans & Diesmann 2014 with PV, SOM and VIP interneurons in every layer (SOM synapses on "
       "the pyramidal tufts), Poisson drive; --scale (default 0.1; 1 is 77,169 cells, 3e8 "
       "synapses)",
       &microcircuit_network, true, 0.1},
      {"pd14",
       "Potjans & Diesmann 2014 cortical microcircuit as published (NEST's Potjans_2014 "
       "example): 8 populations; --scale (default 0.1) with DC compensation",
       &pd14_network, true, 0.1},
      {"pd14_dc",
       "pd14 with each cell's external Poisson input replaced by its mean current (NEST's "
       "poisson_input = False); --scale as pd14",
       &pd14_dc_network, true, 0.1},
      {"cuba",
       "CUBA, Vogels & Abbott 2005 / Brette et al. 2007 benchmark 2: 4000 lif_exp cells, "
       "current synapses",
       [](double) { return cuba_network(); }},
      {"coba",
       "COBA, Vogels & Abbott 2005 / Brette et al. 2007 benchmark 1: 4000 lif_cond cells, "
       "conductance synapses",
       [](double) { return models::coba_network(); }},
      {"delta",
       "Brette et al. 2007 benchmark 4: the CUBA architecture with lif_delta voltage jumps",
       [](double) { return delta_network(); }},
      {"brunel",
       "Brunel 2000 state C (g 5, eta 2): 12,500 lif_delta cells, 1.56e7 synapses, external "
       "Poisson input as exact spike events",
       [](double) { return brunel_network(); }},
  }};
  return table;
}

const NetworkEntry* find_network(std::string_view name) {
  for (const NetworkEntry& e : networks()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string network_names() {
  std::string s;
  for (const NetworkEntry& e : networks()) {
    if (!s.empty()) s += ", ";
    s += e.name;
  }
  return s;
}

std::string scalable_network_names() {
  std::string s;
  for (const NetworkEntry& e : networks()) {
    if (!e.scalable) continue;
    if (!s.empty()) s += ", ";
    s += e.name;
  }
  return s;
}

std::size_t total_cells(const NetworkSpec& spec) {
  std::size_t n = 0;
  for (const PopulationSpec& p : spec.populations)
    n += p.size;
  return n;
}

}  // namespace spindle::app
