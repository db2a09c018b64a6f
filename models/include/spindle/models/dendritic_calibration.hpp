// spindle/models/dendritic_calibration.hpp: Müllner's protocol on the reduced cell
// pyramidal_dendritic (the same protocol and result types as cable::inhibition_map(), so the
// cable analysis, fit_spatial() and fit_temporal(), reads both maps), and the calibration that
// fits the reduced cell's dendritic kernel to the cable cell's map.
//
// Calibration (calibrate_dendritic): least squares over the whole distance x Δt grid of the
// reference map at the conductance Müllner's analysis uses (the largest g whose peak inhibition
// is <= 30 %, InhibitionMap::choose_g()):
//   minimise  sum_{x, Δt} (inh_reduced(x, Δt) - inh_cable(x, Δt))^2
// over bap_latency, bap_delay_per_100um, lambda_proximal, lambda_distal, g_half and tau_window
// (the other parameters are not fitted). inh_reduced is the closed form the cell evaluates,
// 1 - 1 / (1 + g W(t_a - t_on) exp(-|x| / lambda_side) / g_half), with t_a the bAP's arrival at
// the site: the reduced soma's spike latency for the protocol's pulse (one run of the cell) plus
// bap_delay(site). Start: bap_latency and bap_delay_per_100um from a straight-line fit of the
// cable's bAP peak latency vs distance, lambdas 25 um, tau_window 0.5 ms, g_half from the
// reference's maximal inhibition. Optimiser: Nelder-Mead (Nelder & Mead 1965; the standard
// reflection 1, expansion 2, contraction 1/2, shrink 1/2 coefficients) on log-parameters
// (latency and delay enter as absolute values), restarted from its result until a restart gains
// less than 1e-12 in the objective (at most 8 restarts, 4000 evaluations each).
#pragma once

#include <cstddef>
#include <string>

#include "spindle/models/cable/inhibition_map.hpp"
#include "spindle/models/pyramidal_dendritic.hpp"

namespace spindle::models {

/// Müllner's protocol on the reduced cell: one fresh cell per (g, Δt) run, driven through the
/// CellGroup contract (the somatic pulse by set_current, the contact by receive_at); Ca_peak
/// at each site is the bAP's calcium jump there. cpu_s_per_bap is CPU seconds per run (one bAP).
/// bap_latency_ms and bap_peak_mV hold the bAP arrival time at each site and NaN.
cable::InhibitionMap inhibition_map(const PyramidalDendriticParams& params,
                                    const cable::BapProtocol& protocol);

/// Latency of the reduced soma's spike after the onset of the protocol's pulse [ms] (no spike:
/// spindle::Error).
double somatic_spike_latency(const PyramidalDendriticParams& params,
                             const cable::BapProtocol& protocol);

/// RMS of (a - b) over all sites and Δt at conductance index gi of both maps, divided by the
/// maximal inhibition of `reference` there.
double relative_rms_error(const cable::InhibitionMap& a, const cable::InhibitionMap& reference,
                          std::size_t gi);

struct DendriticCalibration {
  PyramidalDendriticParams params;  ///< the start parameters with the fitted kernel
  std::size_t g_index = 0;          ///< conductance of the reference map used
  double g_nS = 0.0;
  double rms_error = 0.0;  ///< relative RMS error at g_index (relative_rms_error)
  double reference_max_inhibition = 0.0;
  std::size_t evaluations = 0;
  /// The six fitted values as a JSON object text, with the command-line comment.
  std::string json() const;
};

/// Fits the six kernel parameters of `start` to `reference` (which must have been computed with
/// `protocol`), see the file comment.
DendriticCalibration calibrate_dendritic(const cable::InhibitionMap& reference,
                                         const cable::BapProtocol& protocol,
                                         const PyramidalDendriticParams& start);

}  // namespace spindle::models
