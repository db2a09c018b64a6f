// spindle/models/cable/channels.hpp: membrane mechanisms of the cable cell, as plain rate
// functions shared by the time stepper and the resting-state solver. Units: mV, ms, mS/cm2,
// uA/cm2, mM.
//
//   Na (transient):  I = g_Na m^3 h (V - E_Na)     Traub & Miles 1991 kinetics as used by
//   K  (delayed r.): I = g_K  n^4   (V - E_K)      Destexhe & Paré 1999 (hh2.mod), V_T shift
//   Ca (HVA, L-like): I = g_Ca m^2 (V - E_Ca)     Reuveni et al. 1993 activation (Mainen &
//                                                  Sejnowski 1996 ca.mod) at 34 C; the slow
//                                                  inactivation (tau > 100 ms) is left out
//   Ca pool: d[Ca]/dt = -I_Ca / (2 F shell (1 + kappa)) - ([Ca] - Ca_rest) / tau_Ca
//   leak:   I = g_L (V - E_L)
//   GABA_A: alpha conductance g(t) = g_max (t - t_on)/tau exp(1 - (t - t_on)/tau), peak g_max
//           at t_on + tau, reversal E_GABA (shunting: at rest)
//   AMPA:   exponential conductance, jump by w, decay tau_AMPA, reversal 0 mV
//
// Parameter values, their sources and why they were chosen: docs/dendritic-inhibition.md.
#pragma once

#include <cmath>

namespace spindle::models::cable {

/// Passive properties, channel densities, reversals and synapse kinetics.
struct CableParams {
  double cm_uF_cm2 = 1.0;       ///< specific capacitance [uF/cm2]
  double Ra_ohm_cm = 100.0;     ///< axial resistivity [Ohm cm] (ModelDB 206244)
  double g_leak_mS_cm2 = 0.05;  ///< leak (R_m = 20 kOhm cm2)
  double E_leak_mV = -70.0;     ///< leak reversal [mV]

  double gNa_soma_mS_cm2 = 60.0;  ///< somatic Na density
  double gNa_dend_mS_cm2 = 12.0;  ///< dendritic Na density (uniform; Magee & Johnston 1995)
  double gK_soma_mS_cm2 = 20.0;   ///< somatic delayed-rectifier density
  double gK_dend_mS_cm2 = 10.0;   ///< dendritic delayed-rectifier density
  double V_T_mV = -58.0;          ///< voltage shift of the Traub-Miles rate functions
  double E_Na_mV = 50.0;
  double E_K_mV = -80.0;  ///< as Müllner et al. 2015 set it uniformly

  double gCa_mS_cm2 = 0.1;      ///< HVA Ca density (dendrites and soma)
  double E_Ca_mV = 140.0;       ///< fixed Ca reversal
  double ca_shift_mV = 10.0;    ///< depolarising shift of the Ca gate's rate functions
  double ca_rest_mM = 5e-5;     ///< resting [Ca]_i (50 nM)
  double ca_tau_ms = 20.0;      ///< Ca pool decay
  double ca_shell_um = 0.1;     ///< depth of the submembrane shell the pool fills
  double ca_buffer_kappa = 20;  ///< endogenous buffer capacity: 1 of (1 + kappa) ions stays free
  double temperature_C = 34.0;  ///< Müllner et al. 2015 (Q10 scaling of the Ca gate)

  double gaba_tau_ms = 1.0;  ///< alpha time constant (Müllner et al. 2015)
  double E_gaba_mV = -70.0;  ///< Cl-/HCO3- mix, P = 0.18 (see docs)
  double ampa_tau_ms = 2.0;  ///< AMPA decay
  double E_ampa_mV = 0.0;
};

/// Dendritic Na density of the `regenerative_dendrites` parameter set [mS/cm2]. At the default
/// 12 mS/cm2 the bAP is decremental in thin dendrites and regenerative in thick ones, so scaling
/// the diameters changes the bAP itself; at this density it regenerates along the whole apical
/// trunk at 0.5x, 1x and 2x the default diameters (peak +18 ... +25 mV at 220 um in all three),
/// and cable theory's sqrt(d) scaling of the inhibition length constants becomes testable
/// (docs/dendritic-inhibition.md, "sqrt(d) scaling").
inline constexpr double regenerative_gNa_dend_mS_cm2 = 25.0;

/// `base` with the dendritic Na density regenerative_gNa_dend_mS_cm2, everything else unchanged.
inline CableParams regenerative_dendrites(CableParams base = {}) {
  base.gNa_dend_mS_cm2 = regenerative_gNa_dend_mS_cm2;
  return base;
}

/// x / (exp(x) - 1), finite at x = 0 (the removable singularity of the HH rate functions).
inline double exprel_inv(double x) noexcept {
  return std::abs(x) < 1e-6 ? 1.0 - x / 2.0 : x / std::expm1(x);
}

/// Steady state and time constant of one gate: x_inf, tau [ms].
struct GateRates {
  double inf = 0.0, tau = 1.0;
};

inline GateRates from_alpha_beta(double a, double b) noexcept {
  return {a / (a + b), 1.0 / (a + b)};
}

/// Traub-Miles Na activation m, inactivation h and K activation n at V [mV], shift V_T.
inline GateRates na_m(double V, double V_T) noexcept {
  const double u = V - V_T;
  const double a = 0.32 * 4.0 * exprel_inv(-(u - 13.0) / 4.0);
  const double b = 0.28 * 5.0 * exprel_inv((u - 40.0) / 5.0);
  return from_alpha_beta(a, b);
}
inline GateRates na_h(double V, double V_T) noexcept {
  const double u = V - V_T;
  const double a = 0.128 * std::exp(-(u - 17.0) / 18.0);
  const double b = 4.0 / (1.0 + std::exp(-(u - 40.0) / 5.0));
  return from_alpha_beta(a, b);
}
inline GateRates k_n(double V, double V_T) noexcept {
  const double u = V - V_T;
  const double a = 0.032 * 5.0 * exprel_inv(-(u - 15.0) / 5.0);
  const double b = 0.5 * std::exp(-(u - 10.0) / 40.0);
  return from_alpha_beta(a, b);
}
/// HVA Ca activation (Reuveni et al. 1993), rates multiplied by `q` (Q10 factor), voltage
/// axis shifted by `shift` (positive: activates at more depolarised potentials).
inline GateRates ca_m(double V_in, double q, double shift) noexcept {
  const double V = V_in - shift;
  const double a = 0.055 * 3.8 * exprel_inv((-27.0 - V) / 3.8);
  const double b = 0.94 * std::exp((-75.0 - V) / 17.0);
  return from_alpha_beta(q * a, q * b);
}
/// Q10 = 2.3 from 23 C (Mainen & Sejnowski 1996 ca.mod).
inline double ca_q10_factor(double temperature_C) noexcept {
  return std::pow(2.3, (temperature_C - 23.0) / 10.0);
}

}  // namespace spindle::models::cable
