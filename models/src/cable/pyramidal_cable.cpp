// pyramidal_cable: the cable cell as a network cell model (see pyramidal_cable.hpp).
#include "spindle/models/cable/pyramidal_cable.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle::models::cable {

namespace {

// Two double times within one kernel tick (1 ns) are the same time.
constexpr double tick_ms = 1e-6;

std::string relations(const ParameterValues& v) {
  if (!(v["V_spike"] > v["E_L"]))
    return fmt::format("V_spike ({} mV) must lie above E_L ({} mV)", v["V_spike"], v["E_L"]);
  const CellGeometry g = ca1_pyramidal_geometry();
  double trunk = 0.0;
  for (const auto& b : g.branches)
    if (b.name.rfind(apical_trunk_prefix, 0) == 0) trunk += b.length_um;
  for (int k = 1; k <= 4; ++k) {
    const double x = v[fmt::format("ca_site_{}", k)];
    if (x > trunk)
      return fmt::format("ca_site_{} ({} um) lies beyond the apical trunk ({} um)", k, x, trunk);
  }
  return {};
}

}  // namespace

PyramidalCableParams PyramidalCableParams::from(const ParameterValues& v) {
  PyramidalCableParams p;
  CableParams& c = p.cable;
  c.cm_uF_cm2 = v["c_m"];
  c.Ra_ohm_cm = v["R_a"];
  c.g_leak_mS_cm2 = v["g_leak"];
  c.E_leak_mV = v["E_L"];
  c.gNa_soma_mS_cm2 = v["g_Na_soma"];
  c.gNa_dend_mS_cm2 = v["g_Na_dend"];
  c.gK_soma_mS_cm2 = v["g_K_soma"];
  c.gK_dend_mS_cm2 = v["g_K_dend"];
  c.V_T_mV = v["V_T"];
  c.E_Na_mV = v["E_Na"];
  c.E_K_mV = v["E_K"];
  c.gCa_mS_cm2 = v["g_Ca"];
  c.E_Ca_mV = v["E_Ca"];
  c.ca_shift_mV = v["ca_shift"];
  c.ca_rest_mM = 1e-3 * v["Ca_rest"];
  c.ca_tau_ms = v["tau_Ca"];
  c.ca_shell_um = v["ca_shell"];
  c.ca_buffer_kappa = v["ca_kappa"];
  c.temperature_C = v["temperature"];
  c.gaba_tau_ms = v["tau_GABA_A"];
  c.E_gaba_mV = v["E_GABA"];
  c.ampa_tau_ms = v["tau_AMPA"];
  c.E_ampa_mV = v["E_AMPA"];
  p.diameter_scale = v["diameter_scale"];
  p.max_segment_um = v["max_segment"];
  p.dt_ms = v["dt"];
  p.V_spike = v["V_spike"];
  p.rest_tolerance_mV = v["rest_tolerance"];
  p.lookahead_ms = v["lookahead"];
  for (std::size_t k = 0; k < p.sites_um.size(); ++k)
    p.sites_um[k] = v[fmt::format("ca_site_{}", k + 1)];
  return p;
}

Morphology pyramidal_cable_morphology(double diameter_scale) {
  const CellGeometry g = ca1_pyramidal_geometry(diameter_scale);
  Morphology m;
  for (const auto& b : g.branches)
    m.branches.push_back({b.name, b.parent, b.length_um, b.diameter_um, b.region});
  return m;
}

CellModelInfo pyramidal_cable_model() {
  const CableParams d{};
  CellModelInfo m;
  m.name = "pyramidal_cable";
  m.summary =
      "compartmental CA1-like pyramidal cell (branched cable, Hines solver, Na/K/HVA-Ca, Ca pool; "
      "docs/dendritic-inhibition.md): the slow reference for pyramidal_dendritic (Müllner et al. "
      "2015)";
  m.parameters = {
      param_positive("c_m", Unit::none, d.cm_uF_cm2, "specific membrane capacitance [uF/cm2]"),
      param_positive("R_a", Unit::none, d.Ra_ohm_cm, "axial resistivity [Ohm cm] (ModelDB 206244)"),
      param_positive("g_leak", Unit::none, d.g_leak_mS_cm2,
                     "leak conductance density [mS/cm2] (R_m = 20 kOhm cm2)"),
      param_any("E_L", Unit::mV, d.E_leak_mV, "leak reversal"),
      param_nonnegative("g_Na_soma", Unit::none, d.gNa_soma_mS_cm2,
                        "somatic Na density [mS/cm2] (Traub-Miles kinetics)"),
      param_nonnegative("g_Na_dend", Unit::none, d.gNa_dend_mS_cm2,
                        "dendritic Na density [mS/cm2]: weakly excitable, the bAP attenuates"),
      param_nonnegative("g_K_soma", Unit::none, d.gK_soma_mS_cm2,
                        "somatic delayed-rectifier density [mS/cm2]"),
      param_nonnegative("g_K_dend", Unit::none, d.gK_dend_mS_cm2,
                        "dendritic delayed-rectifier density [mS/cm2]"),
      param_any("V_T", Unit::mV, d.V_T_mV, "voltage shift of the Na/K rate functions"),
      param_any("E_Na", Unit::mV, d.E_Na_mV, "Na reversal"),
      param_any("E_K", Unit::mV, d.E_K_mV, "K reversal (Müllner et al. 2015)"),
      param_nonnegative("g_Ca", Unit::none, d.gCa_mS_cm2, "HVA Ca density [mS/cm2]"),
      param_any("E_Ca", Unit::mV, d.E_Ca_mV, "Ca reversal (fixed)"),
      param_any("ca_shift", Unit::mV, d.ca_shift_mV,
                "depolarising shift of the HVA Ca activation curve"),
      param_positive("Ca_rest", Unit::none, 1e3 * d.ca_rest_mM, "resting [Ca]_i [uM]"),
      param_positive("tau_Ca", Unit::ms, d.ca_tau_ms, "Ca pool decay"),
      param_positive("ca_shell", Unit::um, d.ca_shell_um, "depth of the submembrane Ca shell"),
      param_nonnegative("ca_kappa", Unit::none, d.ca_buffer_kappa, "endogenous Ca buffer capacity"),
      param_range("temperature", Unit::none, d.temperature_C, 0.0, 45.0,
                  "temperature [deg C] (Q10 of the Ca gate)"),
      param_positive("tau_GABA_A", Unit::ms, d.gaba_tau_ms,
                     "GABA_A alpha time constant (Müllner et al. 2015)"),
      param_any("E_GABA", Unit::mV, d.E_gaba_mV, "GABA_A reversal: at rest, a shunt"),
      param_positive("tau_AMPA", Unit::ms, d.ampa_tau_ms, "AMPA decay"),
      param_any("E_AMPA", Unit::mV, d.E_ampa_mV, "AMPA reversal"),
      param_range("diameter_scale", Unit::none, 1.0, 0.25, 4.0,
                  "every dendritic diameter x this (lengths unchanged)"),
      param_range("max_segment", Unit::um, 5.0, 0.5, 5.0, "longest compartment"),
      param_range("dt", Unit::ms, 0.025, 0.001, 0.025, "time step (Crank-Nicolson)"),
      param_any("V_spike", Unit::mV, 0.0, "somatic V crossing that counts as a spike"),
      param_range("rest_tolerance", Unit::mV, 0.01, 1e-6, 1.0,
                  "a cell within this of rest everywhere, undriven, stops being stepped"),
      param_range(
          "lookahead", Unit::ms, 0.25, 0.025, 10.0,
          "longest look-ahead of one threshold check (the work an input or a probe can waste)"),
      param_nonnegative("ca_site_1", Unit::um, 50.0, "probes V_1, Ca_1: distance on the trunk"),
      param_nonnegative("ca_site_2", Unit::um, 150.0, "probes V_2, Ca_2: distance on the trunk"),
      param_nonnegative("ca_site_3", Unit::um, 250.0, "probes V_3, Ca_3: distance on the trunk"),
      param_nonnegative("ca_site_4", Unit::um, 400.0, "probes V_4, Ca_4: distance on the trunk"),
  };
  m.receptors = {
      {"AMPA", Unit::nS, +1,
       "exponential conductance (jump w, tau_AMPA, E_AMPA) at the synapse's compartment"},
      {"GABA_A", Unit::nS, +1,
       "alpha conductance peaking at w after tau_GABA_A, reversal E_GABA (shunting), at the "
       "synapse's compartment"},
  };
  m.state = {{"V_m", Unit::mV, "somatic membrane potential"}};
  for (std::size_t k = 1; k <= PyramidalCableGroup::n_sites; ++k)
    m.state.push_back({fmt::format("V_{}", k), Unit::mV,
                       fmt::format("membrane potential at ca_site_{} on the apical trunk", k)});
  for (std::size_t k = 1; k <= PyramidalCableGroup::n_sites; ++k)
    m.state.push_back({fmt::format("Ca_{}", k), Unit::none,
                       fmt::format("[Ca]_i [uM] at ca_site_{} on the apical trunk", k)});
  m.check_relations = relations;
  m.make = [](const ParameterValues& v, std::size_t n) -> std::unique_ptr<CellGroup> {
    return std::make_unique<PyramidalCableGroup>(PyramidalCableParams::from(v), n);
  };
  m.morphology = [](const ParameterValues& v) {
    return pyramidal_cable_morphology(v["diameter_scale"]);
  };
  return m;
}

ParameterSet pyramidal_cable_regenerative_dendrites() {
  return {{"g_Na_dend", regenerative_gNa_dend_mS_cm2}};
}

PyramidalCableGroup::PyramidalCableGroup(const PyramidalCableParams& p, std::size_t n)
    : p_(p), cable_(ca1_pyramidal_geometry(p.diameter_scale), p.cable, p.max_segment_um, p.dt_ms) {
  for (std::size_t k = 0; k < n_sites; ++k)
    sites_[k] = cable_.tree().locate_on_trunk(p.sites_um[k]);
  Cell proto;
  proto.now.s = cable_.resting_state(0.0);
  proto.now.armed = proto.now.s.V[0] < p_.V_spike;
  cells_.assign(n, proto);
}

std::size_t PyramidalCableGroup::steps() const noexcept {
  std::size_t total = 0;
  for (const auto& c : cells_)
    total += c.steps;
  return total;
}

void PyramidalCableGroup::step_tracked(Cell& c, Track& tr, double h) const {
  cable_.step(tr.s, h);
  ++c.steps;
  if (tr.s.V[0] < p_.V_spike) tr.armed = true;
}

void PyramidalCableGroup::bring_to(Cell& c, double t) const {
  // The look-ahead lies on the trajectory as long as no input came in between, which holds
  // here: every input passes through this function and then drops the look-ahead.
  if (c.kind != Ahead::none && c.ahead.s.t_ms <= t + tick_ms) {
    std::swap(c.now, c.ahead);
    if (c.kind == Ahead::quiet) c.quiet = true;
  }
  c.kind = Ahead::none;
  if (c.quiet) {
    cable_.relax_to_rest(c.now.s, t);
    return;
  }
  while (t - c.now.s.t_ms > 1e-9)
    step_tracked(c, c.now, std::min(p_.dt_ms, t - c.now.s.t_ms));
}

Time PyramidalCableGroup::look_ahead(Cell& c) const {
  if (c.quiet) return Time::never();
  c.ahead = c.now;
  Track& a = c.ahead;
  const double start = a.s.t_ms, end = start + p_.lookahead_ms;
  if (a.armed && a.s.V[0] >= p_.V_spike) {  // reached threshold exactly at an input's time
    c.kind = Ahead::crossing;
    c.until_ms = start;
    return Time::from_ms(start);
  }
  thread_local Track before;
  while (end - a.s.t_ms > 1e-9) {
    before = a;
    step_tracked(c, a, std::min(p_.dt_ms, end - a.s.t_ms));
    if (before.armed && a.s.V[0] >= p_.V_spike) {
      const double V0 = before.s.V[0], V1 = a.s.V[0];
      c.until_ms = before.s.t_ms + (p_.V_spike - V0) / (V1 - V0) * (a.s.t_ms - before.s.t_ms);
      std::swap(c.ahead, before);  // keep the state before the crossing step
      c.kind = Ahead::crossing;
      return Time::ceil_ms(c.until_ms);
    }
  }
  if (cable_.quiescent(a.s, p_.rest_tolerance_mV)) {
    c.kind = Ahead::quiet;
    return Time::never();
  }
  c.kind = Ahead::horizon;
  c.until_ms = a.s.t_ms;
  return Time::from_ms(c.until_ms);
}

void PyramidalCableGroup::set_state(std::size_t cell, std::size_t var, double value) {
  if (var != V_m)
    throw Error(
        "pyramidal_cable: only V_m can be initialised (it sets the whole cell, gates at their "
        "steady state); V_k and Ca_k follow from it");
  Cell& c = cells_.at(cell);
  CableState& s = c.now.s;
  const CableParams& q = p_.cable;
  const double ca_q = ca_q10_factor(q.temperature_C);
  for (std::size_t i = 0; i < s.V.size(); ++i) {
    s.V[i] = value;
    s.m[i] = na_m(value, q.V_T_mV).inf;
    s.h[i] = na_h(value, q.V_T_mV).inf;
    s.n[i] = k_n(value, q.V_T_mV).inf;
    s.m_ca[i] = ca_m(value, ca_q, q.ca_shift_mV).inf;
  }
  c.now.armed = value < p_.V_spike;
  c.quiet = cable_.quiescent(s, p_.rest_tolerance_mV);
  c.kind = Ahead::none;
}

Time PyramidalCableGroup::predict(std::size_t cell, Time t) {
  Cell& c = cells_.at(cell);
  bring_to(c, t.to_ms());
  return c.quiet ? Time::never() : t;
}

Time PyramidalCableGroup::deliver(std::size_t cell, Time t, double weight, std::size_t receptor,
                                  TreePoint at) {
  Cell& c = cells_[cell];
  bring_to(c, t.to_ms());
  const auto key = std::make_tuple(receptor, at.a, at.b, at.weight_b);
  auto it = c.synapse_of.find(key);
  if (it == c.synapse_of.end()) {
    const SynapseKind kind = receptor == GABA_A ? SynapseKind::gaba_alpha : SynapseKind::ampa_exp;
    it = c.synapse_of.emplace(key, cable_.add_synapse(c.now.s, at, kind)).first;
  }
  cable_.activate(c.now.s, it->second, weight);
  c.quiet = false;
  return t;  // check() at t, after every input of this tick, looks ahead
}

Time PyramidalCableGroup::receive(std::size_t cell, Time t, double weight, std::size_t receptor) {
  return deliver(cell, t, weight, receptor, TreePoint{});
}

Time PyramidalCableGroup::receive_at(std::size_t cell, Time t, double weight, std::size_t receptor,
                                     Location where) {
  if (where.kind != Location::Kind::dendrite) return receive(cell, t, weight, receptor);
  return deliver(cell, t, weight, receptor, cable_.tree().locate(where.branch, where.distance_um));
}

Time PyramidalCableGroup::set_current(std::size_t cell, Time t, double current) {
  Cell& c = cells_.at(cell);
  const double nA = 1e-3 * current;
  if (c.now.s.injected_nA[0] == nA) return keep_prediction;  // the look-ahead stays valid
  bring_to(c, t.to_ms());
  c.now.s.injected_nA[0] = nA;
  c.quiet = false;
  return t;
}

bool PyramidalCableGroup::check(std::size_t cell, Time t, Time& next) {
  Cell& c = cells_.at(cell);
  const double tm = t.to_ms();
  bool fire = c.kind == Ahead::crossing && tm >= c.until_ms - tick_ms;
  bring_to(c, tm);  // from the state before the crossing step to the crossing
  // A crossing reached by an input's stepping at the crossing's own tick.
  if (!fire && c.now.armed && c.now.s.V[0] >= p_.V_spike) fire = true;
  if (fire) c.now.armed = false;
  next = look_ahead(c);
  if (next < t) next = t;
  return fire;
}

double PyramidalCableGroup::read(const Track& tr, std::size_t var) const {
  if (var == V_m) return tr.s.V[0];
  if (var < Ca_first) return CableCell::at(tr.s.V, sites_.at(var - V_first));
  return 1e3 * CableCell::at(tr.s.ca, sites_.at(var - Ca_first));
}

double PyramidalCableGroup::probe(std::size_t cell, std::size_t var, Time t) const {
  const Cell& c = cells_.at(cell);
  const double tm = t.to_ms();
  if (c.quiet || (c.kind == Ahead::quiet && c.ahead.s.t_ms <= tm + tick_ms)) {
    CableState s = c.quiet ? c.now.s : c.ahead.s;
    cable_.relax_to_rest(s, tm);
    return read(Track{s, true}, var);
  }
  CableState s = c.now.s;
  cable_.advance(s, tm);
  return read(Track{s, true}, var);
}

}  // namespace spindle::models::cable
