// lif_exp: exact event-driven LIF with exponential postsynaptic currents (see the header).
//
// Between events, with V_inf = E_L + R (I_e + I_stim), R = tau_m / C_m, and the currents
// I_x(t) = I_x exp(-t / tau_x), the membrane potential is a sum of exponentials:
//   V(t) = V_inf + c_m exp(-t/tau_m) + A_exc exp(-t/tau_exc) + A_inh exp(-t/tau_inh),
//   A_x = I_x / (C_m d_x) = k_x I_x,  d_x = 1/tau_m - 1/tau_x,  c_m = V(0) - V_inf - A_exc - A_inh.
// V(t) - V_th has that form with constant V_inf - V_th, so first_crossing() (exp_sum_roots.hpp)
// gives the exact next crossing.
//
// Scaled coordinates (as lif_delta): a cell stores the three coefficients w_k against a base
// time b, V(t) = V_inf + sum_k w_k exp(-(t - b)/tau_k), so the state needs no update between
// events. An input of weight w on receptor x at t changes A_x by k_x w and c_m by -k_x w (V is
// continuous): w_x += k_x w exp((t - b)/tau_x), w_m -= k_x w exp((t - b)/tau_m). The bases lie on
// a grid (multiples of 16 times the shortest time constant), so all inputs of one spike share
// those factors: one set of exps per batch (one exp when tau_m / tau_syn are whole numbers), a
// rebase of a cell (w_k *= exp(-(b' - b)/tau_k)) only when its base lags the grid, and the
// coefficients at t for the bound below are three products.
// Refractoriness: from a spike until the cell is next touched at or after the refractory end r,
// the cell is "open": only the currents (w_exc, w_inh) are kept, inputs add to them as above, and
// w_m means nothing. The trajectory after r starts from V(r) = V_reset; close_refractory() makes
// that explicit at the first update at or after r (base r, w_m = V_reset - V_inf - w_exc -
// w_inh), and coefficients_at() computes the same on the fly for the const queries. Every factor
// used is a decay over a forward time or a grid factor <= e^16, whatever t_ref is.
// Precision: the coefficients carry the 1 / (tau_m d_x) amplification that the threshold search
// always had; V is exact to rounding as long as tau_syn is not within a few percent of tau_m
// (lif_exp_relations keeps them 1e-6 tau_m apart).
//
// Predictions (cell_model.hpp: lower bounds):
//  - "inh" input: returns keep_prediction. The system is linear; an extra current jump w < 0 at
//    t adds w (exp(-u/tau_inh) - exp(-u/tau_m)) / (C_m d_inh) to V at t + u, u >= 0, and that is
//    <= 0 for either sign of d_inh (numerator and d_inh have the same sign). During
//    refractoriness V is clamped and only the later trajectory (linear in the currents at the
//    refractory end) changes, again by a term <= 0. So V never rises above the old trajectory
//    before the old crossing, which stays a lower bound.
//  - "exc" input: a cheap lower bound, no root search; the later of two bounds, each valid.
//    Write V(t) - V_th = c0 + sum_k a_k exp(-t/tau_k), k over m, exc, inh, c0 = V_inf - V_th.
//    (1) Slope: dV/dt = sum_k s_k exp(-t/tau_k), s_k = -a_k / tau_k, and each term is
//    <= max(s_k, 0) because 0 < exp(-t/tau_k) <= 1 for t >= 0. So dV/dt <= S = sum_k max(s_k, 0),
//    V(t) <= V(0) + S t, and no crossing happens before (V_th - V(0)) / S. S <= 0: never.
//    (2) Envelope: for t >= 0 each synaptic term is bounded by a multiple of exp(-t/tau_m) or
//    a constant: a fast term (tau_k < tau_m) with a_k > 0 has a_k exp(-t/tau_k) <=
//    a_k exp(-t/tau_m); a slow one (tau_k > tau_m) with a_k < 0 has the same bound; a slow one
//    with a_k > 0 is <= a_k; a fast one with a_k <= 0 is <= 0. Summing, V(t) - V_th <= U(t) =
//    C + B exp(-t/tau_m). If U(0) = C + B < 0: with C <= 0, U < 0 for all t (never); with C > 0,
//    U(t) < 0 until tau_m ln(-B / C), taken with a lower bound of ln that is within 2e-6 of it
//    and costs a table look-up and a multiply-add (log_lower_bound). (In CUBA-like cells, driven
//    above threshold by E_L, this bound is the tight one.) (3) Tangent envelope (tangent_bound(),
//    only when (2) gives less than tau_m / 4): each synaptic term bounded by a quadratic in
//    exp(-t/tau_m) that is exact at t = 0, so that a cell just below threshold with excitatory
//    current still to come is not bounded by (1) alone (which made most of the kernel's checks: 88
//    098 -> 51 248 per 300 ms of CUBA; the limit tau_m / 4 is the cheapest of tau_m x 0.1, 0.2,
//    0.25, 0.5, 1 in CUBA's instructions). The slope bound (1) is computed only when (2) and (3)
//    give nothing: in CUBA it never beat them otherwise (the same checks without it). The result is
//    shrunk by 1e-9 and rounded down to a tick, so that rounding cannot push it past the crossing.
//  - check(): fires if the cell holds an exact prediction for exactly this tick with no input
//    since; otherwise it runs first_crossing() from the stored state and returns fire-now, the
//    exact crossing tick (then marked exact), or never.
#include "spindle/models/lif_exp.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include <fmt/format.h>

#include "relations.hpp"
#include "spindle/error.hpp"
#include "spindle/models/exp_sum_roots.hpp"
#include "spindle/models/fast_exp.hpp"

namespace spindle::models {

namespace {

/// The bounds' horizon (Time::max_run, as max_time_ms) in ticks.
constexpr double max_run_ticks = static_cast<double>(Time::max_run().ticks());

/// Smallest allowed |tau_syn - tau_m| relative to tau_m.
constexpr double min_tau_separation = 1e-6;

std::string tau_relation(const char* name, double tau_syn, double tau_m) {
  if (std::abs(tau_syn - tau_m) >= min_tau_separation * tau_m) return {};
  return fmt::format(
      "{} = {} ms is too close to tau_m = {} ms (they must differ by at least 1e-6 tau_m): the "
      "exact solution divides by tau_syn - tau_m, and lif_exp does not implement the equal-time-"
      "constant case",
      name, tau_syn, tau_m);
}

/// Largest tau_m / tau_syn taken as a power (PD14's 10 ms / 0.5 ms is 20): x^32 is five
/// squarings, and its relative error (about k ulps of x's) stays far below the bounds' margins.
constexpr int max_whole_ratio = 32;

/// tau_m / tau_syn if it is a whole number in 1..max_whole_ratio (to 1e-12), else 0.
int whole_ratio(double tau_m, double tau_syn) {
  const double r = tau_m / tau_syn;
  const double k = std::round(r);
  return (k >= 1 && k <= max_whole_ratio && std::abs(r - k) <= 1e-12 * k) ? static_cast<int>(k) : 0;
}

/// x^K by squarings for even K and one multiplication for odd: straight-line code, at most 8
/// multiplications for K <= 32 (x^20 = (((x^2)^2 x)^2)^2 is five).
template <int K>
[[gnu::always_inline]] inline double power_of(double x) noexcept {
  if constexpr (K == 1) {
    return x;
  } else if constexpr (K % 2 == 0) {
    const double h = power_of<K / 2>(x);
    return h * h;
  } else {
    return power_of<K - 1>(x) * x;
  }
}

/// x^k for k in 1..max_whole_ratio. Up to 8 by repeated multiplication, ((x x) x) ..., as
/// before the larger ratios were added (the same bits for CUBA's 4 and 2); above, by power_of's
/// chain, one straight-line case per k (a jump on a group constant, which the branch predictor
/// learns), cheaper than an exp.
inline double power(double x, int k) noexcept {
  switch (k) {
    case 2:
      return x * x;
    case 4:
      return x * x * x * x;
#define SPINDLE_POWER_CASE(K) \
  case K:                     \
    return power_of<K>(x);
      SPINDLE_POWER_CASE(9)
      SPINDLE_POWER_CASE(10)
      SPINDLE_POWER_CASE(11)
      SPINDLE_POWER_CASE(12)
      SPINDLE_POWER_CASE(13)
      SPINDLE_POWER_CASE(14)
      SPINDLE_POWER_CASE(15)
      SPINDLE_POWER_CASE(16)
      SPINDLE_POWER_CASE(17)
      SPINDLE_POWER_CASE(18)
      SPINDLE_POWER_CASE(19)
      SPINDLE_POWER_CASE(20)
      SPINDLE_POWER_CASE(21)
      SPINDLE_POWER_CASE(22)
      SPINDLE_POWER_CASE(23)
      SPINDLE_POWER_CASE(24)
      SPINDLE_POWER_CASE(25)
      SPINDLE_POWER_CASE(26)
      SPINDLE_POWER_CASE(27)
      SPINDLE_POWER_CASE(28)
      SPINDLE_POWER_CASE(29)
      SPINDLE_POWER_CASE(30)
      SPINDLE_POWER_CASE(31)
      SPINDLE_POWER_CASE(32)
#undef SPINDLE_POWER_CASE
    default: {
      double y = x;
      for (int i = 1; i < k; ++i)
        y *= x;
      return y;
    }
  }
}

/// ln on [1, 2) cut into 256 pieces, each with the chord through its ends: ln m >= a + b m on
/// the piece because ln is concave (it lies above its chords), and the chord is at most
/// h^2 / (8 m^2) <= 1.9e-6 below it (h = 1/256).
struct LogChords {
  std::array<double, 256> a{}, b{};
};

const LogChords log_chords = [] {
  LogChords t;
  for (std::size_t j = 0; j < 256; ++j) {
    const double m0 = 1.0 + static_cast<double>(j) / 256.0, m1 = m0 + 1.0 / 256.0;
    t.b[j] = (std::log(m1) - std::log(m0)) * 256.0;
    t.a[j] = std::log(m0) - t.b[j] * m0;
  }
  return t;
}();

/// A lower bound of ln(y) for y >= 1, below it by at most 2e-6: a table look-up and a multiply-add
/// instead of a log call or a division, for the envelope bounds, which only need a lower bound.
/// With y = 2^k m, m in [1, 2): ln y = k ln 2 + ln m >= k ln 2 + a_j + b_j m (log_chords, j from
/// the top 8 bits of m). The rounding of the table (from std::log, within an ulp) and of the sum
/// (values below 710) is below 1e-13; subtracting 1e-12 covers it. 0 near y = 1.
double log_lower_bound(double y) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(y);
  const int k = static_cast<int>(bits >> 52) - 1023;  // y >= 1: the sign bit is 0
  const auto j = static_cast<std::size_t>((bits >> 44) & 0xff);
  const double m =
      std::bit_cast<double>((bits & 0x000f'ffff'ffff'ffffULL) | 0x3ff0'0000'0000'0000ULL);
  const double ln = k * std::numbers::ln2 + (log_chords.a[j] + log_chords.b[j] * m) - 1e-12;
  return std::max(ln, 0.0);
}

}  // namespace

// Bounds of y^rho, 0 < y <= 1, by c0 + c1 y + c2 y^2, equal at y = 1 (the origin s = 0).
// From above: y^rho <= y^2 for rho >= 2, <= y for 1 <= rho < 2; for rho < 1 y^rho is concave and
// lies below its tangent at 1, 1 + rho (y - 1).
LifExpGroup::PowerBound LifExpGroup::power_bound_above(double rho) noexcept {
  if (rho >= 2.0) return {0.0, 0.0, 1.0};
  if (rho >= 1.0) return {0.0, 1.0, 0.0};
  return {1.0 - rho, rho, 0.0};
}

// From below: y^rho = (y^2)^(rho/2) is convex in y^2 for rho >= 2 and lies above its tangent
// 1 + rho/2 (y^2 - 1); for 1 <= rho < 2 convex in y, above 1 + rho (y - 1); for rho < 1,
// y^rho >= y.
LifExpGroup::PowerBound LifExpGroup::power_bound_below(double rho) noexcept {
  if (rho >= 2.0) return {1.0 - 0.5 * rho, 0.0, 0.5 * rho};
  if (rho >= 1.0) return {1.0 - rho, rho, 0.0};
  return {0.0, 1.0, 0.0};
}

LifExpParams LifExpParams::from(const ParameterValues& v) {
  LifExpParams p;
  p.C_m = v["C_m"];
  p.tau_m = v["tau_m"];
  p.tau_syn_exc = v["tau_syn_exc"];
  p.tau_syn_inh = v["tau_syn_inh"];
  p.t_ref = v["t_ref"];
  p.E_L = v["E_L"];
  p.V_reset = v["V_reset"];
  p.V_th = v["V_th"];
  p.I_e = v["I_e"];
  return p;
}

std::string lif_exp_relations(const LifExpParams& p) {
  if (auto m = reset_below_threshold(p.V_reset, p.V_th); !m.empty()) return m;
  if (auto m = tau_relation("tau_syn_exc", p.tau_syn_exc, p.tau_m); !m.empty()) return m;
  if (auto m = tau_relation("tau_syn_inh", p.tau_syn_inh, p.tau_m); !m.empty()) return m;
  if (auto m = refractory_fits(p.t_ref); !m.empty()) return m;
  return {};
}

CellModelInfo lif_exp_model() {
  CellModelInfo m;
  m.name = "lif_exp";
  m.summary =
      "leaky integrate-and-fire with exponential postsynaptic currents, exact event-driven "
      "integration (NEST iaf_psc_exp_ps; Brette et al. 2007)";
  m.parameters = {
      param_positive("C_m", Unit::pF, 250.0, "membrane capacitance"),
      param_positive("tau_m", Unit::ms, 10.0, "membrane time constant"),
      param_positive("tau_syn_exc", Unit::ms, 2.0,
                     "decay time of excitatory synaptic currents (must differ from tau_m)"),
      param_positive("tau_syn_inh", Unit::ms, 2.0,
                     "decay time of inhibitory synaptic currents (must differ from tau_m)"),
      param_nonnegative("t_ref", Unit::ms, 2.0,
                        "absolute refractory period; V is clamped at V_reset during it"),
      param_any("E_L", Unit::mV, -70.0, "resting potential"),
      param_any("V_reset", Unit::mV, -70.0, "potential after a spike (below V_th)"),
      param_any("V_th", Unit::mV, -55.0, "spike threshold"),
      param_any("I_e", Unit::pA, 0.0, "constant bias current"),
  };
  m.receptors = {
      {"exc", Unit::pA, +1, "excitatory current: I_exc jumps up by the weight"},
      {"inh", Unit::pA, -1, "inhibitory current: I_inh jumps down by the weight"},
  };
  m.state = {
      {"V_m", Unit::mV, "membrane potential"},
      {"I_exc", Unit::pA, "excitatory synaptic current"},
      {"I_inh", Unit::pA, "inhibitory synaptic current (<= 0)"},
  };
  m.per_cell_parameters = {"E_L", "V_reset", "V_th", "I_e"};
  m.check_relations = [](const ParameterValues& v) {
    return lif_exp_relations(LifExpParams::from(v));
  };
  m.make = [](const ParameterValues& v, std::size_t n) -> std::unique_ptr<CellGroup> {
    return std::make_unique<LifExpGroup>(LifExpParams::from(v), n);
  };
  return m;
}

LifExpGroup::LifExpGroup(const LifExpParams& p, std::size_t n)
    : ExactCellGroup(n),
      p_(p),
      R_(p.tau_m / p.C_m),
      exp_shape_(std::array{p.tau_m, p.tau_syn_exc, p.tau_syn_inh}),
      t_ref_(Time::from_ms(p.t_ref)),
      d_exc_(1.0 / p.tau_m - 1.0 / p.tau_syn_exc),
      d_inh_(1.0 / p.tau_m - 1.0 / p.tau_syn_inh),
      k_exc_(1.0 / (p.C_m * d_exc_)),
      k_inh_(1.0 / (p.C_m * d_inh_)),
      grid_(Time::from_ms(16.0 * std::min({p.tau_m, p.tau_syn_exc, p.tau_syn_inh}))),
      E_L_(n, p.E_L),
      V_reset_(n, p.V_reset),
      I_e_(n, p.I_e) {
  for (std::size_t c = 0; c < n; ++c) {
    cell_[c].wm = -R_ * p.I_e;
    cell_[c].v_inf = fresh_v_inf(c);
    cell_[c].V_th = p.V_th;
  }
  SPINDLE_ASSERT(lif_exp_relations(p).empty());
  pow_exc_ = whole_ratio(p.tau_m, p.tau_syn_exc);
  pow_inh_ = whole_ratio(p.tau_m, p.tau_syn_inh);
  envelope_kind_ = 2 * (p.tau_syn_exc > p.tau_m) + (p.tau_syn_inh > p.tau_m);
  envelope_.rate_m = 1.0 / p.tau_m;
  envelope_.rate_exc = 1.0 / p.tau_syn_exc;
  envelope_.rate_inh = 1.0 / p.tau_syn_inh;
  constexpr auto ticks_per_ms = static_cast<double>(Time::ticks_per_ms);
  per_tick_ = {1.0 / (p.tau_m * ticks_per_ms), 1.0 / (p.tau_syn_exc * ticks_per_ms),
               1.0 / (p.tau_syn_inh * ticks_per_ms)};
  envelope_.exc_up = power_bound_above(p.tau_m / p.tau_syn_exc);
  envelope_.exc_down = power_bound_below(p.tau_m / p.tau_syn_exc);
  envelope_.inh_up = power_bound_above(p.tau_m / p.tau_syn_inh);
  envelope_.inh_down = power_bound_below(p.tau_m / p.tau_syn_inh);
}

// Every exp of the trajectory goes through here (fast_exp, inline), so that all paths agree.
[[gnu::always_inline]] inline LifExpGroup::Decay LifExpGroup::decay(Time dt) const noexcept {
  // Rates per tick instead of divisions (by the time constants, by the ticks per ms): a division
  // is the slowest step here.
  const auto ticks = static_cast<double>(dt.ticks());
  const double m = fast_exp(-ticks * per_tick_.m);
  const double e = pow_exc_ ? power(m, pow_exc_) : fast_exp(-ticks * per_tick_.e);
  const double i = pow_inh_                           ? power(m, pow_inh_)
                   : p_.tau_syn_inh == p_.tau_syn_exc ? e
                                                      : fast_exp(-ticks * per_tick_.i);
  return {m, e, i};
}

LifExpGroup::Batch LifExpGroup::batch_at(Time t) const noexcept {
  Batch b{t, grid_.base_of(t), {}, {}};
  b.grow = decay(b.base - t);
  b.at = {1.0 / b.grow.m, 1.0 / b.grow.e, 1.0 / b.grow.i};
  return b;
}

// Moves cell c's base to b: a change of representation only, the trajectory is unchanged.
void LifExpGroup::rebase_slow(std::size_t c, Time b) noexcept {
  const Decay f = decay(b - cell_[c].b);
  cell_[c].wm *= f.m;
  cell_[c].we *= f.e;
  cell_[c].wi *= f.i;
  cell_[c].b = b;
}

LifExpGroup::Decay LifExpGroup::coefficients_at(std::size_t c, Time origin) const noexcept {
  if (!cell_[c].open) {
    if (origin == cell_[c].b) return {cell_[c].wm, cell_[c].we, cell_[c].wi};
    const Decay f = decay(origin - cell_[c].b);
    return {cell_[c].wm * f.m, cell_[c].we * f.e, cell_[c].wi * f.i};
  }
  // Open refractory period (origin >= ref_end): the trajectory restarts at V_reset there.
  const Decay a = restart_coefficients(c, v_inf(c));
  if (origin == cell_[c].ref_end) return a;
  const Decay g = decay(origin - cell_[c].ref_end);
  return {a.m * g.m, a.e * g.e, a.i * g.i};
}

LifExpGroup::Decay LifExpGroup::restart_coefficients(std::size_t c, double vi) const noexcept {
  const Decay f = decay(cell_[c].ref_end - cell_[c].b);
  const double e = cell_[c].we * f.e, i = cell_[c].wi * f.i;
  return {V_reset_[c] - vi - e - i, e, i};
}

void LifExpGroup::close_refractory(std::size_t c, double vi) noexcept {
  const Decay a = restart_coefficients(c, vi);
  cell_[c].wm = a.m;
  cell_[c].we = a.e;
  cell_[c].wi = a.i;
  cell_[c].b = cell_[c].ref_end;
  cell_[c].open = false;
}

void LifExpGroup::set_trajectory(std::size_t c, double V, double Ie, double Ii) noexcept {
  cell_[c].b = cell_[c].t;
  cell_[c].open = false;
  cell_[c].we = Ie * k_exc_;
  cell_[c].wi = Ii * k_inh_;
  cell_[c].wm = V - v_inf(c) - cell_[c].we - cell_[c].wi;
}

void LifExpGroup::set_parameter(std::size_t cell, std::size_t param, double value) {
  // The kernel passes schema indices; look them up once rather than trust a hand-kept order.
  static const CellModelInfo info = lif_exp_model();
  static const auto E_L = static_cast<std::size_t>(info.parameter_index("E_L")),
                    V_reset = static_cast<std::size_t>(info.parameter_index("V_reset")),
                    V_th = static_cast<std::size_t>(info.parameter_index("V_th")),
                    I_e = static_cast<std::size_t>(info.parameter_index("I_e"));
  // Before the run: V and the currents stay, except that a cell at rest follows its new E_L.
  const double V = probe(cell, V_m, cell_[cell].t);
  const double Ie = probe(cell, I_exc, cell_[cell].t), Ii = probe(cell, I_inh, cell_[cell].t);
  // (At rest: V = E_L to rounding; V is a sum of stored terms, so it may differ in the last bit.)
  const bool at_rest = cell_[cell].t == Time::zero() &&
                       std::abs(V - E_L_[cell]) <= 1e-12 * std::max(1.0, std::abs(E_L_[cell]));
  if (param == E_L) {
    E_L_[cell] = value;
  } else if (param == V_reset) {
    V_reset_[cell] = value;
  } else if (param == V_th) {
    cell_[cell].V_th = value;
  } else if (param == I_e) {
    I_e_[cell] = value;
  } else {
    throw InternalError("lif_exp: parameter index " + std::to_string(param) + " is not per-cell");
  }
  cell_[cell].v_inf = fresh_v_inf(cell);
  set_trajectory(cell, at_rest && param == E_L ? value : V, Ie, Ii);
}

void LifExpGroup::set_state(std::size_t cell, std::size_t var, double value) {
  SPINDLE_ASSERT(cell < size() && var <= I_inh);
  double s[3] = {probe(cell, V_m, cell_[cell].t), probe(cell, I_exc, cell_[cell].t),
                 probe(cell, I_inh, cell_[cell].t)};
  s[var] = value;
  set_trajectory(cell, s[V_m], s[I_exc], s[I_inh]);
}

void LifExpGroup::on_current_change(std::size_t c, double old_current) noexcept {
  cell_[c].v_inf = fresh_v_inf(c);  // I_stim_ has changed
  const Time t = cell_[c].t;
  if (cell_[c].open && t < cell_[c].ref_end) return;  // V restarts at V_reset, from the new V_inf
  // The old V_inf held from the refractory end to t.
  if (cell_[c].open) close_refractory(c, v_inf(c) - R_ * (I_stim_[c] - old_current));
  // V_inf moved by R dI at t: the membrane term takes the opposite jump, so V stays continuous.
  const Batch batch = batch_at(t);
  rebase(c, batch.base);
  cell_[c].wm -= R_ * (I_stim_[c] - old_current) * batch.grow.m;
}

// Exact next crossing of the stored trajectory: a tick >= the later of cell_[c].t and the
// refractory end, or never.
Time LifExpGroup::next_crossing(std::size_t c) const {
  const Time origin = std::max(cell_[c].t, cell_[c].ref_end);
  const Decay a = coefficients_at(c, origin);
  const double vi = v_inf(c);
  if (vi + a.m + a.e + a.i >= cell_[c].V_th) return origin;
  const std::array<double, 3> coeffs{a.m, a.e, a.i};  // in the order of exp_shape_
  const double dt = first_crossing(vi - cell_[c].V_th, coeffs, exp_shape_);
  if (!(dt < max_time_ms - origin.to_ms())) return Time::never();
  return origin + Time::ceil_ms(dt);
}

Time LifExpGroup::bound_at(std::size_t c, Time from) const noexcept {
  const Time origin = std::max(from, cell_[c].ref_end);
  return bound_from(c, origin, coefficients_at(c, origin));
}

// Envelope U(t) = C + B exp(-t/tau_m) >= V(t) - V_th: a fast term counts in B when positive, a
// slow one in B when negative and in C when positive (the kind is fixed per group).
template <bool ExcSlow, bool InhSlow>
inline LifExpGroup::Majorant LifExpGroup::majorant_kind(double vi, double V_th,
                                                        const Decay& a) noexcept {
  const double B = a.m + (ExcSlow ? std::min(a.e, 0.0) : std::max(a.e, 0.0)) +
                   (InhSlow ? std::min(a.i, 0.0) : std::max(a.i, 0.0));
  double C = vi - V_th;
  if constexpr (ExcSlow) C += std::max(a.e, 0.0);
  if constexpr (InhSlow) C += std::max(a.i, 0.0);
  const double scale = std::abs(vi - V_th) + std::abs(a.m) + std::abs(a.e) + std::abs(a.i);
  return {C, B, scale};
}

LifExpGroup::Majorant LifExpGroup::majorant(std::size_t c, const Decay& a) const noexcept {
  const double vi = v_inf(c), th = cell_[c].V_th;
  switch (envelope_kind_) {
    case 0:
      return majorant_kind<false, false>(vi, th, a);
    case 1:
      return majorant_kind<false, true>(vi, th, a);
    case 2:
      return majorant_kind<true, false>(vi, th, a);
    default:
      return majorant_kind<true, true>(vi, th, a);
  }
}

// Tangent envelope: with y = exp(-s/tau_m) in (0, 1], bound each synaptic term a_k y^rho_k by
// a_k times a power bound (power_bound_above for a_k > 0, _below for a_k < 0), both equal at y = 1:
// V(s) - V_th <= Q(y) = q0 + q1 y + q2 y^2 for s >= 0, with Q(1) = V(0) - V_th. Unlike the
// envelope C + B y, which takes a fast excitatory current as delivered at once, Q follows the
// trajectory to second order at the origin, so it stays useful just below threshold. In
// x = 1/y >= 1, P(x) = x^2 Q(1/x) = q0 x^2 + q1 x + q2 has the sign of Q, and the first crossing
// is at s = tau_m ln x* for the first root x* > 1 of P (P(1) = Q(1) < 0):
//  - q0 > 0: exactly one root beyond 1, the larger root;
//  - q0 < 0: P is concave: no root beyond 1 (never) if its vertex x_v = -q1 / (2 q0) is <= 1 or
//    its discriminant is negative; else the smaller root, in (1, x_v].
// Rounding: the candidate x_lo, shrunk by 1e-9, is accepted only when P(x_lo) < -m x_lo^2 with
// m = 1e-12 (sum of |q_k| + |a_k|), far above the rounding of P and of the rho's in the power
// bounds; P is then below 0 on all of [1, x_lo] (convex: below its values at the ends; concave:
// increasing up to x_v >= x_lo). "Never" needs the discriminant below -1e-12 of its terms.
// Anything else answers 0 (no information), which is always valid.
double LifExpGroup::tangent_bound(double c0, const Decay& a) const noexcept {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const Envelope& env = envelope_;
  const double ep = std::max(a.e, 0.0), en = std::min(a.e, 0.0);
  const double ip = std::max(a.i, 0.0), in = std::min(a.i, 0.0);
  const double q0 =
      c0 + env.exc_up.c0 * ep + env.exc_down.c0 * en + env.inh_up.c0 * ip + env.inh_down.c0 * in;
  const double q1 =
      a.m + env.exc_up.c1 * ep + env.exc_down.c1 * en + env.inh_up.c1 * ip + env.inh_down.c1 * in;
  const double q2 =
      env.exc_up.c2 * ep + env.exc_down.c2 * en + env.inh_up.c2 * ip + env.inh_down.c2 * in;
  const double m = 1e-12 * (std::abs(q0) + std::abs(q1) + std::abs(q2) + std::abs(c0) +
                            std::abs(a.m) + std::abs(a.e) + std::abs(a.i));
  if (!(q0 + q1 + q2 < -m)) return 0.0;  // P(1) = V(0) - V_th: too close to tell
  const double disc = q1 * q1 - 4.0 * q0 * q2;
  if (!(q0 > 0.0)) {
    if (!(q0 < 0.0)) return 0.0;
    if (!(q1 > -2.0 * q0)) return inf;  // x_v <= 1: P decreasing beyond 1
    if (disc < -1e-12 * (q1 * q1 + 4.0 * std::abs(q0 * q2))) return inf;
  }
  // Roots q / q0 and q2 / q with q = -(q1 + sign(q1) sqrt(disc)) / 2 (no cancellation).
  const double q = -0.5 * (q1 + std::copysign(std::sqrt(std::max(disc, 0.0)), q1));
  // q0 > 0: the larger root, q / q0 when q1 < 0 (then q > 0), else q2 / q: one division.
  const double x = q0 > 0.0 ? (q1 < 0.0 ? q / q0 : q2 / q) : std::min(q / q0, q2 / q);
  const double x_lo = x * (1.0 - 1e-9);
  if (!(x_lo > 1.0)) return 0.0;
  if (q0 < 0.0 && !(2.0 * q0 * x_lo + q1 > 0.0)) return 0.0;  // x_lo past the vertex
  if (!((q0 * x_lo + q1) * x_lo + q2 < -m * x_lo * x_lo)) return 0.0;
  return p_.tau_m * log_lower_bound(x_lo);
}

// Lower bound of the next crossing without a root search (proof in the file comment).
template <bool ExcSlow, bool InhSlow>
inline Time LifExpGroup::bound_from_kind(double vi, double th, Time origin,
                                         const Decay& a) const noexcept {
  const double V = vi + a.m + a.e + a.i;
  if (V >= th) return origin;
  const auto [C, B, scale] = majorant_kind<ExcSlow, InhSlow>(vi, th, a);
  double lower = 0.0;  // [ms] from origin
  if (C + B < -1e-12 * scale) {
    if (!(C > 0.0)) return Time::never();        // U < 0 for all t >= 0
    lower = p_.tau_m * log_lower_bound(-B / C);  // -B / C > 1
  }
  if (lower < 0.25 * p_.tau_m) {
    const double tangent = tangent_bound(vi - th, a);
    if (std::isinf(tangent)) return Time::never();
    lower = std::max(lower, tangent);
  }
  double dt = lower;
  if (lower == 0.0) {  // the slope bound: only where both envelopes know nothing
    const double slope = std::max(-a.m * envelope_.rate_m, 0.0) +
                         std::max(-a.e * envelope_.rate_exc, 0.0) +
                         std::max(-a.i * envelope_.rate_inh, 0.0);
    if (!(slope > 0.0)) return Time::never();  // V never rises
    dt = (th - V) / slope;
  }
  dt *= 1.0 - 1e-9;
  // dt > 0, so the conversion's truncation is the floor; far beyond any run: never.
  const double ticks = dt * static_cast<double>(Time::ticks_per_ms);
  if (!(ticks < max_run_ticks - static_cast<double>(origin.ticks()))) return Time::never();
  return origin + Time::from_ticks(static_cast<std::int64_t>(ticks));
}

Time LifExpGroup::bound_from(std::size_t c, Time origin, const Decay& a) const noexcept {
  const double vi = v_inf(c), th = cell_[c].V_th;
  switch (envelope_kind_) {
    case 0:
      return bound_from_kind<false, false>(vi, th, origin, a);
    case 1:
      return bound_from_kind<false, true>(vi, th, origin, a);
    case 2:
      return bound_from_kind<true, false>(vi, th, origin, a);
    default:
      return bound_from_kind<true, true>(vi, th, origin, a);
  }
}

void LifExpGroup::fire(std::size_t c, Time t) {
  // The currents go on; the membrane term is set when the refractory period is closed.
  cell_[c].t = t;
  cell_[c].ref_end = t + t_ref_;
  cell_[c].open = true;
}

Time LifExpGroup::receive(std::size_t cell, Time t, double weight, std::size_t receptor) {
  const auto c = static_cast<std::uint32_t>(cell);
  Time answer;
  receive_dispatch(batch_at(t), receptor, &c, 1, 0, nullptr, weight, &answer);
  return answer;
}

void LifExpGroup::receive_batch(Time t, std::size_t receptor, const std::uint32_t* cells,
                                std::size_t n, std::uint32_t index_offset, const float* weights,
                                double weight, Time* out) {
  // One set of exps for the whole batch.
  receive_dispatch(batch_at(t), receptor, cells, n, index_offset, weights, weight, out);
}

void LifExpGroup::receive_dispatch(const Batch& batch, std::size_t receptor,
                                   const std::uint32_t* cells, std::size_t n,
                                   std::uint32_t index_offset, const float* weights, double weight,
                                   Time* out) {
  SPINDLE_ASSERT(receptor <= inh);
  if (receptor == inh) {  // the envelope is not needed: inhibition answers keep_prediction
    receive_run<false, false, false>(batch, cells, n, index_offset, weights, weight, out);
    return;
  }
  switch (envelope_kind_) {
    case 0:
      receive_run<true, false, false>(batch, cells, n, index_offset, weights, weight, out);
      break;
    case 1:
      receive_run<true, false, true>(batch, cells, n, index_offset, weights, weight, out);
      break;
    case 2:
      receive_run<true, true, false>(batch, cells, n, index_offset, weights, weight, out);
      break;
    default:
      receive_run<true, true, true>(batch, cells, n, index_offset, weights, weight, out);
  }
}

template <bool Exc, bool ExcSlow, bool InhSlow>
void LifExpGroup::receive_run(const Batch& batch, const std::uint32_t* cells, std::size_t n,
                              std::uint32_t index_offset, const float* weights, double weight,
                              Time* out) {
  const Time t = batch.t;
  // The records through a local pointer: byte stores (flags) may alias anything, which would
  // make the compiler reload the vector's data pointer per input.
  LifExpCell* const rec = cell_.data();
  const double k = Exc ? k_exc_ : k_inh_;
  const double grow_x = Exc ? batch.grow.e : batch.grow.i;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = cells[i] + index_offset;
    const double w = weights ? weights[i] : weight;
    LifExpCell& cell = rec[c];
    SPINDLE_ASSERT(c < size() && t >= cell.t);
    SPINDLE_ASSERT(Exc ? w >= 0.0 : w <= 0.0);
    // settle() only when a crossing may lie in (cell.t, t] (its own first tests, inline).
    const bool pending =
        (cell.flags & pending_flag) || (t > cell.t && cell.pred <= t && settle(c, t));
    cell.t = t;
    const bool refractory = t < cell.ref_end;
    if (cell.open && !refractory) close_refractory(c, cell.v_inf);
    if (cell.b != batch.base) rebase_slow(c, batch.base);
    // The current jumps by `w`: its voltage coefficient by dA at t, and the membrane term by
    // -dA, so that V stays continuous (while refractory, w_m is set when the period is closed).
    // (In registers, then stored: a wide load of just-stored fields would stall the
    // store-to-load forwarding.)
    const double dA = w * k;
    double wm = cell.wm, we = cell.we, wi = cell.wi;
    (Exc ? we : wi) += dA * grow_x;
    if (!refractory) wm -= dA * batch.grow.m;
    cell.wm = wm;
    cell.we = we;
    cell.wi = wi;
    if (pending) {
      out[i] = t;
      continue;
    }
    cell.flags = 0;
    if constexpr (!Exc) {
      out[i] = keep_prediction;  // can only delay the crossing
    } else {
      const Time p = refractory ? bound_at(c, t)
                                : bound_from_kind<ExcSlow, InhSlow>(
                                      cell.v_inf, cell.V_th, t,
                                      {wm * batch.at.m, we * batch.at.e, wi * batch.at.i});
      cell.pred = p;
      if (p.is_never()) cell.flags = exact_flag;
      out[i] = p;
    }
  }
}

// Late inputs (cell_model.hpp): V is linear in the input currents, so an excitatory current dA =
// k_exc w at t_i adds to the scaled coefficients what it adds in order, whatever came since:
// we += dA e^((t_i - b)/tau_exc) and wm -= dA e^((t_i - b)/tau_m) (V continuous at t_i). Around a
// refractory period, as in order: while the cell is open only the current is kept, and an input at
// or after the refractory end r closes it first. A cell already closed (by later input) when an
// input from before r arrives restarted at r without that input's current, which still adds
// dA e^(-(r - t_i)/tau_exc) to the synaptic term at r: the membrane term takes the opposite,
// -dA e^(-(r - t_i)/tau_exc) e^((r - b)/tau_m), so that V(r) stays V_reset.
void LifExpGroup::receive_late(std::size_t cell, const Time* times, std::size_t n, double weight,
                               std::size_t receptor) {
  SPINDLE_ASSERT(cell < size() && receptor == exc && weight >= 0.0);
  (void)receptor;
  LifExpCell& c = cell_[cell];
  const double dA = weight * k_exc_;
  if (n > 0 && !c.open && times[0] >= c.ref_end && times[n - 1] - c.b < grid_.period()) {
    // The usual case, tested once for the sorted times: no refractoriness, no rebase. The same
    // operations in the same order as the loop below, on the coefficients in registers.
    double we = c.we, wm = c.wm;
    for (std::size_t i = 0; i < n; ++i) {
      const Decay grow = decay(c.b - times[i]);
      we += dA * grow.e;
      wm -= dA * grow.m;
    }
    c.we = we;
    c.wm = wm;
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Time t = times[i];
    const bool refractory = t < c.ref_end;
    if (c.open && !refractory) close_refractory(cell, c.v_inf);
    if (t - c.b >= grid_.period()) rebase_slow(cell, grid_.base_of(t));
    const Decay grow = decay(c.b - t);
    c.we += dA * grow.e;
    if (!refractory)
      c.wm -= dA * grow.m;
    else if (!c.open)
      c.wm -= dA * decay(c.ref_end - t).e * decay(c.b - c.ref_end).m;
  }
}

// Headroom for lazy input (cell_model.hpp), from the envelope U of bound_from(): V - V_th <= U(s)
// = C + B exp(-s/tau_m) <= max(C, C + B) for all s >= 0 from the later of t and the refractory
// end (V = V_reset < V_th before). An excitatory input of w pA changes A_exc by dA = k_exc w and
// the membrane term by -dA: with a fast synapse (k_exc < 0) B grows by |dA|, with a slow one C
// grows by dA and C + B stays; landing while refractory, less (its current decays until the
// trajectory restarts). Later envelopes lie below earlier ones shifted in time. So inputs of
// total weight W raise max(C, C + B) by at most |k_exc| W, and while it stays below
// -1e-9 (scale + |max|) bound_from() still finds C <= 0 and C + B < -1e-12 scale: it answers
// never (what the kernel checks), and V stays below V_th. (|k_exc| w is above the peak of one
// PSP, 0.81 |dA| for tau_m / tau_syn = 20: the price of agreeing with bound_from().)
double LifExpGroup::safe_weight(std::size_t cell, Time t, std::size_t receptor) const {
  SPINDLE_ASSERT(cell < size() && receptor <= inh && t >= cell_[cell].t);
  if (receptor == inh) return std::numeric_limits<double>::infinity();  // can only delay
  if (cell_[cell].flags & pending_flag) return 0.0;
  const Time origin = std::max(t, cell_[cell].ref_end);
  const auto [C, B, scale] = majorant(cell, coefficients_at(cell, origin));
  const double top = std::max(C, C + B);
  const double room = -top - 1e-9 * (scale + std::abs(top));
  return room > 0.0 ? room / std::abs(k_exc_) : 0.0;
}

double LifExpGroup::probe(std::size_t cell, std::size_t var, Time t) const {
  SPINDLE_ASSERT(cell < size() && var <= I_inh && t >= cell_[cell].t);
  if (var == V_m && t < cell_[cell].ref_end) return V_reset_[cell];
  const Decay a = t < cell_[cell].ref_end ? Decay{0.0, cell_[cell].we, cell_[cell].wi}
                                          : coefficients_at(cell, t);
  const Decay f = t < cell_[cell].ref_end ? decay(t - cell_[cell].b) : Decay{1.0, 1.0, 1.0};
  if (var == I_exc) return a.e * f.e / k_exc_;
  if (var == I_inh) return a.i * f.i / k_inh_;
  return v_inf(cell) + a.m + a.e + a.i;
}

}  // namespace spindle::models
