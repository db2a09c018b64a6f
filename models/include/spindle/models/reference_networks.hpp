// spindle/models/reference_networks.hpp: the published benchmark networks as NetworkSpecs, one
// definition shared by the tests, the `spindle` program, the examples and bench/.
//
//  - brunel_network: Brunel (2000) sparse E-I network of `lif_delta` cells (J Comput Neurosci
//    8:183, DOI 10.1023/A:1008925309027; science.md 6.3). Populations "E" and "I".
//  - cuba_network: the CUBA benchmark of Vogels & Abbott (2005) / Brette et al. (2007),
//    `lif_exp` cells (science.md 6.2). Populations "exc" and "inh".
//  - coba_network: the COBA benchmark (Brette et al. 2007, benchmark 1), `lif_cond` cells with
//    conductance synapses (science.md 6.2). Populations "exc" and "inh".
//
// Every number is a field with the published default; a reduced network is the same builder
// with other sizes (see BrunelParams::reduced for a way to shrink Brunel's network that keeps
// its mean-field operating point).
#pragma once

#include <cstddef>

#include "spindle/network_spec.hpp"

namespace spindle::models {

/// Brunel (2000), Fig. 8 parameters. Voltages are relative to rest (E_L = 0).
struct BrunelParams {
  double g = 5.0;    ///< relative strength of inhibition: inhibitory weight = -g J
  double eta = 2.0;  ///< nu_ext / nu_thr
  std::size_t N_E = 10000;
  std::size_t N_I = 2500;
  std::size_t C_E = 1000;  ///< excitatory in-degree (fixed_indegree, multapses, no autapses)
  std::size_t C_I = 250;   ///< inhibitory in-degree
  double J = 0.1;          ///< [mV] excitatory PSP jump, recurrent and external
  double tau_m = 20.0;     ///< [ms]
  double theta = 20.0;     ///< [mV] threshold
  double V_r = 10.0;       ///< [mV] reset
  double t_ref = 2.0;      ///< [ms] refractory period
  double delay = 1.5;      ///< [ms] D, every synapse

  /// Threshold rate theta / (J C_E tau_m) [Hz]: the external rate per synapse that brings the
  /// mean input to threshold without feedback.
  double nu_thr_hz() const;
  /// eta * nu_thr [Hz], per external synapse; each cell receives C_E such synapses, i.e. one
  /// Poisson train at C_E nu_ext.
  double nu_ext_hz() const;

  /// Sizes multiplied by `n_scale` (N_E, N_I) and in-degrees by `c_scale` (C_E, C_I), each
  /// rounded to the nearest integer and at least 1, with J divided by the realised C_E
  /// change so that J C_E, hence the mean input mu and nu_thr, stay as published. The input
  /// variance sigma^2 = J (J C_E) tau (...) grows as 1/c_scale; eta and g are unchanged, and
  /// gamma = C_I / C_E moves only by the rounding of C_I.
  BrunelParams reduced(double n_scale, double c_scale) const;
};

/// Brunel's network: populations "E" (N_E) and "I" (N_I) of lif_delta cells with E_L = 0,
/// V_th = theta, V_reset = V_r, V_m uniform in [V_r, theta) at the start (the range a cell's
/// voltage covers between reset and threshold); E->{E,I} weight J on "exc", I->{E,I} weight
/// -g J on "inh", all delays D; each cell gets an independent Poisson train of rate
/// C_E nu_ext, weight J, on "exc". Spikes of both populations are recorded.
NetworkSpec brunel_network(const BrunelParams& p);

/// CUBA benchmark (Brette et al. 2007, benchmark 2).
struct CubaParams {
  double scale = 1.0;  ///< multiplies the population sizes 3200 and 800 (rounded, >= 1)
  double p = 0.02;     ///< connection probability (pairwise Bernoulli, no autapses); with scale < 1
                       ///< the in-degree falls to 80 scale unless p is raised to 0.02 / scale
  double w_exc = 16.2;   ///< [pA] (1.62 mV with R = tau_m / C_m = 100 MOhm)
  double w_inh = -90.0;  ///< [pA] (-9 mV)
  double delay = 0.1;    ///< [ms]
};

/// CUBA: populations "exc" and "inh" of lif_exp cells (C_m 200 pF, tau_m 20 ms, E_L -49 mV,
/// V_th -50 mV, V_reset -60 mV, t_ref 5 ms, tau_syn 5 / 10 ms), V_m uniform in [-60, -50) mV.
/// E_L above threshold makes every cell fire without input, so no kick is needed.
NetworkSpec cuba_network(const CubaParams& p = {});

/// COBA benchmark (Vogels & Abbott 2005; Brette et al. 2007, benchmark 1; science.md 6.2).
struct CobaParams {
  double scale = 1.0;   ///< multiplies the population sizes 3200 and 800 (rounded, >= 1)
  double p = 0.02;      ///< connection probability (pairwise Bernoulli, no autapses)
  double w_exc = 6.0;   ///< [nS] excitatory conductance jump (0.6 g_L)
  double w_inh = 67.0;  ///< [nS] inhibitory conductance jump (6.7 g_L)
  double delay = 0.1;   ///< [ms]
  /// [pA] current into every cell during [0, kick_ms): the start-up stimulation. The
  /// published initial conductances alone leave the network silent after ~50 ms for most
  /// seeds (in Brian2 as here); 100 pA for 50 ms ignites the self-sustained state (~20 Hz).
  double kick = 100.0;
  double kick_ms = 50.0;  ///< [ms]
  /// lif_cond's local error tolerances (relative, and absolute in mV), its defaults (more
  /// accurate than Brian2 at dt = 0.01 ms: docs/performance.md, COBA).
  double rtol = 1e-6;
  double atol = 1e-6;
};

/// COBA: populations "exc" and "inh" of lif_cond cells (C_m 200 pF, g_L 10 nS so tau_m 20 ms,
/// E_L -60 mV, V_th -50 mV, V_reset -60 mV, t_ref 5 ms, E_exc 0 mV, E_inh -80 mV, tau_syn 5 /
/// 10 ms). Initial state as in Brette's Brian script: V_m ~ N(-65, 5) mV, g_exc ~ N(40, 15) nS,
/// g_inh ~ N(200, 120) nS (4 and 20 g_L), the conductances truncated at 0 (the script lets a
/// few start negative), plus the start-up current `kick` (CobaParams).
NetworkSpec coba_network(const CobaParams& p = {});

}  // namespace spindle::models
