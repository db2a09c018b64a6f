// spindle/models/cable/inhibition_map.hpp: Müllner, Wierenga & Bonhoeffer's (2015) protocol on
// the cable cell, and their analysis (science.md §1.3): one somatic current pulse evokes one
// back-propagating AP; one GABA_A contact on the apical trunk is activated at an offset from it;
// the peak of the bAP-evoked Ca2+ increment is recorded at sites on both sides of the contact.
//
// Conventions (used by every function here and by the reduced model's calibration):
//  - Δt = t_GABA_onset - t_bAP_stimulus [ms]: negative Δt means the GABA conductance starts
//    before the somatic current pulse (as in ModelDB 206244, tstart = stimstart - 3 + 0.5 j).
//  - Recording offsets x [um] are signed path distances along the trunk from the contact:
//    x < 0 proximal (towards the soma), x > 0 distal.
//  - Ca_peak is the peak of [Ca]_i - Ca_rest (the Ca2+ increment, what ΔF/F measures) within
//    the run; inh(x, Δt; g) = 1 - Ca_peak(x, Δt; g) / Ca_peak(x, Δt; 0).
#pragma once

#include <cstddef>
#include <vector>

#include "spindle/models/cable/cable_cell.hpp"

namespace spindle::models::cable {

/// Signed recording offsets of ModelDB 206244: steps 5, 10, 20, 20, 20, 20, 50, 50 um outward
/// on each side (cumulative 5 ... 195 um), plus the contact itself (0).
std::vector<double> mullner_record_offsets_um();
/// Δt grid of the paper's model and issue 5: -3 ... +3 ms in 0.5 ms steps merged with
/// -20 ... +20 ms in 2 ms steps, sorted, without duplicates.
std::vector<double> mullner_offsets_ms();
/// g sweep of ModelDB 206244: 1, 4, 7, ..., 19 nS.
std::vector<double> mullner_conductances_nS();

struct BapProtocol {
  double gaba_site_um = 220.0;  ///< contact on the apical trunk, path distance from soma [um]
  std::vector<double> offsets_ms = mullner_offsets_ms();        ///< Δt values [ms]
  std::vector<double> record_um = mullner_record_offsets_um();  ///< signed offsets [um]
  std::vector<double> g_gaba_nS = mullner_conductances_nS();    ///< conductance sweep [nS]
  double stimulus_nA = 3.0;     ///< somatic pulse amplitude (ModelDB 206244: 3 nA)
  double stimulus_ms = 1.0;     ///< pulse duration
  double t_stimulus_ms = 25.0;  ///< pulse onset (late enough for Δt = -20 ms)
  /// Run ends this long after the pulse onset; 0: derived from the offsets (run_after_ms()).
  double record_after_ms = 0.0;
  double dt_ms = 0.025;
  double seg_um = 5.0;

  /// The run length after the pulse onset actually used: record_after_ms if set, else long
  /// enough for the bAP (15 ms) and for the latest GABA onset plus 5 ms, so that every Δt of
  /// the grid falls inside the run.
  double run_after_ms() const;
};

/// One bAP run's readout at every recording site.
struct BapRun {
  std::vector<double> ca_peak_mM;   ///< peak Ca increment per site
  std::vector<double> v_peak_mV;    ///< peak V per site
  std::vector<double> t_v_peak_ms;  ///< time of the V peak relative to the pulse onset
  double cpu_s = 0.0;               ///< CPU time of the run
  double simulated_ms = 0.0;
};

/// Runs one bAP with a contact of `g_nS` at offset `offset_ms` (g = 0: control).
BapRun run_bap(const CableCell& cell, const BapProtocol& protocol, double g_nS, double offset_ms);

/// inh[gi][xi][ti] for g_gaba_nS[gi], record_um[xi], offsets_ms[ti].
struct InhibitionMap {
  std::vector<double> g_nS, record_um, offsets_ms;
  std::vector<std::vector<std::vector<double>>> inh;
  std::vector<double> control_ca_peak_mM;  ///< per site (independent of Δt)
  std::vector<double> bap_latency_ms;      ///< control: V peak time minus pulse onset, per site
  std::vector<double> bap_peak_mV;         ///< control: V peak per site
  double cpu_s_per_bap = 0.0;              ///< CPU seconds per 20 ms of simulated bAP run

  double max_inhibition(std::size_t gi) const;
  /// Index of the largest g whose max inhibition is <= limit (Müllner: 0.30); 0 if none is.
  std::size_t choose_g(double limit = 0.30) const;
};

/// The full map over the protocol's g, Δt and sites (one run per g > 0 and Δt; the control is
/// independent of Δt and run once).
InhibitionMap inhibition_map(const CableCell& cell, const BapProtocol& protocol);

/// exp(-|x|/λ) fitted without offset, each side alone, on a 5 um linear-interpolation grid of
/// the profile normalised by its maximum (the profile at the Δt of the map's maximum).
struct SpatialFit {
  double lambda_proximal_um = 0.0, lambda_distal_um = 0.0;
};
SpatialFit fit_spatial(const InhibitionMap& map, std::size_t gi);

/// Inhibition vs Δt at the site of maximal inhibition, normalised by its maximum: the peak
/// (parabola through the top three points), the full width at half maximum (linear
/// interpolation), and exp(-|Δt - peak|/τ) fits without offset on each side (before: Δt <
/// peak, GABA earlier; after: Δt > peak).
struct TemporalFit {
  double peak_offset_ms = 0.0, fwhm_ms = 0.0, tau_before_ms = 0.0, tau_after_ms = 0.0;
  std::size_t site = 0;         ///< index into record_um
  bool unimodal = false;        ///< rises then falls (to within 0.02 of the maximum)
  std::vector<double> profile;  ///< normalised inhibition per offsets_ms
};
TemporalFit fit_temporal(const InhibitionMap& map, std::size_t gi);

/// Müllner's length constants of one cell. The maps are computed at the protocol's conductances
/// in increasing order, stopping after the first whose peak inhibition exceeds `limit`:
/// inhibition grows with g, so the g used is the one choose_g(limit) picks from the whole sweep,
/// at a fraction of the cost. Then fit_spatial at that g.
struct LengthConstants {
  double g_used_nS = 0.0;       ///< largest g of the sweep with peak inhibition <= limit
  double max_inhibition = 0.0;  ///< its peak inhibition
  double lambda_proximal_um = 0.0, lambda_distal_um = 0.0;
  double profile_offset_ms = 0.0;       ///< Δt of the map's maximum (where the profile is taken)
  double bap_peak_at_contact_mV = 0.0;  ///< control bAP: peak V at the contact
};
LengthConstants mullner_length_constants(const CableCell& cell, const BapProtocol& protocol,
                                         double limit = 0.30);

/// The protocol of the diameter sweep: the default one with a 8 nA x 1 ms somatic pulse, the
/// same for every diameter. With 2x thicker dendrites the soma needs 4.1-4.3 nA for a 1 ms
/// pulse to fire (3 nA does not); 8 nA is at least twice the threshold of every cell of the
/// sweep and still evokes a single spike.
BapProtocol diameter_scaling_protocol();

/// Diameter-only scaling (issue 5, acceptance 1): for each k of `scales`, the cell with
/// `params` on `geometry` with every dendritic diameter x k (branch lengths, soma, membrane
/// properties and channel densities per area, and the protocol unchanged; for
/// ca1_pyramidal_geometry() that is ca1_pyramidal_geometry(k)), its length constants, and their
/// ratios to those at k = 1, which cable theory (λ ∝ sqrt(d)) predicts to be sqrt(k).
struct DiameterScalingPoint {
  double k = 1.0;
  LengthConstants lambda;
  double ratio_proximal = 1.0, ratio_distal = 1.0;
};
std::vector<DiameterScalingPoint> diameter_scaling(const CellGeometry& geometry,
                                                   const CableParams& params,
                                                   const BapProtocol& protocol,
                                                   const std::vector<double>& scales,
                                                   double limit = 0.30);

/// Least-squares λ of exp(-x/λ) to (x >= 0, y) pairs (golden-section search on λ in
/// [0.01, 1e4] in the units of x).
double fit_exp_decay(const std::vector<double>& x, const std::vector<double>& y);

/// The smallest conductance [nS] (bisection to `tol_nS` in [0, g_max_nS]) that blocks the bAP:
/// at the offset where the conductance peaks as the bAP reaches the contact, the bAP peak
/// depolarisation 100 um distal of the contact falls below half of control. Returns g_max_nS
/// * 2 if even g_max_nS does not block.
double block_threshold_nS(const CableCell& cell, const BapProtocol& protocol,
                          double g_max_nS = 200.0, double tol_nS = 0.5);

}  // namespace spindle::models::cable
