#include "spindle/models/mean_field.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include "spindle/error.hpp"

namespace spindle::models {

namespace {

/// e^{x^2} with x^2 split exactly into hi + lo (fma), so the result keeps full relative
/// precision even where x^2 is large (a 1-ulp error in x^2 = 600 would cost 600 ulp).
double exp_x2(double x) {
  const double hi = x * x;
  const double lo = std::fma(x, x, -hi);
  return std::exp(hi) * (1.0 + lo);
}

/// Beyond this u the integrand 2 e^{u^2} overflows the quadrature and the Siegert rate,
/// ~ u e^{-u^2} / tau, is below 1e-290 Hz: the rate is reported as 0.
constexpr double kLargestThresholdDistance = 26.0;

/// e^{u^2} (1 + erf u), in a form without cancellation (see the header).
double siegert_integrand(double u) {
  return u < 0.0 ? erfcx(-u) : 2.0 * exp_x2(u) - erfcx(u);
}

}  // namespace

double erfcx(double x) {
  if (x < 0.0) return 2.0 * exp_x2(x) - erfcx(-x);
  // Below 8, glibc's erfc keeps full relative precision (its result is > 1e-29, far from
  // underflow) and the product is accurate to a few ulp.
  if (x < 8.0) return exp_x2(x) * std::erfc(x);
  // Asymptotic series 1/(x sqrt(pi)) sum_k (-1)^k (2k-1)!! / (2x^2)^k. Its terms shrink while
  // 2k - 1 < 2x^2 = 128, so stopping at 1e-17 (about k = 12) is well before divergence.
  const double r = 1.0 / (2.0 * x * x);
  double term = 1.0, sum = 1.0;
  for (int k = 1; k < 40 && std::abs(term) > 1e-17; ++k) {
    term *= -(2.0 * k - 1.0) * r;
    sum += term;
  }
  return sum / (x * std::sqrt(std::numbers::pi));
}

double siegert_rate_hz(double mu, double sigma, const LifRateNeuron& n) {
  if (!std::isfinite(mu) || !std::isfinite(sigma) || !(sigma > 0.0))
    throw Error(
        fmt::format("siegert_rate_hz: need a finite mu and sigma > 0 (got mu = {} mV, "
                    "sigma = {} mV)",
                    mu, sigma));
  if (!(n.V_r < n.theta) || !(n.tau_m > 0.0) || !(n.t_ref >= 0.0))
    throw Error(
        fmt::format("siegert_rate_hz: need V_r < theta, tau_m > 0 and t_ref >= 0 (got "
                    "V_r = {} mV, theta = {} mV, tau_m = {} ms, t_ref = {} ms)",
                    n.V_r, n.theta, n.tau_m, n.t_ref));
  const double y_r = (n.V_r - mu) / sigma;
  const double y_th = (n.theta - mu) / sigma;
  if (y_th > kLargestThresholdDistance) return 0.0;
  // Adaptive 31-point Gauss-Kronrod to a relative 1e-13; the integrand is smooth, at worst
  // growing like e^{u^2} towards the upper end.
  const double integral = boost::math::quadrature::gauss_kronrod<double, 31>::integrate(
      siegert_integrand, y_r, y_th, 30, 1e-13);
  const double period_ms = n.t_ref + n.tau_m * std::sqrt(std::numbers::pi) * integral;
  return 1e3 / period_ms;
}

BrunelInput brunel_input(const BrunelParams& p, double nu_hz) {
  const double tau_s = p.tau_m * 1e-3;
  const double c_e = static_cast<double>(p.C_E);
  const double gamma = static_cast<double>(p.C_I) / c_e;
  const double nu_ext = p.nu_ext_hz();
  const double mu = c_e * p.J * tau_s * (nu_ext + nu_hz * (1.0 - p.g * gamma));
  const double var = p.J * p.J * c_e * tau_s * (nu_ext + nu_hz * (1.0 + p.g * p.g * gamma));
  return {mu, std::sqrt(var)};
}

std::vector<double> brunel_fixed_points_hz(const BrunelParams& p) {
  if (!(p.t_ref > 0.0))
    throw Error(fmt::format(
        "brunel_fixed_points_hz: need t_ref > 0, which bounds the rate (got {} ms)", p.t_ref));
  const LifRateNeuron neuron{p.tau_m, p.t_ref, p.theta, p.V_r};
  const double nu_max = 1e3 / p.t_ref;
  // Zero where nu is self-consistent; negative near nu_max, since the Siegert rate < nu_max.
  auto gap = [&](double nu) {
    const BrunelInput in = brunel_input(p, nu);
    return siegert_rate_hz(in.mu, in.sigma, neuron) - nu;
  };
  // Scan 0, then a log-spaced grid from 1e-9 nu_max to nu_max (1 - 1e-9): 2000 points, 0.45 %
  // apart, so two roots closer than that could hide from it (none in Brunel's parameter
  // ranges). gap(0) = siegert(0) >= 0; it is exactly 0 when that rate underflows, and then 0
  // (the quiescent state) is a root.
  constexpr int kPoints = 2000;
  const double lo = 1e-9 * nu_max, hi = nu_max * (1.0 - 1e-9);
  const double step = std::log(hi / lo) / (kPoints - 1);
  std::vector<double> roots;
  double a = 0.0, fa = gap(a);
  for (int k = 0; k < kPoints; ++k) {
    const double b = k == kPoints - 1 ? hi : lo * std::exp(step * k);
    const double fb = gap(b);
    if (fa == 0.0) {
      roots.push_back(a);
    } else if ((fa < 0.0) != (fb < 0.0) && fb != 0.0) {
      std::uintmax_t iterations = 200;
      const auto [x0, x1] = boost::math::tools::toms748_solve(
          gap, a, b, fa, fb, boost::math::tools::eps_tolerance<double>(40), iterations);
      roots.push_back(0.5 * (x0 + x1));
    }
    a = b;
    fa = fb;
  }
  return roots;
}

double brunel_rate_hz(const BrunelParams& p) {
  const std::vector<double> roots = brunel_fixed_points_hz(p);
  if (roots.size() != 1)
    throw Error(
        fmt::format("brunel_rate_hz: {} self-consistent rates for g = {}, eta = {} "
                    "({} Hz); the network has no unique stationary rate",
                    roots.size(), p.g, p.eta, fmt::join(roots, ", ")));
  return roots.front();
}

}  // namespace spindle::models
