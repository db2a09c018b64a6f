// lif_delta: exact event-driven LIF with voltage jumps (see the header for the model).
//
// Per cell the group stores V at its time cell_[c].t and the end of the refractory period. Between
// events V relaxes exponentially to V_inf = E_L + R (I_e + I_stim), so the next threshold crossing
// is closed-form: from V0 < V_th, with V_inf > V_th,
//   t* = tau_m ln((V_inf - V0) / (V_inf - V_th)) = tau_m log1p((V_th - V0) / (V_inf - V_th)),
// and never if V_inf <= V_th. After an excitatory input the model answers a cheap lower bound
// instead, V(t + s) <= V + (V_inf - V) s / tau_m, and computes the exact crossing only when the
// kernel reaches that bound (most bounds are overtaken by the next input). After an inhibitory
// input V is lower at all later times (V' - V = w exp(-(s - t)/tau_m) < 0), so the old
// prediction stays a valid lower bound and the model answers keep_prediction.
//
// State: V - V_inf scaled by exp((t - b)/tau_m) against a base time b on a grid (see
// grid_), so that all inputs of one presynaptic spike share one exp (receive_batch). Every exp of
// the trajectory is fast_exp (inline), so that the in-order and the late (lazy) paths agree.
//
// Flags per cell: `exact` (pred is the crossing itself, not only a bound, for the trajectory
// since the last input) and `pending` (a crossing inside the current tick was found while an
// input of that tick was being delivered; the reset is already applied and the kernel's check
// at this tick reports the spike).
#include "spindle/models/lif_delta.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include <fmt/format.h>

#include "relations.hpp"
#include "spindle/error.hpp"
#include "spindle/models/fast_exp.hpp"

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
      per_tick_(1.0 / (p.tau_m * static_cast<double>(Time::ticks_per_ms))),
      t_ref_(Time::from_ms(p.t_ref)),
      grid_(Time::from_ms(16.0 * p.tau_m)),
      E_L_(n, p.E_L),
      V_reset_(n, p.V_reset),
      I_e_(n, p.I_e) {
  SPINDLE_ASSERT(lif_delta_relations(p).empty());
  for (std::size_t c = 0; c < n; ++c) {
    cell_[c].w = -R_ * p.I_e;
    cell_[c].V_th = p.V_th;
    update_v_inf(c);
  }
}

void LifDeltaGroup::set_parameter(std::size_t cell, std::size_t param, double value) {
  // The kernel passes schema indices; look them up once rather than trust a hand-kept order.
  static const CellModelInfo info = lif_delta_model();
  static const auto E_L = static_cast<std::size_t>(info.parameter_index("E_L")),
                    V_th = static_cast<std::size_t>(info.parameter_index("V_th")),
                    V_reset = static_cast<std::size_t>(info.parameter_index("V_reset")),
                    I_e = static_cast<std::size_t>(info.parameter_index("I_e"));
  // Before the run (b = 0): keep V, or let a cell starting at rest follow its new E_L.
  const double V = value_at(cell, Time::zero());
  const bool at_rest = V == E_L_[cell];
  if (param == E_L) {
    E_L_[cell] = value;
  } else if (param == V_th) {
    cell_[cell].V_th = value;
  } else if (param == V_reset) {
    V_reset_[cell] = value;
  } else if (param == I_e) {
    I_e_[cell] = value;
  } else {
    throw InternalError("lif_delta: parameter index " + std::to_string(param) + " is not per-cell");
  }
  update_v_inf(cell);
  cell_[cell].w = (at_rest ? E_L_[cell] : V) - v_inf(cell);
}

void LifDeltaGroup::set_state(std::size_t cell, std::size_t var, double value) {
  SPINDLE_ASSERT(cell < size() && var == V_m);
  (void)var;
  cell_[cell].w = value - v_inf(cell);
  cell_[cell].b = Time::zero();
}

// Moves cell c's base to b (a change of representation only: V is unchanged).
void LifDeltaGroup::rebase_slow(std::size_t c, Time b) noexcept {
  cell_[c].w *= fast_exp(-in_tau(b - cell_[c].b));
  cell_[c].b = b;
}

// V at t >= cell_[c].t, on the stored state (refractoriness included).
double LifDeltaGroup::value_at(std::size_t c, Time t) const noexcept {
  if (t < cell_[c].ref_end) return V_reset_[c];
  const double vi = v_inf(c);
  return t == cell_[c].b ? vi + cell_[c].w : vi + cell_[c].w * fast_exp(-in_tau(t - cell_[c].b));
}

void LifDeltaGroup::advance(std::size_t c, Time t) {
  SPINDLE_ASSERT(t >= cell_[c].t);
  if (t >= cell_[c].ref_end) {
    cell_[c].w = value_at(c, t) - v_inf(c);
    cell_[c].b = t;
  }
  cell_[c].t = t;
}

void LifDeltaGroup::on_current_change(std::size_t c, double old_current) noexcept {
  // After advance() w is V - V_inf at b (factor 1), also while refractory (V_reset at the
  // refractory end), so the jump of V_inf moves w by the opposite amount.
  cell_[c].w -= R_ * (I_stim_[c] - old_current);
  update_v_inf(c);
}

// Exact next crossing of the stored trajectory: a tick >= the later of cell_[c].t and the
// refractory end, or never.
Time LifDeltaGroup::next_crossing(std::size_t c) const noexcept {
  const Time origin = std::max(cell_[c].t, cell_[c].ref_end);
  const double vi = v_inf(c);
  if (vi <= cell_[c].V_th && cell_[c].w <= 0.0)
    return Time::never();  // V stays below V_inf <= V_th
  const double v0 = value_at(c, origin);
  if (v0 >= cell_[c].V_th) return origin;
  if (!(vi > cell_[c].V_th)) return Time::never();
  const double dt = p_.tau_m * std::log1p((cell_[c].V_th - v0) / (vi - cell_[c].V_th));
  if (!(dt < max_time_ms - origin.to_ms())) return Time::never();
  return origin + Time::ceil_ms(dt);
}

void LifDeltaGroup::fire(std::size_t c, Time t) {
  cell_[c].t = t;
  cell_[c].ref_end = t + t_ref_;
  cell_[c].b = cell_[c].ref_end;
  cell_[c].w = V_reset_[c] - v_inf(c);
}

// Inlined into receive() and receive_batch(): the per-synapse path has no call of its own.
[[gnu::always_inline]] inline Time LifDeltaGroup::receive_scaled(std::size_t cell, Time t,
                                                                 double weight,
                                                                 std::size_t receptor, Time base,
                                                                 double grow, double shrink) {
  SPINDLE_ASSERT(cell < size() && receptor <= inh && t >= cell_[cell].t);
  SPINDLE_ASSERT(receptor == exc ? weight >= 0.0 : weight <= 0.0);
  const bool pending = settle(cell, t);
  if (t < cell_[cell].ref_end) return pending ? t : keep_prediction;  // refractory: discarded
  rebase(cell, base);
  cell_[cell].w += weight * grow;
  cell_[cell].t = t;
  const double vi = v_inf(cell);
  const double v = vi + cell_[cell].w * shrink;
  if (v >= cell_[cell].V_th) {
    // Fires at t, after the other inputs of this tick (the check at t sums them all).
    cell_[cell].flags = (cell_[cell].flags & pending_flag) | exact_flag;
    cell_[cell].pred = t;
    return t;
  }
  if (pending) return t;
  if (receptor == inh) {
    // V only went down: the stored prediction is still a lower bound, but no longer exact.
    cell_[cell].flags = 0;
    return keep_prediction;
  }
  if (!(vi > cell_[cell].V_th)) {  // V relaxes from below V_th towards V_inf <= V_th
    cell_[cell].flags = exact_flag;
    cell_[cell].pred = Time::never();
    return cell_[cell].pred;
  }
  // Cheap lower bound: V(t + s) <= v + (V_inf - v) s / tau_m, since 1 - exp(-x) <= x; the
  // exact crossing is computed only if the kernel reaches this bound.
  cell_[cell].flags = 0;
  const double s = p_.tau_m * (cell_[cell].V_th - v) / (vi - v) * (1.0 - 1e-9);
  cell_[cell].pred = s < max_time_ms - t.to_ms()
                         ? t + Time::from_ticks(static_cast<std::int64_t>(
                                   std::floor(s * static_cast<double>(Time::ticks_per_ms))))
                         : Time::never();
  return cell_[cell].pred;
}

Time LifDeltaGroup::receive(std::size_t cell, Time t, double weight, std::size_t receptor) {
  const Time base = grid_.base_of(t);
  const double grow = fast_exp(in_tau(t - base));
  return receive_scaled(cell, t, weight, receptor, base, grow, 1.0 / grow);
}

void LifDeltaGroup::receive_series(std::size_t cell, const Time* times, std::size_t n,
                                   double weight, std::size_t receptor, Time* out) {
  Time base = Time::never();  // the grid base of the inputs so far; found again when they pass it
  for (std::size_t i = 0; i < n; ++i) {
    const Time t = times[i];
    if (t < base || t - base >= grid_.period()) base = grid_.base_of(t);
    const double grow = fast_exp(in_tau(t - base));
    out[i] = receive_scaled(cell, t, weight, receptor, base, grow, 1.0 / grow);
  }
}

// A jump J at t_i adds J exp((t_i - b)/tau_m) to w whenever it is applied: the state is linear in
// the jumps, so only refractoriness (a jump before ref_end is dropped) depends on the order, and
// the kernel never defers a jump across a spike. The base is moved only when the factor would
// pass e^16 (a cell whose base lags far behind).
void LifDeltaGroup::receive_late(std::size_t cell, const Time* times, std::size_t n, double weight,
                                 std::size_t receptor) {
  SPINDLE_ASSERT(cell < size() && receptor == exc);
  (void)receptor;
  LifDeltaCell& c = cell_[cell];
  if (n > 0 && times[0] >= c.ref_end && times[n - 1] - c.b < grid_.period()) {
    // The usual case, tested once for the sorted times: no jump dropped, no rebase. The same
    // sums in the same order as the loop below, with w in a register.
    double w = c.w;
    for (std::size_t i = 0; i < n; ++i)
      w += weight * fast_exp(in_tau(times[i] - c.b));
    c.w = w;
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Time t = times[i];
    if (t < c.ref_end) continue;
    if (t - c.b >= grid_.period()) rebase_slow(cell, grid_.base_of(t));
    c.w += weight * fast_exp(in_tau(t - c.b));
  }
}

void LifDeltaGroup::receive_batch(Time t, std::size_t receptor, const std::uint32_t* cells,
                                  std::size_t n, std::uint32_t index_offset, const float* weights,
                                  double weight, Time* out) {
  const Time base = grid_.base_of(t);
  const double grow = fast_exp(in_tau(t - base));  // one exp for the whole batch
  const double shrink = 1.0 / grow;
  // One loop per receptor and source of weights, so that receive_scaled's branches on them fold
  // away (it is inlined with a constant receptor).
  const auto run = [&](auto receptor_const, auto per_synapse) {
    for (std::size_t i = 0; i < n; ++i)
      out[i] = receive_scaled(cells[i] + index_offset, t, per_synapse() ? weights[i] : weight,
                              receptor_const(), base, grow, shrink);
  };
  using Exc = std::integral_constant<std::size_t, exc>;
  using Inh = std::integral_constant<std::size_t, inh>;
  if (receptor == exc)
    weights ? run(Exc{}, std::true_type{}) : run(Exc{}, std::false_type{});
  else
    weights ? run(Inh{}, std::true_type{}) : run(Inh{}, std::false_type{});
}

// Headroom for lazy input (cell_model.hpp). Without input V relaxes monotonically from its value
// at the later of t and the refractory end towards V_inf (it is V_reset < V_th before), so the
// highest point of the free trajectory is the larger of the two; each excitatory jump of w
// raises every later point by at most w (less once decayed, nothing while refractory), so jumps
// summing to less than V_th minus that height never reach V_th. receive() then sees v < V_th
// with V_inf < V_th and answers never, as promised. A relative margin of 1e-9 covers rounding.
double LifDeltaGroup::safe_weight(std::size_t cell, Time t, std::size_t receptor) const {
  SPINDLE_ASSERT(cell < size() && receptor <= inh && t >= cell_[cell].t);
  if (receptor == inh) return std::numeric_limits<double>::infinity();  // V only goes down
  if (cell_[cell].flags & pending_flag) return 0.0;
  const double top = std::max(value_at(cell, std::max(t, cell_[cell].ref_end)), v_inf(cell));
  const double room = cell_[cell].V_th - top - 1e-9 * (std::abs(cell_[cell].V_th) + std::abs(top));
  return room > 0.0 ? room : 0.0;
}

double LifDeltaGroup::probe(std::size_t cell, std::size_t var, Time t) const {
  SPINDLE_ASSERT(cell < size() && var == V_m && t >= cell_[cell].t);
  (void)var;
  return value_at(cell, t);
}

}  // namespace spindle::models
