// First upward zero crossing of f(t) = c0 + sum_k c_k exp(-r_k t), r_k = 1 / tau_k > 0.
//
// Why nothing is missed (Rolle/Descartes reduction). Pick one term j and let
//   g(t) = exp(r_j t) f(t) = c0 exp(r_j t) + c_j + sum_{k != j} c_k exp((r_j - r_k) t).
// g has the same zeros and the same sign as f at every t. Its derivative is
//   g'(t) = exp(r_j t) h(t),   h(t) = c0 r_j + sum_{k != j} c_k (r_j - r_k) exp(-r_k t),
// and h is again a constant plus decaying exponentials, with one term fewer. Between two
// consecutive sign changes of h, g' keeps one sign, so g is monotone and f has at most one zero
// there, and that zero is a crossing exactly when the signs of f at the two ends differ (or f
// reaches 0 at the right end). So: find the sign changes of h recursively (a constant has none;
// c0 + c1 exp(-r t) has its one zero in closed form), cut [0, H] at them, and look at the signs
// of f at the cut points in order. The first piece whose right end has f >= 0 holds the first
// crossing; a bracketed Newton iteration finds it to 1e-13 ms. g is strictly monotone on each
// piece unless h vanishes identically, which needs every coefficient of h to be 0, i.e. f is a
// single exponential of one sign (no zero at all). Hence no zero can hide inside a piece: not as
// a crossing that comes back (two zeros), not as a tangency (g monotone).
//
// Horizon H (a finite end for the search; proof). Write P = sum of the positive c_k, N = sum of
// |c_k| over the negative ones, rP / rN the smallest rate among the positive / negative terms.
//  - c0 < 0: for t >= 0, f(t) <= c0 + sum_{c_k > 0} c_k exp(-r_k t) <= c0 + P exp(-rP t), because
//    every r_k >= rP among those terms. With H = ln(2P / -c0) / rP, for t >= H
//    f(t) <= c0 + P (-c0) / (2P) = c0 / 2 < 0: no crossing after H. (P = 0: f < 0 everywhere.)
//  - c0 > 0: symmetrically f(t) >= c0 - N exp(-rN t) >= c0 / 2 > 0 for t >= H = ln(2N / c0) / rN,
//    so if f(0) < 0 a crossing occurs in (0, H]. (N = 0: f > 0 everywhere.)
//  - c0 = 0: with s the slowest term (smallest rate), exp(r_s t) f(t) = c_s + sum_{k != s} c_k
//    exp(-(r_k - r_s) t) has the same sign as f at every t and a constant c_s != 0, so the two
//    cases above apply to it. The search itself runs on that rescaled sum.
// The factor 2 keeps |f(H)| >= |c0| / 2, far above rounding, so the end point's sign is reliable.
#include "spindle/models/exp_sum_roots.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle::models {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
/// Width at which a bracket counts as resolved [ms]: 1e-7 ticks, so that the tick found by
/// Time::ceil_ms is the exact first tick at or after the crossing except when the crossing lies
/// within 1e-13 ms below a tick boundary.
constexpr double abs_tol = 1e-13;
constexpr double rel_tol = 4.0 * std::numeric_limits<double>::epsilon();

/// x^m for 1 <= m <= max_exp_terms, by squaring.
double whole_power(double x, unsigned m) noexcept {
  double y = (m & 1u) ? x : 1.0;
  for (m >>= 1; m != 0; m >>= 1) {
    x *= x;
    if (m & 1u) y *= x;
  }
  return y;
}

/// c0 + sum_{k < n} c[k] exp(-r[k] t), terms with distinct rates and nonzero coefficients.
/// When every rate is a whole multiple m[k] of the smallest one (to a few ulp, as for
/// tau_m / tau_syn = 2 or 4 in CUBA), exp(-r[k] t) is the m[k]-th power of one exp: one call
/// per evaluation instead of n. The powers differ from the separate exps by a few ulp of each
/// term (|c_k| x e^-x <= |c_k| / e for the rate's rounding), inside the stated tolerance.
struct Sum {
  double c0 = 0.0;
  std::size_t n = 0;
  std::array<double, max_exp_terms> c{};
  std::array<double, max_exp_terms> r{};
  std::array<unsigned, max_exp_terms> m{};  ///< r[k] = m[k] base_rate, or all 0
  double base_rate = 0.0;

  /// Fills m and base_rate when the rates share a whole-multiple base (else m stays 0).
  void find_common_base() noexcept {
    m.fill(0);
    base_rate = 0.0;
    if (n < 2) return;
    const double r0 = *std::min_element(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(n));
    std::array<unsigned, max_exp_terms> mult{};
    for (std::size_t k = 0; k < n; ++k) {
      const double q = std::round(r[k] / r0);
      if (q < 1.0 || q > static_cast<double>(max_exp_terms) ||
          std::abs(r[k] - q * r0) > 4.0 * std::numeric_limits<double>::epsilon() * r[k])
        return;
      mult[k] = static_cast<unsigned>(q);
    }
    m = mult;
    base_rate = r0;
  }
  double term_exp(std::size_t k, double t, double base) const noexcept {
    return m[0] != 0 ? whole_power(base, m[k]) : std::exp(-r[k] * t);
  }
  double base_exp(double t) const noexcept { return m[0] != 0 ? std::exp(-base_rate * t) : 0.0; }

  double value(double t) const noexcept {
    if (t == 0.0) {  // every exp(-r 0) is 1: the same sum without the exp calls
      double f0 = c0;
      for (std::size_t k = 0; k < n; ++k)
        f0 += c[k];
      return f0;
    }
    const double base = base_exp(t);
    double f = c0;
    for (std::size_t k = 0; k < n; ++k)
      f += c[k] * term_exp(k, t, base);
    return f;
  }
  /// f(t) and f'(t).
  void value_slope(double t, double& f, double& df) const noexcept {
    const double base = base_exp(t);
    f = c0;
    df = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      const double e = c[k] * term_exp(k, t, base);
      f += e;
      df -= r[k] * e;
    }
  }
};

/// Merges equal time constants, drops zero coefficients, sorts by rate (slowest first).
Sum make_sum(double c0, std::span<const ExpTerm> terms) {
  if (!std::isfinite(c0)) throw InternalError(fmt::format("exp sum: constant term {}", c0));
  std::array<ExpTerm, max_exp_terms> merged{};
  std::size_t m = 0;
  for (const ExpTerm& t : terms) {
    if (!(t.tau > 0.0) || !std::isfinite(t.tau) || !std::isfinite(t.coeff))
      throw InternalError(fmt::format("exp sum: bad term {} * exp(-t / {})", t.coeff, t.tau));
    bool done = false;
    for (std::size_t i = 0; i < m && !done; ++i) {
      if (std::abs(merged[i].tau - t.tau) <= 1e-12 * std::max(merged[i].tau, t.tau)) {
        merged[i].coeff += t.coeff;
        done = true;
      }
    }
    if (done) continue;
    if (m == max_exp_terms)
      throw InternalError(
          fmt::format("exp sum: more than {} distinct time constants", max_exp_terms));
    merged[m++] = t;
  }
  // Slowest first; insertion sort (at most 8 terms; std::sort trips a g++ 12 false warning).
  for (std::size_t i = 1; i < m; ++i)
    for (std::size_t j = i; j > 0 && merged[j - 1].tau < merged[j].tau; --j)
      std::swap(merged[j - 1], merged[j]);
  Sum s;
  s.c0 = c0;
  for (std::size_t i = 0; i < m; ++i) {
    if (merged[i].coeff == 0.0) continue;
    s.c[s.n] = merged[i].coeff;
    s.r[s.n] = 1.0 / merged[i].tau;
    ++s.n;
  }
  s.find_common_base();
  return s;
}

/// exp(r_s t) f(t) with s the slowest term: same sign and zeros as f, constant c_s != 0.
/// Only for c0 == 0 and n >= 1 (terms are sorted slowest first).
Sum rescale_by_slowest(const Sum& f) {
  Sum g;
  g.c0 = f.c[0];
  for (std::size_t k = 1; k < f.n; ++k) {
    g.c[g.n] = f.c[k];
    g.r[g.n] = f.r[k] - f.r[0];
    ++g.n;
  }
  g.find_common_base();
  return g;
}

/// h with g' = exp(r_j t) h for g = exp(r_j t) f, j = 0 (see the file comment), without its
/// common base (find_common_base).
Sum reduce_terms(const Sum& f) {
  Sum h;
  const double rj = f.r[0];
  h.c0 = f.c0 * rj;
  for (std::size_t k = 1; k < f.n; ++k) {
    const double c = f.c[k] * (rj - f.r[k]);
    if (c == 0.0) continue;
    h.c[h.n] = c;
    h.r[h.n] = f.r[k];
    ++h.n;
  }
  return h;
}

/// h with g' = exp(r_j t) h for g = exp(r_j t) f, j = 0 (see the file comment).
Sum reduce(const Sum& f) {
  Sum h = reduce_terms(f);
  h.find_common_base();
  return h;
}

/// Horizon of a sum with c0 != 0 (file comment). 0 if f keeps the sign of c0 for all t >= 0.
double horizon_of(const Sum& f) {
  double mass = 0.0, rate = inf;
  for (std::size_t k = 0; k < f.n; ++k) {
    if ((f.c[k] > 0.0) == (f.c0 < 0.0)) {  // terms of the sign opposite to c0
      mass += std::abs(f.c[k]);
      rate = std::min(rate, f.r[k]);
    }
  }
  if (mass == 0.0) return 0.0;
  return std::max(0.0, std::log(2.0 * mass / std::abs(f.c0)) / rate);
}

/// Resolves the one sign change of f in (lo, hi]: `above(t)` is f(t) >= 0 and differs at the two
/// ends. Returns a t within tolerance of the change, on the side of hi (so above(t) ==
/// above(hi)). Bracketed Newton (as rtsafe in Numerical Recipes): a Newton step is replaced by
/// bisection when it leaves the bracket or is not at most half the step before it, so Newton
/// keeps its quadratic convergence when it has it, and the bracket halves when it has not. A
/// step shorter than half the tolerance is lengthened to half the tolerance, so that the next
/// point lands past the root and the bracket closes from both sides.
double resolve(const Sum& f, double lo, double hi, double flo, double fhi) {
  const bool hi_above = fhi >= 0.0;
  // Regula falsi start: a good first guess on smooth monotone pieces.
  double x = lo + (hi - lo) * (flo / (flo - fhi));
  if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
  double step_before = hi - lo;
  for (int iter = 0; iter < 200; ++iter) {
    const double tol = abs_tol + rel_tol * std::abs(hi);
    if (hi - lo <= tol) break;
    double fx = 0.0, dfx = 0.0;
    f.value_slope(x, fx, dfx);
    if ((fx >= 0.0) == hi_above)
      hi = x;
    else
      lo = x;
    if (hi - lo <= tol) break;
    // The step is tested before it is added: near the root it is below one ulp of x.
    const bool newton = dfx != 0.0 && std::abs(2.0 * fx) <= std::abs(step_before * dfx);
    const double step = newton ? fx / dfx : 0.0;
    double next = std::abs(step) < 0.5 * tol ? x - std::copysign(0.5 * tol, step) : x - step;
    if (!newton || !(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next == lo || next == hi) break;  // no double between the ends
    step_before = std::abs(next - x);
    x = next;
  }
  return hi;
}

/// A short ascending list of times.
struct Points {
  std::array<double, max_exp_terms> t{};
  std::size_t n = 0;
  void push(double v) noexcept {
    if (n < t.size()) t[n++] = v;
  }
};

/// Appends the points of (a, b) where f changes sign, ascending (at most f.n of them).
void sign_changes(const Sum& f, double a, double b, Points& out) {
  if (f.n == 0) return;
  if (f.n == 1) {
    // c0 + c1 exp(-r t) = 0  <=>  t = ln(-c1 / c0) / r; monotone, so one change at most.
    if (f.c0 == 0.0 || (f.c[0] > 0.0) == (f.c0 > 0.0)) return;
    const double t = std::log(-f.c[0] / f.c0) / f.r[0];
    if (t > a && t < b) out.push(t);
    return;
  }
  if (f.n == 2 && f.m[0] == 1 && f.m[1] == 2) {
    // c0 + c1 y + c2 y^2 with y = exp(-r t): the quadratic's simple roots in closed form (a
    // double root is no sign change). The stable form avoids cancellation between the roots.
    const double disc = f.c[0] * f.c[0] - 4.0 * f.c[1] * f.c0;
    if (!(disc > 0.0)) return;
    const double q = -0.5 * (f.c[0] + std::copysign(std::sqrt(disc), f.c[0]));
    std::array<double, 2> t{inf, inf};
    const std::array<double, 2> y{q / f.c[1], f.c0 / q};
    for (std::size_t i = 0; i < 2; ++i)
      if (y[i] > 0.0) t[i] = -std::log(y[i]) / f.base_rate;
    if (t[1] < t[0]) std::swap(t[0], t[1]);
    for (double ti : t)
      if (ti > a && ti < b) out.push(ti);
    return;
  }
  Points crit;
  sign_changes(reduce(f), a, b, crit);
  double p = a, fp = f.value(a);
  for (std::size_t i = 0; i <= crit.n; ++i) {
    const double q = i < crit.n ? crit.t[i] : b;
    const double fq = f.value(q);
    if ((fp >= 0.0) != (fq >= 0.0)) {
      const double t = resolve(f, p, q, fp, fq);
      if (t > a && t < b) out.push(t);
    }
    p = q;
    fp = fq;
  }
}

}  // namespace

double exp_sum_value(double c0, std::span<const ExpTerm> terms, double t) noexcept {
  double f = c0;
  for (const ExpTerm& k : terms)
    f += k.coeff * std::exp(-t / k.tau);
  return f;
}

double exp_sum_horizon(double c0, std::span<const ExpTerm> terms) {
  Sum f = make_sum(c0, terms);
  if (f.c0 == 0.0) {
    if (f.n == 0) return 0.0;
    f = rescale_by_slowest(f);
  }
  return horizon_of(f);
}

namespace {

/// The first crossing of a prepared sum. `reduced`: the common base of reduce(f)'s rates when
/// they are known (f as prepared, no term dropped), else null.
double first_crossing_of(Sum f, double t_max, const Sum* reduced_base) {
  if (f.value(0.0) >= 0.0) return 0.0;
  if (f.c0 == 0.0) {
    if (f.n <= 1) return inf;  // c exp(-t/tau) with c < 0: never reaches 0
    f = rescale_by_slowest(f);
    reduced_base = nullptr;
  }
  const double end = std::min(horizon_of(f), t_max);
  if (!(end > 0.0)) return inf;
  // Cut points: sign changes of h, i.e. the turning points of g = exp(r_0 t) f.
  Sum h = reduce_terms(f);
  if (reduced_base && h.n + 1 == f.n) {
    h.m = reduced_base->m;
    h.base_rate = reduced_base->base_rate;
  } else {
    h.find_common_base();
  }
  Points crit;
  sign_changes(h, 0.0, end, crit);
  double p = 0.0, fp = f.value(0.0);
  for (std::size_t i = 0; i <= crit.n; ++i) {
    const double q = i < crit.n ? crit.t[i] : end;
    const double fq = f.value(q);
    if (fq >= 0.0) return resolve(f, p, q, fp, fq);
    p = q;
    fp = fq;
  }
  return inf;
}

}  // namespace

double first_crossing(double c0, std::span<const ExpTerm> terms, double t_max) {
  return first_crossing_of(make_sum(c0, terms), t_max, nullptr);
}

ExpSumShape::ExpSumShape(std::span<const double> taus) {
  if (taus.size() > max_exp_terms)
    throw InternalError(fmt::format("exp sum: more than {} time constants", max_exp_terms));
  n_ = taus.size();
  std::array<ExpTerm, max_exp_terms> unit{};
  for (std::size_t i = 0; i < n_; ++i) {
    tau_[i] = taus[i];
    unit[i] = {1.0, taus[i]};
  }
  // The sum make_sum() builds when every coefficient is 1 (it checks the time constants).
  const Sum proto = make_sum(-1.0, std::span<const ExpTerm>(unit.data(), n_));
  distinct_ = proto.n == n_;
  if (!distinct_) return;
  for (std::size_t i = 0; i < n_; ++i)
    for (std::size_t k = 0; k < n_; ++k)
      if (proto.r[k] == 1.0 / taus[i]) slot_[i] = k;
  rate_ = proto.r;
  mult_ = proto.m;
  base_rate_ = proto.base_rate;
  const Sum h = reduce(proto);
  reduced_mult_ = h.m;
  reduced_base_rate_ = h.base_rate;
}

double first_crossing(double c0, std::span<const double> coeffs, const ExpSumShape& shape,
                      double t_max) {
  SPINDLE_ASSERT(coeffs.size() == shape.n_);
  const auto plain = [&] {
    std::array<ExpTerm, max_exp_terms> terms{};
    for (std::size_t i = 0; i < shape.n_; ++i)
      terms[i] = {coeffs[i], shape.tau_[i]};
    return first_crossing(c0, std::span<const ExpTerm>(terms.data(), shape.n_), t_max);
  };
  if (!shape.distinct_ || !std::isfinite(c0)) return plain();
  Sum f;
  f.c0 = c0;
  f.n = shape.n_;
  for (std::size_t i = 0; i < shape.n_; ++i) {
    // A zero term is dropped by make_sum (another shape), a non-finite one refused: plain path.
    if (coeffs[i] == 0.0 || !std::isfinite(coeffs[i])) return plain();
    f.c[shape.slot_[i]] = coeffs[i];
  }
  f.r = shape.rate_;
  f.m = shape.mult_;
  f.base_rate = shape.base_rate_;
  Sum reduced_base;
  reduced_base.m = shape.reduced_mult_;
  reduced_base.base_rate = shape.reduced_base_rate_;
  return first_crossing_of(f, t_max, &reduced_base);
}

}  // namespace spindle::models
