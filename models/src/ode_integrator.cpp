// The non-template parts of the shared integrator (see ode_integrator.hpp): the tolerance schema,
// the step-size factor and the crossing search on the degree-4 dense-output polynomial.
//
// Crossing search. The dense output of one component on a step is
//   P(theta) = r0 + theta (r1 + (1 - theta) (r2 + theta (r3 + (1 - theta) r4))),
// in monomials a0 = r0, a1 = r1 + r2, a2 = -r2 + r3 + r4, a3 = -r3 - 2 r4, a4 = r4, and in the
// Bernstein basis of degree 4 on [0, 1], b_i = sum_{j <= i} C(i, j) / C(4, j) a_j. P lies in
// the convex hull of its Bernstein coefficients (they are the control points of a Bezier curve),
// so max_i b_i < 0 proves P < 0 on the whole interval. de Casteljau's algorithm splits the
// coefficients at the midpoint into those of the two halves exactly (up to rounding, ~1 ulp of
// max |b_i| per level). The search keeps a stack of pieces, always takes the leftmost one,
// drops it if its hull is below 0, returns it if it is narrow enough, and splits it otherwise:
// every point of [0, 1] left of the returned piece was proved below 0. The hull of a piece of
// width w lies within |P''| w^2 / 8 of P, so the pieces near a graze shrink fast and only
// a graze closer to 0 than that (for w = 1e-3 tick, far below any rounding of V) returns a piece
// without an actual crossing in it.
#include "spindle/models/ode_integrator.hpp"

#include <algorithm>
#include <cmath>

namespace spindle::models::ode {

ParamInfo rtol_param(double default_value) {
  return param_range("rtol", Unit::none, default_value, 1e-13, 1e-3,
                     "relative local error tolerance of each integrator step (Dormand-Prince "
                     "5(4), see docs/neuron-models.md)");
}

ParamInfo atol_param(double default_value, const std::string& units) {
  return param_range("atol", Unit::none, default_value, 1e-13, 1e-2,
                     "absolute local error tolerance of each integrator step, in the unit of "
                     "each state variable (" +
                         units + ")");
}

std::array<double, 5> bernstein_minus(const std::array<double, 5>& r, double level) noexcept {
  const double a0 = r[0] - level;
  const double a1 = r[1] + r[2];
  const double a2 = -r[2] + r[3] + r[4];
  const double a3 = -r[3] - 2.0 * r[4];
  const double a4 = r[4];
  return {a0, a0 + a1 / 4.0, a0 + a1 / 2.0 + a2 / 6.0, a0 + 0.75 * a1 + a2 / 2.0 + a3 / 4.0,
          a0 + a1 + a2 + a3 + a4};
}

bool first_rise(const std::array<double, 5>& c, double theta_tol, double& a, double& b) noexcept {
  struct Piece {
    double lo, hi;
    std::array<double, 5> c;
  };
  // Depth-first, left first; a split pushes the right half, then continues with the left one,
  // so the stack holds at most one piece per level (<= 64 levels: 2^-64 is below any theta_tol).
  constexpr int max_depth = 64;
  Piece stack[max_depth + 1];
  int top = 0;
  stack[top++] = {0.0, 1.0, c};
  while (top > 0) {
    Piece p = stack[--top];
    for (;;) {
      if (*std::max_element(p.c.begin(), p.c.end()) < 0.0) break;  // below 0 on [lo, hi]
      if (p.hi - p.lo <= theta_tol || top >= max_depth) {
        a = p.lo;
        b = p.hi;
        return true;
      }
      // de Casteljau at the midpoint: left coefficients l, right coefficients r.
      std::array<double, 5> w = p.c, l, r;
      for (int j = 0; j < 5; ++j) {
        l[j] = w[0];
        r[4 - j] = w[4 - j];
        for (int i = 0; i < 4 - j; ++i)
          w[i] = 0.5 * (w[i] + w[i + 1]);
      }
      const double mid = 0.5 * (p.lo + p.hi);
      stack[top++] = {mid, p.hi, r};
      p = {p.lo, mid, l};
    }
  }
  return false;
}

double step_factor(double err, bool after_reject) noexcept {
  constexpr double safety = 0.9, fac_min = 0.2, fac_max = 5.0;
  if (!(err > 0.0)) return after_reject ? 1.0 : fac_max;
  const double f = std::clamp(safety * std::pow(err, -0.2), fac_min, fac_max);
  return after_reject ? std::min(f, 1.0) : f;
}

// ---------------------------------------------------------------------------------------------
// Conductance-based membranes (see the header): Taylor steps and the supremum of the drive.

namespace {

/// 1 / (k + 1) for the Taylor recursion: a multiplication per term instead of three divisions
/// (the divisions were a fifth of the step's cost).
constexpr std::array<double, taylor_max_terms> kInverseNext = [] {
  std::array<double, taylor_max_terms> r{};
  for (int k = 0; k < taylor_max_terms; ++k)
    r[static_cast<std::size_t>(k)] = 1.0 / (k + 1);
  return r;
}();

/// One Taylor step of length h from V with conductances g (see the header): true and the
/// increment V(h) - V in `dv` when the series met the tolerance within taylor_max_terms.
bool taylor_step(const ConductanceMembrane& m, double V, const std::array<double, 2>& g,
                 const std::array<double, 2>& inv_tau, double bias, double h, double rate,
                 double eps, double& dv) noexcept {
  constexpr int K = taylor_max_terms;
  const double inv_C = 1.0 / m.C_m;
  const double qe = g[0] * inv_C, qi = g[1] * inv_C;
  const double qe_E = qe * m.E_syn[0], qi_E = qi * m.E_syn[1];
  const double me = -h * inv_tau[0], mi = -h * inv_tau[1];
  // Scaled coefficients (of theta = local time / h): G_k h^k / C, J_k h^k / C, w_k = v_k h^k.
  std::array<double, K + 1> gk, w;
  double pe = 1.0, pi = 1.0;  // (-h / tau_r)^k / k!
  w[0] = V;
  dv = 0.0;
  for (int k = 0; k < K; ++k) {
    gk[k] = qe * pe + qi * pi;
    double acc = qe_E * pe + qi_E * pi;
    if (k == 0) {
      gk[0] += m.g_L * inv_C;
      acc += (m.g_L * m.E_L + bias) * inv_C;
    }
    for (int j = 0; j <= k; ++j)
      acc -= gk[j] * w[k - j];
    const double inv_next = kInverseNext[static_cast<std::size_t>(k)];
    w[k + 1] = acc * h * inv_next;
    dv += w[k + 1];
    // Past the hump (k + 1 > rate h) the terms fall faster than geometrically, so the last two
    // bound what is left.
    if (k >= 1 && k + 1 > rate * h && std::abs(w[k + 1]) + std::abs(w[k]) <= eps) return true;
    pe *= me * inv_next;
    pi *= mi * inv_next;
  }
  return false;
}

}  // namespace

double propagate_conductance_v(const ConductanceMembrane& m, double V0,
                               const std::array<double, 2>& g0,
                               const std::array<double, 2>& inv_tau, double bias, double span,
                               const Tolerance& tol, std::uint64_t& steps,
                               std::uint64_t& rejected) noexcept {
  double V = V0, s = 0.0;
  std::array<double, 2> g = g0;
  while (s < span) {
    const double rate = std::max({(m.g_L + g[0] + g[1]) / m.C_m, inv_tau[0], inv_tau[1]});
    double h = std::min(span - s, taylor_reach / rate);
    const double eps = tol.atol + tol.rtol * std::abs(V);
    double dv = 0.0;
    while (!taylor_step(m, V, g, inv_tau, bias, h, rate, eps, dv) && h > h_min_ms) {
      ++rejected;
      h *= 0.5;
    }
    V += dv;
    ++steps;
    s += h;
    if (s < span)
      for (std::size_t r = 0; r < 2; ++r)
        if (g[r] != 0.0) g[r] *= std::exp(-h * inv_tau[r]);
  }
  return V;
}

double sup_drive(const ConductanceMembrane& m, double level, const std::array<double, 2>& g0,
                 const std::array<double, 2>& inv_tau, double bias) noexcept {
  // D(s) = a + c_0 e^{-r_0 s} + c_1 e^{-r_1 s}. Its sup over s >= 0 is the larger of D(0), the
  // limit a and, where D' = 0 has a root s* > 0 that is a maximum, D(s*). D' = 0 needs c_0, c_1
  // of opposite signs: e^{(r_1 - r_0) s*} = -r_1 c_1 / (r_0 c_0); there D'' = r_1 c_1
  // e^{-r_1 s*} (r_1 - r_0), a maximum iff c_1 (r_1 - r_0) < 0.
  const double a = m.g_L * (m.E_L - level) + bias;
  const double c0 = g0[0] * (m.E_syn[0] - level), c1 = g0[1] * (m.E_syn[1] - level);
  double sup = std::max(a, a + c0 + c1);
  const double r0 = inv_tau[0], r1 = inv_tau[1];
  if (c0 * c1 < 0.0 && r0 != r1 && c1 * (r1 - r0) < 0.0) {
    const double s_star = std::log(-r1 * c1 / (r0 * c0)) / (r1 - r0);
    if (s_star > 0.0)
      sup = std::max(sup, a + c0 * std::exp(-r0 * s_star) + c1 * std::exp(-r1 * s_star));
  }
  return sup;
}

}  // namespace spindle::models::ode
