// lif_exp: exact event-driven LIF with exponential postsynaptic currents (see the header).
//
// Between events, with V_inf = E_L + R (I_e + I_stim), R = tau_m / C_m, and the currents
// I_x(t) = I_x exp(-t / tau_x), the membrane potential is a sum of exponentials:
//   V(t) = V_inf + c_m exp(-t/tau_m) + A_exc exp(-t/tau_exc) + A_inh exp(-t/tau_inh),
//   A_x = I_x / (C_m d_x),  d_x = 1/tau_m - 1/tau_x,  c_m = V(0) - V_inf - A_exc - A_inh.
// V(t) - V_th has that form with constant V_inf - V_th, so first_crossing() (exp_sum_roots.hpp)
// gives the exact next crossing. State advances use the same solution written as propagators;
// the current-to-voltage one, (exp(-dt/tau_x) - exp(-dt/tau_m)) / (C_m d_x), is evaluated with
// expm1 when dt d_x is small so that no digits cancel.
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
//    U(t) < 0 until tau_m ln(-B / C). (In CUBA-like cells, driven above threshold by E_L, this
//    bound is the tight one.)
//    The result is shrunk by 1e-9 and rounded down to a tick, so that rounding cannot push it
//    past the crossing.
//  - check(): fires if the cell holds an exact prediction for exactly this tick with no input
//    since; otherwise it runs first_crossing() from the stored state and returns fire-now, the
//    exact crossing tick (then marked exact), or never.
#include "spindle/models/lif_exp.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "relations.hpp"
#include "spindle/error.hpp"
#include "spindle/models/exp_sum_roots.hpp"

namespace spindle::models {

namespace {

/// Below this |dt d_x| the current-to-voltage propagator uses expm1: es - em loses about
/// -log10(|dt d_x|) digits, so above it at most 2 of 16 are lost, and one exp call is saved.
constexpr double expm1_below = 0.01;

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
      t_ref_(Time::from_ms(p.t_ref)),
      d_exc_(1.0 / p.tau_m - 1.0 / p.tau_syn_exc),
      d_inh_(1.0 / p.tau_m - 1.0 / p.tau_syn_inh),
      V_(n, p.E_L),
      Ie_(n, 0.0),
      Ii_(n, 0.0),
      E_L_(n, p.E_L),
      V_th_(n, p.V_th),
      V_reset_(n, p.V_reset),
      I_e_(n, p.I_e) {
  SPINDLE_ASSERT(lif_exp_relations(p).empty());
  pow_exc_ = whole_ratio(p.tau_m, p.tau_syn_exc);
  pow_inh_ = whole_ratio(p.tau_m, p.tau_syn_inh);
}

void LifExpGroup::set_parameter(std::size_t cell, std::size_t param, double value) {
  // The kernel passes schema indices; look them up once rather than trust a hand-kept order.
  static const CellModelInfo info = lif_exp_model();
  static const auto E_L = static_cast<std::size_t>(info.parameter_index("E_L")),
                    V_reset = static_cast<std::size_t>(info.parameter_index("V_reset")),
                    V_th = static_cast<std::size_t>(info.parameter_index("V_th")),
                    I_e = static_cast<std::size_t>(info.parameter_index("I_e"));
  if (param == E_L) {
    if (t_[cell] == Time::zero() && V_[cell] == E_L_[cell]) V_[cell] = value;  // rest start
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
}

void LifExpGroup::set_state(std::size_t cell, std::size_t var, double value) {
  SPINDLE_ASSERT(cell < size() && var <= I_inh);
  switch (var) {
    case V_m:
      V_[cell] = value;
      break;
    case I_exc:
      Ie_[cell] = value;
      break;
    default:
      Ii_[cell] = value;
      break;
  }
}

// Free evolution (no refractoriness) of s from s.t to `to`.
void LifExpGroup::propagate(State& s, double v_inf, Time to) const noexcept {
  if (to <= s.t) return;
  const double dt = (to - s.t).to_ms();
  const double em = std::exp(-dt / p_.tau_m);
  const double ee = pow_exc_ ? power(em, pow_exc_) : std::exp(-dt / p_.tau_syn_exc);
  const double ei = pow_inh_                           ? power(em, pow_inh_)
                    : p_.tau_syn_inh == p_.tau_syn_exc ? ee
                                                       : std::exp(-dt / p_.tau_syn_inh);
  // Voltage response at dt to a unit current at 0: (es - em) / (C d), em = es exp(-dt d).
  const auto psc = [&](double es, double d) {
    const double x = dt * d;
    return std::abs(x) < expm1_below ? -es * std::expm1(-x) / (p_.C_m * d)
                                     : (es - em) / (p_.C_m * d);
  };
  s.V = v_inf + (s.V - v_inf) * em + s.I_exc * psc(ee, d_exc_) + s.I_inh * psc(ei, d_inh_);
  s.I_exc *= ee;
  s.I_inh *= ei;
  s.t = to;
}

// State at t >= t_ on the stored trajectory, refractoriness included.
LifExpGroup::State LifExpGroup::state_at(std::size_t c, Time t) const noexcept {
  State s{V_[c], Ie_[c], Ii_[c], t_[c]};
  if (t <= s.t) return s;
  const Time re = ref_end_[c];
  if (s.t < re) {  // refractory: currents decay, V stays at V_reset
    const Time stop = std::min(t, re);
    const double dt = (stop - s.t).to_ms();
    const double em = pow_exc_ || pow_inh_ ? std::exp(-dt / p_.tau_m) : 0.0;
    s.I_exc *= pow_exc_ ? power(em, pow_exc_) : std::exp(-dt / p_.tau_syn_exc);
    s.I_inh *= pow_inh_ ? power(em, pow_inh_) : std::exp(-dt / p_.tau_syn_inh);
    s.V = V_reset_[c];
    s.t = stop;
    if (t <= re) return s;
  }
  propagate(s, v_inf(c), t);
  return s;
}

void LifExpGroup::advance(std::size_t c, Time t) {
  SPINDLE_ASSERT(t >= t_[c]);
  const State s = state_at(c, t);
  V_[c] = s.V;
  Ie_[c] = s.I_exc;
  Ii_[c] = s.I_inh;
  t_[c] = t;
}

// Exact next crossing of the stored trajectory: a tick >= the later of t_ and the refractory
// end, or never.
Time LifExpGroup::next_crossing(std::size_t c) const {
  const Time origin = std::max(t_[c], ref_end_[c]);
  const State s = state_at(c, origin);
  if (s.V >= V_th_[c]) return origin;
  const double vi = v_inf(c);
  const double a_exc = s.I_exc / (p_.C_m * d_exc_);
  const double a_inh = s.I_inh / (p_.C_m * d_inh_);
  const std::array<ExpTerm, 3> terms{
      {{s.V - vi - a_exc - a_inh, p_.tau_m}, {a_exc, p_.tau_syn_exc}, {a_inh, p_.tau_syn_inh}}};
  const double dt = first_crossing(vi - V_th_[c], terms);
  if (!(dt < max_time_ms - origin.to_ms())) return Time::never();
  return origin + Time::ceil_ms(dt);
}

// Lower bound of the next crossing without a root search (proof in the file comment).
Time LifExpGroup::cheap_bound(std::size_t c) const noexcept {
  return bound_at(c, t_[c]);
}

Time LifExpGroup::bound_at(std::size_t c, Time from) const noexcept {
  const Time origin = std::max(from, ref_end_[c]);
  const State s = state_at(c, origin);
  if (s.V >= V_th_[c]) return origin;
  const double vi = v_inf(c);
  const double a_exc = s.I_exc / (p_.C_m * d_exc_);
  const double a_inh = s.I_inh / (p_.C_m * d_inh_);
  const double c_m = s.V - vi - a_exc - a_inh;
  const double scale = std::abs(vi - V_th_[c]) + std::abs(c_m) + std::abs(a_exc) + std::abs(a_inh);
  // Envelope U(t) = C + B exp(-t/tau_m) >= V(t) - V_th.
  double C = vi - V_th_[c], B = c_m;
  for (const auto& [a, tau] :
       {std::pair{a_exc, p_.tau_syn_exc}, std::pair{a_inh, p_.tau_syn_inh}}) {
    if (tau < p_.tau_m ? a > 0.0 : a < 0.0)
      B += a;
    else if (tau > p_.tau_m && a > 0.0)
      C += a;
  }
  double lower = 0.0;  // [ms] from origin
  if (C + B < -1e-12 * scale) {
    if (!(C > 0.0)) return Time::never();  // U < 0 for all t >= 0
    lower = p_.tau_m * std::log(-B / C);
  }
  const double slope = std::max(-c_m / p_.tau_m, 0.0) + std::max(-a_exc / p_.tau_syn_exc, 0.0) +
                       std::max(-a_inh / p_.tau_syn_inh, 0.0);
  if (!(slope > 0.0)) return Time::never();  // V never rises
  const double dt = std::max(lower, (V_th_[c] - s.V) / slope) * (1.0 - 1e-9);
  if (!(dt < max_time_ms - origin.to_ms())) return Time::never();
  return origin + Time::from_ticks(static_cast<std::int64_t>(
                      std::floor(dt * static_cast<double>(Time::ticks_per_ms))));
}

void LifExpGroup::fire(std::size_t c, Time t) {
  advance(c, t);
  V_[c] = V_reset_[c];
  ref_end_[c] = t + t_ref_;
}

Time LifExpGroup::receive(std::size_t cell, Time t, double weight, std::size_t receptor) {
  SPINDLE_ASSERT(cell < size() && receptor <= inh && t >= t_[cell]);
  SPINDLE_ASSERT(receptor == exc ? weight >= 0.0 : weight <= 0.0);
  const bool pending = settle(cell, t);
  advance(cell, t);
  if (receptor == exc)
    Ie_[cell] += weight;
  else
    Ii_[cell] += weight;
  if (pending) return t;
  flags_[cell] = 0;
  if (receptor == inh) return keep_prediction;  // can only delay the crossing
  pred_[cell] = cheap_bound(cell);
  if (pred_[cell].is_never()) flags_[cell] = exact_flag;
  return pred_[cell];
}

double LifExpGroup::probe(std::size_t cell, std::size_t var, Time t) const {
  SPINDLE_ASSERT(cell < size() && var <= I_inh && t >= t_[cell]);
  const State s = state_at(cell, t);
  return var == V_m ? s.V : var == I_exc ? s.I_exc : s.I_inh;
}

}  // namespace spindle::models
