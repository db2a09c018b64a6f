// Property tests: no missed and no spurious spikes. Random short input sequences, most of them
// scaled so that the peak of the subthreshold V lands within +-0.05 mV of threshold (many far
// closer), run through the model by the kernel emulator and compared spike by spike with the
// fine-step reference of reference_lif.hpp (exact propagators on a 1e-4 ms grid).
//
// Pass criteria (per sequence not flagged ambiguous by the reference): every reference spike
// has a model spike in its window (p - 1 tick, q + 1 tick] (q: the reference's spike point, p:
// the point before it, q - p <= 1e-4 ms) and vice versa. Ambiguous sequences (a visited V, or a
// visited peak plus its curvature allowance, within ~1e-8 mV of threshold: see
// reference_lif.hpp) are counted and must be rare. All random numbers come from
// std::mt19937_64 seeded per (case, cell), so every run sees the same sequences.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/combinable.h>
#include <tbb/parallel_for.h>

#include "kernel_emulator.hpp"
#include "reference_lif.hpp"
#include "support/catch.hpp"

namespace {

using spindle::Time;
using spindle::models::LifDeltaGroup;
using spindle::models::LifDeltaParams;
using spindle::models::LifExpGroup;
using spindle::models::LifExpParams;
using spindle::test::EmuEvent;
using spindle::test::emulate_cell;
using spindle::test::EmuOptions;
using spindle::test::RefComparison;

constexpr std::int64_t ref_step_ticks = 100;  // 1e-4 ms

struct Stats {
  std::size_t sequences = 0, grazing = 0, ambiguous = 0, ref_spikes = 0, matched = 0;
  std::size_t missed = 0, spurious = 0;  // in unambiguous sequences: must be 0
  std::size_t timing = 0;                // timing violations there: must be 0
  std::size_t well_conditioned = 0;
  double max_err = 0.0;  // max |t_model - t*| over well-conditioned crossings [ms]
  std::size_t missed_amb = 0, spurious_amb = 0;  // in ambiguous ones: counted
  std::size_t inputs = 0, checks = 0, mode_mismatch = 0, mode_runs = 0;
  double max_dt = 0.0;
  void add(const RefComparison& c, bool graze) {
    ++sequences;
    grazing += graze;
    ref_spikes += c.ref_spikes;
    matched += c.matched;
    max_dt = std::max(max_dt, c.max_abs_dt);
    well_conditioned += c.well_conditioned;
    max_err = std::max(max_err, c.max_err_well_conditioned);
    if (c.ambiguous) {
      ++ambiguous;
      missed_amb += c.missed;
      spurious_amb += c.spurious;
    } else {
      missed += c.missed;
      spurious += c.spurious;
      timing += c.timing_violations;
    }
  }
  Stats& operator+=(const Stats& o) {
    sequences += o.sequences;
    grazing += o.grazing;
    ambiguous += o.ambiguous;
    ref_spikes += o.ref_spikes;
    matched += o.matched;
    missed += o.missed;
    spurious += o.spurious;
    missed_amb += o.missed_amb;
    spurious_amb += o.spurious_amb;
    inputs += o.inputs;
    checks += o.checks;
    mode_mismatch += o.mode_mismatch;
    mode_runs += o.mode_runs;
    max_dt = std::max(max_dt, o.max_dt);
    timing += o.timing;
    well_conditioned += o.well_conditioned;
    max_err = std::max(max_err, o.max_err);
    return *this;
  }
};

void print(const char* name, const Stats& s, double seconds) {
  std::printf(
      "%s: %zu sequences (%zu grazing within 0.05 mV), %zu reference spikes, %zu matched, "
      "max |t_model - t_ref| = %.4g ms, max |t_model - t*| = %.4g ms over %zu well-conditioned "
      "crossings, ambiguous %zu (missed %zu, spurious %zu there), "
      "checks per input %.3f, kernel-order variants %zu/%zu identical, %.1f s\n",
      name, s.sequences, s.grazing, s.ref_spikes, s.matched, s.max_dt, s.max_err,
      s.well_conditioned, s.ambiguous, s.missed_amb, s.spurious_amb,
      static_cast<double>(s.checks) / static_cast<double>(s.inputs), s.mode_runs - s.mode_mismatch,
      s.mode_runs, seconds);
}

/// Distance of the targeted peak from threshold [mV]: 45% uniform in +-0.05, 45% log-uniform
/// magnitude in [1e-7, 1e-2], 0.3% in [1e-12, 1e-7] (mostly the reference's ambiguous zone),
/// else NaN: an untargeted sequence with strong random drive (several spikes, refractory
/// inputs).
double draw_delta(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double kind = u(rng);
  const double sign = u(rng) < 0.5 ? -1.0 : 1.0;
  if (kind < 0.45) return 0.05 * (2.0 * u(rng) - 1.0);
  if (kind < 0.90) return sign * std::pow(10.0, -7.0 + 5.0 * u(rng));
  if (kind < 0.903) return sign * std::pow(10.0, -12.0 + 5.0 * u(rng));
  return std::numeric_limits<double>::quiet_NaN();
}

/// Runs the same sequence with the other prediction policy (and, if `ties`, the other tie
/// order) on fresh groups and counts runs whose spikes differ from `spikes`.
template <class Group, class Params, class Init>
void compare_kernel_variants(const Params& p, const Init& init, const std::vector<EmuEvent>& events,
                             const EmuOptions& opt, const std::vector<Time>& spikes, bool ties,
                             Stats& st) {
  for (int mode = 1; mode < 4; ++mode) {
    if ((mode & 1) && !ties) continue;
    Group g(p, 1);
    init(g);
    EmuOptions o = opt;
    o.checks_before_inputs = mode & 1;
    o.replace_predictions = mode & 2;
    ++st.mode_runs;
    if (emulate_cell(g, 0, events, o).spikes != spikes) ++st.mode_mismatch;
  }
}

// ------------------------------------------------------------------------------------------
// lif_exp

struct ExpSequence {
  double V0 = 0.0, Ie0 = 0.0, Ii0 = 0.0;
  std::vector<EmuEvent> events;
  bool grazing = false;
};

/// Scale s of the inputs so that max_t (a(t) + s b(t)) = target, with a the trajectory without
/// inputs and b the response to the unscaled inputs, sampled every 1e-3 ms and at the inputs,
/// then refined twice by the vertex of the parabola through the best sample and its
/// neighbours (error ~|V'''| h^3, ~1e-9 mV). Returns NaN if no scale reaches the target.
double scale_to_peak(const LifExpParams& p, const ExpSequence& s, Time end, double target) {
  struct Point {
    double t, a, b;
  };
  std::vector<Point> pts;
  pts.reserve(static_cast<std::size_t>(end.to_ms() / 1e-3) + s.events.size() + 2);
  double Va = s.V0, Iea = s.Ie0, Iia = s.Ii0, bias = p.I_e;
  double Vb = 0.0, Ieb = 0.0, Iib = 0.0;
  std::size_t i = 0;
  struct Prop {
    double em, ee, ei, pe, pi;
  };
  const auto prop = [&](double dt) {
    Prop q;
    q.em = std::exp(-dt / p.tau_m);
    q.ee = std::exp(-dt / p.tau_syn_exc);
    q.ei = std::exp(-dt / p.tau_syn_inh);
    q.pe = p.tau_syn_exc * p.tau_m / (p.C_m * (p.tau_m - p.tau_syn_exc)) * (q.em - q.ee);
    q.pi = p.tau_syn_inh * p.tau_m / (p.C_m * (p.tau_m - p.tau_syn_inh)) * (q.em - q.ei);
    return q;
  };
  const std::int64_t h = 1000;  // ticks: 1e-3 ms
  const Prop step = prop(1e-3);
  std::int64_t t = 0;
  const std::int64_t t_end = end.ticks();
  pts.push_back({0.0, Va, Vb});
  while (t < t_end) {
    const std::int64_t t_ev = i < s.events.size() ? s.events[i].t.ticks() : t_end;
    const std::int64_t next = std::min({(t / h + 1) * h, t_ev, t_end});
    const Prop q = next - t == h ? step : prop(static_cast<double>(next - t) * 1e-6);
    const double vi = p.E_L + p.tau_m / p.C_m * bias;
    Va = vi + (Va - vi) * q.em + q.pe * Iea + q.pi * Iia;
    Iea *= q.ee;
    Iia *= q.ei;
    Vb = Vb * q.em + q.pe * Ieb + q.pi * Iib;
    Ieb *= q.ee;
    Iib *= q.ei;
    t = next;
    pts.push_back({static_cast<double>(t) * 1e-6, Va, Vb});
    for (; i < s.events.size() && s.events[i].t.ticks() <= t; ++i) {
      const EmuEvent& e = s.events[i];
      if (e.kind == EmuEvent::Kind::current)
        bias = p.I_e + e.value;
      else
        (e.receptor == LifExpGroup::exc ? Ieb : Iib) += e.value;
    }
  }
  double scale = std::numeric_limits<double>::infinity();
  std::size_t best = 0;
  for (std::size_t k = 0; k < pts.size(); ++k) {
    if (pts[k].a >= target) return std::numeric_limits<double>::quiet_NaN();
    if (pts[k].b > 0.0 && (target - pts[k].a) / pts[k].b < scale) {
      scale = (target - pts[k].a) / pts[k].b;
      best = k;
    }
  }
  if (!std::isfinite(scale)) return std::numeric_limits<double>::quiet_NaN();
  if (best == 0 || best + 1 >= pts.size()) return scale;
  for (int iter = 0; iter < 2; ++iter) {
    const auto y = [&](std::size_t k) { return pts[k].a + scale * pts[k].b; };
    const double d0 = pts[best - 1].t - pts[best].t, d2 = pts[best + 1].t - pts[best].t;
    const double s0 = (y(best - 1) - y(best)) / d0, s2 = (y(best + 1) - y(best)) / d2;
    const double A = (s0 - s2) / (d0 - d2), B = s0 - A * d0;
    if (!(A < 0.0)) break;
    const double x = -B / (2.0 * A), vertex = y(best) - B * B / (4.0 * A);
    if (x < d0 || x > d2 || std::abs(vertex - y(best)) > 1e-3) break;
    scale += (target - vertex) / pts[best].b;
  }
  return scale;
}

ExpSequence make_exp_sequence(const LifExpParams& p, std::uint64_t seed, Time end,
                              Time input_window) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const auto uni = [&](double lo, double hi) { return lo + (hi - lo) * u(rng); };
  const double rheobase = (p.V_th - p.E_L) * p.C_m / p.tau_m;
  ExpSequence s;
  s.V0 = uni(p.E_L - 5.0, p.V_th - 1.0);
  if (u(rng) < 0.3) s.Ie0 = uni(0.0, 300.0);
  if (u(rng) < 0.3) s.Ii0 = -uni(0.0, 300.0);
  const std::int64_t window = input_window.ticks();
  std::uniform_int_distribution<std::int64_t> when(0, window);
  if (u(rng) < 0.4)
    s.events.push_back(spindle::test::emu_current(Time::zero(), uni(0, 1.1) * rheobase));
  if (u(rng) < 0.2)
    s.events.push_back(
        spindle::test::emu_current(Time::from_ticks(when(rng)), uni(0, 1.1) * rheobase));
  const int n = std::uniform_int_distribution<int>(1, 8)(rng);
  Time last = Time::zero();
  for (int k = 0; k < n; ++k) {
    const Time t = (k > 0 && u(rng) < 0.15) ? last : Time::from_ticks(when(rng));
    last = t;
    if (u(rng) < 0.65)
      s.events.push_back(spindle::test::emu_input(t, LifExpGroup::exc, uni(0.1, 1.0)));
    else
      s.events.push_back(spindle::test::emu_input(t, LifExpGroup::inh, -uni(0.1, 1.0)));
  }
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const EmuEvent& a, const EmuEvent& b) { return a.t < b.t; });
  const double delta = draw_delta(rng);
  double scale = std::isnan(delta) ? std::numeric_limits<double>::quiet_NaN()
                                   : scale_to_peak(p, s, end, p.V_th + delta);
  s.grazing = std::isfinite(scale) && scale < 5e4 && std::abs(delta) <= 0.05;
  if (!s.grazing) scale = uni(100.0, 800.0);
  for (EmuEvent& e : s.events)
    if (e.kind == EmuEvent::Kind::input) e.value *= scale;
  return s;
}

}  // namespace

TEST_CASE("lif_exp: no missed or spurious spikes on grazing inputs (1e-4 ms reference)",
          "[validation][lif_exp][property]") {
  const auto t0 = std::chrono::steady_clock::now();
  struct Case {
    const char* name;
    LifExpParams p;
  };
  std::vector<Case> cases(4);
  cases[0].name = "defaults (tau_syn 2/2 ms)";
  cases[1].name = "tau_syn 0.5/3 ms, t_ref 0.5 ms";
  cases[1].p.tau_syn_exc = 0.5;
  cases[1].p.tau_syn_inh = 3.0;
  cases[1].p.t_ref = 0.5;
  cases[2].name = "tau_syn 5/12 ms (inh slower than tau_m), C 200 pF";
  cases[2].p.tau_syn_exc = 5.0;
  cases[2].p.tau_syn_inh = 12.0;
  cases[2].p.C_m = 200.0;
  cases[2].p.t_ref = 1.0;
  cases[3].name = "tau_m 5, tau_syn 20/1 ms (exc slower than tau_m), t_ref 0";
  cases[3].p.tau_m = 5.0;
  cases[3].p.tau_syn_exc = 20.0;
  cases[3].p.tau_syn_inh = 1.0;
  cases[3].p.t_ref = 0.0;
  constexpr std::size_t per_case = 25'000;
  const Time end = Time::from_ms(4.5), window = Time::from_ms(3.0);

  Stats total;
  for (std::size_t ci = 0; ci < cases.size(); ++ci) {
    const LifExpParams& p = cases[ci].p;
    LifExpGroup g(p, per_case);
    tbb::combinable<Stats> part;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, per_case, 500), [&](const auto& range) {
      Stats& st = part.local();
      for (std::size_t c = range.begin(); c < range.end(); ++c) {
        const ExpSequence s = make_exp_sequence(p, 1000003 * (ci + 1) + c, end, window);
        const auto init = [&](spindle::CellGroup& grp, std::size_t cell) {
          grp.set_state(cell, LifExpGroup::V_m, s.V0);
          grp.set_state(cell, LifExpGroup::I_exc, s.Ie0);
          grp.set_state(cell, LifExpGroup::I_inh, s.Ii0);
        };
        init(g, c);
        EmuOptions opt;
        opt.end = end + Time::from_ticks(2);  // the reference visits `end` itself
        const auto r = emulate_cell(g, c, s.events, opt);
        st.inputs += r.calls;
        st.checks += r.checks;
        const RefComparison cmp = spindle::test::reference_lif_exp(p, s.V0, s.Ie0, s.Ii0, s.events,
                                                                   end, r.spikes, ref_step_ticks);
        st.add(cmp, s.grazing);
        if (c % 64 == 0)
          compare_kernel_variants<LifExpGroup>(
              p, [&](LifExpGroup& one) { init(one, 0); }, s.events, opt, r.spikes, true, st);
      }
    });
    Stats cs;
    part.combine_each([&](const Stats& x) { cs += x; });
    INFO(cases[ci].name);
    CHECK(g.late_checks() == 0);
    CHECK(cs.missed == 0);
    CHECK(cs.spurious == 0);
    CHECK(cs.timing == 0);
    CHECK(cs.mode_mismatch == 0);
    total += cs;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  print("lif_exp property", total, secs);
  CHECK(total.sequences == 4 * per_case);
  // Most sequences graze: 90% are targeted at the +-0.05 mV band; those whose drive without
  // inputs already reaches threshold (DC, initial currents) cannot be, which leaves ~70%.
  CHECK(total.grazing >= total.sequences * 6 / 10);
  CHECK(total.max_dt <= 1e-4 + 1e-6);
  // Against the exact crossing: the first tick at or after it (1e-9 ms rounding slack).
  CHECK(total.max_err <= 1e-6 + 1e-9);
  // Ambiguous grazes: the 0.3% drawn within 1e-7 mV of threshold, plus peaks that land in the
  // reference's ~1e-8 mV blind band by chance (0.42% in all with these seeds); allow 1%.
  CHECK(total.ambiguous * 100 <= total.sequences);
}

// ------------------------------------------------------------------------------------------
// lif_delta

namespace {

struct DeltaSequence {
  double V0 = 0.0;
  std::vector<EmuEvent> events;
  bool grazing = false;
};

DeltaSequence make_delta_sequence(const LifDeltaParams& p, std::uint64_t seed, Time window) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const auto uni = [&](double lo, double hi) { return lo + (hi - lo) * u(rng); };
  const double R = p.tau_m / p.C_m;
  const double rheobase = (p.V_th - p.E_L) / R;
  DeltaSequence s;
  s.V0 = uni(p.E_L - 5.0, p.V_th - 0.5);
  std::uniform_int_distribution<std::int64_t> when(0, window.ticks());
  const double I_max = std::max(1.3 * rheobase, 200.0);
  if (u(rng) < 0.5) s.events.push_back(spindle::test::emu_current(Time::zero(), uni(0, 1) * I_max));
  if (u(rng) < 0.2)
    s.events.push_back(spindle::test::emu_current(Time::from_ticks(when(rng)), uni(0, 1) * I_max));
  const int n = std::uniform_int_distribution<int>(1, 12)(rng);
  Time last = Time::zero();
  for (int k = 0; k < n; ++k) {
    const Time t = (k > 0 && u(rng) < 0.15) ? last : Time::from_ticks(when(rng));
    last = t;
    if (u(rng) < 0.6)
      s.events.push_back(spindle::test::emu_input(t, LifDeltaGroup::exc, uni(0.1, 4.0)));
    else
      s.events.push_back(spindle::test::emu_input(t, LifDeltaGroup::inh, -uni(0.1, 4.0)));
  }
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const EmuEvent& a, const EmuEvent& b) { return a.t < b.t; });
  // Graze: pick an excitatory input and size it so that V after its tick lands at V_th + delta,
  // using the subthreshold closed form (no reset) up to that tick.
  const double delta = draw_delta(rng);
  std::vector<std::size_t> exc;
  for (std::size_t k = 0; k < s.events.size(); ++k)
    if (s.events[k].kind == EmuEvent::Kind::input && s.events[k].receptor == LifDeltaGroup::exc)
      exc.push_back(k);
  if (std::isnan(delta) || exc.empty()) return s;
  const std::size_t j = exc[std::uniform_int_distribution<std::size_t>(0, exc.size() - 1)(rng)];
  const Time tj = s.events[j].t;
  double V = s.V0, bias = p.I_e, t = 0.0, same_tick = 0.0;
  for (std::size_t k = 0; k < s.events.size() && s.events[k].t <= tj; ++k) {
    const EmuEvent& e = s.events[k];
    const double vi = p.E_L + R * bias;
    V = vi + (V - vi) * std::exp(-(e.t.to_ms() - t) / p.tau_m);
    t = e.t.to_ms();
    if (e.kind == EmuEvent::Kind::current)
      bias = p.I_e + e.value;
    else if (e.t == tj)
      same_tick += k == j ? 0.0 : e.value;
    else
      V += e.value;
  }
  const double w = p.V_th + delta - V - same_tick;
  if (w > 0.0) {
    s.events[j].value = w;
    s.grazing = std::abs(delta) <= 0.05;
  }
  return s;
}

}  // namespace

TEST_CASE("lif_delta: no missed or spurious spikes on grazing inputs (1e-4 ms reference)",
          "[validation][lif_delta][property]") {
  const auto t0 = std::chrono::steady_clock::now();
  struct Case {
    const char* name;
    LifDeltaParams p;
  };
  std::vector<Case> cases(3);
  cases[0].name = "defaults";
  cases[1].name = "Brette et al. 2007 benchmark 4 cell (E_L above threshold)";
  cases[1].p.tau_m = 20.0;
  cases[1].p.E_L = -49.0;
  cases[1].p.V_reset = -60.0;
  cases[1].p.t_ref = 5.0;
  cases[2].name = "tau_m 5 ms, t_ref 0";
  cases[2].p.tau_m = 5.0;
  cases[2].p.t_ref = 0.0;
  constexpr std::size_t per_case = 8'000;
  const Time end = Time::from_ms(6.0), window = Time::from_ms(5.0);
  Stats total;
  for (std::size_t ci = 0; ci < cases.size(); ++ci) {
    const LifDeltaParams& p = cases[ci].p;
    LifDeltaGroup g(p, per_case);
    tbb::combinable<Stats> part;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, per_case, 500), [&](const auto& range) {
      Stats& st = part.local();
      for (std::size_t c = range.begin(); c < range.end(); ++c) {
        const DeltaSequence s = make_delta_sequence(p, 7000003 * (ci + 1) + c, window);
        g.set_state(c, LifDeltaGroup::V_m, s.V0);
        EmuOptions opt;
        opt.end = end + Time::from_ticks(2);  // the reference visits `end` itself
        const auto r = emulate_cell(g, c, s.events, opt);
        st.inputs += r.calls;
        st.checks += r.checks;
        const RefComparison cmp =
            spindle::test::reference_lif_delta(p, s.V0, s.events, end, r.spikes, ref_step_ticks);
        st.add(cmp, s.grazing);
        // Same-tick jumps are summed only because the kernel delivers all inputs of a tick
        // before its check; with checks first the first jump alone can fire the cell. So the
        // tie order is varied only for sequences without same-tick inputs.
        bool same_tick = false;
        for (std::size_t k = 1; k < s.events.size(); ++k)
          same_tick |= s.events[k].t == s.events[k - 1].t;
        if (c % 16 == 0)
          compare_kernel_variants<LifDeltaGroup>(
              p, [&](LifDeltaGroup& one) { one.set_state(0, LifDeltaGroup::V_m, s.V0); }, s.events,
              opt, r.spikes, !same_tick, st);
      }
    });
    Stats cs;
    part.combine_each([&](const Stats& x) { cs += x; });
    INFO(cases[ci].name);
    CHECK(g.late_checks() == 0);
    CHECK(cs.missed == 0);
    CHECK(cs.spurious == 0);
    CHECK(cs.timing == 0);
    CHECK(cs.mode_mismatch == 0);
    total += cs;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  print("lif_delta property", total, secs);
  CHECK(total.grazing >= total.sequences / 2);
  CHECK(total.max_dt <= 1e-4 + 1e-6);
  // Against the exact crossing: the first tick at or after it (1e-9 ms rounding slack).
  CHECK(total.max_err <= 1e-6 + 1e-9);
  // Ambiguous: jumps landing within ~1e-8 mV of threshold (0.26% with these seeds); allow 1%.
  CHECK(total.ambiguous * 100 <= total.sequences);
}
