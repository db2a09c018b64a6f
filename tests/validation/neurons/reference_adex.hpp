// A fine-step reference for adex, written independently of the model's integrator: classical
// fourth-order Runge-Kutta on (V, w) over a grid of step h (default 1e-3 ms) plus the event times,
// the synaptic currents exact at every stage. Where V moves fast the step is cut so that V moves
// at most 0.1 mV per step (the AdEx upswing to V_peak is a finite-time blow-up; that makes the
// reference resolve it with a few hundred short steps instead of overflowing).
//
// Crossings: on each step the cubic Hermite interpolant of V (values and slopes at both ends;
// error O(h^4)) is searched for V_peak: if V ends at or above V_peak, or if the slope changes
// sign from + to - and the cubic's maximum reaches V_peak (a graze between grid points), the
// crossing is found by bisection on the cubic. Reset (V = V_reset, w += b) at the crossing,
// refractoriness as in the model (V held at V_reset, w exact: w_inf + (w - w_inf) exp(-t /
// tau_w), w_inf = a (V_reset - E_L), inputs keep arriving).
//
// Closest approaches: every local maximum of V (of the Hermite cubic) below V_peak is recorded
// with its distance to V_peak, and so is the smallest |V - V_peak| at any visited point, so that
// a test can call a sequence ambiguous when a peak lies within the two methods' combined error.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "spindle/models/adex.hpp"
#include "validation/models/kernel_emulator.hpp"

namespace spindle::test {

struct AdexReference {
  std::vector<double> spikes;                                ///< crossing times [ms]
  double closest = std::numeric_limits<double>::infinity();  ///< min |V - V_peak| at peaks [mV]
  double V_end = 0.0, w_end = 0.0;                           ///< state at t_end
  std::vector<double> V_probe;                               ///< V at AdexRefOptions::probes
  std::uint64_t steps = 0;
};

struct AdexRefOptions {
  double h = 1e-3;             ///< grid step [ms]
  double dv_max = 0.1;         ///< most V may move in one step [mV]
  bool stop_at_spike = false;  ///< return after the first crossing (for bisections)
  std::vector<double> probes;  ///< times [ms], ascending, at which to record V
};

/// Runs the reference from (V0, w0, I_exc0, I_inh0) at 0 with `events` over [0, t_end] ms.
inline AdexReference reference_adex(const models::AdexParams& p, double V0, double w0, double Ie0,
                                    double Ii0, std::span<const EmuEvent> events, double t_end,
                                    const AdexRefOptions& opt = {}) {
  AdexReference out;
  double V = V0, w = w0, Ie = Ie0, Ii = Ii0, I_stim = 0.0, t = 0.0, ref_end = 0.0;
  std::size_t i = 0;
  const auto fV = [&](double v, double ww, double ie, double ii) {
    const double x = std::min((v - p.V_T) / p.Delta_T, 500.0);
    return (-p.g_L * (v - p.E_L) + p.g_L * p.Delta_T * std::exp(x) - ww + ie + ii + p.I_e +
            I_stim) /
           p.C_m;
  };
  const auto fw = [&](double v, double ww) { return (p.a * (v - p.E_L) - ww) / p.tau_w; };
  const auto apply_events = [&] {
    for (; i < events.size() && events[i].t.to_ms() <= t; ++i) {
      const EmuEvent& e = events[i];
      if (e.kind == EmuEvent::Kind::current)
        I_stim = e.value;
      else if (e.receptor == models::AdexGroup::exc)
        Ie += e.value;
      else
        Ii += e.value;
    }
  };
  const auto decay = [&](double dt) {
    Ie *= std::exp(-dt / p.tau_syn_exc);
    Ii *= std::exp(-dt / p.tau_syn_inh);
  };
  double dV0 = fV(V, w, Ie, Ii);
  apply_events();
  std::size_t np = 0;
  while (t < t_end) {
    for (; np < opt.probes.size() && opt.probes[np] <= t; ++np)
      out.V_probe.push_back(V);
    const double t_ev = i < events.size() ? events[i].t.to_ms() : t_end;
    const double t_pr = np < opt.probes.size() ? opt.probes[np] : t_end;
    const double stop = std::min({t_ev, t_end, t_pr});
    if (t < ref_end) {  // refractory: V held, w exact, currents decay
      const double s = std::min(ref_end, stop);
      const double w_inf = p.a * (p.V_reset - p.E_L);
      w = w_inf + (w - w_inf) * std::exp(-(s - t) / p.tau_w);
      decay(s - t);
      V = p.V_reset;
      t = s;
      apply_events();
      dV0 = fV(V, w, Ie, Ii);
      continue;
    }
    const double grid_next = (std::floor(t / opt.h + 1e-9) + 1) * opt.h;
    double dt = std::min(stop, grid_next) - t;
    if (dt <= 0) dt = std::min(stop - t, opt.h);
    dt = std::min(dt, opt.dv_max / std::max(std::abs(dV0), 1e-300));
    // RK4 with the currents exact at t, t + dt/2, t + dt.
    const double eh = std::exp(-0.5 * dt / p.tau_syn_exc), ih = std::exp(-0.5 * dt / p.tau_syn_inh);
    const double Ie1 = Ie * eh, Ii1 = Ii * ih, Ie2 = Ie1 * eh, Ii2 = Ii1 * ih;
    const double kv1 = dV0, kw1 = fw(V, w);
    const double kv2 = fV(V + 0.5 * dt * kv1, w + 0.5 * dt * kw1, Ie1, Ii1);
    const double kw2 = fw(V + 0.5 * dt * kv1, w + 0.5 * dt * kw1);
    const double kv3 = fV(V + 0.5 * dt * kv2, w + 0.5 * dt * kw2, Ie1, Ii1);
    const double kw3 = fw(V + 0.5 * dt * kv2, w + 0.5 * dt * kw2);
    const double kv4 = fV(V + dt * kv3, w + dt * kw3, Ie2, Ii2);
    const double kw4 = fw(V + dt * kv3, w + dt * kw3);
    const double V1 = V + dt / 6 * (kv1 + 2 * kv2 + 2 * kv3 + kv4);
    const double w1 = w + dt / 6 * (kw1 + 2 * kw2 + 2 * kw3 + kw4);
    const double dV1 = fV(V1, w1, Ie2, Ii2);
    ++out.steps;
    // Hermite cubic of V on [0, 1]: H(u) = h00 V + h10 dt dV0 + h01 V1 + h11 dt dV1.
    const auto H = [&](double u) {
      const double u2 = u * u, u3 = u2 * u;
      return (2 * u3 - 3 * u2 + 1) * V + (u3 - 2 * u2 + u) * dt * dV0 + (-2 * u3 + 3 * u2) * V1 +
             (u3 - u2) * dt * dV1;
    };
    double hi_u = -1.0;  // a point of the step where H >= V_peak, if any
    if (V1 >= p.V_peak) {
      hi_u = 1.0;
    } else if (dV0 > 0.0 && dV1 < 0.0) {
      // The maximum of H: H'(u) = 0, a quadratic; take the root in (0, 1) by bisection on H'.
      const auto dH = [&](double u) {
        const double u2 = u * u;
        return (6 * u2 - 6 * u) * V + (3 * u2 - 4 * u + 1) * dt * dV0 + (-6 * u2 + 6 * u) * V1 +
               (3 * u2 - 2 * u) * dt * dV1;
      };
      double lo = 0.0, up = 1.0;
      for (int k = 0; k < 60; ++k) {
        const double m = 0.5 * (lo + up);
        (dH(m) > 0 ? lo : up) = m;
      }
      const double peak = H(lo);
      if (peak >= p.V_peak)
        hi_u = lo;
      else
        out.closest = std::min(out.closest, p.V_peak - peak);
    }
    out.closest = std::min(out.closest, std::abs(V1 - p.V_peak));
    if (hi_u > 0.0) {
      double lo = 0.0, up = hi_u;
      for (int k = 0; k < 80; ++k) {
        const double m = 0.5 * (lo + up);
        (H(m) >= p.V_peak ? up : lo) = m;
      }
      const double x = t + up * dt;
      out.spikes.push_back(x);
      // w at the crossing: linear in the step (dt is tiny in the upswing; small in a graze).
      w = w + up * (w1 - w);
      decay(up * dt);
      V = p.V_reset;
      w += p.b;
      t = x;
      ref_end = t + p.t_ref;
      if (opt.stop_at_spike) return out;
      apply_events();
      dV0 = fV(V, w, Ie, Ii);
      continue;
    }
    V = V1;
    w = w1;
    Ie = Ie2;
    Ii = Ii2;
    t += dt;
    if (t >= stop - 1e-12) t = std::max(t, stop);
    apply_events();
    dV0 = fV(V, w, Ie, Ii);
  }
  for (; np < opt.probes.size() && opt.probes[np] <= t; ++np)
    out.V_probe.push_back(V);
  out.V_end = V;
  out.w_end = w;
  return out;
}

}  // namespace spindle::test
