#include "spindle/models/reference_networks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace spindle::models {

using namespace spindle::literals;

namespace {

std::size_t scaled_count(std::size_t n, double factor) {
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(n * factor)));
}

}  // namespace

double BrunelParams::nu_thr_hz() const {
  return theta / (J * static_cast<double>(C_E) * tau_m) * 1e3;  // tau_m in ms -> Hz
}

double BrunelParams::nu_ext_hz() const {
  return eta * nu_thr_hz();
}

BrunelParams BrunelParams::reduced(double n_scale, double c_scale) const {
  BrunelParams r = *this;
  r.N_E = scaled_count(N_E, n_scale);
  r.N_I = scaled_count(N_I, n_scale);
  r.C_E = scaled_count(C_E, c_scale);
  r.C_I = scaled_count(C_I, c_scale);
  r.J = J * static_cast<double>(C_E) / static_cast<double>(r.C_E);
  return r;
}

NetworkSpec brunel_network(const BrunelParams& p) {
  NetworkSpec net;
  // C_m only converts injected currents, and there are none: lif_delta's default stays.
  const ParameterSet cell{{"tau_m", Milliseconds{p.tau_m}},
                          {"E_L", 0.0_mV},
                          {"V_th", Millivolts{p.theta}},
                          {"V_reset", Millivolts{p.V_r}},
                          {"t_ref", Milliseconds{p.t_ref}}};
  const ValueSpec v0 = uniform(Millivolts{p.V_r}, Millivolts{p.theta});
  net.add_population("E", "lif_delta", p.N_E, cell).init("V_m", v0);
  net.add_population("I", "lif_delta", p.N_I, cell).init("V_m", v0);

  const Millivolts j_exc{p.J};
  const Millivolts j_inh{-p.g * p.J};
  const Milliseconds d{p.delay};
  for (const char* target : {"E", "I"}) {
    net.connect("E", target, ConnectionRule::fixed_indegree(p.C_E), "exc", j_exc, d);
    net.connect("I", target, ConnectionRule::fixed_indegree(p.C_I), "inh", j_inh, d);
    net.add_poisson(target, Hertz{static_cast<double>(p.C_E) * p.nu_ext_hz()}, "exc", j_exc);
  }
  return net;
}

NetworkSpec cuba_network(const CubaParams& p) {
  NetworkSpec net;
  const ParameterSet cell{{"C_m", 200.0_pF},       {"tau_m", 20.0_ms},      {"E_L", -49.0_mV},
                          {"V_th", -50.0_mV},      {"V_reset", -60.0_mV},   {"t_ref", 5.0_ms},
                          {"tau_syn_exc", 5.0_ms}, {"tau_syn_inh", 10.0_ms}};
  const ValueSpec v0 = uniform(-60.0_mV, -50.0_mV);
  net.add_population("exc", "lif_exp", scaled_count(3200, p.scale), cell).init("V_m", v0);
  net.add_population("inh", "lif_exp", scaled_count(800, p.scale), cell).init("V_m", v0);

  const Milliseconds d{p.delay};
  for (const char* target : {"exc", "inh"}) {
    net.connect("exc", target, ConnectionRule::pairwise_bernoulli(p.p), "exc", Picoamps{p.w_exc},
                d);
    net.connect("inh", target, ConnectionRule::pairwise_bernoulli(p.p), "inh", Picoamps{p.w_inh},
                d);
  }
  return net;
}

NetworkSpec coba_network(const CobaParams& p) {
  NetworkSpec net;
  const ParameterSet cell{{"C_m", 200.0_pF},        {"g_L", 10.0_nS},      {"E_L", -60.0_mV},
                          {"V_th", -50.0_mV},       {"V_reset", -60.0_mV}, {"t_ref", 5.0_ms},
                          {"E_exc", 0.0_mV},        {"E_inh", -80.0_mV},   {"tau_syn_exc", 5.0_ms},
                          {"tau_syn_inh", 10.0_ms}, {"rtol", p.rtol},      {"atol", p.atol}};
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (const auto& [name, size] :
       {std::pair{"exc", std::size_t{3200}}, std::pair{"inh", std::size_t{800}}}) {
    net.add_population(name, "lif_cond", scaled_count(size, p.scale), cell)
        .init("V_m", normal(-65.0_mV, 5.0_mV))
        .init("g_exc", normal(40.0_nS, 15.0_nS, 0.0_nS, Nanosiemens{inf}))
        .init("g_inh", normal(200.0_nS, 120.0_nS, 0.0_nS, Nanosiemens{inf}));
    if (p.kick != 0.0 && p.kick_ms > 0.0)
      net.add_step_current(name, {0.0, p.kick_ms}, {p.kick, 0.0});
  }
  const Milliseconds d{p.delay};
  for (const char* target : {"exc", "inh"}) {
    net.connect("exc", target, ConnectionRule::pairwise_bernoulli(p.p), "exc", Nanosiemens{p.w_exc},
                d);
    net.connect("inh", target, ConnectionRule::pairwise_bernoulli(p.p), "inh", Nanosiemens{p.w_inh},
                d);
  }
  return net;
}

}  // namespace spindle::models
