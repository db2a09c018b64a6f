// Graupner-Brunel calcium-based plasticity, piece by piece between calcium jumps (see header).
#include "spindle/models/graupner_brunel.hpp"

#include <algorithm>
#include <cmath>

#include "spindle/models/ode_integrator.hpp"

namespace spindle::models {

void GraupnerBrunelSynapse::integrate_piece(double duration, bool pot, bool dep) {
  if (!(duration > 0.0)) return;
  const GraupnerBrunelParams& p = p_;
  const auto f = [&](double, const ode::Vec<1>& y, ode::Vec<1>& dy) {
    const double r = y[0];
    double v = -r * (1.0 - r) * (p.rho_star - r);
    if (pot) v += p.gamma_p * (1.0 - r);
    if (dep) v -= p.gamma_d * r;
    dy[0] = v / p.tau_rho;
  };
  ode::Settings set;
  set.tol = {1e-10, 1e-12};
  set.h_max = 1e4;  // rho changes on the scale of tau_rho / (gamma_p + gamma_d) ~ 0.3 s
  rho_ = ode::integrate<1>(f, {rho_}, duration, std::min(duration, 1.0), set).y[0];
  if (pot) above_p_ += duration;
  if (dep) above_d_ += duration;
}

void GraupnerBrunelSynapse::advance(double t_ms) {
  double span = t_ms - t_;
  if (!(span > 0.0)) return;
  // c(s) = c0 exp(-s / tau_ca) falls below a threshold theta at s = tau_ca ln(c0 / theta).
  const auto below_after = [&](double theta) {
    return c_ > theta ? std::min(span, p_.tau_ca * std::log(c_ / theta)) : 0.0;
  };
  const double s_p = below_after(p_.theta_p), s_d = below_after(p_.theta_d);
  integrate_piece(std::min(s_p, s_d), true, true);
  integrate_piece(s_p - std::min(s_p, s_d), true, false);  // theta_p < theta_d (unusual sets)
  integrate_piece(s_d - std::min(s_p, s_d), false, true);
  integrate_piece(span - std::max(s_p, s_d), false, false);
  c_ *= std::exp(-span / p_.tau_ca);
  t_ = t_ms;
}

}  // namespace spindle::models
