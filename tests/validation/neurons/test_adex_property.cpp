// Property test: adex misses no spike and invents none. Random input sequences, most of them
// scaled to sit within a relative 5e-3 (many far closer) of the input scale at which the cell just
// fires, run through the model by the kernel emulator and compared spike by spike with the
// fine-step RK4 reference of reference_adex.hpp (h = 2e-3 ms).
//
// Cells: the eight Naud et al. (2008) parameter sets and Brette & Gerstner's (V_peak = 0 mV: the
// question is then whether a trajectory escapes past the saddle, the separatrix graze), the same
// with V_peak = V_T + 5 Delta_T (Brian's cut-off), and hard-threshold variants with V_peak within
// [V_T - 3, V_T + 2] mV, where V can rise to V_peak and turn back (the voltage graze), some with a
// refractory period. Inputs: 1 to 8 exponential currents (random signs, taus, times in
// [0, 10) ms), sometimes a current step; the run lasts 15 ms.
//
// Scaling: the critical scale s_c (the smallest one with a spike) is found by bisection on a
// coarse reference (h = 2e-2 ms); each sequence then uses s = s_c (1 + d), with d uniform in
// +-5e-3 (45%), of magnitude log-uniform in [3e-7, 3e-3] (45%), or an unscaled strong drive (10%,
// several spikes, inputs during refractoriness).
//
// Ambiguity (counted, not asserted): a sequence is ambiguous when the reference's answer is not
// robust at the level of the two methods' errors: a local maximum of V lies within 1e-5 mV of
// V_peak (ten times the model's voltage error bound of 1e-6 mV, which the subthreshold test
// below checks), or the reference run with all input weights scaled by 1 +- 1e-6
// gives a different spike count (near the separatrix the outcome flips under any perturbation).
// Pass criteria on the unambiguous sequences: equal spike counts (no missed, no spurious spike)
// and every model spike within 1 tick + 1e-4 ms + twice the spread of the perturbed references
// of the reference crossing. The kernel's other tie order and prediction policy must give the
// same spikes. All random numbers come from std::mt19937_64 seeded per sequence.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/combinable.h>
#include <tbb/parallel_for.h>

#include "reference_adex.hpp"
#include "spindle/models/adex.hpp"
#include "support/catch.hpp"
#include "validation/models/kernel_emulator.hpp"

namespace {

using spindle::Time;
using spindle::models::AdexGroup;
using spindle::models::AdexParams;
using spindle::test::AdexRefOptions;
using spindle::test::emu_current;
using spindle::test::emu_input;
using spindle::test::EmuEvent;
using spindle::test::emulate_cell;
using spindle::test::EmuOptions;
using spindle::test::reference_adex;

constexpr double run_ms = 15.0;

struct Case {
  AdexParams p;
  double V0 = 0.0, w0 = 0.0;
  std::vector<EmuEvent> base;  ///< inputs at unit scale (weights in pA) and current steps
  bool targeted = true;
  double scale = 1.0;
  int family = 0;
};

std::vector<EmuEvent> scaled(const std::vector<EmuEvent>& base, double s) {
  std::vector<EmuEvent> ev = base;
  for (auto& e : ev)
    if (e.kind == EmuEvent::Kind::input) e.value *= s;
  return ev;
}

// Naud et al. (2008) rows: C, g_L, E_L, a, tau_w, b, V_r (V_T = -50, Delta_T = 2).
constexpr double naud[8][7] = {
    {200, 10, -70, 2, 30, 0, -58},    {200, 12, -70, 2, 300, 60, -58},
    {130, 18, -58, 4, 150, 120, -50}, {200, 10, -58, 2, 120, 100, -46},
    {200, 12, -70, -10, 300, 0, -58}, {100, 10, -65, -10, 90, 30, -47},
    {100, 10, -65, 10, 90, 100, -47}, {100, 12, -60, -11, 130, 30, -48},
};

Case draw_case(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Case c;
  AdexParams& p = c.p;
  const int row = static_cast<int>(u(rng) * 9);  // 0-7 Naud, 8 Brette & Gerstner defaults
  if (row < 8) {
    const auto& r = naud[row];
    p.C_m = r[0];
    p.g_L = r[1];
    p.E_L = r[2];
    p.a = r[3];
    p.tau_w = r[4];
    p.b = r[5];
    p.V_reset = r[6];
    p.V_T = -50.0;
    p.Delta_T = 2.0;
  }
  const double kind = u(rng);
  if (kind < 0.4) {
    c.family = 0;  // V_peak = 0: separatrix grazes
    p.V_peak = 0.0;
  } else if (kind < 0.55) {
    c.family = 1;
    p.V_peak = p.V_T + 5.0 * p.Delta_T;
  } else {
    c.family = 2;  // hard threshold near V_T: voltage grazes
    p.V_peak = p.V_T - 3.0 + 5.0 * u(rng);
    p.V_reset = std::min(p.V_reset, p.V_peak - 5.0);
  }
  p.t_ref = u(rng) < 0.3 ? 2.0 * u(rng) : 0.0;
  p.tau_syn_exc = 0.5 + 4.5 * u(rng);
  p.tau_syn_inh = 1.0 + 9.0 * u(rng);
  c.V0 = p.E_L - 5.0 + (std::min(p.V_T, p.V_peak) - 1.0 - (p.E_L - 5.0)) * u(rng);
  c.w0 = -50.0 + 200.0 * u(rng);
  if (u(rng) < 0.3)
    c.base.push_back(emu_current(Time::from_ms(10.0 * u(rng)), -100.0 + 300.0 * u(rng)));
  const int n = 1 + static_cast<int>(u(rng) * 8);
  for (int k = 0; k < n; ++k) {
    const Time t = Time::from_ticks(static_cast<std::int64_t>(u(rng) * 1e7));
    if (u(rng) < 0.3)
      c.base.push_back(emu_input(t, AdexGroup::inh, -u(rng)));
    else
      c.base.push_back(emu_input(t, AdexGroup::exc, u(rng)));
  }
  std::stable_sort(c.base.begin(), c.base.end(),
                   [](const EmuEvent& a, const EmuEvent& b) { return a.t < b.t; });
  return c;
}

bool coarse_spikes(const Case& c, double s) {
  AdexRefOptions o;
  o.h = 2e-2;
  o.stop_at_spike = true;
  const auto ev = scaled(c.base, s);
  return !reference_adex(c.p, c.V0, c.w0, 0.0, 0.0, ev, run_ms, o).spikes.empty();
}

/// Sets c.scale (and c.targeted); false if the case is useless (never fires up to a huge drive).
bool choose_scale(Case& c, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double kind = u(rng);
  if (kind >= 0.9 || coarse_spikes(c, 0.0)) {
    c.targeted = false;
    c.scale = 2000.0 + 3000.0 * u(rng);
    return true;
  }
  double lo = 0.0, hi = 50.0;
  while (!coarse_spikes(c, hi)) {
    hi *= 2.0;
    if (hi > 1e5) return false;
  }
  for (int k = 0; k < 30; ++k) {
    const double m = 0.5 * (lo + hi);
    (coarse_spikes(c, m) ? hi : lo) = m;
  }
  const double sign = u(rng) < 0.5 ? -1.0 : 1.0;
  const double d =
      kind < 0.45 ? 5e-3 * (2.0 * u(rng) - 1.0) : sign * std::pow(10.0, -6.5 + 4.0 * u(rng));
  c.scale = hi * (1.0 + d);
  return true;
}

struct Stats {
  std::size_t sequences = 0, targeted = 0, ambiguous = 0, ref_spikes = 0, matched = 0;
  std::size_t missed = 0, spurious = 0, timing = 0;  // unambiguous: must be 0
  std::size_t missed_amb = 0, spurious_amb = 0;
  std::size_t variant_runs = 0, variant_mismatch = 0;
  std::size_t per_family[3] = {0, 0, 0};
  std::size_t late = 0;
  double max_dt = 0.0, max_v_err = 0.0, max_dt_wc = 0.0;
  std::size_t well_conditioned = 0;
  std::size_t v_compared = 0, v_violations = 0;
  std::uint64_t model_steps = 0, ref_steps = 0, inputs = 0, checks = 0;
  Stats& operator+=(const Stats& o) {
    sequences += o.sequences;
    targeted += o.targeted;
    ambiguous += o.ambiguous;
    ref_spikes += o.ref_spikes;
    matched += o.matched;
    missed += o.missed;
    spurious += o.spurious;
    timing += o.timing;
    missed_amb += o.missed_amb;
    spurious_amb += o.spurious_amb;
    variant_runs += o.variant_runs;
    variant_mismatch += o.variant_mismatch;
    for (int k = 0; k < 3; ++k)
      per_family[k] += o.per_family[k];
    late += o.late;
    max_dt = std::max(max_dt, o.max_dt);
    max_v_err = std::max(max_v_err, o.max_v_err);
    max_dt_wc = std::max(max_dt_wc, o.max_dt_wc);
    well_conditioned += o.well_conditioned;
    v_compared += o.v_compared;
    v_violations += o.v_violations;
    model_steps += o.model_steps;
    ref_steps += o.ref_steps;
    inputs += o.inputs;
    checks += o.checks;
    return *this;
  }
};

void run_sequence(std::uint64_t seed, Stats& st) {
  std::mt19937_64 rng(seed);
  Case c;
  do {
    c = draw_case(rng);
  } while (!choose_scale(c, rng));
  const auto ev = scaled(c.base, c.scale);
  EmuOptions opt;
  opt.end = Time::from_ms(run_ms + 1e-3);  // the reference visits run_ms itself
  const auto run_model = [&](bool ties, bool replace) {
    AdexGroup g(c.p, 1);
    g.set_state(0, AdexGroup::V_m, c.V0);
    g.set_state(0, AdexGroup::w, c.w0);
    EmuOptions o = opt;
    o.checks_before_inputs = ties;
    o.replace_predictions = replace;
    auto r = emulate_cell(g, 0, ev, o);
    return std::make_pair(r, g.steps(0) + g.rejected_steps(0) + 0 * g.late_checks());
  };
  AdexGroup g(c.p, 1);
  g.set_state(0, AdexGroup::V_m, c.V0);
  g.set_state(0, AdexGroup::w, c.w0);
  EmuOptions po = opt;
  po.probe_times = {Time::from_ms(run_ms)};
  const auto res = emulate_cell(g, 0, ev, po);
  std::vector<double> model;
  for (Time t : res.spikes)
    if (t.to_ms() <= run_ms) model.push_back(t.to_ms());

  AdexRefOptions ro;
  ro.h = 2e-3;
  const auto ref = reference_adex(c.p, c.V0, c.w0, 0.0, 0.0, ev, run_ms, ro);
  const auto ref_up =
      reference_adex(c.p, c.V0, c.w0, 0.0, 0.0, scaled(c.base, c.scale * (1 + 1e-6)), run_ms, ro);
  const auto ref_dn =
      reference_adex(c.p, c.V0, c.w0, 0.0, 0.0, scaled(c.base, c.scale * (1 - 1e-6)), run_ms, ro);
  const bool ambiguous = ref.closest < 1e-5 || ref_up.spikes.size() != ref.spikes.size() ||
                         ref_dn.spikes.size() != ref.spikes.size();
  ++st.sequences;
  st.targeted += c.targeted;
  ++st.per_family[c.family];
  st.ref_spikes += ref.spikes.size();
  st.model_steps += g.steps(0) + g.rejected_steps(0);
  st.ref_steps += ref.steps;
  st.inputs += ev.size();
  st.checks += res.checks;
  st.late += g.late_checks();
  if (ref.spikes.empty() && model.empty()) {
    // V at the end against the reference, where the end state is well conditioned (the
    // perturbed references agree to 1e-5 mV; near the saddle V is not), and against an
    // allowance that grows with the measured sensitivity elsewhere.
    const double sens = std::abs(ref_up.V_end - ref_dn.V_end);
    const double err = std::abs(res.samples.at(0) - ref.V_end);
    if (sens < 1e-5) {
      st.max_v_err = std::max(st.max_v_err, err);
      ++st.v_compared;
    }
    if (err > 1e-6 + sens) ++st.v_violations;
  }
  if (ambiguous) {
    ++st.ambiguous;
    if (model.size() < ref.spikes.size()) st.missed_amb += ref.spikes.size() - model.size();
    if (model.size() > ref.spikes.size()) st.spurious_amb += model.size() - ref.spikes.size();
  } else {
    if (model.size() < ref.spikes.size()) st.missed += ref.spikes.size() - model.size();
    if (model.size() > ref.spikes.size()) st.spurious += model.size() - ref.spikes.size();
    const std::size_t n = std::min(model.size(), ref.spikes.size());
    for (std::size_t k = 0; k < n; ++k) {
      const double spread = std::max(std::abs(ref_up.spikes[k] - ref.spikes[k]),
                                     std::abs(ref_dn.spikes[k] - ref.spikes[k]));
      const double err = model[k] - ref.spikes[k];
      st.max_dt = std::max(st.max_dt, std::abs(err));
      if (spread < 1e-6) {
        st.max_dt_wc = std::max(st.max_dt_wc, std::abs(err));
        ++st.well_conditioned;
      }
      if (err < -(1e-4 + 2 * spread) || err > 1e-6 + 1e-4 + 2 * spread) ++st.timing;
      ++st.matched;
    }
  }
  for (int mode = 1; mode < 4; ++mode) {
    const auto [r, steps] = run_model(mode & 1, mode & 2);
    (void)steps;
    ++st.variant_runs;
    if (r.spikes != res.spikes) ++st.variant_mismatch;
  }
}

}  // namespace

TEST_CASE("adex: no missed or spurious spikes against a fine-step RK4 reference (grazing inputs)",
          "[adex][property][validation]") {
  constexpr std::size_t n_sequences = 1000;
  const auto t0 = std::chrono::steady_clock::now();
  tbb::combinable<Stats> parts;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_sequences),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      Stats& s = parts.local();
                      for (std::size_t i = r.begin(); i != r.end(); ++i)
                        run_sequence(1000 + i, s);
                    });
  Stats st;
  parts.combine_each([&](const Stats& s) { st += s; });
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "adex property: %zu sequences (%zu targeted; families V_peak=0 / V_T+5 Delta_T / hard "
      "%zu/%zu/%zu), "
      "%zu reference spikes, %zu matched, max |t_model - t_ref| = %.3g ms (%.3g ms over %zu "
      "well-conditioned spikes), ambiguous %zu (missed %zu, "
      "spurious %zu there), late %zu, kernel-order variants %zu/%zu identical, max |V_model - "
      "V_ref| at the end of %zu well-conditioned spike-free runs %.2e mV (%zu beyond 1e-6 mV + "
      "sensitivity), model steps per input %.2f, checks per input %.2f, %.1f s\n",
      st.sequences, st.targeted, st.per_family[0], st.per_family[1], st.per_family[2],
      st.ref_spikes, st.matched, st.max_dt, st.max_dt_wc, st.well_conditioned, st.ambiguous,
      st.missed_amb, st.spurious_amb, st.late, st.variant_runs - st.variant_mismatch,
      st.variant_runs, st.v_compared, st.max_v_err, st.v_violations,
      double(st.model_steps) / double(st.inputs), double(st.checks) / double(st.inputs), sec);
  CHECK(st.sequences == n_sequences);
  CHECK(st.missed == 0);
  CHECK(st.spurious == 0);
  CHECK(st.timing == 0);
  CHECK(st.variant_mismatch == 0);
  CHECK(st.max_v_err <= 1e-6);
  CHECK(st.v_violations == 0);
  // Ambiguity must stay rare: it comes from the |d| < ~1e-6 tail of the drawn offsets.
  CHECK(st.ambiguous <= st.sequences / 5);
}

TEST_CASE("adex: subthreshold V stays within 1e-6 mV of the RK4 reference", "[adex][validation]") {
  // 20 runs of 100 ms, each a Naud et al. cell under ~1 input per ms (exc up to 150 pA, inh down
  // to -150 pA), V probed every ms; runs in which the reference fires are redrawn.
  std::mt19937_64 rng(77);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  double worst = 0.0;
  int runs = 0;
  while (runs < 20) {
    AdexParams p;
    const auto& r = naud[static_cast<int>(u(rng) * 8)];
    p.C_m = r[0];
    p.g_L = r[1];
    p.E_L = r[2];
    p.a = r[3];
    p.tau_w = r[4];
    p.b = r[5];
    p.V_reset = r[6];
    p.V_T = -50.0;
    std::vector<EmuEvent> ev;
    for (double t = 0.0;;) {
      t += -std::log(1.0 - u(rng));
      if (t >= 100.0) break;
      const bool exc = u(rng) < 0.6;
      ev.push_back(emu_input(Time::from_ms(t), exc ? AdexGroup::exc : AdexGroup::inh,
                             (exc ? 150.0 : -150.0) * u(rng)));
    }
    AdexRefOptions ro;
    ro.h = 2e-3;
    EmuOptions opt;
    opt.end = Time::from_ms(100.0);
    for (int k = 1; k < 100; ++k) {
      opt.probe_times.push_back(Time::from_ms(k));
      ro.probes.push_back(k);
    }
    const auto ref = reference_adex(p, p.E_L, 0.0, 0.0, 0.0, ev, 100.0, ro);
    if (!ref.spikes.empty()) continue;
    AdexGroup g(p, 1);
    const auto res = emulate_cell(g, 0, ev, opt);
    REQUIRE(res.spikes.empty());
    REQUIRE(ref.V_probe.size() == res.samples.size());
    for (std::size_t k = 0; k < res.samples.size(); ++k)
      worst = std::max(worst, std::abs(res.samples[k] - ref.V_probe[k]));
    ++runs;
  }
  std::printf("adex subthreshold: max |V - V_ref| = %.2e mV over 20 x 100 ms\n", worst);
  CHECK(worst <= 1e-6);
}
