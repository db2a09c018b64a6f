// Fine-step references for lif_delta and lif_exp, written independently of the models' code:
// exact propagators in their textbook form (NEST iaf_psc_delta / iaf_psc_exp) applied on a grid
// of step h (default 1e-4 ms) plus the event times; a spike is the first visited point with
// V >= V_th; then reset and refractoriness as documented in the model headers.
//
// The reference reports a spike no earlier than the true crossing and less than h after it, so
// a correct model spike (at the first tick at or after the crossing) lies in (p - 1 tick,
// q + 1 tick], q the reference's spike point and p the point before it. When that holds the
// reference resets at the model's time (clamped to [p, q]): every later crossing is then
// compared from the same state rather than one shifted by up to h, which would blur the
// comparison after each spike.
//
// Ambiguity: a graze whose excursion above V_th is smaller than what the reference can resolve
// is invisible to it. Two limits: rounding, and the grid. The reference's V carries rounding
// error from every step, damped by the membrane decay: about 2 ulp(|V|) per step over
// tau_m / h steps, so the margin is r = 1e-9 + 8 eps |V_th| tau_m / h (1e-8 mV for h = 1e-4
// ms, tau_m = 10 ms). A sequence is flagged ambiguous when a visited V lies within r of V_th, or
// when a visited local maximum lies below V_th by less than r + B h^2 / 8, B a bound on |V''|
// over the segment between events: a smooth peak between two samples h apart rises at most
// B h^2 / 8 above the higher one. Comparisons on ambiguous sequences are counted, not asserted.
// Speed: far below threshold (V < V_th - 1e-3 mV) the grid is stepped four points at a time
// with 1- to 4-step propagators, which breaks the dependency chain of a plain loop.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>

#include "kernel_emulator.hpp"
#include "spindle/models/lif_delta.hpp"
#include "spindle/models/lif_exp.hpp"

namespace spindle::test {

struct RefComparison {
  std::size_t ref_spikes = 0;
  std::size_t matched = 0;
  std::size_t missed = 0;    ///< reference spike without a model spike in its window
  std::size_t spurious = 0;  ///< model spike the reference did not see
  bool ambiguous = false;
  double max_abs_dt = 0.0;  ///< max |t_model - t_ref| over matched spikes [ms]
  double peak_margin = std::numeric_limits<double>::infinity();  ///< min |V - V_th| at maxima
  /// Timing against the exact crossing t* (bisection on the closed form between p and q):
  /// a matched model spike must lie in [t* - u, t* + 1 tick + u], u = 1e-9 ms + r / slope(t*)
  /// (r: the reference's rounding margin; near a graze the slope is small and t* itself is
  /// uncertain by r / slope).
  std::size_t timing_violations = 0;
  double max_err_well_conditioned = 0.0;  ///< max |t_model - t*| where u < 1e-7 ms [ms]
  std::size_t well_conditioned = 0;
};

/// Pairs reference spikes with the model's spike list (see the file comment).
class SpikeMatcher {
 public:
  SpikeMatcher(std::span<const Time> model, RefComparison& out) : model_(model), out_(out) {}

  /// The reference saw V < V_th at p and V >= V_th at q >= p; the exact crossing is at
  /// `exact_ms`, uncertain by `unc_ms`. Returns the time to reset at.
  std::int64_t on_reference_spike(std::int64_t p, std::int64_t q, double exact_ms, double unc_ms) {
    ++out_.ref_spikes;
    while (m_ < model_.size() && model_[m_].ticks() <= p - 1) {
      ++out_.spurious;
      ++m_;
    }
    if (m_ < model_.size() && model_[m_].ticks() <= q + 1) {
      const std::int64_t t = model_[m_++].ticks();
      ++out_.matched;
      out_.max_abs_dt = std::max(out_.max_abs_dt, std::abs(static_cast<double>(t - q)) * 1e-6);
      const double err = static_cast<double>(t) * 1e-6 - exact_ms;
      const double u = 1e-9 + unc_ms;
      if (err < -u || err > 1e-6 + u) ++out_.timing_violations;
      if (u < 1e-7) {
        ++out_.well_conditioned;
        out_.max_err_well_conditioned = std::max(out_.max_err_well_conditioned, std::abs(err));
      }
      return std::clamp(t, p, q);
    }
    ++out_.missed;
    return q;
  }
  /// Model spikes left over up to `end` (the last visited point) were not seen: spurious.
  /// Later ones are outside the compared window (the model is run a little longer).
  void finish(std::int64_t end) {
    for (; m_ < model_.size(); ++m_)
      if (model_[m_].ticks() <= end) ++out_.spurious;
  }

 private:
  std::span<const Time> model_;
  RefComparison& out_;
  std::size_t m_ = 0;
};

/// Tracks the last two visited values of V for the ambiguity test.
class GrazeWatch {
 public:
  /// Values below V_th - slow_margin need no bookkeeping: the allowance stays far smaller.
  static constexpr double slow_margin = 1e-3;  // [mV]

  GrazeWatch(double V_th, double tau_m, double h, RefComparison& out)
      : th_(V_th),
        rounding_(1e-9 + 8.0 * std::numeric_limits<double>::epsilon() * std::abs(V_th) * tau_m / h),
        out_(out) {}
  void restart(double v) {
    p2_ = std::numeric_limits<double>::quiet_NaN();
    p1_ = v;
  }
  void set_history(double before, double last) {
    p2_ = before;
    p1_ = last;
  }
  /// How far a peak between samples may rise above them [mV] (must stay << slow_margin).
  void set_allowance(double a) { allowance_ = a; }
  double last() const { return p1_; }
  double rounding() const { return rounding_; }
  void see(double v) {
    if (std::abs(v - th_) < rounding_) out_.ambiguous = true;
    if (p1_ >= p2_ && p1_ >= v) {  // p1_ is a local maximum (false while p2_ is NaN)
      const double margin = th_ - p1_;
      out_.peak_margin = std::min(out_.peak_margin, std::abs(margin));
      if (margin > 0.0 && margin <= rounding_ + allowance_) out_.ambiguous = true;
    }
    p2_ = p1_;
    p1_ = v;
  }

 private:
  double th_;
  double rounding_;
  RefComparison& out_;
  double allowance_ = 0.0;
  double p2_ = std::numeric_limits<double>::quiet_NaN();
  double p1_ = std::numeric_limits<double>::quiet_NaN();
};

/// Reference run of lif_exp from (V0, I_exc0, I_inh0) at 0 with `events` over [0, end] (the
/// end point is visited).
inline RefComparison reference_lif_exp(const models::LifExpParams& p, double V0, double Ie0,
                                       double Ii0, std::span<const EmuEvent> events, Time end,
                                       std::span<const Time> model_spikes,
                                       std::int64_t h_ticks = 100) {
  RefComparison out;
  SpikeMatcher match(model_spikes, out);
  const double h = static_cast<double>(h_ticks) * 1e-6;
  GrazeWatch watch(p.V_th, p.tau_m, h, out);
  struct Prop {
    double em, ee, ei, pe, pi;
  };
  // Textbook propagators over dt [ms] (iaf_psc_exp): P_x = tau_x tau_m / (C (tau_m - tau_x))
  // (exp(-dt/tau_m) - exp(-dt/tau_x)).
  const auto prop = [&](double dt) {
    Prop q;
    q.em = std::exp(-dt / p.tau_m);
    q.ee = std::exp(-dt / p.tau_syn_exc);
    q.ei = std::exp(-dt / p.tau_syn_inh);
    q.pe = p.tau_syn_exc * p.tau_m / (p.C_m * (p.tau_m - p.tau_syn_exc)) * (q.em - q.ee);
    q.pi = p.tau_syn_inh * p.tau_m / (p.C_m * (p.tau_m - p.tau_syn_inh)) * (q.em - q.ei);
    return q;
  };
  const Prop s1 = prop(h), s2 = prop(2 * h), s3 = prop(3 * h), s4 = prop(4 * h);
  const std::int64_t t_ref = Time::from_ms(p.t_ref).ticks();
  const std::int64_t t_end = end.ticks();
  double V = V0, Ie = Ie0, Ii = Ii0, bias = p.I_e;
  std::int64_t t = 0, ref_end = 0;
  std::size_t i = 0;
  watch.restart(V);
  const auto apply_events = [&] {
    for (; i < events.size() && events[i].t.ticks() == t; ++i) {
      const EmuEvent& e = events[i];
      if (e.kind == EmuEvent::Kind::current)
        bias = p.I_e + e.value;
      else if (e.receptor == models::LifExpGroup::exc)
        Ie += e.value;
      else
        Ii += e.value;
    }
  };
  for (;;) {
    const std::int64_t t_ev =
        i < events.size() ? events[i].t.ticks() : std::numeric_limits<std::int64_t>::max();
    if (t < ref_end) {  // clamped at V_reset; currents decay and take input
      const std::int64_t stop = std::min({ref_end, t_ev, t_end});
      const double dt = static_cast<double>(stop - t) * 1e-6;
      Ie *= std::exp(-dt / p.tau_syn_exc);
      Ii *= std::exp(-dt / p.tau_syn_inh);
      V = p.V_reset;
      t = stop;
      watch.restart(V);
      if (t == t_ev) apply_events();
      if (t >= t_end) break;
      continue;
    }
    const std::int64_t stop = std::min(t_ev, t_end);
    const double v_inf = p.E_L + p.tau_m / p.C_m * bias;
    {
      // |V''| <= sum |c_k| / tau_k^2 on this segment (V = V_inf + sum c_k exp(-t / tau_k)).
      const double ae = Ie * p.tau_syn_exc * p.tau_m / (p.C_m * (p.tau_syn_exc - p.tau_m));
      const double ai = Ii * p.tau_syn_inh * p.tau_m / (p.C_m * (p.tau_syn_inh - p.tau_m));
      const double cm = V - v_inf - ae - ai;
      const double bound = std::abs(cm) / (p.tau_m * p.tau_m) +
                           std::abs(ae) / (p.tau_syn_exc * p.tau_syn_exc) +
                           std::abs(ai) / (p.tau_syn_inh * p.tau_syn_inh);
      watch.set_allowance(bound * h * h / 8.0);
    }
    const double u_slow = p.V_th - GrazeWatch::slow_margin - v_inf;
    bool spiked = false;
    while (t < stop && !spiked) {
      if (t % h_ticks == 0 && t + h_ticks <= stop &&
          watch.last() < p.V_th - GrazeWatch::slow_margin) {
        // Fast path over whole grid steps, u = V - V_inf, far below threshold.
        double u = V - v_inf, up = watch.last() - v_inf;
        std::int64_t n = (stop - t) / h_ticks, done = 0;
        for (; n - done >= 4; done += 4) {
          const double u1 = s1.em * u + (s1.pe * Ie + s1.pi * Ii);
          const double u2 = s2.em * u + (s2.pe * Ie + s2.pi * Ii);
          const double u3 = s3.em * u + (s3.pe * Ie + s3.pi * Ii);
          const double u4 = s4.em * u + (s4.pe * Ie + s4.pi * Ii);
          if ((u1 >= u_slow) | (u2 >= u_slow) | (u3 >= u_slow) | (u4 >= u_slow)) break;
          up = u3;
          u = u4;
          Ie *= s4.ee;
          Ii *= s4.ei;
        }
        for (; done < n; ++done) {
          const double un = s1.em * u + (s1.pe * Ie + s1.pi * Ii);
          if (un >= u_slow) break;
          up = u;
          u = un;
          Ie *= s1.ee;
          Ii *= s1.ei;
        }
        t += done * h_ticks;
        V = v_inf + u;
        if (done > 0) watch.set_history(v_inf + up, V);
        if (done == n) continue;
      }
      // One step to the next visited point, with the full bookkeeping.
      const std::int64_t q = std::min((t / h_ticks + 1) * h_ticks, stop);
      if (q <= t) throw std::logic_error("reference: time does not advance");
      const Prop s = q - t == h_ticks ? s1 : prop(static_cast<double>(q - t) * 1e-6);
      const double Vq = v_inf + (V - v_inf) * s.em + s.pe * Ie + s.pi * Ii;
      watch.see(Vq);
      if (Vq >= p.V_th) {
        // The crossing in (t, q] by bisection on the closed form from the state at t.
        const auto V_at = [&](double dt) {
          const Prop a = prop(dt);
          return v_inf + (V - v_inf) * a.em + a.pe * Ie + a.pi * Ii;
        };
        double lo = 0.0, hi = static_cast<double>(q - t) * 1e-6;
        for (int k = 0; k < 60; ++k) {
          const double mid = 0.5 * (lo + hi);
          (V_at(mid) >= p.V_th ? hi : lo) = mid;
        }
        const double Ie_x = Ie * std::exp(-hi / p.tau_syn_exc);
        const double Ii_x = Ii * std::exp(-hi / p.tau_syn_inh);
        const double slope = (v_inf - p.V_th + p.tau_m / p.C_m * (Ie_x + Ii_x)) / p.tau_m;
        const std::int64_t r = match.on_reference_spike(t, q, static_cast<double>(t) * 1e-6 + hi,
                                                        watch.rounding() / std::max(slope, 1e-300));
        const double dt = static_cast<double>(r - t) * 1e-6;
        Ie *= std::exp(-dt / p.tau_syn_exc);
        Ii *= std::exp(-dt / p.tau_syn_inh);
        V = p.V_reset;
        t = r;
        ref_end = r + t_ref;
        watch.restart(V);
        spiked = true;
        break;
      }
      V = Vq;
      Ie *= s.ee;
      Ii *= s.ei;
      t = q;
    }
    if (spiked) continue;
    if (t == t_ev) apply_events();  // after the threshold test at this point
    if (t >= t_end) break;
  }
  match.finish(t_end);
  return out;
}

/// Reference run of lif_delta from V0 at 0 with `events` over [0, end] (the end point is
/// visited).
inline RefComparison reference_lif_delta(const models::LifDeltaParams& p, double V0,
                                         std::span<const EmuEvent> events, Time end,
                                         std::span<const Time> model_spikes,
                                         std::int64_t h_ticks = 100) {
  RefComparison out;
  SpikeMatcher match(model_spikes, out);
  const double h = static_cast<double>(h_ticks) * 1e-6;
  GrazeWatch watch(p.V_th, p.tau_m, h, out);  // V is monotone between events: no hidden peaks
  const double e1 = std::exp(-h / p.tau_m), e2 = std::exp(-2 * h / p.tau_m),
               e3 = std::exp(-3 * h / p.tau_m), e4 = std::exp(-4 * h / p.tau_m);
  const std::int64_t t_ref = Time::from_ms(p.t_ref).ticks();
  const std::int64_t t_end = end.ticks();
  double V = V0, bias = p.I_e;
  std::int64_t t = 0, ref_end = 0;
  std::size_t i = 0;
  watch.restart(V);
  const auto spike_at = [&](std::int64_t p0, std::int64_t q, double exact_ms, double unc_ms) {
    const std::int64_t r = match.on_reference_spike(p0, q, exact_ms, unc_ms);
    V = p.V_reset;
    t = r;
    ref_end = r + t_ref;
    watch.restart(V);
  };
  for (;;) {
    const std::int64_t t_ev =
        i < events.size() ? events[i].t.ticks() : std::numeric_limits<std::int64_t>::max();
    if (t < ref_end) {  // clamped at V_reset; inputs are discarded, current changes kept
      t = std::min({ref_end, t_ev, t_end});
      V = p.V_reset;
      for (; i < events.size() && events[i].t.ticks() == t && t < ref_end; ++i)
        if (events[i].kind == EmuEvent::Kind::current) bias = p.I_e + events[i].value;
      if (t >= t_end) break;
      continue;
    }
    const std::int64_t stop = std::min(t_ev, t_end);
    const double v_inf = p.E_L + p.tau_m / p.C_m * bias;
    const double u_slow = p.V_th - GrazeWatch::slow_margin - v_inf;
    bool spiked = false;
    while (t < stop && !spiked) {
      if (t % h_ticks == 0 && t + h_ticks <= stop) {
        double u = V - v_inf;
        std::int64_t n = (stop - t) / h_ticks, done = 0;
        for (; n - done >= 4; done += 4) {
          if ((e1 * u >= u_slow) | (e2 * u >= u_slow) | (e3 * u >= u_slow) | (e4 * u >= u_slow))
            break;
          u *= e4;
        }
        for (; done < n && e1 * u < u_slow; ++done)
          u *= e1;
        t += done * h_ticks;
        V = v_inf + u;
        watch.restart(V);
        if (done == n) continue;
      }
      const std::int64_t q = std::min((t / h_ticks + 1) * h_ticks, stop);
      if (q <= t) throw std::logic_error("reference: time does not advance");
      const double em =
          q - t == h_ticks ? e1 : std::exp(-static_cast<double>(q - t) * 1e-6 / p.tau_m);
      const double Vq = v_inf + (V - v_inf) * em;
      watch.see(Vq);
      if (Vq >= p.V_th) {
        // Closed-form crossing of the free trajectory from the state at t.
        const double dt = p.tau_m * std::log((v_inf - V) / (v_inf - p.V_th));
        const double slope = (v_inf - p.V_th) / p.tau_m;
        spike_at(t, q, static_cast<double>(t) * 1e-6 + dt, watch.rounding() / slope);
        spiked = true;
        break;
      }
      V = Vq;
      t = q;
    }
    if (spiked) continue;
    if (t == t_ev) {
      // Inputs of this tick, summed, then the threshold test.
      double jump = 0.0;
      for (; i < events.size() && events[i].t.ticks() == t; ++i) {
        if (events[i].kind == EmuEvent::Kind::current)
          bias = p.I_e + events[i].value;
        else
          jump += events[i].value;
      }
      if (jump != 0.0) {
        V += jump;
        watch.restart(V);
        if (std::abs(V - p.V_th) < watch.rounding()) out.ambiguous = true;
        if (V >= p.V_th) {
          spike_at(t, t, static_cast<double>(t) * 1e-6, 0.0);  // a jump: exactly at t
          continue;
        }
      }
    }
    if (t >= t_end) break;
  }
  match.finish(t_end);
  return out;
}

}  // namespace spindle::test
