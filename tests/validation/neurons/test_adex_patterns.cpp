// adex against published and analytical results: the eight firing patterns of Naud et al. (2008)
// told apart by one classifier (firing.hpp), the rheobase of the saddle-node bifurcation, and
// the subthreshold steady state.
//
// Naud et al. (2008) patterns: parameters of science.md sec. 6.4 (Brian2's example
// Naud_et_al_2008_adex_firing_patterns.py, which matches the paper's Table 1), Delta_T = 2 mV,
// V_T = -50 mV, V_peak = 0 mV, no refractory period, V = E_L and w = 0 at t = 0, a step of I from
// t = 0 for 600 ms.
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include "firing.hpp"
#include "spindle/models/adex.hpp"
#include "support/catch.hpp"

namespace {

using spindle::Time;
using spindle::models::AdexGroup;
using spindle::models::AdexParams;
using spindle::test::classify;
using spindle::test::firing_stats;
using spindle::test::Pattern;
using spindle::test::pattern_name;
using spindle::test::step_response;

struct NaudRow {
  const char* name;
  Pattern expected;
  double C, g_L, E_L, a, tau_w, b, V_r, I;
};

// clang-format off
const NaudRow naud_table[] = {
    {"tonic spiking",            Pattern::tonic,                    200, 10, -70,   2,  30,   0, -58, 500},
    {"adaptation",               Pattern::adapting,                 200, 12, -70,   2, 300,  60, -58, 500},
    {"initial burst",            Pattern::initial_burst,            130, 18, -58,   4, 150, 120, -50, 400},
    {"regular bursting",         Pattern::regular_bursting,         200, 10, -58,   2, 120, 100, -46, 210},
    {"delayed accelerating",     Pattern::delayed_accelerating,     200, 12, -70, -10, 300,   0, -58, 300},
    {"delayed regular bursting", Pattern::delayed_regular_bursting, 100, 10, -65, -10,  90,  30, -47, 110},
    {"transient spiking",        Pattern::transient,                100, 10, -65,  10,  90, 100, -47, 180},
    {"irregular spiking",        Pattern::irregular,                100, 12, -60, -11, 130,  30, -48, 160},
};
// clang-format on

AdexParams naud_params(const NaudRow& r) {
  AdexParams p;
  p.C_m = r.C;
  p.g_L = r.g_L;
  p.E_L = r.E_L;
  p.V_T = -50.0;
  p.Delta_T = 2.0;
  p.V_peak = 0.0;
  p.V_reset = r.V_r;
  p.a = r.a;
  p.b = r.b;
  p.tau_w = r.tau_w;
  p.t_ref = 0.0;
  return p;
}

}  // namespace

TEST_CASE("adex: the eight Naud et al. (2008) firing patterns are classified as published",
          "[adex][validation]") {
  constexpr double T = 600.0;
  int correct = 0;
  for (const NaudRow& row : naud_table) {
    AdexGroup g(naud_params(row), 1);
    const auto spikes = step_response(g, row.I, 0.0, T, T);
    const auto s = firing_stats(spikes, 0.0, T);
    const Pattern got = classify(s, T);
    std::printf(
        "%-25s -> %-25s spikes %3zu, latency %7.2f ms, last %6.1f ms, AI %+.3f, CV late %.3f, "
        "gap ratio %5.2f (short %zu / long %zu, bursts %zu, prefix %d), median ISI %.2f, "
        "median long %.2f ms\n",
        row.name, pattern_name(got), s.spikes, s.latency, s.last, s.adaptation_index, s.cv_late,
        s.gap_ratio, s.short_isis, s.long_isis, s.bursts, int(s.short_prefix), s.median_isi,
        s.median_long);
    std::printf("   ISIs:");
    for (double x : s.isi)
      std::printf(" %.2f", x);
    std::printf("\n");
    CHECK(g.late_checks() == 0);
    CHECK(std::string(pattern_name(got)) == pattern_name(row.expected));
    correct += got == row.expected;
  }
  CHECK(correct == 8);
}

TEST_CASE("adex: rheobase and subthreshold steady state match the closed forms",
          "[adex][validation]") {
  // With a = b = 0 the rest state disappears in a saddle-node at
  //   I_rh = max_V [g_L (V - E_L) - g_L Delta_T exp((V - V_T) / Delta_T)]
  //        = g_L (V_T - E_L - Delta_T)              (the maximum is at V = V_T),
  // and just above it the rate grows as sqrt(I - I_rh) (the passage through the bottleneck
  // takes pi C / sqrt((I - I_rh) g_L / (2 Delta_T))).
  AdexParams p;  // Brette & Gerstner defaults without adaptation
  p.a = 0.0;
  p.b = 0.0;
  const double I_rh = p.g_L * (p.V_T - p.E_L - p.Delta_T);
  const auto count = [&](double I, double T) {
    AdexGroup g(p, 1);
    return step_response(g, I, 0.0, T, T);
  };
  CHECK(count(0.999 * I_rh, 2000.0).empty());
  const auto above = count(1.001 * I_rh, 2000.0);
  CHECK(above.size() >= 2);
  // Square-root law: ISI(dI) / ISI(4 dI) -> 2 as dI -> 0, with the bottleneck formula.
  const double dI = 2e-4 * I_rh;
  const auto s1 = count(I_rh + dI, 6000.0), s4 = count(I_rh + 4 * dI, 3000.0);
  REQUIRE(s1.size() >= 3);
  REQUIRE(s4.size() >= 3);
  const double isi1 = s1[2] - s1[1], isi4 = s4[2] - s4[1];
  const double bottleneck = std::numbers::pi * p.C_m / std::sqrt(dI * p.g_L / (2 * p.Delta_T));
  std::printf(
      "adex rheobase %.3f pA: ISI at +2e-4 I_rh %.2f ms (bottleneck formula %.2f ms), ISI ratio "
      "for 4x the excess %.4f (limit 2)\n",
      I_rh, isi1, bottleneck, isi1 / isi4);
  // The approach from V_reset adds a roughly constant time to both ISIs, so the ratio is a bit
  // below 2 and the ISI a bit above the bottleneck time (measured: 0.5%); 2% allows for that.
  CHECK(isi1 / isi4 == Approx(2.0).epsilon(0.02));
  CHECK(isi1 / bottleneck == Approx(1.0).epsilon(0.02));

  // Subthreshold steady state with adaptation: I = (g_L + a)(V - E_L) - g_L Delta_T
  // exp((V - V_T) / Delta_T), w = a (V - E_L); V_ss by bisection on [E_L, V_T].
  AdexParams q;  // a = 4 nS
  const double I = 200.0;
  const auto F = [&](double V) {
    return (q.g_L + q.a) * (V - q.E_L) - q.g_L * q.Delta_T * std::exp((V - q.V_T) / q.Delta_T) - I;
  };
  double lo = q.E_L, hi = q.V_T;
  for (int k = 0; k < 200; ++k)
    (F(0.5 * (lo + hi)) < 0 ? lo : hi) = 0.5 * (lo + hi);
  AdexGroup g(q, 1);
  spindle::test::EmuOptions opt;
  opt.end = Time::from_ms(3000.0);
  opt.probe_times = {Time::from_ms(2999.0)};
  opt.probe_var = AdexGroup::V_m;
  std::vector<spindle::test::EmuEvent> ev{spindle::test::emu_current(Time::zero(), I)};
  const auto r = spindle::test::emulate_cell(g, 0, ev, opt);
  CHECK(r.spikes.empty());
  std::printf("adex steady state under %.0f pA: V = %.9f mV, closed form %.9f mV\n", I,
              r.samples[0], lo);
  // exp(-3000 / 144) ~ 1e-9 of the initial distance is left of the transient.
  CHECK(std::abs(r.samples[0] - lo) <= 1e-6);
}
