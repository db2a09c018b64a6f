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
//    U(t) < 0 until tau_m ln(-B / C), taken with a lower bound of ln that is within 5e-6 of it
//    and costs a few multiplications (log_lower_bound). (In CUBA-like cells, driven above
//    threshold by E_L, this bound is the tight one.)
//    The result is shrunk by 1e-9 and rounded down to a tick, so that rounding cannot push it
//    past the crossing.
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

namespace spindle::models {

namespace {

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

/// tau_m / tau_syn if it is a whole number in 1..8 (to 1e-12), else 0.
int whole_ratio(double tau_m, double tau_syn) {
  const double r = tau_m / tau_syn;
  const double k = std::round(r);
  return (k >= 1 && k <= 8 && std::abs(r - k) <= 1e-12 * k) ? static_cast<int>(k) : 0;
}

/// x^k for small k by repeated multiplication.
double power(double x, int k) noexcept {
  double y = x;
  for (int i = 1; i < k; ++i)
    y *= x;
  return y;
}

/// A lower bound of ln(y) for y >= 1, below it by at most 3e-6: a few multiplications instead of
/// a log call, for the envelope bound, which only needs to be a lower bound. With y = 2^k m,
/// m in [1/sqrt 2, sqrt 2), ln y = k ln 2 + 2 atanh(z), z = (m - 1) / (m + 1), |z| <= 0.1716, and
/// 2 atanh(z) = 2 (z + z^3/3 + z^5/5) + R with |R| <= 2 |z|^7 / (7 (1 - z^2)) < 1.4e-6; subtracting
/// 3e-6 covers R and the rounding of the terms (each ~1e-16 of values below 710); so the result
/// is 1.7e-6 to 4.3e-6 below ln y (checked against std::log over 2e7 draws), or 0 near y = 1.
double log_lower_bound(double y) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(y);
  auto k = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  double m = std::bit_cast<double>((bits & 0x000f'ffff'ffff'ffffULL) | 0x3ff0'0000'0000'0000ULL);
  if (m > std::numbers::sqrt2) {
    m *= 0.5;
    ++k;
  }
  const double z = (m - 1.0) / (m + 1.0), z2 = z * z;
  const double ln = k * std::numbers::ln2 + 2.0 * z * (1.0 + z2 * (1.0 / 3.0 + z2 * 0.2)) - 3e-6;
  return std::max(ln, 0.0);
}

}  // namespace

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
      t_ref_(Time::from_ms(p.t_ref)),
      d_exc_(1.0 / p.tau_m - 1.0 / p.tau_syn_exc),
      d_inh_(1.0 / p.tau_m - 1.0 / p.tau_syn_inh),
      k_exc_(1.0 / (p.C_m * d_exc_)),
      k_inh_(1.0 / (p.C_m * d_inh_)),
      rebase_period_(Time::from_ms(16.0 * std::min({p.tau_m, p.tau_syn_exc, p.tau_syn_inh}))),
      wm_(n, -R_ * p.I_e),
      we_(n, 0.0),
      wi_(n, 0.0),
      b_(n, Time::zero()),
      open_(n, 0),
      E_L_(n, p.E_L),
      V_th_(n, p.V_th),
      V_reset_(n, p.V_reset),
      I_e_(n, p.I_e) {
  SPINDLE_ASSERT(lif_exp_relations(p).empty());
  pow_exc_ = whole_ratio(p.tau_m, p.tau_syn_exc);
  pow_inh_ = whole_ratio(p.tau_m, p.tau_syn_inh);
  envelope_.exc_fast = p.tau_syn_exc < p.tau_m;
  envelope_.exc_slow = p.tau_syn_exc > p.tau_m;
  envelope_.inh_fast = p.tau_syn_inh < p.tau_m;
  envelope_.inh_slow = p.tau_syn_inh > p.tau_m;
  envelope_.rate_m = 1.0 / p.tau_m;
  envelope_.rate_exc = 1.0 / p.tau_syn_exc;
  envelope_.rate_inh = 1.0 / p.tau_syn_inh;
  if (rebase_period_ < Time::from_ticks(1)) rebase_period_ = Time::from_ticks(1);
}

LifExpGroup::Decay LifExpGroup::decay(double dt_ms) const noexcept {
  const double m = std::exp(-dt_ms / p_.tau_m);
  const double e = pow_exc_ ? power(m, pow_exc_) : std::exp(-dt_ms / p_.tau_syn_exc);
  const double i = pow_inh_                           ? power(m, pow_inh_)
                   : p_.tau_syn_inh == p_.tau_syn_exc ? e
                                                      : std::exp(-dt_ms / p_.tau_syn_inh);
  return {m, e, i};
}

LifExpGroup::Batch LifExpGroup::batch_at(Time t) const noexcept {
  Batch b{t, grid_base(t), {}, {}};
  b.grow = decay(-(t - b.base).to_ms());
  b.at = {1.0 / b.grow.m, 1.0 / b.grow.e, 1.0 / b.grow.i};
  return b;
}

// Moves cell c's base to b: a change of representation only, the trajectory is unchanged.
void LifExpGroup::rebase_slow(std::size_t c, Time b) noexcept {
  const Decay f = decay((b - b_[c]).to_ms());
  wm_[c] *= f.m;
  we_[c] *= f.e;
  wi_[c] *= f.i;
  b_[c] = b;
}

LifExpGroup::Decay LifExpGroup::coefficients_at(std::size_t c, Time origin) const noexcept {
  if (!open_[c]) {
    if (origin == b_[c]) return {wm_[c], we_[c], wi_[c]};
    const Decay f = decay((origin - b_[c]).to_ms());
    return {wm_[c] * f.m, we_[c] * f.e, wi_[c] * f.i};
  }
  // Open refractory period (origin >= ref_end_): the trajectory restarts at V_reset there.
  const Decay a = restart_coefficients(c, v_inf(c));
  if (origin == cell_[c].ref_end) return a;
  const Decay g = decay((origin - cell_[c].ref_end).to_ms());
  return {a.m * g.m, a.e * g.e, a.i * g.i};
}

LifExpGroup::Decay LifExpGroup::restart_coefficients(std::size_t c, double vi) const noexcept {
  const Decay f = decay((cell_[c].ref_end - b_[c]).to_ms());
  const double e = we_[c] * f.e, i = wi_[c] * f.i;
  return {V_reset_[c] - vi - e - i, e, i};
}

void LifExpGroup::close_refractory(std::size_t c, double vi) noexcept {
  const Decay a = restart_coefficients(c, vi);
  wm_[c] = a.m;
  we_[c] = a.e;
  wi_[c] = a.i;
  b_[c] = cell_[c].ref_end;
  open_[c] = 0;
}

void LifExpGroup::set_trajectory(std::size_t c, double V, double Ie, double Ii) noexcept {
  b_[c] = cell_[c].t;
  open_[c] = 0;
  we_[c] = Ie * k_exc_;
  wi_[c] = Ii * k_inh_;
  wm_[c] = V - v_inf(c) - we_[c] - wi_[c];
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
    V_th_[cell] = value;
  } else if (param == I_e) {
    I_e_[cell] = value;
  } else {
    throw InternalError("lif_exp: parameter index " + std::to_string(param) + " is not per-cell");
  }
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
  const Time t = cell_[c].t;
  if (open_[c] && t < cell_[c].ref_end) return;  // V restarts at V_reset, from the new V_inf
  // The old V_inf held from the refractory end to t.
  if (open_[c]) close_refractory(c, v_inf(c) - R_ * (I_stim_[c] - old_current));
  // V_inf moved by R dI at t: the membrane term takes the opposite jump, so V stays continuous.
  const Batch batch = batch_at(t);
  rebase(c, batch.base);
  wm_[c] -= R_ * (I_stim_[c] - old_current) * batch.grow.m;
}

// Exact next crossing of the stored trajectory: a tick >= the later of t_ and the refractory
// end, or never.
Time LifExpGroup::next_crossing(std::size_t c) const {
  const Time origin = std::max(cell_[c].t, cell_[c].ref_end);
  const Decay a = coefficients_at(c, origin);
  const double vi = v_inf(c);
  if (vi + a.m + a.e + a.i >= V_th_[c]) return origin;
  const std::array<ExpTerm, 3> terms{
      {{a.m, p_.tau_m}, {a.e, p_.tau_syn_exc}, {a.i, p_.tau_syn_inh}}};
  const double dt = first_crossing(vi - V_th_[c], terms);
  if (!(dt < max_time_ms - origin.to_ms())) return Time::never();
  return origin + Time::ceil_ms(dt);
}

Time LifExpGroup::bound_at(std::size_t c, Time from) const noexcept {
  const Time origin = std::max(from, cell_[c].ref_end);
  return bound_from(c, origin, coefficients_at(c, origin));
}

// inline: used only in this file, on the hot path of every excitatory input.
inline LifExpGroup::Majorant LifExpGroup::majorant(std::size_t c, const Decay& a) const noexcept {
  // Envelope U(t) = C + B exp(-t/tau_m) >= V(t) - V_th: a fast term counts in B when positive,
  // a slow one in B when negative and in C when positive (classified once, in envelope_).
  const auto fast = [](double x) { return std::max(x, 0.0); };
  const auto slow_b = [](double x) { return std::min(x, 0.0); };
  const double vi = v_inf(c);
  const double B = a.m +
                   (envelope_.exc_fast   ? fast(a.e)
                    : envelope_.exc_slow ? slow_b(a.e)
                                         : 0.0) +
                   (envelope_.inh_fast   ? fast(a.i)
                    : envelope_.inh_slow ? slow_b(a.i)
                                         : 0.0);
  const double C = vi - V_th_[c] + (envelope_.exc_slow ? fast(a.e) : 0.0) +
                   (envelope_.inh_slow ? fast(a.i) : 0.0);
  const double scale = std::abs(vi - V_th_[c]) + std::abs(a.m) + std::abs(a.e) + std::abs(a.i);
  return {C, B, scale};
}

// Lower bound of the next crossing without a root search (proof in the file comment).
Time LifExpGroup::bound_from(std::size_t c, Time origin, const Decay& a) const noexcept {
  const double V = v_inf(c) + a.m + a.e + a.i;
  if (V >= V_th_[c]) return origin;
  const auto [C, B, scale] = majorant(c, a);
  double lower = 0.0;  // [ms] from origin
  if (C + B < -1e-12 * scale) {
    if (!(C > 0.0)) return Time::never();        // U < 0 for all t >= 0
    lower = p_.tau_m * log_lower_bound(-B / C);  // -B / C > 1
  }
  const double slope = std::max(-a.m * envelope_.rate_m, 0.0) +
                       std::max(-a.e * envelope_.rate_exc, 0.0) +
                       std::max(-a.i * envelope_.rate_inh, 0.0);
  if (!(slope > 0.0)) return Time::never();  // V never rises
  const double dt = std::max(lower, (V_th_[c] - V) / slope) * (1.0 - 1e-9);
  if (!(dt < max_time_ms - origin.to_ms())) return Time::never();
  return origin + Time::from_ticks(static_cast<std::int64_t>(
                      std::floor(dt * static_cast<double>(Time::ticks_per_ms))));
}

void LifExpGroup::fire(std::size_t c, Time t) {
  // The currents go on; the membrane term is set when the refractory period is closed.
  cell_[c].t = t;
  cell_[c].ref_end = t + t_ref_;
  open_[c] = 1;
}

Time LifExpGroup::receive(std::size_t cell, Time t, double weight, std::size_t receptor) {
  return receive_scaled(cell, t, weight, receptor, batch_at(t));
}

void LifExpGroup::receive_batch(Time t, std::size_t receptor, const std::uint32_t* cells,
                                std::size_t n, std::uint32_t index_offset, const float* weights,
                                double weight, Time* out) {
  const Batch batch = batch_at(t);  // one set of exps for the whole batch
  for (std::size_t i = 0; i < n; ++i)
    out[i] =
        receive_scaled(cells[i] + index_offset, t, weights ? weights[i] : weight, receptor, batch);
}

Time LifExpGroup::receive_scaled(std::size_t c, Time t, double weight, std::size_t receptor,
                                 const Batch& batch) {
  SPINDLE_ASSERT(c < size() && receptor <= inh && t >= cell_[c].t);
  SPINDLE_ASSERT(receptor == exc ? weight >= 0.0 : weight <= 0.0);
  const bool pending = settle(c, t);
  cell_[c].t = t;
  const bool is_exc = receptor == exc;
  const bool refractory = t < cell_[c].ref_end;
  if (open_[c] && !refractory) close_refractory(c, v_inf(c));
  rebase(c, batch.base);
  // The current jumps by `weight`: its voltage coefficient by dA at t, and the membrane term by
  // -dA, so that V stays continuous (while refractory, w_m is set when the period is closed).
  const double dA = weight * (is_exc ? k_exc_ : k_inh_);
  (is_exc ? we_[c] : wi_[c]) += dA * (is_exc ? batch.grow.e : batch.grow.i);
  if (!refractory) wm_[c] -= dA * batch.grow.m;
  if (pending) return t;
  cell_[c].flags = 0;
  if (!is_exc) return keep_prediction;  // can only delay the crossing
  if (refractory) {
    cell_[c].pred = bound_at(c, t);
  } else {
    const Decay a{wm_[c] * batch.at.m, we_[c] * batch.at.e, wi_[c] * batch.at.i};
    cell_[c].pred = bound_from(c, t, a);
  }
  if (cell_[c].pred.is_never()) cell_[c].flags = exact_flag;
  return cell_[c].pred;
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
  const Decay a =
      t < cell_[cell].ref_end ? Decay{0.0, we_[cell], wi_[cell]} : coefficients_at(cell, t);
  const Decay f = t < cell_[cell].ref_end ? decay((t - b_[cell]).to_ms()) : Decay{1.0, 1.0, 1.0};
  if (var == I_exc) return a.e * f.e / k_exc_;
  if (var == I_inh) return a.i * f.i / k_inh_;
  return v_inf(cell) + a.m + a.e + a.i;
}

}  // namespace spindle::models
