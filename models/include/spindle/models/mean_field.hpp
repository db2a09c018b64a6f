// spindle/models/mean_field.hpp: diffusion-approximation (Siegert) firing rate of a leaky
// integrate-and-fire neuron, and the self-consistent stationary rate of Brunel's (2000) network,
// used as the reference rate of its asynchronous-irregular state.
//
// For a LIF neuron (voltages relative to rest) driven by white noise with mean mu and standard
// deviation sigma (Brunel 2000, eq. 21):
//
//   1/nu = tau_rp + tau sqrt(pi) Int_{(V_r - mu)/sigma}^{(theta - mu)/sigma} e^{u^2}(1 + erf u) du
//
// The integrand is written as erfcx(-u) for u < 0 and 2 e^{u^2} - erfcx(u) for u >= 0, with the
// scaled complementary error function erfcx(x) = e^{x^2} erfc(x), so that neither branch
// multiplies a huge exponential by a vanishing one (e^{u^2} (1 + erf u) -> 1 / (|u| sqrt(pi))
// for u -> -inf, where the naive product loses every digit).
#pragma once

#include <vector>

#include "spindle/models/reference_networks.hpp"

namespace spindle::models {

/// e^{x^2} erfc(x), accurate to a few ulp for all x (overflows to +inf for x < -26.6).
double erfcx(double x);

/// The threshold, reset and time constants a Siegert rate needs; voltages relative to rest.
struct LifRateNeuron {
  double tau_m = 20.0;  ///< [ms]
  double t_ref = 2.0;   ///< [ms]
  double theta = 20.0;  ///< [mV]
  double V_r = 10.0;    ///< [mV]
};

/// Stationary rate [Hz] of a LIF neuron driven by white noise of mean mu [mV] and standard
/// deviation sigma [mV] (sigma > 0). Returns 0 where the rate underflows (mu far below theta).
/// Throws spindle::Error for sigma <= 0, V_r >= theta or a non-finite argument.
double siegert_rate_hz(double mu, double sigma, const LifRateNeuron& neuron);

/// Brunel's mean input [mV] and its standard deviation [mV] for a network rate nu [Hz]:
///   mu      = C_E J tau (nu_ext + nu (1 - g gamma))
///   sigma^2 = J^2 C_E tau (nu_ext + nu (1 + g^2 gamma)),   gamma = C_I / C_E
struct BrunelInput {
  double mu = 0.0;
  double sigma = 0.0;
};
BrunelInput brunel_input(const BrunelParams& p, double nu_hz);

/// Every self-consistent rate nu = siegert(mu(nu), sigma(nu)) in [0, 1/t_ref), ascending: the
/// interval is scanned on a fine grid and each sign change refined by bracketing (TOMS 748) to
/// a relative 1e-12. A root of exactly 0 is the quiescent state, where the Siegert rate of the
/// external drive alone underflows. One root for inhibition-dominated networks (g gamma > 1),
/// where the input falls with the rate; excitation-dominated ones at weak drive have three
/// (quiescent or low, unstable middle, high). Throws spindle::Error when t_ref <= 0.
std::vector<double> brunel_fixed_points_hz(const BrunelParams& p);

/// The unique self-consistent rate [Hz] (Brunel's nu_0). Throws spindle::Error naming the
/// rates found when there are several.
double brunel_rate_hz(const BrunelParams& p);

}  // namespace spindle::models
