// spindle/models/microcircuit.hpp: the cortical microcircuit of Potjans & Diesmann (2014, Cereb
// Cortex 24:785, DOI 10.1093/cercor/bhs358) as a NetworkSpec, in two variants:
//
//  - pd14: the published model as NEST's example `Potjans_2014` builds it. Eight populations
//    "L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I" of lif_exp cells (NEST's
//    iaf_psc_exp), fixed_total_number connections with multapses, external Poisson drive as exact
//    spike events, and NEST's down-scaling (sizes and in-degrees x scale, weights / sqrt(scale),
//    a DC current that restores each population's mean input at NEST 3's full-scale rates).
//  - interneurons (the default): each layer's inhibitory population split into PV basket cells
//    ("L23PV"), SOM Martinotti cells ("L23SOM") and VIP cells ("L23VIP"), with per-layer
//    fractions and connection preferences from the literature, and each cell's total inhibitory
//    input (synapse count x weight, as it reaches the soma) kept at PD14's. The pyramidal cells
//    are pyramidal_dendritic_psc (PD14's soma plus a dendrite): PV and VIP synapses land on the
//    soma, SOM synapses on the apical tuft, their weights divided by the tuft's mean
//    attenuation to the soma.
//
// Every number, its source and where the variant departs from PD14 are in docs/microcircuit.md
// and in the table at the top of models/src/microcircuit.cpp. The spec does not depend on the
// seed: every random draw (connections, weights, delays, initial potentials, Poisson trains)
// happens when a Simulation builds it with its own seed.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "spindle/network_spec.hpp"

namespace spindle::models {

struct MicrocircuitParams {
  enum class Variant { pd14, interneurons };
  enum class Drive { poisson, dc };

  /// Multiplies the population sizes and the in-degrees (NEST's N_scaling = K_scaling); in
  /// (0, 1], anything else is a spindle::Error.
  double scale = 1.0;
  Variant variant = Variant::interneurons;
  /// poisson: one independent Poisson train per cell at K_ext x 8 Hz (exact spike events);
  /// dc: the train's mean current instead (NEST's poisson_input = False).
  Drive drive = Drive::poisson;
  /// interneurons only: how far the inhibitory connections follow the published class
  /// preferences (docs/microcircuit.md): each preference is mixed with a class-blind one as
  /// (1 - selectivity) + selectivity x preference. 0 is PD14's random wiring with the cells
  /// merely labelled; 1 is the full table, whose strong SOM-VIP mutual inhibition makes the
  /// classes switch each other off at PD14's weights.
  double selectivity = 0.5;
  /// interneurons only: the delay [ms per 100 um of path] with which the pyramidal cells'
  /// dendritic inputs (the SOM synapses on the tuft) reach the soma, on top of the synaptic
  /// delay; >= 0. 0 (the default) keeps PD14's spike-to-soma delays; the cable's own delay
  /// (pyramidal_dendritic_psc's default, 1 ms per 100 um, 4.5-6.5 ms to the tuft) slows SOM
  /// inhibition enough to move the pyramidal rates off PD14's (docs/microcircuit.md).
  double dendritic_delay_per_100um = 0.0;
};

/// "pd14" / "interneurons"; "poisson" / "dc".
std::string_view variant_name(MicrocircuitParams::Variant v) noexcept;
std::string_view drive_name(MicrocircuitParams::Drive d) noexcept;

/// The published constants (NEST Potjans_2014 network_params.py), for tests and tools.
namespace pd14 {
inline constexpr std::size_t num_populations = 8;
/// "L23E", "L23I", ..., "L6I": the order of every table here.
const std::array<std::string_view, num_populations>& population_names();
/// Full-scale population sizes (77,169 cells).
const std::array<std::size_t, num_populations>& full_sizes();
/// Connection probability C[target][source].
double connection_probability(std::size_t target, std::size_t source);
/// Total number of synapses at full scale, K = ln(1 - C) / ln(1 - 1 / (N_pre N_post)), not
/// rounded.
double full_synapse_count(std::size_t target, std::size_t source);
/// PD14's full-scale mean rates [Hz] (the paper's table, NEST 2.x's full_mean_rates): the target
/// of the full-scale validation. The DC compensation of a scaled network uses NEST 3's
/// full_mean_rates instead, as NEST 3's example does (docs/microcircuit.md, "Down-scaling").
const std::array<double, num_populations>& full_scale_rates_hz();
}  // namespace pd14

/// The network, validated only for `scale` (Simulation checks the rest when it builds it).
NetworkSpec microcircuit_network(const MicrocircuitParams& p = {});

}  // namespace spindle::models
