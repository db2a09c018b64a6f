// spindle/models/graupner_brunel.hpp: the calcium-based synaptic plasticity rule of Graupner &
// Brunel (2012, PNAS 109:3991), without its noise term, evaluated event by event:
//
//   tau_rho drho/dt = -rho (1 - rho) (rho_star - rho) + gamma_p (1 - rho) H(c - theta_p)
//                     - gamma_d rho H(c - theta_d)
//   c(t) = sum of jumps decaying with tau_ca (a presynaptic spike adds c_pre after delay_pre,
//          a postsynaptic spike adds c_post)
//   efficacy w = w0 + rho (w1 - w0), w1 / w0 = b
//
// Between two calcium jumps c decays exponentially, so the times at which it falls below
// theta_p and theta_d are known in closed form; on each piece the Heaviside terms are constant
// and rho follows a one-dimensional ODE that the shared Dormand-Prince integrator solves
// (ode_integrator.hpp). No time step: the cost is a few integrator steps per calcium jump.
//
// Default parameters: the "cortical slices" fit of Graupner & Brunel 2012 (to the data of
// Sjöström, Turrigiano & Nelson 2001), as listed in the authors' code
// (github.com/mgraupe/CalciumBasedPlasticityModel, synapticChange.py): tau_ca = 22.6936 ms,
// c_pre = 0.5617539, c_post = 1.23964, theta_d = 1, theta_p = 1.3, gamma_d = 331.909,
// gamma_p = 725.085, tau_rho = 346.3615 s, rho_star = 0.5, delay_pre = 4.6098 ms, b = 5.40988
// (their sigma = 3.3501 is the noise amplitude, left out here).
#pragma once

namespace spindle::models {

struct GraupnerBrunelParams {
  double tau_ca = 22.6936;    ///< [ms]
  double c_pre = 0.5617539;   ///< calcium jump per presynaptic spike (after delay_pre)
  double c_post = 1.23964;    ///< calcium jump per postsynaptic spike (bAP)
  double delay_pre = 4.6098;  ///< [ms] delay of the presynaptic calcium jump
  double theta_d = 1.0;       ///< depression threshold
  double theta_p = 1.3;       ///< potentiation threshold
  double gamma_d = 331.909;   ///< depression rate
  double gamma_p = 725.085;   ///< potentiation rate
  double tau_rho = 346361.5;  ///< [ms] time constant of rho
  double rho_star = 0.5;      ///< unstable fixed point between DOWN (0) and UP (1)
  double b = 5.40988;         ///< w1 / w0: efficacy ratio of the UP and DOWN states
};

/// One synapse's rho and calcium, advanced lazily in time.
class GraupnerBrunelSynapse {
 public:
  GraupnerBrunelSynapse() = default;
  GraupnerBrunelSynapse(const GraupnerBrunelParams& p, double rho0) : p_(p), rho_(rho0) {}

  /// Integrates rho up to t_ms (>= the last time) with the calcium decaying.
  void advance(double t_ms);
  /// Advances to t_ms, then adds `amplitude` to the calcium.
  void add_calcium(double t_ms, double amplitude) {
    advance(t_ms);
    c_ += amplitude;
  }
  double rho() const noexcept { return rho_; }
  double calcium() const noexcept { return c_; }
  double time_ms() const noexcept { return t_; }
  /// w / w(rho0): the efficacy relative to the one the synapse started with.
  double relative_efficacy(double rho0) const noexcept {
    return (1.0 + rho_ * (p_.b - 1.0)) / (1.0 + rho0 * (p_.b - 1.0));
  }
  /// Time spent so far with c above theta_d and above theta_p [ms] (for reports and tests).
  double time_above_d() const noexcept { return above_d_; }
  double time_above_p() const noexcept { return above_p_; }

 private:
  void integrate_piece(double duration, bool pot, bool dep);

  GraupnerBrunelParams p_;
  double rho_ = 0.5, c_ = 0.0, t_ = 0.0;
  double above_d_ = 0.0, above_p_ = 0.0;
};

}  // namespace spindle::models
