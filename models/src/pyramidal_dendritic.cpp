// pyramidal_dendritic: point soma (lif_cond's equations and shared integrator) plus closed-form
// dendritic kernels evaluated at events (see the header for the model).
#include "spindle/models/pyramidal_dendritic.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "relations.hpp"
#include "spindle/error.hpp"
#include "spindle/models/cable/cable_tree.hpp"
#include "spindle/models/cable/pyramidal_cable.hpp"

namespace spindle::models {

namespace {

// The calibrated kernel parameters: the output of
//   spindle calibrate-dendrite --out pyramidal_dendritic_calibration.json
// (calibrate_dendritic() against cable::inhibition_map() on the default cable cell, the full
// Müllner protocol; docs/dendritic-inhibition.md, "Reduced model"). Rerun that command after a
// change to the cable cell and paste its "defaults" block here. Fit of this set: g = 1 nS (the
// largest of the sweep with <= 30 % peak inhibition), RMS error 0.0222 of the maximal
// inhibition (0.089) over 17 sites x 34 offsets.
constexpr double calibrated_bap_latency = 1.328e-13;         // [ms]
constexpr double calibrated_bap_delay_per_100um = 0.239998;  // [ms]
constexpr double calibrated_lambda_proximal = 55.6003;       // [um]
constexpr double calibrated_lambda_distal = 54.5764;         // [um]
constexpr double calibrated_g_half = 8.91259;                // [nS]
constexpr double calibrated_tau_window = 0.486378;           // [ms]

const GraupnerBrunelParams gb_cortical{};  // Graupner & Brunel 2012, cortical slices

/// A parameter of lif_cond's schema with a different default.
ParamInfo with_default(ParamInfo p, double v) {
  p.default_value = v;
  return p;
}

}  // namespace

double DendriticKernelParams::window(double a) const noexcept {
  const double tau = tau_gaba, tw = tau_window;
  const double k = 1.0 / tau + 1.0 / tw;
  if (a >= 0.0) return std::exp(1.0 - a / tau) / (tau * tw) * (a / k + 1.0 / (k * k));
  return std::exp(a / tw) * std::exp(1.0) / (tau * tw * k * k);
}

double DendriticKernelParams::shunt(double g_nS, double a_ms,
                                    const TreeSeparation& sep) const noexcept {
  const double lambda = sep.distal ? lambda_distal : lambda_proximal;
  return g_nS * window(a_ms) * std::exp(-sep.distance_um / lambda) / g_half;
}

DendriteParams DendriteParams::from(const ParameterValues& v) {
  DendriteParams p;
  DendriticKernelParams& d = p.dend;
  d.bap_latency = v["bap_latency"];
  d.bap_delay_per_100um = v["bap_delay_per_100um"];
  d.lambda_proximal = v["lambda_proximal"];
  d.lambda_distal = v["lambda_distal"];
  d.g_half = v["g_half"];
  d.tau_window = v["tau_window"];
  d.tau_gaba = v["tau_GABA_A"];
  d.lambda_epsp = v["lambda_epsp"];
  d.epsp_delay_per_100um = v["epsp_delay_per_100um"];
  d.tau_ca = v["tau_ca"];
  d.ca_bap = v["ca_bap"];
  d.ca_epsp = v["ca_epsp"];
  d.ca_epsp_delay = v["ca_epsp_delay"];
  for (std::size_t k = 0; k < p.ca_sites.size(); ++k)
    p.ca_sites[k] = v[fmt::format("ca_site_{}", k + 1)];
  p.plasticity = v["plasticity"] != 0.0;
  p.rho0 = v["rho0"];
  p.gaba_to_soma = v["gaba_to_soma"] != 0.0;
  p.gb = gb_cortical;
  p.gb.tau_ca = d.tau_ca;
  p.gb.c_pre = d.ca_epsp;
  p.gb.c_post = d.ca_bap;
  p.gb.delay_pre = d.ca_epsp_delay;
  return p;
}

PyramidalDendriticParams PyramidalDendriticParams::from(const ParameterValues& v) {
  PyramidalDendriticParams p;
  static_cast<DendriteParams&>(p) = DendriteParams::from(v);
  p.soma = LifCondParams::from(v);
  return p;
}

PyramidalDendriticParams PyramidalDendriticParams::defaults() {
  const CellModelInfo m = pyramidal_dendritic_model();
  return from(resolve_parameters(m.parameters, {}, "pyramidal_dendritic"));
}

Morphology pyramidal_dendritic_morphology() {
  return cable::pyramidal_cable_morphology(1.0);
}

std::size_t apical_trunk_leaf(const Morphology& m) {
  const std::string prefix = cable::apical_trunk_prefix;
  std::size_t leaf = 0;
  bool found = false;
  for (std::size_t b = 0; b < m.branches.size(); ++b)
    if (m.branches[b].name.rfind(prefix, 0) == 0) {
      leaf = b;
      found = true;
    }
  if (!found) throw InternalError("pyramidal_dendritic: the morphology has no apical trunk");
  return leaf;
}

double mean_attenuation(const Morphology& m, const std::string& region, double from_um,
                        double to_um, double lambda_um) {
  // Each branch of the region contributes the integral of exp(-d / lambda) over its part of
  // [from, to]; the mean divides by the total path length of those parts.
  double integral = 0.0, length = 0.0;
  for (std::size_t b = 0; b < m.branches.size(); ++b) {
    if (m.branches[b].region != region) continue;
    const double start = m.start_um(b), end = start + m.branches[b].length_um;
    const double lo = std::max(start, from_um), hi = std::min(end, to_um);
    if (!(hi > lo)) continue;
    integral += lambda_um * (std::exp(-lo / lambda_um) - std::exp(-hi / lambda_um));
    length += hi - lo;
  }
  if (!(length > 0.0))
    throw Error(fmt::format("no dendrite of region '{}' lies between {} and {} um", region, from_um,
                            to_um));
  return integral / length;
}

std::string pyramidal_dendritic_relations(const PyramidalDendriticParams& p) {
  if (auto m = reset_below_threshold(p.soma.V_reset, p.soma.V_th); !m.empty()) return m;
  if (auto m = refractory_fits(p.soma.t_ref); !m.empty()) return m;
  return {};
}

std::vector<ParamInfo> dendrite_parameters(double gaba_to_soma_default) {
  const GraupnerBrunelParams& gb = gb_cortical;
  return {
      param_nonnegative("bap_latency", Unit::ms, calibrated_bap_latency,
                        "delay from the somatic spike to the bAP at the soma end of the tree "
                        "(calibrated)"),
      param_nonnegative("bap_delay_per_100um", Unit::ms, calibrated_bap_delay_per_100um,
                        "bAP conduction delay per 100 um of path (calibrated)"),
      param_positive("lambda_proximal", Unit::um, calibrated_lambda_proximal,
                     "length constant of bAP-Ca inhibition towards the soma (calibrated)"),
      param_positive("lambda_distal", Unit::um, calibrated_lambda_distal,
                     "length constant of bAP-Ca inhibition away from the soma (calibrated)"),
      param_positive("g_half", Unit::nS, calibrated_g_half,
                     "dendritic GABA_A peak conductance that halves the bAP Ca at its site "
                     "when its peak meets the bAP (calibrated)"),
      param_positive("tau_window", Unit::ms, calibrated_tau_window,
                     "Ca-influx window after the bAP's arrival over which the GABA_A "
                     "conductance counts (calibrated)"),
      param_positive("tau_GABA_A", Unit::ms, 1.0,
                     "alpha time constant of dendritic GABA_A (Müllner et al. 2015)"),
      param_positive("lambda_epsp", Unit::um, 200.0,
                     "attenuation length of dendritic EPSPs on their way to the soma"),
      param_nonnegative("epsp_delay_per_100um", Unit::ms, 1.0,
                        "delay of dendritic EPSPs to the soma per 100 um of path"),
      param_positive("tau_ca", Unit::ms, gb.tau_ca,
                     "dendritic calcium decay (Graupner & Brunel 2012, cortical fit)"),
      param_nonnegative("ca_bap", Unit::none, gb.c_post,
                        "calcium per bAP without inhibition (c_post of Graupner & Brunel)"),
      param_nonnegative("ca_epsp", Unit::none, gb.c_pre,
                        "calcium per dendritic AMPA input (c_pre of Graupner & Brunel)"),
      param_nonnegative("ca_epsp_delay", Unit::ms, gb.delay_pre,
                        "delay of the AMPA-evoked calcium (D of Graupner & Brunel)"),
      param_nonnegative("ca_site_1", Unit::um, 50.0, "Ca probe Ca_1: distance on the apical trunk"),
      param_nonnegative("ca_site_2", Unit::um, 150.0,
                        "Ca probe Ca_2: distance on the apical trunk"),
      param_nonnegative("ca_site_3", Unit::um, 250.0,
                        "Ca probe Ca_3: distance on the apical trunk"),
      param_nonnegative("ca_site_4", Unit::um, 400.0,
                        "Ca probe Ca_4: distance on the apical trunk"),
      param_range("plasticity", Unit::none, 0.0, 0.0, 1.0,
                  "1: Graupner-Brunel plasticity at dendritic AMPA synapses (cortical fit)"),
      param_range("rho0", Unit::none, 0.5, 0.0, 1.0, "initial rho of plastic synapses"),
      param_range("gaba_to_soma", Unit::none, gaba_to_soma_default, 0.0, 1.0,
                  "1: a dendritic GABA_A input also reaches the soma, attenuated and delayed as "
                  "a dendritic EPSP (exp(-d / lambda_epsp), d epsp_delay_per_100um / 100 um)"),
  };
}

std::vector<StateVarInfo> dendrite_state() {
  std::vector<StateVarInfo> state;
  for (std::size_t k = 1; k <= PyramidalDendriticGroup::n_sites; ++k)
    state.push_back({fmt::format("Ca_{}", k), Unit::none,
                     fmt::format("bAP calcium at ca_site_{} on the apical trunk", k)});
  return state;
}

CellModelInfo pyramidal_dendritic_model() {
  CellModelInfo m;
  m.name = "pyramidal_dendritic";
  m.summary =
      "reduced pyramidal cell: conductance-based LIF soma plus event-driven dendritic kernels "
      "(bAP calcium, location- and timing-dependent GABA_A shunt, attenuated dendritic EPSPs, "
      "optional Graupner-Brunel plasticity), calibrated against pyramidal_cable (Müllner et al. "
      "2015)";
  // The soma block is lif_cond's schema (same names, order and ranges; I_e keeps its index).
  std::vector<ParamInfo> soma = lif_cond_model().parameters;
  const std::map<std::string, double> soma_defaults{
      {"C_m", 150.0}, {"g_L", 7.5},   {"E_L", -70.0},   {"V_th", -55.0},      {"V_reset", -65.0},
      {"t_ref", 2.0}, {"E_exc", 0.0}, {"E_inh", -70.0}, {"tau_syn_exc", 2.0}, {"tau_syn_inh", 5.0}};
  for (auto& p : soma)
    if (auto it = soma_defaults.find(p.name); it != soma_defaults.end())
      p = with_default(p, it->second);
  m.parameters = soma;
  const std::vector<ParamInfo> dend = dendrite_parameters(0.0);
  m.parameters.insert(m.parameters.end(), dend.begin(), dend.end());
  m.receptors = {
      {"AMPA", Unit::nS, +1,
       "excitatory conductance; on a dendrite attenuated and delayed to the soma"},
      {"GABA_A", Unit::nS, +1,
       "shunting conductance: on the soma/AIS a somatic conductance, on a dendrite an alpha "
       "conductance that scales nearby bAP calcium (and with gaba_to_soma = 1 also reaches the "
       "soma attenuated and delayed)"},
  };
  m.state = {
      {"V_m", Unit::mV, "somatic membrane potential"},
      {"g_exc", Unit::nS, "somatic excitatory conductance"},
      {"g_inh", Unit::nS, "somatic inhibitory (shunting) conductance"},
  };
  for (const StateVarInfo& v : dendrite_state())
    m.state.push_back(v);
  m.per_cell_parameters = {"I_e"};
  m.check_relations = [](const ParameterValues& v) {
    return pyramidal_dendritic_relations(PyramidalDendriticParams::from(v));
  };
  m.make = [](const ParameterValues& v, std::size_t n) -> std::unique_ptr<CellGroup> {
    return std::make_unique<PyramidalDendriticGroup>(PyramidalDendriticParams::from(v), n);
  };
  m.morphology = [](const ParameterValues&) { return pyramidal_dendritic_morphology(); };
  m.has_axon_initial_segment = true;
  return m;
}

// ---------------------------------------------------------------------------------------------

namespace {
DendriticSoma lif_cond_soma(const LifCondParams& p, std::size_t n) {
  // Both receptors are conductances (>= 0); a GABA_A weight is the conductance itself.
  return {
      std::make_unique<ode::OdeCellGroup<LifCondDynamics>>(LifCondDynamics{p}, n), {+1, +1}, 1.0};
}
}  // namespace

PyramidalDendriticGroup::PyramidalDendriticGroup(const PyramidalDendriticParams& p, std::size_t n)
    : PyramidalDendriticGroup(p, lif_cond_soma(p.soma, n), n) {
  SPINDLE_ASSERT(pyramidal_dendritic_relations(p).empty());
}

PyramidalDendriticGroup::PyramidalDendriticGroup(const DendriteParams& p, DendriticSoma soma,
                                                 std::size_t n)
    : p_(p), tree_(pyramidal_dendritic_morphology()), soma_(std::move(soma)), cells_(n) {
  SPINDLE_ASSERT(soma_.group && soma_.group->size() == n);
  const std::size_t leaf = apical_trunk_leaf(tree_.morphology());
  for (std::size_t k = 0; k < n_sites; ++k)
    sites_[k] = tree_.on_path(leaf, p.ca_sites[k]);
  double farthest = 0.0;
  for (std::size_t b = 0; b < tree_.morphology().branches.size(); ++b)
    farthest = std::max(farthest, tree_.end_um(b));
  const DendriticKernelParams& d = p.dend;
  booking_lag_ = Time::from_ms(8.0 * d.tau_window);
  gaba_horizon_ =
      Time::from_ms(d.bap_delay(farthest) + 40.0 * (d.tau_ca + d.tau_gaba)) + booking_lag_;
}

void PyramidalDendriticGroup::set_state(std::size_t cell, std::size_t var, double value) {
  if (var >= Ca_first)
    throw Error(
        "pyramidal_dendritic: the calcium probes Ca_1..Ca_4 follow from the bAPs and "
        "cannot be initialised");
  soma_.group->set_state(cell, var, value);
}

void PyramidalDendriticGroup::set_parameter(std::size_t cell, std::size_t param, double value) {
  soma_.group->set_parameter(cell, param, value);  // the soma's schema comes first
}

Time PyramidalDendriticGroup::next_event(const Cell& c) const noexcept {
  Time t = c.soma_pred;
  if (!c.delayed.empty()) t = std::min(t, c.delayed.front().t);
  return t;
}

void PyramidalDendriticGroup::after_soma(Cell& c, Time soma_answer) noexcept {
  // A new answer replaces the soma's prediction, as the kernel would replace it.
  if (soma_answer != keep_prediction) c.soma_pred = soma_answer;
}

Time PyramidalDendriticGroup::answer(Cell& c) noexcept {
  // The kernel keeps the earlier of the bound it holds and a new one (cell_model.hpp), so a
  // bound that is not earlier changes nothing there: a check at the held time finds no event
  // due and gives the next one.
  const Time t = next_event(c);
  if (t >= c.announced) return keep_prediction;
  c.announced = t;
  return t;
}

void PyramidalDendriticGroup::deliver(std::size_t cell, const Delayed& d) {
  after_soma(cells_[cell], soma_.group->receive(cell, d.t, d.w, d.receptor));
}

void PyramidalDendriticGroup::deliver_due(std::size_t cell, Time t) {
  Cell& c = cells_[cell];
  std::size_t k = 0;
  for (; k < c.delayed.size() && c.delayed[k].t <= t; ++k) {
    // The kernel checked the cell at every earlier prediction, so only ties with t remain.
    SPINDLE_ASSERT(c.soma_pred >= c.delayed[k].t);
    deliver(cell, c.delayed[k]);
  }
  c.delayed.erase(c.delayed.begin(), c.delayed.begin() + static_cast<std::ptrdiff_t>(k));
}

Time PyramidalDendriticGroup::predict(std::size_t cell, Time t) {
  Cell& c = cells_[cell];
  c = Cell{};
  const Time r = soma_.group->predict(cell, t);
  c.soma_pred = r == keep_prediction ? Time::never() : r;
  c.announced = next_event(c);
  return c.announced;
}

Time PyramidalDendriticGroup::receive(std::size_t cell, Time t, double weight,
                                      std::size_t receptor) {
  SPINDLE_ASSERT(cell < size() && receptor < 2 && weight * soma_.weight_sign[receptor] >= 0.0);
  deliver_due(cell, t);
  Cell& c = cells_[cell];
  book_plasticity(c, t);
  after_soma(c, soma_.group->receive(cell, t, weight, receptor));
  return answer(c);
}

void PyramidalDendriticGroup::receive_batch(Time t, std::size_t receptor,
                                            const std::uint32_t* cells, std::size_t n,
                                            std::uint32_t index_offset, const float* weights,
                                            double weight, Time* out) {
  // Somatic inputs: bring every target up to t, then let the soma take the batch in one call
  // (its own per-time sharing), then turn its answers into the group's.
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t cell = cells[i] + index_offset;
    deliver_due(cell, t);
    book_plasticity(cells_[cell], t);
  }
  soma_.group->receive_batch(t, receptor, cells, n, index_offset, weights, weight, out);
  for (std::size_t i = 0; i < n; ++i) {
    Cell& c = cells_[cells[i] + index_offset];
    after_soma(c, out[i]);
    out[i] = answer(c);
  }
}

Time PyramidalDendriticGroup::receive_at(std::size_t cell, Time t, double weight,
                                         std::size_t receptor, Location where) {
  if (where.kind != Location::Kind::dendrite) return receive(cell, t, weight, receptor);
  SPINDLE_ASSERT(cell < size() && receptor < 2 && weight * soma_.weight_sign[receptor] >= 0.0);
  deliver_due(cell, t);
  Cell& c = cells_[cell];
  book_plasticity(c, t);
  const DendriticKernelParams& d = p_.dend;
  double w = weight;
  if (receptor == GABA_A) {
    const Time old = t - gaba_horizon_;
    std::size_t k = 0;
    while (k < c.gaba.size() && c.gaba[k].t_on < old)
      ++k;
    c.gaba.erase(c.gaba.begin(), c.gaba.begin() + static_cast<std::ptrdiff_t>(k));
    c.gaba.push_back({t, std::abs(weight) * soma_.gaba_nS_per_weight, where});
    if (!p_.gaba_to_soma) return answer(c);  // a local effect only
  } else if (p_.plasticity) {
    Plastic& s = plastic_at(c, where);
    w *= s.syn.relative_efficacy(p_.rho0);
    s.pre_ca.push_back(t + Time::from_ms(d.ca_epsp_delay));
  }
  // On its way to the soma along the same cable, excitatory or inhibitory alike.
  const double dist = where.distance_um;
  const Delayed e{t + Time::from_ms(dist * d.epsp_delay_per_100um / 100.0),
                  w * std::exp(-dist / d.lambda_epsp), receptor};
  if (e.t == t) {
    deliver(cell, e);
    return answer(c);
  }
  c.delayed.insert(std::upper_bound(c.delayed.begin(), c.delayed.end(), e,
                                    [](const Delayed& a, const Delayed& b) { return a.t < b.t; }),
                   e);
  return answer(c);
}

Time PyramidalDendriticGroup::set_current(std::size_t cell, Time t, double current) {
  deliver_due(cell, t);
  Cell& c = cells_[cell];
  after_soma(c, soma_.group->set_current(cell, t, current));
  return answer(c);
}

bool PyramidalDendriticGroup::check(std::size_t cell, Time t, Time& next) {
  SPINDLE_ASSERT(cell < size());
  Cell& c = cells_[cell];
  bool fired = false;
  // Delayed inputs due at or before t, then the soma's own check (inputs before checks).
  deliver_due(cell, t);
  if (c.soma_pred <= t) {
    Time n = Time::never();
    fired = soma_.group->check(cell, t, n);
    c.soma_pred = n == keep_prediction ? Time::never() : n;
    if (fired) c.spikes.push_back(t);
  }
  book_plasticity(c, t);
  next = next_event(c);
  c.announced = next;
  return fired;
}

double PyramidalDendriticGroup::bap_factor(std::size_t cell, const Location& site, Time t_a,
                                           Time t_max) const {
  const DendriticKernelParams& d = p_.dend;
  double s = 0.0;
  for (const Gaba& g : cells_[cell].gaba) {
    if (g.t_on > t_max) break;
    const double a = (t_a - g.t_on).to_ms();
    if (a > 40.0 * d.tau_gaba || a < -40.0 * d.tau_window) continue;
    s += d.shunt(g.g, a, tree_.separation(g.where, site));
  }
  return 1.0 / (1.0 + s);
}

double PyramidalDendriticGroup::calcium_at(std::size_t cell, const Location& site, Time t) const {
  const DendriticKernelParams& d = p_.dend;
  const double delay = d.bap_delay(site.kind == Location::Kind::dendrite ? site.distance_um : 0.0);
  const Time lag = Time::from_ms(delay);
  double ca = 0.0;
  const auto& spikes = cells_[cell].spikes;
  for (auto it = spikes.rbegin(); it != spikes.rend(); ++it) {
    const Time t_a = *it + lag;
    if (t_a > t) continue;
    const double age = (t - t_a).to_ms();
    if (age > 40.0 * d.tau_ca) break;
    ca += d.ca_bap * bap_factor(cell, site, t_a, t) * std::exp(-age / d.tau_ca);
  }
  return ca;
}

double PyramidalDendriticGroup::probe(std::size_t cell, std::size_t var, Time t) const {
  if (var >= Ca_first) return calcium_at(cell, sites_[var - Ca_first], t);
  return soma_.group->probe(cell, var, t);
}

PyramidalDendriticGroup::Plastic& PyramidalDendriticGroup::plastic_at(Cell& c,
                                                                      const Location& where) {
  for (Plastic& s : c.plastic)
    if (s.where == where) return s;
  c.plastic.push_back({where, GraupnerBrunelSynapse(p_.gb, p_.rho0), {}, c.spikes.size()});
  return c.plastic.back();
}

namespace {
/// Books the calcium jumps of plastic synapse `s` up to `cutoff` in time order.
template <class Factor>
void book_jumps(std::vector<Time>& pre, std::size_t& booked, const std::vector<Time>& spikes,
                GraupnerBrunelSynapse& syn, Time bap_lag, double c_pre, double c_post, Time cutoff,
                const Factor& factor) {
  std::size_t i = 0;
  for (;;) {
    const Time t_pre = i < pre.size() ? pre[i] : Time::never();
    const Time t_bap = booked < spikes.size() ? spikes[booked] + bap_lag : Time::never();
    const Time t = std::min(t_pre, t_bap);
    if (t.is_never() || t > cutoff) break;
    if (t_pre <= t_bap) {
      syn.add_calcium(t.to_ms(), c_pre);
      ++i;
    } else {
      syn.add_calcium(t.to_ms(), c_post * factor(t));
      ++booked;
    }
  }
  pre.erase(pre.begin(), pre.begin() + static_cast<std::ptrdiff_t>(i));
}
}  // namespace

void PyramidalDendriticGroup::book_plasticity(Cell& c, Time t) {
  if (!p_.plasticity || c.plastic.empty()) return;
  const std::size_t cell = static_cast<std::size_t>(&c - cells_.data());
  const Time cutoff = t - booking_lag_;
  for (Plastic& s : c.plastic) {
    const Time lag = Time::from_ms(p_.dend.bap_delay(s.where.distance_um));
    book_jumps(s.pre_ca, s.bap_booked, c.spikes, s.syn, lag, p_.gb.c_pre, p_.gb.c_post, cutoff,
               [&](Time t_a) { return bap_factor(cell, s.where, t_a, t_a + booking_lag_); });
  }
}

double PyramidalDendriticGroup::efficacy(std::size_t cell, const Location& where) const {
  for (const Plastic& s : cells_[cell].plastic)
    if (s.where == where) return s.syn.relative_efficacy(p_.rho0);
  return 1.0;
}

double PyramidalDendriticGroup::rho(std::size_t cell, const Location& where, Time t) const {
  for (const Plastic& s0 : cells_[cell].plastic) {
    if (!(s0.where == where)) continue;
    Plastic s = s0;
    const Time lag = Time::from_ms(p_.dend.bap_delay(s.where.distance_um));
    book_jumps(
        s.pre_ca, s.bap_booked, cells_[cell].spikes, s.syn, lag, p_.gb.c_pre, p_.gb.c_post, t,
        [&](Time t_a) { return bap_factor(cell, s.where, t_a, std::min(t, t_a + booking_lag_)); });
    s.syn.advance(t.to_ms());
    return s.syn.rho();
  }
  return p_.rho0;
}

}  // namespace spindle::models
