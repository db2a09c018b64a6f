// spindle/models/ode_integrator.hpp: the shared error-controlled integrator of the models that
// have no closed-form solution between events (adex, izhikevich, lif_cond), and the one piece of
// event logic that drives it through the CellGroup contract (OdeCellGroup). The models supply only
// their equations (a "dynamics" struct, see the end of this header); they share this text.
//
// Integrator: Dormand & Prince 5(4) (Hairer, Norsett & Wanner, Solving ODEs I, sec. II.5; the
// DOPRI5 code), first-same-as-last, with local extrapolation (the 5th-order solution is
// propagated) and the 4th-order continuous extension ("dense output") of Hairer's DOPRI5 on every
// accepted step. Error control per step, in the max norm over components i:
//   |err_i| <= atol + rtol * max(|y_i(start)|, |y_i(end)|) + slack_i,
// where slack_i = time_slack_ms * max(|y_i'(start)|, |y_i'(end)|) for the watched component
// while it is at or above Settings::slack_from (0 elsewhere). A voltage error e during a spike
// upswing moves the crossing by e / V'; the slack accepts the error worth time_slack_ms = 0.01
// tick there (AdEx upswing, V' up to 1e10 mV/ms): the Naud et al. tonic cell then takes 1271
// instead of 2976 steps for its first 17 spikes, with the same spike times to 1e-3 ms.
// Models without a singular upswing set slack_from = +inf. Step-size control: h_new = h *
// clamp(0.9 err^(-1/5), 0.2, 5) (no growth right after a rejection), h <= Settings::h_max.
// Non-finite stages count as rejected steps (h * 0.1).
//
// Threshold crossings (the spike condition, an upward crossing of y[event_var] through `level`)
// cannot be stepped over: on every accepted step the watched component's dense-output polynomial
// P(theta), theta in [0, 1], is written in the Bernstein basis of degree 4. P lies inside the
// convex hull of its Bernstein coefficients, so a step whose largest coefficient is below `level`
// provably has no crossing of the interpolant anywhere in it, grazes between the end points
// included. Otherwise the step is split in halves (de Casteljau), left half first, discarding
// halves whose hull stays below `level`, down to a piece of width <= 1e-3 tick: the first
// crossing of the interpolant lies in that piece. The crossing tick (the first tick at or after
// the crossing, the spike time of every Spindle model) is then resolved by bisection on P at the
// tick boundaries inside the piece. What is found is the crossing of the numerical solution; how
// far that is from the exact one is the integration error, set by rtol and atol.
//
// Cost: 6 right-hand-side evaluations per accepted step (7 for the first step after an event,
// which loses first-same-as-last), a few dozen flops for the crossing hull test, and the
// subdivision only on steps whose hull reaches the threshold.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "spindle/cell_model.hpp"
#include "spindle/error.hpp"
#include "spindle/parameters.hpp"
#include "spindle/time.hpp"

namespace spindle::models::ode {

template <std::size_t N>
using Vec = std::array<double, N>;

/// Local error tolerance of each step (schema parameters `rtol` and `atol` of every integrated
/// model; atol is in the unit of each state variable: mV for voltages, pA for currents).
struct Tolerance {
  double rtol = 1e-8;
  double atol = 1e-8;
};

/// Schema entries `rtol` and `atol` with the given defaults (shared by the integrated models).
ParamInfo rtol_param(double default_value);
ParamInfo atol_param(double default_value, const std::string& units);

/// One tick [ms]; local times in the integrator are ms from a tick-aligned origin.
inline constexpr double tick_ms = Time::ms_per_tick;
/// Error allowed on the watched component above slack_from, as a time shift [ms] (0.01 tick).
inline constexpr double time_slack_ms = 1e-8;
/// Smallest step [ms]; below it the integration stops (see integrate()).
inline constexpr double h_min_ms = 1e-12;
/// Longest step [ms], unless Settings say otherwise.
inline constexpr double default_h_max_ms = 20.0;
/// First step after a reset or the start [ms] (the controller adapts it at once).
inline constexpr double h_start_ms = 1e-2;

struct Settings {
  Tolerance tol;
  std::size_t event_var = 0;  ///< component whose upward crossing of `level` is the event
  double level = std::numeric_limits<double>::infinity();       ///< +inf: no event search
  double slack_from = std::numeric_limits<double>::infinity();  ///< see the file comment
  double h_max = default_h_max_ms;
};

/// One accepted step over local times [s0, s0 + h] with its continuous extension
/// y(s0 + theta h) = r0 + theta (r1 + (1 - theta) (r2 + theta (r3 + (1 - theta) r4))).
template <std::size_t N>
struct Step {
  double s0 = 0.0, h = 0.0;
  std::array<Vec<N>, 5> r{};

  double value(std::size_t i, double theta) const noexcept {
    const double u = 1.0 - theta;
    return r[0][i] + theta * (r[1][i] + u * (r[2][i] + theta * (r[3][i] + u * r[4][i])));
  }
  Vec<N> at_theta(double theta) const noexcept {
    Vec<N> y;
    for (std::size_t i = 0; i < N; ++i)
      y[i] = value(i, theta);
    return y;
  }
  /// The interpolated state at local time s in [s0, s0 + h].
  Vec<N> at(double s) const noexcept {
    if (s >= s0 + h) return at_theta(1.0);
    return at_theta(std::clamp((s - s0) / h, 0.0, 1.0));
  }
  bool covers(double s) const noexcept { return h > 0.0 && s >= s0 && s <= s0 + h; }
};

/// The Bernstein coefficients (degree 4, on theta in [0, 1]) of the interpolant polynomial
/// of one component, r as in Step, minus `level`.
std::array<double, 5> bernstein_minus(const std::array<double, 5>& r, double level) noexcept;

/// First piece [a, b] of [0, 1], b - a <= theta_tol, on which the polynomial with Bernstein
/// coefficients `c` (degree 4) may reach 0, searching from the left; false if it stays below 0
/// on all of [0, 1] (decided from the convex-hull property, so never wrongly). Requires c[0] < 0.
bool first_rise(const std::array<double, 5>& c, double theta_tol, double& a, double& b) noexcept;

/// Factor for the next step size from the error norm of the last step (<= 1: accepted).
double step_factor(double err, bool after_reject) noexcept;

/// What integrate() did: the state at the end (or at the first crossing), and the work.
template <std::size_t N>
struct Run {
  double s = 0.0;  ///< local time reached [ms]: s_end, or the crossing (bracket end)
  Vec<N> y{};      ///< state at s; at a crossing y[event_var] == level
  bool crossed = false;
  std::int64_t crossing_tick = 0;  ///< first tick (from the origin) at or after the crossing
  Step<N> last{};                  ///< the last accepted step (h == 0 if none)
  double h_next = 0.0;             ///< step-size suggestion for what follows [ms]
  std::uint64_t steps = 0, rejected = 0;
};

/// The stages of one Dormand-Prince step: k1 = f(s, y) (set by the caller), ..., k7 =
/// f(s + h, y1), the 5th-order result y1 and the error estimate e (5th minus 4th order).
template <std::size_t N>
struct DopriStages {
  Vec<N> k1{}, k2{}, k3{}, k4{}, k5{}, k6{}, k7{}, y1{}, e{};
};

/// One Dormand-Prince 5(4) step of size h from (s, y) (Hairer, Norsett & Wanner; DOPRI5).
template <std::size_t N, class F>
void dopri_step(const F& f, double s, const Vec<N>& y, double h, DopriStages<N>& k) {
  constexpr double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
  constexpr double a21 = 1.0 / 5;
  constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
  constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
  constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                   a54 = -212.0 / 729;
  constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                   a65 = -5103.0 / 18656;
  constexpr double a71 = 35.0 / 384, a73 = 500.0 / 1113, a74 = 125.0 / 192, a75 = -2187.0 / 6784,
                   a76 = 11.0 / 84;
  constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                   e6 = 22.0 / 525, e7 = -1.0 / 40;
  Vec<N> yt;
  for (std::size_t i = 0; i < N; ++i)
    yt[i] = y[i] + h * a21 * k.k1[i];
  f(s + c2 * h, yt, k.k2);
  for (std::size_t i = 0; i < N; ++i)
    yt[i] = y[i] + h * (a31 * k.k1[i] + a32 * k.k2[i]);
  f(s + c3 * h, yt, k.k3);
  for (std::size_t i = 0; i < N; ++i)
    yt[i] = y[i] + h * (a41 * k.k1[i] + a42 * k.k2[i] + a43 * k.k3[i]);
  f(s + c4 * h, yt, k.k4);
  for (std::size_t i = 0; i < N; ++i)
    yt[i] = y[i] + h * (a51 * k.k1[i] + a52 * k.k2[i] + a53 * k.k3[i] + a54 * k.k4[i]);
  f(s + c5 * h, yt, k.k5);
  for (std::size_t i = 0; i < N; ++i)
    yt[i] =
        y[i] + h * (a61 * k.k1[i] + a62 * k.k2[i] + a63 * k.k3[i] + a64 * k.k4[i] + a65 * k.k5[i]);
  f(s + h, yt, k.k6);
  for (std::size_t i = 0; i < N; ++i)
    k.y1[i] =
        y[i] + h * (a71 * k.k1[i] + a73 * k.k3[i] + a74 * k.k4[i] + a75 * k.k5[i] + a76 * k.k6[i]);
  f(s + h, k.y1, k.k7);
  for (std::size_t i = 0; i < N; ++i)
    k.e[i] = h * (e1 * k.k1[i] + e3 * k.k3[i] + e4 * k.k4[i] + e5 * k.k5[i] + e6 * k.k6[i] +
                  e7 * k.k7[i]);
}

/// The continuous extension of an accepted step (Hairer's DOPRI5 dense output, order 4).
template <std::size_t N>
void dense_output(double s, const Vec<N>& y, double h, const DopriStages<N>& k, Step<N>& st) {
  constexpr double d1 = -12715105075.0 / 11282082432, d3 = 87487479700.0 / 32700410799,
                   d4 = -10690763975.0 / 1880347072, d5 = 701980252875.0 / 199316789632,
                   d6 = -1453857185.0 / 822651844, d7 = 69997945.0 / 29380423;
  st.s0 = s;
  st.h = h;
  for (std::size_t i = 0; i < N; ++i) {
    const double dy = k.y1[i] - y[i];
    const double bspl = h * k.k1[i] - dy;
    st.r[0][i] = y[i];
    st.r[1][i] = dy;
    st.r[2][i] = bspl;
    st.r[3][i] = dy - h * k.k7[i] - bspl;
    st.r[4][i] = h * (d1 * k.k1[i] + d3 * k.k3[i] + d4 * k.k4[i] + d5 * k.k5[i] + d6 * k.k6[i] +
                      d7 * k.k7[i]);
  }
}

/// Error norm of a step (the file comment): <= 1 accepts it; inf if anything is not finite.
template <std::size_t N>
double error_norm(const Vec<N>& y, const DopriStages<N>& k, const Settings& set) {
  double err = 0.0;
  for (std::size_t i = 0; i < N; ++i) {
    double sc = set.tol.atol + set.tol.rtol * std::max(std::abs(y[i]), std::abs(k.y1[i]));
    if (i == set.event_var && std::max(y[i], k.y1[i]) >= set.slack_from)
      sc += time_slack_ms * std::max(std::abs(k.k1[i]), std::abs(k.k7[i]));
    const double q = std::abs(k.e[i]) / sc;
    if (!(q <= err)) err = q;  // NaN propagates
    if (!std::isfinite(k.y1[i]) || !std::isfinite(k.k7[i]) || std::isnan(q))
      return std::numeric_limits<double>::infinity();
  }
  return err;
}

/// Integrates y' = f(s, y) from (0, y0) to s_end >= 0 [ms], first trial step h [ms]. With a finite
/// `set.level` it stops at the first upward crossing of y[event_var] through level (see the file
/// comment); y0[event_var] must then be below level. The state returned at a crossing is that of
/// one more step from the start of the crossing step to the crossing (the dense output is used
/// only to find the crossing, never as a state: its error is not controlled). `f` is called as
/// f(s, y, dy).
/// If the step size falls below h_min_ms while the watched component rises so fast that linear
/// extrapolation reaches `level` within 1e-3 tick, that is taken as the crossing (the end of a
/// spike upswing that double precision cannot resolve further); any other step-size underflow
/// is an InternalError (a state that is not finite, or equations with no solution).
template <std::size_t N, class F>
Run<N> integrate(const F& f, const Vec<N>& y0, double s_end, double h, const Settings& set) {
  Run<N> out;
  out.y = y0;
  out.h_next = h;
  if (!(s_end > 0.0)) return out;
  const std::size_t k = set.event_var;
  const bool watch = std::isfinite(set.level);
  Vec<N> y = y0;
  DopriStages<N> st;
  f(0.0, y, st.k1);
  double s = 0.0;
  h = std::clamp(std::isfinite(h) ? h : h_start_ms, h_min_ms, set.h_max);
  bool after_reject = false;
  for (;;) {
    bool last = false;
    if (s + 1.01 * h >= s_end) {
      h = s_end - s;
      last = true;
    }
    dopri_step<N>(f, s, y, h, st);
    const double err = error_norm<N>(y, st, set);
    if (!(err <= 1.0)) {  // rejected
      ++out.rejected;
      h *= std::isfinite(err) ? step_factor(err, true) : 0.1;
      after_reject = true;
      if (h < h_min_ms) {
        if (watch && st.k1[k] > 0.0 && (set.level - y[k]) <= 1e-3 * tick_ms * st.k1[k]) {
          const double x = s + std::max(set.level - y[k], 0.0) / st.k1[k];
          out.s = x;
          out.y = y;
          out.y[k] = set.level;
          out.crossed = true;
          out.crossing_tick = static_cast<std::int64_t>(std::ceil(x / tick_ms));
          out.h_next = h_start_ms;
          return out;
        }
        throw InternalError(
            "ode::integrate: step size underflow (the state is not finite or the equations "
            "have no solution here)");
      }
      continue;
    }
    ++out.steps;
    dense_output<N>(s, y, h, st, out.last);
    if (watch) {
      const Step<N>& d = out.last;
      const std::array<double, 5> rk{d.r[0][k], d.r[1][k], d.r[2][k], d.r[3][k], d.r[4][k]};
      const std::array<double, 5> c = bernstein_minus(rk, set.level);
      double a = 0.0, b = 1.0;
      if (*std::max_element(c.begin(), c.end()) >= 0.0 && first_rise(c, 1e-3 * tick_ms / h, a, b)) {
        // Crossing of the interpolant in (s + a h, s + b h]: the first tick at or after it.
        std::int64_t lo = static_cast<std::int64_t>(std::floor((s + a * h) / tick_ms)) + 1;
        std::int64_t hi = static_cast<std::int64_t>(std::ceil((s + b * h) / tick_ms));
        hi = std::max(hi, lo);
        while (lo < hi) {  // the first tick in [lo, hi] with P >= level (hi qualifies)
          const std::int64_t mid = lo + (hi - lo) / 2;
          const double th = (static_cast<double>(mid) * tick_ms - s) / h;
          if (d.value(k, std::clamp(th, a, b)) >= set.level)
            hi = mid;
          else
            lo = mid + 1;
        }
        out.s = s + b * h;
        out.crossed = true;
        out.crossing_tick = hi;
        out.h_next = h;
        // The state at the crossing: a step of b h from the start of this one (smaller than an
        // accepted step, so at least as accurate).
        if (b < 1.0) {
          DopriStages<N> sx;
          sx.k1 = st.k1;
          dopri_step<N>(f, s, y, b * h, sx);
          out.y = sx.y1;
          ++out.steps;
        } else {
          out.y = st.y1;
        }
        out.y[k] = set.level;
        return out;
      }
    }
    const double grow = step_factor(err, after_reject);
    after_reject = false;
    y = st.y1;
    st.k1 = st.k7;
    if (last) {
      out.s = s_end;
      out.y = y;
      out.h_next = std::clamp(h * grow, h_min_ms, set.h_max);
      return out;
    }
    s += h;
    h = std::min(h * grow, set.h_max);
  }
}

// ---------------------------------------------------------------------------------------------
// Conductance-based membranes: semi-analytic propagation and a proven no-crossing test.
//
// A model whose ODE state is V alone, with the two synaptic variables as conductances,
//   C dV/dt = J(s) - G(s) V,  G = g_L + g_0(s) + g_1(s),
//   J = g_L E_L + bias + g_0(s) E_0 + g_1(s) E_1,  g_r(s) = g_r e^{-s / tau_r},
// is linear in V with coefficients known in closed form. Its solution is entire in s, so a
// Taylor series in s converges on any step: the coefficients of G and J are those of the
// exponentials, and V's follow from the recursion (k + 1) C v_{k+1} = J_k - sum_j G_j v_{k-j}
// (O(K^2) flops for K terms, no exp). A step h is chosen so that the series' hump is small
// (h <= taylor_reach / rate, rate = max(G(0) / C, 1 / tau_r)); terms are added until the last two
// together are below atol + rtol |V| (the local error control), else the step is halved.
//
// No crossing: at V = level the slope is D(s) / C with D(s) = J(s) - G(s) level. While D <= 0,
// V - level = Phi(s) (V0 - level) + int Phi(s) / Phi(u) D(u) / C du stays < 0 (Phi > 0): a cell
// below `level` whose D stays <= 0 on [0, inf) cannot reach it without input (the exact solution,
// not a numerical one). D = A + c_0 e^{-s / tau_0} + c_1 e^{-s / tau_1} has at most one
// stationary point, so its supremum over s >= 0 is closed-form (sup_drive).

/// The membrane of a conductance-based model (see above): capacitance [pF], leak [nS] and
/// reversal potentials [mV] of the leak and of the two synaptic conductances.
struct ConductanceMembrane {
  double C_m = 1.0;
  double g_L = 0.0;
  double E_L = 0.0;
  std::array<double, 2> E_syn{};
};

/// Step length in units of 1 / rate (see above): the series' largest term is then below
/// about e^reach times its first, and 30 terms reach 1e-12 of it.
inline constexpr double taylor_reach = 2.5;
/// Terms per Taylor step at most; a step that needs more is halved.
inline constexpr int taylor_max_terms = 30;

/// V after `span` [ms] from V0, conductances g0 [nS] at the start decaying with rates inv_tau
/// [1/ms], constant bias current [pA]; counts steps (and halvings) into `steps` / `rejected`.
double propagate_conductance_v(const ConductanceMembrane& m, double V0,
                               const std::array<double, 2>& g0,
                               const std::array<double, 2>& inv_tau, double bias, double span,
                               const Tolerance& tol, std::uint64_t& steps,
                               std::uint64_t& rejected) noexcept;

/// sup over s >= 0 of D(s) = J(s) - G(s) level [pA] (see above); <= 0 proves that a cell below
/// `level` does not reach it without further input.
double sup_drive(const ConductanceMembrane& m, double level, const std::array<double, 2>& g0,
                 const std::array<double, 2>& inv_tau, double bias) noexcept;

/// Dynamics that are such a membrane (dim 1, V only) say so through `membrane()`; OdeCellGroup
/// then propagates them with propagate_conductance_v and skips look-aheads that sup_drive proves
/// needless.
template <class D>
concept ConductanceDynamics = D::dim == 1 && requires(const D& d) {
  { d.membrane() } -> std::same_as<ConductanceMembrane>;
};

// ---------------------------------------------------------------------------------------------
// OdeCellGroup: the event logic shared by every integrated model.
//
// A model is a "dynamics" struct D with
//   static constexpr std::size_t dim;      ODE state (V first, then e.g. w or u)
//   void rhs(const Vec<dim>& y, const std::array<double, 2>& syn, double bias, bool clamped,
//            Vec<dim>& dy) const;          y' given the synaptic variables and the bias current
//                                          (the cell's I_e plus the injected current) [pA];
//                                          clamped: refractory, y[0] held (dy[0] = 0)
//   static constexpr std::size_t I_e_param; index of I_e in the model's schema, and
//   double I_e() const;                    its value (the one per-cell parameter)
//   Vec<dim> reset(const Vec<dim>& y_at_crossing) const;
//   Vec<dim> initial() const;
//   double tau_syn(std::size_t r) const;   decay time of receptor r [ms]
//   int weight_sign(std::size_t r) const;  +1: weights >= 0, -1: weights <= 0 (asserted)
//   double t_ref() const;                  refractory period [ms] (0: none)
//   Settings settings() const;             tolerance, level (the spike condition y[0] >= level),
//                                          slack_from, h_max
// Two receptors (0: exc, 1: inh), each an exponentially decaying synaptic variable that is
// solved exactly (x(t) = x0 exp(-t / tau)); an input of weight w on receptor r adds w to x_r.
// The ODE carries only the state without a closed form.
//
// Predictions (cell_model.hpp asks for lower bounds of the next crossing). The event logic
// integrates ahead lazily, only in check(), and never past what it can keep:
//  - check(t) commits the state at t (no input can come earlier than now), then looks ahead from
//    t over the controller's suggested step h (rounded down to whole ticks, at least one tick,
//    at most h_max; usually one step, near a spike upswing many sub-tick steps within one tick),
//    with the crossing search above. A crossing found there is the next prediction, exact to the
//    tick; otherwise the end T of the look-ahead is a valid lower bound (the numerical solution
//    has no crossing up to and including T) and its end state is kept as a checkpoint.
//  - The kernel calls check(T) when nothing arrived before: the checkpoint becomes the committed
//    state at once (no step is repeated) and the next look-ahead starts.
//  - An input or current change at t < T integrates again from the committed state to t (one
//    step, as t - t_committed < h; with the crossing search: a graze that this integration sees
//    and the look-ahead did not, a disagreement within the tolerance, fires at t and counts in
//    late_checks()). The look-ahead's dense output is not used as a state: its error is not
//    controlled, and in tests it was up to 1e4 times the step tolerance. The input is then
//    applied and receive() returns t ("check now"): no cheaper bound is proved for these
//    nonlinear models, where an inhibitory input can advance a spike (AdEx post-inhibitory
//    rebound with a > 0; a conductance input below its reversal depolarises).
//    During refractoriness inputs return keep_prediction: the kernel holds the refractory end.
//  Cost: each input costs one step to reach it, one look-ahead step (7 right-hand sides each)
//  and one queue update; a cell without input costs one step and one check per step length (up
//  to h_max). A crossing found by a look-ahead at tick T comes before inputs at T (as in
//  lif_exp): such an input first applies the reset at T and leaves the spike pending for
//  check(T).
// Semantics at the edges: a spike is reported at the first tick at or after the crossing of the
// numerical solution; the state at the crossing (y[0] = level, the others integrated to it) is
// reset at that tick; during refractoriness [t_spike, t_spike + t_ref) y[0] is held at its reset
// value while the other variables follow the ODE with it held and inputs keep arriving.
template <class D>
class OdeCellGroup : public CellGroup {
 public:
  static constexpr std::size_t dim = D::dim;
  using State = Vec<dim>;
  using Syn = std::array<double, 2>;

  OdeCellGroup(const D& dyn, std::size_t n)
      : dyn_(dyn),
        set_(dyn.settings()),
        free_set_(set_),
        t_ref_(Time::from_ms(dyn.t_ref())),
        inv_tau_{1.0 / dyn.tau_syn(0), 1.0 / dyn.tau_syn(1)},
        cells_(n) {
    clamped_set_ = set_;
    clamped_set_.level = std::numeric_limits<double>::infinity();
    for (Cell& c : cells_) {
      c.y = dyn_.initial();
      c.I_e = dyn_.I_e();
    }
  }

  std::size_t size() const noexcept override { return cells_.size(); }

  /// Variables dim and dim + 1 are the synaptic variables of receptors 0 and 1.
  void set_state(std::size_t cell, std::size_t var, double value) override {
    SPINDLE_ASSERT(cell < size() && var < dim + 2);
    if (var < dim)
      cells_[cell].y[var] = value;
    else
      cells_[cell].syn[var - dim] = value;
  }

  /// Per-cell parameters: I_e only (CellModelInfo::per_cell_parameters of every model here).
  void set_parameter(std::size_t cell, std::size_t param, double value) override {
    SPINDLE_ASSERT(cell < size() && param == D::I_e_param);
    (void)param;
    cells_[cell].I_e = value;
  }

  Time predict(std::size_t cell, Time t) override {
    Cell& c = cells_[cell];
    c.t = t;
    c.ref_end = t;
    c.h = h_start_ms;
    c.flags = 0;
    if (c.y[0] >= set_.level) {  // at or above threshold at the start: fires at once
      c.la_y = c.y;
      c.flags = exact_flag;
      c.pred = t;
      return t;
    }
    return look_ahead(c);
  }

  Time receive(std::size_t cell, Time t, double weight, std::size_t receptor) override {
    SPINDLE_ASSERT(cell < size() && receptor < 2 && t >= cells_[cell].t);
    SPINDLE_ASSERT(weight * dyn_.weight_sign(receptor) >= 0.0);
    Cell& c = cells_[cell];
    const bool pending = settle(c, t) || commit(c, t);
    c.syn[receptor] += weight;
    return after_input(c, t, pending);
  }

  Time set_current(std::size_t cell, Time t, double current) override {
    SPINDLE_ASSERT(cell < size() && t >= cells_[cell].t);
    Cell& c = cells_[cell];
    const bool pending = settle(c, t) || commit(c, t);
    c.stim = current;
    return after_input(c, t, pending);
  }

  bool check(std::size_t cell, Time t, Time& next) override {
    SPINDLE_ASSERT(cell < size() && t >= cells_[cell].t);
    Cell& c = cells_[cell];
    bool fired = false;
    if (c.flags & pending_flag) {
      fired = true;  // reset already applied at t by settle()/commit()
    } else if ((c.flags & (exact_flag | bound_flag | proven_flag)) && c.pred > t) {
      next = c.pred;  // an earlier bound the kernel still held
      return false;
    } else if (c.flags & exact_flag) {
      if (c.pred < t) late_.fetch_add(1, std::memory_order_relaxed);
      fire(c, t, c.la_y);
      fired = true;
    } else {
      fired = commit(c, t);
    }
    c.flags = 0;
    if (t < c.ref_end) {
      c.pred = next = c.ref_end;
      return fired;
    }
    if (!fired && c.y[0] >= set_.level) {  // only reachable through set_state
      fire(c, t, c.y);
      fired = true;
      c.flags = 0;
      if (t < c.ref_end) {
        c.pred = next = c.ref_end;
        return true;
      }
    }
    next = look_ahead(c);
    if (next <= t) {  // at most one spike per tick
      c.flags = 0;
      c.pred = next = t + Time::from_ticks(1);
    }
    return fired;
  }

  double probe(std::size_t cell, std::size_t var, Time t) const override {
    SPINDLE_ASSERT(cell < size() && var < dim + 2 && t >= cells_[cell].t);
    const Cell& c = cells_[cell];
    if (var >= dim) return syn_at(c, t)[var - dim];
    Trace tr = state_at(c, t, false);
    return tr.y[var];
  }

  /// Checks that found the crossing earlier than the time they were called at (a prediction
  /// that was not a lower bound, or a fallback integration that found a crossing the look-ahead
  /// had not). 0 unless something is wrong.
  std::uint64_t late_checks() const noexcept { return late_.load(std::memory_order_relaxed); }
  /// Accepted and rejected integrator steps of one cell so far (cost accounting).
  std::uint64_t steps(std::size_t cell) const noexcept { return cells_[cell].steps; }
  std::uint64_t rejected_steps(std::size_t cell) const noexcept { return cells_[cell].rejected; }
  const D& dynamics() const noexcept { return dyn_; }

 private:
  static constexpr std::uint8_t exact_flag = 1;    // pred is a found crossing tick
  static constexpr std::uint8_t bound_flag = 2;    // pred is a look-ahead end, la_y the state
  static constexpr std::uint8_t pending_flag = 4;  // fired at pred by an input of that tick
  // Conductance dynamics only: sup_drive proved that the exact solution from the committed state
  // stays below level up to pred (Time::never()): states before it need no crossing search.
  static constexpr std::uint8_t proven_flag = 8;
  static constexpr bool conductance = ConductanceDynamics<D>;

  // Per cell, one record: every event touches all of one cell's fields and none of another's,
  // so an array of records keeps each event on one or two cache lines.
  struct Cell {
    State y{};              ///< committed state at t
    Syn syn{};              ///< synaptic variables at t
    double stim = 0.0;      ///< injected current (set_current) [pA]
    double I_e = 0.0;       ///< the cell's bias current [pA] (per-cell parameter)
    double h = h_start_ms;  ///< step-size suggestion [ms]
    Time t, ref_end, pred = Time::never();
    std::uint8_t flags = 0;
    State la_y{};  ///< bound: state at pred; exact: state at the crossing
    std::uint64_t steps = 0, rejected = 0;
  };

  struct Trace {
    State y{};
    bool crossed = false;
    Time x_tick;  ///< first tick at or after the crossing
    State y_x{};  ///< state at the crossing
    std::uint64_t steps = 0, rejected = 0;
  };

  Syn syn_at(const Cell& c, Time t) const noexcept {
    const double dt = (t - c.t).to_ms();
    Syn s = c.syn;
    for (std::size_t r = 0; r < 2; ++r)
      if (s[r] != 0.0 && dt > 0.0) s[r] *= std::exp(-dt * inv_tau_[r]);
    return s;
  }

  /// Integrates from (origin, y) over local [0, s_end] with the synaptic variables `syn0` at the
  /// origin; clamped: refractory dynamics, no event search.
  Run<dim> run(const State& y, const Syn& syn0, double bias, double s_end, double h,
               bool clamped) const {
    const auto f = [&](double s, const State& x, State& dx) {
      Syn g = syn0;
      for (std::size_t r = 0; r < 2; ++r)
        if (g[r] != 0.0) g[r] *= std::exp(-s * inv_tau_[r]);
      dyn_.rhs(x, g, bias, clamped, dx);
    };
    return integrate<dim>(f, y, s_end, h, clamped ? clamped_set_ : free_set_);
  }

  double bias(const Cell& c) const noexcept { return c.I_e + c.stim; }

  /// State at t >= c.t on the stored trajectory: refractory part, then the checkpoint, or an
  /// integration with the crossing search when `detect`.
  Trace state_at(const Cell& c, Time t, bool detect) const {
    Trace tr;
    tr.y = c.y;
    if (t <= c.t) return tr;
    Time t0 = c.t;
    if constexpr (conductance) {
      if (c.flags & proven_flag) {
        tr.y[0] = proven_v(c, t, tr.steps, tr.rejected);
        return tr;
      }
    }
    if (t0 < c.ref_end) {
      const Time stop = std::min(t, c.ref_end);
      if constexpr (conductance) {  // V held, nothing else to integrate
        if (t <= c.ref_end) return tr;
        t0 = stop;
      } else {
        Run<dim> r = run(c.y, c.syn, bias(c), (stop - t0).to_ms(), c.h, true);
        tr.y = r.y;
        tr.y[0] = c.y[0];
        tr.steps += r.steps;
        tr.rejected += r.rejected;
        if (t <= c.ref_end) return tr;
        t0 = stop;
      }
    } else if ((c.flags & bound_flag) && t == c.pred) {
      tr.y = c.la_y;  // the look-ahead's end: no step repeated
      return tr;
    }
    const Syn syn0 = syn_at(c, t0);
    Run<dim> r = run(tr.y, syn0, bias(c), (t - t0).to_ms(), c.h, false);
    tr.steps += r.steps;
    tr.rejected += r.rejected;
    if (r.crossed && detect) {
      tr.crossed = true;
      tr.x_tick = t0 + Time::from_ticks(r.crossing_tick);
      tr.y_x = r.y;
      return tr;
    }
    tr.y = r.y;
    return tr;
  }

  /// Fires at t from the state at the crossing: reset, refractoriness.
  void fire(Cell& c, Time t, const State& y_x) {
    c.syn = syn_at(c, t);
    c.y = dyn_.reset(y_x);
    c.t = t;
    c.ref_end = t + t_ref_;
    c.h = h_start_ms;
  }

  /// Moves the committed state to t (kernel time: nothing can arrive earlier). Returns true if
  /// a crossing was found on the way; the cell has then fired at t (spike pending for check(t)).
  bool commit(Cell& c, Time t) {
    if (t == c.t) return false;
    Trace tr = state_at(c, t, true);
    c.steps += tr.steps;
    c.rejected += tr.rejected;
    if (tr.crossed) {
      if (tr.x_tick < t) late_.fetch_add(1, std::memory_order_relaxed);
      fire(c, t, tr.y_x);
      c.flags = pending_flag;
      c.pred = t;
      return true;
    }
    c.syn = syn_at(c, t);
    c.y = tr.y;
    c.t = t;
    c.flags = 0;
    return false;
  }

  /// A crossing found by the look-ahead at a tick <= t comes before inputs at t: fire at t.
  bool settle(Cell& c, Time t) {
    if (c.flags & pending_flag) return true;
    if (!(c.flags & exact_flag) || c.pred > t) return false;
    if (c.pred < t) late_.fetch_add(1, std::memory_order_relaxed);
    fire(c, t, c.la_y);
    c.flags = pending_flag;
    c.pred = t;
    return true;
  }

  Time after_input(Cell& c, Time t, bool pending) {
    if (pending) {
      c.flags = pending_flag;
      c.pred = t;
      return t;
    }
    c.flags = 0;
    if (t < c.ref_end) {
      c.pred = c.ref_end;
      return keep_prediction;  // the kernel holds the refractory end (from check())
    }
    if constexpr (conductance) {
      if (never_crosses(c)) return c.pred;
    }
    c.pred = t;
    return t;
  }

  /// Conductance dynamics: true (and pred never, proven_flag) when sup_drive proves that the
  /// committed state, free and below level, reaches level only with further input.
  bool never_crosses(Cell& c) const noexcept requires conductance {
    if (!(c.y[0] < set_.level) ||
        sup_drive(dyn_.membrane(), set_.level, c.syn, inv_tau_, bias(c)) > 0.0)
      return false;
    c.flags = proven_flag;
    c.pred = Time::never();
    return true;
  }

  /// Conductance dynamics under proven_flag: V at t >= c.t (free, no crossing to search). The
  /// result is kept below level: the exact solution is, and the numerical one is within the
  /// tolerance of it.
  double proven_v(const Cell& c, Time t, std::uint64_t& steps,
                  std::uint64_t& rejected) const noexcept requires conductance {
    const double v = propagate_conductance_v(dyn_.membrane(), c.y[0], c.syn, inv_tau_, bias(c),
                                             (t - c.t).to_ms(), set_.tol, steps, rejected);
    return std::min(v, std::nextafter(set_.level, -std::numeric_limits<double>::infinity()));
  }

  /// From the committed state (free, below level): one look-ahead; sets pred, flags, la_*.
  Time look_ahead(Cell& c) {
    if constexpr (conductance) {
      if (never_crosses(c)) return c.pred;
    }
    const auto ticks = static_cast<std::int64_t>(
        std::clamp(std::floor(c.h / tick_ms), 1.0, std::floor(set_.h_max / tick_ms)));
    if (c.t + Time::from_ticks(ticks) > Time::max_run()) {
      c.flags = 0;
      c.pred = Time::never();
      return c.pred;
    }
    Run<dim> r = run(c.y, c.syn, bias(c), static_cast<double>(ticks) * tick_ms, c.h, false);
    c.steps += r.steps;
    c.rejected += r.rejected;
    c.h = r.h_next;
    c.la_y = r.y;
    if (r.crossed) {
      c.flags = exact_flag;
      c.pred = c.t + Time::from_ticks(std::max<std::int64_t>(r.crossing_tick, 1));
    } else {
      c.flags = bound_flag;
      c.pred = c.t + Time::from_ticks(ticks);
    }
    return c.pred;
  }

  D dyn_;
  Settings set_, free_set_, clamped_set_;
  Time t_ref_;
  std::array<double, 2> inv_tau_;
  // THREADING: the kernel may call different cells of one group from different partitions at
  // the same time. Everything below is per cell except late_, a relaxed atomic counter.
  std::vector<Cell> cells_;
  std::atomic<std::uint64_t> late_{0};
};

}  // namespace spindle::models::ode
