// Spiking Földiák / SAILnet network: the exact event-driven presentation loop over a
// LifDeltaGroup, and the learning rules.
#include "spindle/models/sailnet.hpp"

#include <algorithm>
#include <deque>

#include "spindle/error.hpp"
#include "spindle/models/lif_delta.hpp"
#include "spindle/time.hpp"

namespace spindle::models::sailnet {

namespace {
const Params& checked(const Params& p) {
  if (p.inputs == 0 || p.outputs < 2 || !(p.p > 0) || !(p.tau_m > 0) || !(p.t_ref >= 0) ||
      !(p.presentation > 0) || !(p.delay > 0) || !(p.theta_min > 0) || !(p.theta0 >= p.theta_min))
    throw Error(
        "sailnet: need inputs > 0, outputs >= 2, p > 0, tau_m > 0, t_ref >= 0, presentation > 0, "
        "delay > 0, theta0 >= theta_min > 0");
  return p;
}
}  // namespace

Network::Network(const Params& p, std::uint64_t seed)
    : Learner(checked(p), seed, 1, p.theta0, p.theta_min) {}

std::vector<double> Network::respond(const std::vector<double>& x) const {
  if (x.size() != p_.inputs) throw Error("sailnet: image size differs from the number of inputs");
  const std::size_t n = p_.outputs;
  // C_m = tau_m: a drive of I pA holds V at I mV (R = tau_m / C_m = 1 mV/pA).
  LifDeltaParams lif;
  lif.C_m = p_.tau_m;
  lif.tau_m = p_.tau_m;
  lif.E_L = 0.0;
  lif.V_reset = 0.0;
  lif.V_th = p_.theta0;
  lif.t_ref = p_.t_ref;
  lif.I_e = 0.0;
  LifDeltaGroup cells(lif, n);
  static const auto V_th = static_cast<std::size_t>(lif_delta_model().parameter_index("V_th"));
  std::vector<Time> next(n);
  for (std::size_t i = 0; i < n; ++i) {
    cells.set_parameter(i, V_th, thresholds()[i]);
    cells.predict(i, Time::zero());
    next[i] = cells.set_current(i, Time::zero(), drive(i, x));
  }
  // Every spike reaches the others after the same delay, so arrivals come in spike order.
  struct Arrival {
    Time t;
    std::size_t source;
  };
  std::deque<Arrival> arrivals;
  const Time end = Time::from_ms(p_.presentation), delay = Time::from_ms(p_.delay);
  std::vector<double> y(n, 0.0);
  for (;;) {
    const auto first = std::min_element(next.begin(), next.end());
    const std::size_t c = static_cast<std::size_t>(first - next.begin());
    const Time t_check = *first;
    const Time t_input = arrivals.empty() ? Time::never() : arrivals.front().t;
    if (t_input <= t_check && t_input < end) {  // inputs before checks at equal times (kernel)
      const std::size_t source = arrivals.front().source;
      arrivals.pop_front();
      for (std::size_t k = 0; k < n; ++k) {
        const double w = inhibition(k, source);
        if (k == source || w <= 0.0) continue;
        const Time bound = cells.receive(k, t_input, -p_.inhibition_gain * w, LifDeltaGroup::inh);
        if (bound != keep_prediction) next[k] = std::min(next[k], bound);
      }
    } else if (t_check < end) {
      Time later;
      if (cells.check(c, t_check, later)) {
        y[c] += 1.0;
        arrivals.push_back({t_check + delay, c});
      }
      next[c] = later;
    } else {
      return y;
    }
  }
}

}  // namespace spindle::models::sailnet
