// The Potjans & Diesmann (2014) microcircuit (see the header and docs/microcircuit.md).
//
// Sources of the numbers, marked as in /work/shared/science.md:
//  [V] NEST's example pynest/examples/Potjans_2014 (network_params.py, network.py, helpers.py),
//      which reproduces Potjans & Diesmann 2014, Cereb Cortex 24:785, Tables 4-5.
//  [R] recollected from the cited paper (its text was not at hand); approximate, and said so in
//      docs/microcircuit.md.
#include "spindle/models/microcircuit.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "spindle/error.hpp"
#include "spindle/models/pyramidal_dendritic_psc.hpp"

namespace spindle::models {

using namespace spindle::literals;

namespace {

constexpr std::size_t n_pop = pd14::num_populations;
constexpr std::size_t n_layers = n_pop / 2;

// ---- PD14, all [V] from NEST's network_params.py (Potjans & Diesmann 2014 Tables 4-5) ------

constexpr std::array<std::string_view, n_pop> kNames = {"L23E", "L23I", "L4E", "L4I",
                                                        "L5E",  "L5I",  "L6E", "L6I"};
constexpr std::array<std::string_view, n_layers> kLayers = {"L23", "L4", "L5", "L6"};
constexpr std::array<std::size_t, n_pop> kFullSize = {20683, 5834, 21915, 5479,
                                                      4850,  1065, 14395, 2948};
/// Connection probabilities C[target][source].
constexpr double kConnProb[n_pop][n_pop] = {
    {0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0},
    {0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0},
    {0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0},
    {0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0},
    {0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0},
    {0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0},
    {0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252},
    {0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443}};
/// External (Poisson) in-degrees.
constexpr std::array<double, n_pop> kExtIndegree = {1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100};
/// Full-scale mean rates [Hz] of PD14 (the paper's Table / NEST 2.x's full_mean_rates;
/// science.md 6.1 "reference rate"): the target of the full-scale validation.
constexpr std::array<double, n_pop> kReferenceRate = {0.971, 2.868, 4.746, 5.396,
                                                      8.142, 9.078, 0.991, 7.523};
/// Full-scale rates [Hz] the DC compensation of a scaled network assumes. NEST 3's example
/// (network_params.py, full_mean_rates: "obtained by running this PyNEST microcircuit without
/// MPI, 'local_num_threads' 4 and both 'N_scaling' and 'K_scaling' set to 1"; the same numbers
/// as science.md 6.1's NEST 3.9 "1.0, 4" row) replaced the older table above; its scale-0.1
/// rates, our reference at that scale, were produced with these. The two sets differ by up to
/// 0.6 Hz, which at scale 0.1 moves I_DC by up to 71 pA (2.8 mV of mean drive, L4I).
constexpr std::array<double, n_pop> kCompensationRate = {0.903, 2.965, 4.414, 5.876,
                                                         7.569, 8.633, 1.105, 7.829};
/// Initial membrane potential, NEST's V0_type "optimized" (population-specific normal
/// distributions chosen by the example's authors to shorten the start transient) [mV].
constexpr std::array<double, n_pop> kV0Mean = {-68.28, -63.16, -63.33, -63.45,
                                               -63.11, -61.66, -66.72, -61.43};
constexpr std::array<double, n_pop> kV0Sd = {5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48};

constexpr double kBackgroundRate = 8.0;  ///< [Hz] per external synapse
constexpr double kPspExc = 0.15;         ///< [mV] mean EPSP amplitude
constexpr double kWeightRelSd = 0.1;     ///< relative s.d. of weights (normal, sign-truncated)
constexpr double kG = -4.0;              ///< inhibitory / excitatory weight
constexpr double kL4EtoL23E = 2.0;       ///< L4E -> L23E weight factor
constexpr double kDelayExc = 1.5;        ///< [ms] mean delay of excitatory synapses
constexpr double kDelayInh = 0.75;       ///< [ms] mean delay of inhibitory synapses
constexpr double kDelayRelSd = 0.5;      ///< relative s.d. of delays (truncated normal)
/// NEST's resolution [ms]: delays are rounded to it. NEST 3's example redraws delays below half
/// of it (network.py: min = resolution - 0.5 resolution), so draws in [0.05, 0.15) ms all become
/// the smallest delay, 0.1 ms; we cut and round the same way.
constexpr double kResolution = 0.1;
constexpr double kDelayRedrawBelow = 0.5 * kResolution;

// iaf_psc_exp as in the example: C_m 250 pF, tau_m 10 ms, tau_syn 0.5 ms, t_ref 2 ms,
// E_L = V_reset = -65 mV, V_th = -50 mV.
constexpr double kCm = 250.0, kTauM = 10.0, kTauSyn = 0.5, kTref = 2.0;
constexpr double kEL = -65.0, kVreset = -65.0, kVth = -50.0;

// ---- the interneuron split (variant `interneurons`) ----------------------------------------

enum Type : std::size_t { PV, SOM, VIP };
constexpr std::size_t n_types = 3;
constexpr std::array<std::string_view, n_types> kTypeNames = {"PV", "SOM", "VIP"};

/// Share of PV, SOM and VIP cells among each layer's GABAergic cells (rows L2/3, L4, L5, L6),
/// normalised over the three classes; the other 5HT3aR cells (neurogliaform and others, most of
/// them in L1 and L2/3) are counted with VIP, the 5HT3aR class they belong to. [R] from
/// Tremblay, Lee & Rudy 2016 (Neuron 91:260, Fig. 1) and Rudy et al. 2011 (Dev Neurobiol
/// 71:45): PV ~40 % of cortical interneurons and most numerous in L4-L5, SOM ~30 % and most
/// numerous in L5-L6, 5HT3aR/VIP ~30 % and concentrated in L2/3.
constexpr double kTypeFraction[n_layers][n_types] = {
    {0.40, 0.25, 0.35},  // L2/3
    {0.65, 0.25, 0.10},  // L4
    {0.55, 0.40, 0.05},  // L5
    {0.60, 0.35, 0.05},  // L6
};

/// Relative preference of an inhibitory synapse from class `pre` for a target class `post`
/// (rows pre, columns post = PV, SOM, VIP, pyramidal), per presynaptic cell. [R] from Pfeffer
/// et al. 2013 (Nat Neurosci 16:1068, Fig. 7: PV cells inhibit mostly PV cells and pyramidal
/// cells; SOM cells inhibit all classes except SOM; VIP cells inhibit mostly SOM cells) and
/// Jiang et al. 2015 (Science 350:aac9462: Martinotti cells avoid each other, VIP/bipolar cells
/// prefer Martinotti cells). Only ratios within one target column matter: a target keeps PD14's
/// inhibitory in-degree and these numbers only share it out among the presynaptic classes. Each
/// entry is mixed with a class-blind 1 by MicrocircuitParams::selectivity (see there why).
constexpr double kPreference[n_types][n_types + 1] = {
    //  PV    SOM   VIP   pyr
    {1.00, 0.05, 0.05, 1.00},  // PV
    {0.85, 0.00, 0.75, 1.00},  // SOM
    {0.10, 0.50, 0.00, 0.05},  // VIP
};
constexpr std::size_t kPyramidal = n_types;

/// The pyramidal cells of the interneuron variant: PD14's soma (lif_exp's equations and the
/// parameters below) with pyramidal_dendritic's dendrite, so that synapses can land on it.
constexpr std::string_view kPyramidalModel = "pyramidal_dendritic_psc";
/// Where SOM Martinotti synapses land on a pyramidal cell: the apical tuft (the morphology's
/// region "tuft", 450-650 um from the soma). Martinotti axons ramify in layer 1 and contact the
/// pyramidal cells' tuft dendrites there (Wang et al. 2004, J Physiol 561:65; Silberberg &
/// Markram 2007, Neuron 53:735).
constexpr std::string_view kSomRegion = "tuft";
constexpr double kSomFromUm = 450.0, kSomToUm = 650.0;

// ---- derived numbers -----------------------------------------------------------------------

/// Peak PSP [mV] of a 1 pA exponential current (tau_s) into a leaky membrane (C, tau_m): the
/// current I0 exp(-t/tau_s) gives V(t) = I0 tau_s tau_m / (C (tau_m - tau_s)) (exp(-t/tau_m) -
/// exp(-t/tau_s)), which peaks at t* = tau_m tau_s / (tau_m - tau_s) ln(tau_m / tau_s).
double psp_per_pA(double C, double tau_m, double tau_s) {
  const double t_peak = tau_m * tau_s / (tau_m - tau_s) * std::log(tau_m / tau_s);
  return tau_s * tau_m / (C * (tau_m - tau_s)) *
         (std::exp(-t_peak / tau_m) - std::exp(-t_peak / tau_s));
}

/// numpy.round: to the nearest integer, halves to the even neighbour (the default rounding
/// mode of std::nearbyint).
double round_half_even(double x) {
  return std::nearbyint(x);
}

bool is_exc(std::size_t pop) {
  return pop % 2 == 0;
}

/// Mean weight [pA] of PD14 source -> target at full scale (87.8 pA, x2 for L4E -> L23E, x g
/// for inhibitory sources).
double full_weight(std::size_t target, std::size_t source) {
  const double w_exc = kPspExc / psp_per_pA(kCm, kTauM, kTauSyn);
  if (!is_exc(source)) return kG * w_exc;
  return (target == 0 && source == 2) ? kL4EtoL23E * w_exc : w_exc;
}

/// What the scale changes (NEST's example, network.py __derive_parameters and
/// helpers.adjust_weights_and_input_to_synapse_scaling; round() is numpy's, halves to even,
/// so 1065 x 0.1 gives 106 cells as in NEST): sizes round(N s); synapse counts
/// round(K_full s s) (both ends shrink by s); external in-degrees round(K_ext s); every weight
/// / sqrt(s), which keeps the input variance; and a DC current per population that restores the
/// mean input lost, computed with the full-scale rates NEST 3 assumes (kCompensationRate):
///   I_DC = 1e-3 tau_syn (1 - sqrt(s)) (sum_j w_ij K_full_ij / N_i nu_j + w_ext K_ext nu_bg).
/// With drive = dc the external trains are replaced by their mean current as well,
/// 1e-3 tau_syn w_ext K_ext nu_bg (NEST's poisson_input = False).
struct Scaled {
  std::array<std::size_t, n_pop> size{};
  std::array<double, n_pop> ext_indegree{}, dc_pA{};
  double weight_factor = 1.0;  ///< 1 / sqrt(s)
  double synapses(std::size_t target, std::size_t source, double s) const {
    return round_half_even(pd14::full_synapse_count(target, source) * s * s);
  }
};

Scaled scale_network(const MicrocircuitParams& p) {
  const double s = p.scale;
  Scaled r;
  r.weight_factor = 1.0 / std::sqrt(s);
  const double w_ext = full_weight(0, 0);
  for (std::size_t i = 0; i < n_pop; ++i) {
    r.size[i] = static_cast<std::size_t>(round_half_even(static_cast<double>(kFullSize[i]) * s));
    if (r.size[i] == 0) {
      throw Error(
          fmt::format("microcircuit: scale {} leaves population {} without cells", s, kNames[i]));
    }
    double input_rec = 0.0;
    for (std::size_t j = 0; j < n_pop; ++j) {
      input_rec += full_weight(i, j) * pd14::full_synapse_count(i, j) /
                   static_cast<double>(kFullSize[i]) * kCompensationRate[j];
    }
    const double input_ext = w_ext * kExtIndegree[i] * kBackgroundRate;
    const double lost = 1.0 - std::sqrt(s);
    if (p.drive == MicrocircuitParams::Drive::poisson) {
      r.ext_indegree[i] = round_half_even(kExtIndegree[i] * s);
      r.dc_pA[i] = 1e-3 * kTauSyn * lost * (input_rec + input_ext);
    } else {
      r.ext_indegree[i] = 0.0;
      r.dc_pA[i] = 1e-3 * kTauSyn * (input_ext + lost * input_rec);
    }
  }
  return r;
}

ValueSpec weight_spec(double mean_pA) {
  // Sign-truncated as in NEST (redraw outside [0, inf) or (-inf, 0]).
  const double sd = std::abs(mean_pA) * kWeightRelSd;
  constexpr double inf = std::numeric_limits<double>::infinity();
  return {mean_pA >= 0 ? Distribution::normal(mean_pA, sd, 0.0, inf)
                       : Distribution::normal(mean_pA, sd, -inf, 0.0),
          Unit::pA};
}

ValueSpec delay_spec(bool excitatory) {
  const double mean = excitatory ? kDelayExc : kDelayInh;
  const double sd = mean * kDelayRelSd;
  // NEST has no upper cut; the kernel needs a finite largest delay, and 10 s.d. above the mean
  // removes a probability of ~1e-23. NEST rounds each delay to its resolution (0.1 ms in the
  // reference implementation); so do we, which also lets the synapses of one source with equal
  // delay share a delivery (one delay group, not one per synapse).
  return {
      Distribution::normal(mean, sd, kDelayRedrawBelow, mean + 10.0 * sd).rounded_to(kResolution),
      Unit::ms};
}

ParameterSet lif_parameters(double dc_pA) {
  return {{"C_m", Picofarads{kCm}},
          {"tau_m", Milliseconds{kTauM}},
          {"tau_syn_exc", Milliseconds{kTauSyn}},
          {"tau_syn_inh", Milliseconds{kTauSyn}},
          {"t_ref", Milliseconds{kTref}},
          {"E_L", Millivolts{kEL}},
          {"V_reset", Millivolts{kVreset}},
          {"V_th", Millivolts{kVth}},
          {"I_e", Picoamps{dc_pA}}};
}

/// A population of PD14's cells: `model` with lif_exp's parameters set to PD14's, plus `extra`.
void add_cells(NetworkSpec& net, const std::string& name, std::size_t size, std::size_t pd14_pop,
               const Scaled& sc, const MicrocircuitParams& p, std::string_view model = "lif_exp",
               const ParameterSet& extra = {}) {
  ParameterSet params = lif_parameters(sc.dc_pA[pd14_pop]);
  params.insert(extra.begin(), extra.end());
  net.add_population(name, std::string(model), size, params)
      .init("V_m", normal(Millivolts{kV0Mean[pd14_pop]}, Millivolts{kV0Sd[pd14_pop]}));
  if (p.drive == MicrocircuitParams::Drive::poisson && sc.ext_indegree[pd14_pop] > 0) {
    net.add_poisson(name, Hertz{sc.ext_indegree[pd14_pop] * kBackgroundRate}, "exc",
                    Picoamps{full_weight(0, 0) * sc.weight_factor});
  }
}

/// Where a projection's synapses land, and the factor on PD14's weight that keeps its mean
/// somatic effect (1 / the mean attenuation of the place; 1 on the soma).
struct Placement {
  LocationSpec where = locate::soma();
  double weight_factor = 1.0;
};

/// One fixed_total_number projection (multapses and autapses allowed, as NEST's example),
/// placed at `at`; nothing when the count rounds to 0.
void connect(NetworkSpec& net, const std::string& source, const std::string& target, double count,
             std::size_t pd14_target, std::size_t pd14_source, const Scaled& sc,
             const Placement& at = {}) {
  const auto n = static_cast<std::size_t>(round_half_even(count));
  if (n == 0) return;
  const bool exc = is_exc(pd14_source);
  net.connect(
         source, target, ConnectionRule::fixed_total_number(n, /*autapses=*/true),
         exc ? "exc" : "inh",
         weight_spec(full_weight(pd14_target, pd14_source) * sc.weight_factor * at.weight_factor),
         delay_spec(exc))
      .at(at.where);
}

NetworkSpec pd14_variant(const MicrocircuitParams& p, const Scaled& sc) {
  NetworkSpec net;
  for (std::size_t i = 0; i < n_pop; ++i)
    add_cells(net, std::string(kNames[i]), sc.size[i], i, sc, p);
  for (std::size_t j = 0; j < n_pop; ++j) {
    for (std::size_t i = 0; i < n_pop; ++i) {
      connect(net, std::string(kNames[j]), std::string(kNames[i]), sc.synapses(i, j, p.scale), i, j,
              sc);
    }
  }
  return net;
}

/// Where a class's synapses land on a pyramidal cell. PV basket cells: the soma. SOM Martinotti
/// cells: the apical tuft, with PD14's weight divided by the tuft's mean attenuation to the soma
/// (exp(-d / lambda_epsp) averaged over the region), so that the mean somatic inhibition per
/// synapse, and with PD14's count each pyramidal cell's total, stays PD14's. VIP cells: the few
/// synapses they make on pyramidal cells, at the soma.
Placement pyramid_target(std::size_t type) {
  if (type != SOM) return {};
  const double lambda_epsp = PyramidalDendriticPscParams::defaults().dend.lambda_epsp;
  const double attenuation = mean_attenuation(
      pyramidal_dendritic_morphology(), std::string(kSomRegion), kSomFromUm, kSomToUm, lambda_epsp);
  return {locate::region(std::string(kSomRegion), Micrometres{kSomFromUm}, Micrometres{kSomToUm}),
          1.0 / attenuation};
}

std::string type_name(std::size_t layer, std::size_t type) {
  return fmt::format("{}{}", kLayers[layer], kTypeNames[type]);
}

NetworkSpec interneuron_variant(const MicrocircuitParams& p, const Scaled& sc) {
  NetworkSpec net;
  // Sizes: each layer's inhibitory cells shared out by kTypeFraction; PV takes the rounding.
  std::array<std::array<std::size_t, n_types>, n_layers> size{};
  for (std::size_t l = 0; l < n_layers; ++l) {
    const std::size_t n_inh = sc.size[2 * l + 1];
    size[l][SOM] = static_cast<std::size_t>(
        round_half_even(kTypeFraction[l][SOM] * static_cast<double>(n_inh)));
    size[l][VIP] = static_cast<std::size_t>(
        round_half_even(kTypeFraction[l][VIP] * static_cast<double>(n_inh)));
    if (size[l][SOM] == 0 || size[l][VIP] == 0 || size[l][SOM] + size[l][VIP] >= n_inh) {
      throw Error(fmt::format(
          "microcircuit: scale {} leaves too few inhibitory cells in {} to split into PV, SOM "
          "and VIP",
          p.scale, kLayers[l]));
    }
    size[l][PV] = n_inh - size[l][SOM] - size[l][VIP];
  }
  for (std::size_t l = 0; l < n_layers; ++l) {
    add_cells(net, std::string(kNames[2 * l]), sc.size[2 * l], 2 * l, sc, p, kPyramidalModel,
              {{"epsp_delay_per_100um", Milliseconds{p.dendritic_delay_per_100um}}});
    for (std::size_t t = 0; t < n_types; ++t)
      add_cells(net, type_name(l, t), size[l][t], 2 * l + 1, sc, p);
  }

  // Share of a target's PD14 in-degree from inhibitory layer `lj` that comes from class `pre`
  // (column `post` of kPreference, weighted by the classes' cell numbers).
  const auto preference = [&](std::size_t pre, std::size_t post) {
    return 1.0 - p.selectivity + p.selectivity * kPreference[pre][post];
  };
  const auto source_share = [&](std::size_t lj, std::size_t pre, std::size_t post) {
    double total = 0.0;
    for (std::size_t t = 0; t < n_types; ++t)
      total += static_cast<double>(size[lj][t]) * preference(t, post);
    return static_cast<double>(size[lj][pre]) * preference(pre, post) / total;
  };

  for (std::size_t li = 0; li < n_layers; ++li) {
    const std::size_t e_i = 2 * li, i_i = 2 * li + 1;
    const std::string pyr = std::string(kNames[e_i]);
    for (std::size_t lj = 0; lj < n_layers; ++lj) {
      const std::size_t e_j = 2 * lj, i_j = 2 * lj + 1;
      const std::string src_e = std::string(kNames[e_j]);
      const double n_i_inh = static_cast<double>(sc.size[i_i]);
      // Excitatory sources: PD14 unchanged onto pyramids; each interneuron class gets the
      // in-degree PD14 gives an inhibitory cell of its layer.
      connect(net, src_e, pyr, sc.synapses(e_i, e_j, p.scale), e_i, e_j, sc);
      for (std::size_t t = 0; t < n_types; ++t) {
        connect(net, src_e, type_name(li, t),
                sc.synapses(i_i, e_j, p.scale) * static_cast<double>(size[li][t]) / n_i_inh, i_i,
                e_j, sc);
      }
      // Inhibitory sources onto pyramids: PD14's count (so count x weight, as it reaches the
      // soma, is unchanged), shared out among the classes by their preference for pyramidal
      // cells, each class at its place (pyramid_target).
      for (std::size_t pre = 0; pre < n_types; ++pre) {
        connect(net, type_name(lj, pre), pyr,
                sc.synapses(e_i, i_j, p.scale) * source_share(lj, pre, kPyramidal), e_i, i_j, sc,
                pyramid_target(pre));
      }
      // Inhibitory sources onto interneurons: each target class keeps PD14's in-degree per
      // cell, shared out among the presynaptic classes by kPreference.
      for (std::size_t post = 0; post < n_types; ++post) {
        const double in_degree_total =
            sc.synapses(i_i, i_j, p.scale) * static_cast<double>(size[li][post]) / n_i_inh;
        for (std::size_t pre = 0; pre < n_types; ++pre) {
          connect(net, type_name(lj, pre), type_name(li, post),
                  in_degree_total * source_share(lj, pre, post), i_i, i_j, sc);
        }
      }
    }
  }
  return net;
}

}  // namespace

std::string_view variant_name(MicrocircuitParams::Variant v) noexcept {
  return v == MicrocircuitParams::Variant::pd14 ? "pd14" : "interneurons";
}

std::string_view drive_name(MicrocircuitParams::Drive d) noexcept {
  return d == MicrocircuitParams::Drive::poisson ? "poisson" : "dc";
}

namespace pd14 {

const std::array<std::string_view, num_populations>& population_names() {
  return kNames;
}

const std::array<std::size_t, num_populations>& full_sizes() {
  return kFullSize;
}

double connection_probability(std::size_t target, std::size_t source) {
  return kConnProb[target][source];
}

double full_synapse_count(std::size_t target, std::size_t source) {
  const double pairs =
      static_cast<double>(kFullSize[target]) * static_cast<double>(kFullSize[source]);
  // log1p keeps the tiny 1 / pairs (~1e-9) exact.
  return std::log1p(-kConnProb[target][source]) / std::log1p(-1.0 / pairs);
}

const std::array<double, num_populations>& full_scale_rates_hz() {
  return kReferenceRate;
}

}  // namespace pd14

NetworkSpec microcircuit_network(const MicrocircuitParams& p) {
  if (!(p.scale > 0.0 && p.scale <= 1.0)) {
    throw Error(fmt::format("microcircuit: scale must be in (0, 1], got {}", p.scale));
  }
  if (!(p.selectivity >= 0.0 && p.selectivity <= 1.0)) {
    throw Error(fmt::format("microcircuit: selectivity must be in [0, 1], got {}", p.selectivity));
  }
  if (!(p.dendritic_delay_per_100um >= 0.0 && std::isfinite(p.dendritic_delay_per_100um))) {
    throw Error(fmt::format("microcircuit: dendritic_delay_per_100um must be >= 0 ms, got {}",
                            p.dendritic_delay_per_100um));
  }
  const Scaled sc = scale_network(p);
  return p.variant == MicrocircuitParams::Variant::pd14 ? pd14_variant(p, sc)
                                                        : interneuron_variant(p, sc);
}

}  // namespace spindle::models
