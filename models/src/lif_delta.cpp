// lif_delta: exact event-driven LIF with voltage jumps (see the header for the model).
//
// Per cell the group stores V at time t_ and the end of the refractory period. Between events
// V relaxes exponentially to V_inf = E_L + R (I_e + I_stim), so the next threshold crossing is
// closed-form: from V0 < V_th, with V_inf > V_th,
//   t* = tau_m ln((V_inf - V0) / (V_inf - V_th)) = tau_m log1p((V_th - V0) / (V_inf - V_th)),
// and never if V_inf <= V_th. Every answer to the kernel is therefore exact, except after an
// inhibitory input: that can only lower V at all later times (V' - V = w exp(-(s - t)/tau_m) < 0),
// so the old prediction stays a valid lower bound and the model answers keep_prediction.
//
// Flags per cell: `exact` (pred_ is the crossing itself, not only a bound, for the trajectory
// since the last input) and `pending` (a crossing inside the current tick was found while an
// input of that tick was being delivered; the reset is already applied and the kernel's check
// at this tick reports the spike).
#include "spindle/models/lif_delta.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "relations.hpp"
#include "spindle/error.hpp"

namespace spindle::models {

namespace {}  // namespace

LifDeltaParams LifDeltaParams::from(const ParameterValues& v) {
  LifDeltaParams p;
  p.C_m = v["C_m"];
  p.tau_m = v["tau_m"];
  p.E_L = v["E_L"];
  p.V_th = v["V_th"];
  p.V_reset = v["V_reset"];
  p.t_ref = v["t_ref"];
  p.I_e = v["I_e"];
  return p;
}

std::string lif_delta_relations(const LifDeltaParams& p) {
  if (auto m = reset_below_threshold(p.V_reset, p.V_th); !m.empty()) return m;
  if (auto m = refractory_fits(p.t_ref); !m.empty()) return m;
  return {};
}

CellModelInfo lif_delta_model() {
  CellModelInfo m;
  m.name = "lif_delta";
  m.summary =
      "leaky integrate-and-fire with voltage-jump synapses, exact event-driven integration "
      "(Brette et al. 2007, benchmark 4)";
  m.parameters = {
      param_positive("C_m", Unit::pF, 250.0, "membrane capacitance"),
      param_positive("tau_m", Unit::ms, 10.0, "membrane time constant"),
      param_any("E_L", Unit::mV, -65.0, "resting potential"),
      param_any("V_th", Unit::mV, -50.0, "spike threshold"),
      param_any("V_reset", Unit::mV, -65.0, "potential after a spike (below V_th)"),
      param_nonnegative("t_ref", Unit::ms, 2.0,
                        "absolute refractory period; inputs arriving during it are discarded"),
      param_any("I_e", Unit::pA, 0.0, "constant bias current"),
  };
  m.receptors = {
      {"exc", Unit::mV, +1, "excitatory input: V jumps up by the weight"},
      {"inh", Unit::mV, -1, "inhibitory input: V jumps down by the weight"},
  };
  m.state = {{"V_m", Unit::mV, "membrane potential"}};
  m.per_cell_parameters = {"E_L", "V_th", "V_reset", "I_e"};
  m.check_relations = [](const ParameterValues& v) {
    return lif_delta_relations(LifDeltaParams::from(v));
  };
  m.make = [](const ParameterValues& v, std::size_t n) -> std::unique_ptr<CellGroup> {
    return std::make_unique<LifDeltaGroup>(LifDeltaParams::from(v), n);
  };
  return m;
}

LifDeltaGroup::LifDeltaGroup(const LifDeltaParams& p, std::size_t n)
    : ExactCellGroup(n),
      p_(p),
      R_(p.tau_m / p.C_m),
      t_ref_(Time::from_ms(p.t_ref)),
      V_(n, p.E_L),
      E_L_(n, p.E_L),
      V_th_(n, p.V_th),
      V_reset_(n, p.V_reset),
      I_e_(n, p.I_e) {
  SPINDLE_ASSERT(lif_delta_relations(p).empty());
}

void LifDeltaGroup::set_parameter(std::size_t cell, std::size_t param, double value) {
  // The kernel passes schema indices; look them up once rather than trust a hand-kept order.
  static const CellModelInfo info = lif_delta_model();
  static const auto E_L = static_cast<std::size_t>(info.parameter_index("E_L")),
                    V_th = static_cast<std::size_t>(info.parameter_index("V_th")),
                    V_reset = static_cast<std::size_t>(info.parameter_index("V_reset")),
                    I_e = static_cast<std::size_t>(info.parameter_index("I_e"));
  if (param == E_L) {
    if (t_[cell] == Time::zero() && V_[cell] == E_L_[cell]) V_[cell] = value;  // rest start
    E_L_[cell] = value;
  } else if (param == V_th) {
    V_th_[cell] = value;
  } else if (param == V_reset) {
    V_reset_[cell] = value;
  } else if (param == I_e) {
    I_e_[cell] = value;
  } else {
    throw InternalError("lif_delta: parameter index " + std::to_string(param) + " is not per-cell");
  }
}

void LifDeltaGroup::set_state(std::size_t cell, std::size_t var, double value) {
  SPINDLE_ASSERT(cell < size() && var == V_m);
  (void)var;
  V_[cell] = value;
}

// V at t >= t_, on the stored state (refractoriness included).
double LifDeltaGroup::value_at(std::size_t c, Time t) const noexcept {
  // While refractory V_ holds V_reset; the free trajectory starts at the later of t_, ref_end_.
  if (t <= ref_end_[c] || t == t_[c]) return V_[c];
  const Time origin = std::max(t_[c], ref_end_[c]);
  const double vi = v_inf(c);
  return vi + (V_[c] - vi) * std::exp(-(t - origin).to_ms() / p_.tau_m);
}

void LifDeltaGroup::advance(std::size_t c, Time t) {
  SPINDLE_ASSERT(t >= t_[c]);
  V_[c] = value_at(c, t);
  t_[c] = t;
}

// Exact next crossing of the stored trajectory: a tick >= the later of t_ and the refractory
// end, or never.
Time LifDeltaGroup::next_crossing(std::size_t c) const noexcept {
  const Time origin = std::max(t_[c], ref_end_[c]);
  const double v0 = V_[c];  // V at origin: V_reset while refractory, else the stored value
  if (v0 >= V_th_[c]) return origin;
  const double vi = v_inf(c);
  if (!(vi > V_th_[c])) return Time::never();
  const double dt = p_.tau_m * std::log1p((V_th_[c] - v0) / (vi - V_th_[c]));
  if (!(dt < max_time_ms - origin.to_ms())) return Time::never();
  return origin + Time::ceil_ms(dt);
}

void LifDeltaGroup::fire(std::size_t c, Time t) {
  V_[c] = V_reset_[c];
  t_[c] = t;
  ref_end_[c] = t + t_ref_;
}

Time LifDeltaGroup::receive(std::size_t cell, Time t, double weight, std::size_t receptor) {
  SPINDLE_ASSERT(cell < size() && receptor <= inh && t >= t_[cell]);
  SPINDLE_ASSERT(receptor == exc ? weight >= 0.0 : weight <= 0.0);
  const bool pending = settle(cell, t);
  if (t < ref_end_[cell]) return pending ? t : keep_prediction;  // refractory: discarded
  advance(cell, t);
  V_[cell] += weight;
  if (V_[cell] >= V_th_[cell]) {
    // Fires at t, after the other inputs of this tick (the check at t sums them all).
    flags_[cell] = (flags_[cell] & pending_flag) | exact_flag;
    pred_[cell] = t;
    return t;
  }
  if (pending) return t;
  if (receptor == inh) {
    // V only went down: the stored prediction is still a lower bound, but no longer exact.
    flags_[cell] = 0;
    return keep_prediction;
  }
  flags_[cell] = exact_flag;
  pred_[cell] = next_crossing(cell);
  return pred_[cell];
}

double LifDeltaGroup::probe(std::size_t cell, std::size_t var, Time t) const {
  SPINDLE_ASSERT(cell < size() && var == V_m && t >= t_[cell]);
  (void)var;
  return value_at(cell, t);
}

}  // namespace spindle::models
