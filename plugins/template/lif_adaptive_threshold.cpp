// lif_adaptive_threshold: a Spindle plugin adding one cell model; copy it to start your own.
// LIF with voltage jumps and a threshold that jumps at each spike and relaxes (adaptation):
//   tau_m dV/dt = -(V - E_L) + tau_m/C_m (I_e + I_stim);  input w [mV]: V += w
//   tau_theta dtheta/dt = -(theta - V_th);  V >= theta: spike, V = V_reset for t_ref,
//   theta += delta_theta.  With delta_theta = 0 this is the built-in lif_delta.
// Free of input, V - theta = (V_inf - V_th) + (V0 - V_inf) e^(-s/tau_m) + (V_th - theta0)
// e^(-s/tau_theta): first_crossing() finds its first zero, an exact (so lower-bound) prediction.
#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include <spindle/models/exp_sum_roots.hpp>
#include <spindle/plugin.hpp>

namespace {
using namespace spindle;
using Cell = std::size_t;  // index of a cell in its group
struct Params {
  double C_m, tau_m, E_L, V_th, V_reset, t_ref, I_e, tau_theta, delta_theta;
};

class Group final : public CellGroup {
 public:
  Group(const Params& p, std::size_t n)
      : p_(p), V_(n, p.E_L), th_(n, p.V_th), I_(n, 0.0), t_(n), ref_(n), pending_(n, 0) {}
  std::size_t size() const noexcept override { return V_.size(); }
  void set_state(Cell c, std::size_t var, double v) override { (var == 0 ? V_ : th_)[c] = v; }
  Time predict(Cell c, Time t) override { return t_[c] = ref_[c] = t, crossing(c); }
  Time receive(Cell c, Time t, double w, std::size_t) override { return input(c, t, w, I_[c]); }
  Time set_current(Cell c, Time t, double current) override { return input(c, t, 0.0, current); }
  bool check(Cell c, Time t, Time& next) override {
    const bool fired = settle(c, t, false);
    pending_[c] = 0;
    next = std::max(crossing(c), t + Time::from_ticks(1));  // at most one spike per tick
    return fired;
  }
  double probe(Cell c, std::size_t var, Time t) const override {
    return var == 0 ? at(c, t).first : at(c, t).second;
  }

 private:
  double v_inf(Cell c) const { return p_.E_L + p_.tau_m / p_.C_m * (p_.I_e + I_[c]); }
  // (V, theta) at t >= t_: theta always relaxes; V stays V_reset until the refractory end.
  std::pair<double, double> at(Cell c, Time t) const {
    const Time from = std::max(t_[c], ref_[c]);
    double V = V_[c];
    if (t > from) V = v_inf(c) + (V - v_inf(c)) * std::exp(-(t - from).to_ms() / p_.tau_m);
    return {V, p_.V_th + (th_[c] - p_.V_th) * std::exp(-(t - t_[c]).to_ms() / p_.tau_theta)};
  }
  void advance(Cell c, Time t) { std::tie(V_[c], th_[c]) = at(c, t), t_[c] = t; }
  // A jump of V by w [mV] (discarded while refractory) and the injected current from t on.
  Time input(Cell c, Time t, double w, double current) {
    const bool pending = settle(c, t, true);
    advance(c, t);
    I_[c] = current;
    if (t >= ref_[c]) V_[c] += w;
    return pending ? t : crossing(c);  // t itself if V is now >= theta: the check decides
  }
  // Exact next crossing of the stored trajectory (a tick), or never.
  Time crossing(Cell c) const {
    const Time from = std::max(t_[c], ref_[c]);
    const auto [V, th] = at(c, from);
    const models::ExpTerm terms[] = {{V - v_inf(c), p_.tau_m}, {p_.V_th - th, p_.tau_theta}};
    const double s = models::first_crossing(v_inf(c) - p_.V_th, terms, max_time_ms - from.to_ms());
    return std::isfinite(s) ? from + Time::ceil_ms(s) : Time::never();
  }
  // Fires at t if V crossed theta by t; the check at t reports it. A crossing inside t's tick
  // comes before its inputs, which are summed before the check at t decides (as in lif_delta).
  bool settle(Cell c, Time t, bool input) {
    if (!pending_[c] && (!input || t > t_[c]) && crossing(c) <= t) {
      advance(c, t);
      V_[c] = p_.V_reset, th_[c] += p_.delta_theta, ref_[c] = t + Time::from_ms(p_.t_ref);
      pending_[c] = 1;
    }
    return pending_[c] != 0;
  }

  Params p_;
  // THREADING: the kernel may call different cells at once; all state is per cell.
  std::vector<double> V_, th_, I_;  // [mV] at t_ (V_reset while refractory), [mV], [pA]
  std::vector<Time> t_, ref_;       // time of the stored state, end of the refractory period
  std::vector<unsigned char> pending_;
};

void register_models(ModelRegistry& registry, const std::string& origin) {
  CellModelInfo m;
  m.name = "lif_adaptive_threshold";
  m.summary = "LIF with voltage-jump synapses and a spike-triggered threshold (plugin template)";
  m.origin = origin;
  m.parameters = {
      param_positive("C_m", Unit::pF, 250.0, "membrane capacitance"),
      param_positive("tau_m", Unit::ms, 10.0, "membrane time constant"),
      param_any("E_L", Unit::mV, -65.0, "resting potential"),
      param_any("V_th", Unit::mV, -50.0, "resting threshold"),
      param_any("V_reset", Unit::mV, -65.0, "potential after a spike (below V_th)"),
      param_range("t_ref", Unit::ms, 2.0, 0.0, 1e6, "absolute refractory period"),
      param_any("I_e", Unit::pA, 0.0, "constant bias current"),
      param_positive("tau_theta", Unit::ms, 100.0, "decay time of the threshold to V_th"),
      param_nonnegative("delta_theta", Unit::mV, 2.0, "threshold jump at each spike"),
  };
  m.receptors = {{"exc", Unit::mV, +1, "V jumps up by the weight"},
                 {"inh", Unit::mV, -1, "V jumps down by the weight"}};
  m.state = {{"V_m", Unit::mV, "membrane potential"}, {"theta", Unit::mV, "threshold"}};
  m.check_relations = [](const ParameterValues& v) -> std::string {
    return v["V_reset"] < v["V_th"] ? "" : "V_reset must be below V_th";
  };
  m.make = [](const ParameterValues& v, std::size_t n) -> std::unique_ptr<CellGroup> {
    const Params p{v["C_m"],   v["tau_m"], v["E_L"],       v["V_th"],       v["V_reset"],
                   v["t_ref"], v["I_e"],   v["tau_theta"], v["delta_theta"]};
    return std::make_unique<Group>(p, n);
  };
  registry.add_cell_model(std::move(m));
}

}  // namespace

SPINDLE_PLUGIN("lif_adaptive_threshold", "LIF with an adaptive threshold", register_models)
