// pyramidal_dendritic's building blocks against closed forms and independent references:
//  - the windowed alpha conductance W(a) against direct quadrature of its definition;
//  - path distances and sides on the cable cell's morphology (sums of branch lengths);
//  - the soma is lif_cond: identical voltages for identical somatic input;
//  - a dendritic EPSP at distance d reaches the soma as lif_cond input of w exp(-d/lambda_epsp)
//    delayed by d epsp_delay_per_100um / 100 um;
//  - Graupner-Brunel rho against classical RK4 on a 1e-3 ms grid of the same calcium trace.
#include <cmath>
#include <vector>

#include "spindle/models/dendritic_tree.hpp"
#include "spindle/models/graupner_brunel.hpp"
#include "spindle/models/lif_cond.hpp"
#include "spindle/models/pyramidal_dendritic.hpp"
#include "support/catch.hpp"
#include "validation/dendrites/dendrite_location.hpp"
#include "validation/models/kernel_emulator.hpp"

using namespace spindle;
using namespace spindle::models;

TEST_CASE("windowed alpha conductance equals quadrature of its definition", "[dendrites]") {
  DendriticKernelParams k;
  k.tau_gaba = 1.0;
  for (double tw : {0.2, 0.7, 2.0}) {
    k.tau_window = tw;
    for (double a : {-3.0, -0.5, 0.0, 0.4, 1.0, 2.5, 6.0}) {
      // int_0^inf alpha(a + u) exp(-u / tw) / tw du, midpoint rule on 2e5 cells of [0, 60] ms.
      const int n = 200000;
      const double h = 60.0 / n;
      double s = 0.0;
      for (int i = 0; i < n; ++i) {
        const double u = (i + 0.5) * h;
        const double x = a + u;
        if (x > 0.0) s += x * std::exp(1.0 - x) * std::exp(-u / tw) / tw * h;
      }
      INFO("tau_window " << tw << " a " << a);
      CHECK(k.window(a) == Approx(s).margin(1e-7));
    }
  }
}

TEST_CASE("path distances and sides on the pyramidal morphology", "[dendrites]") {
  const DendriticTree t(pyramidal_dendritic_morphology());
  const Morphology& m = t.morphology();
  const std::size_t leaf = apical_trunk_leaf(m);
  const Location a = t.on_path(leaf, 100.0), b = t.on_path(leaf, 260.0);
  TreeSeparation s = t.separation(a, b);
  CHECK(s.distance_um == Approx(160.0).margin(1e-4));
  CHECK(s.distal);
  s = t.separation(b, a);
  CHECK(s.distance_um == Approx(160.0).margin(1e-4));
  CHECK_FALSE(s.distal);
  // A basal point seen from a trunk point: the path runs through the soma.
  for (std::size_t k = 0; k < m.branches.size(); ++k)
    if (m.branches[k].region == "basal" && m.branches[k].parent < 0) {
      const Location basal = test::dendrite_at(t, m.branches[k].name, 30.0);
      s = t.separation(a, basal);
      CHECK(s.distance_um == Approx(130.0).margin(1e-4));
      CHECK_FALSE(s.distal);
      break;
    }
  // A branch off the trunk: its points lie beyond its junction with the trunk.
  for (std::size_t k = 0; k < m.branches.size(); ++k) {
    const int p = m.branches[k].parent;
    if (p < 0 || m.branches[k].region == m.branches[static_cast<std::size_t>(p)].region) continue;
    const double j = t.end_um(static_cast<std::size_t>(p));
    const Location off = test::dendrite_at(t, m.branches[k].name, j + 10.0);
    const Location before = t.on_path(static_cast<std::size_t>(p), j - 20.0);
    s = t.separation(before, off);
    CHECK(s.distance_um == Approx(30.0).margin(1e-4));
    CHECK(s.distal);
    break;
  }
}

TEST_CASE("the soma is lif_cond and dendritic EPSPs arrive attenuated and delayed", "[dendrites]") {
  const PyramidalDendriticParams p = PyramidalDendriticParams::defaults();
  PyramidalDendriticGroup cell(p, 1);
  LifCondGroup ref(p.soma, 1);
  const Location site = cell.tree().on_path(apical_trunk_leaf(cell.tree().morphology()), 180.0);
  const double d = site.distance_um;
  const Time delay = Time::from_ms(d * p.dend.epsp_delay_per_100um / 100.0);
  const double w_soma = 30.0 * std::exp(-d / p.dend.lambda_epsp);
  // The reference receives the EPSP where and when it reaches the soma.
  std::vector<test::EmuEvent> ref_events{test::emu_input(Time::from_ms(5.0), 1, 8.0),
                                         test::emu_input(Time::from_ms(10.0) + delay, 0, w_soma),
                                         test::emu_input(Time::from_ms(12.0), 0, 20.0)};
  test::EmuOptions opt;
  opt.end = Time::from_ms(40.0);
  for (double t = 1.0; t < 40.0; t += 0.5)
    opt.probe_times.push_back(Time::from_ms(t));
  const test::EmuResult want = test::emulate_cell(ref, 0, ref_events, opt);

  // The reduced cell gets the EPSP on the dendrite.
  const std::vector<test::EmuEvent> events{
      test::emu_input(Time::from_ms(5.0), PyramidalDendriticGroup::GABA_A, 8.0),
      test::emu_input_at(Time::from_ms(10.0), PyramidalDendriticGroup::AMPA, 30.0, site),
      test::emu_input(Time::from_ms(12.0), PyramidalDendriticGroup::AMPA, 20.0)};
  const std::vector<double> got = test::emulate_cell(cell, 0, events, opt).samples;
  REQUIRE(got.size() == want.samples.size());
  for (std::size_t k = 0; k < got.size(); ++k)
    CHECK(got[k] == Approx(want.samples[k]).margin(1e-6));
}

TEST_CASE("Graupner-Brunel rho matches RK4 on a fine grid", "[dendrites]") {
  const GraupnerBrunelParams p;
  // Calcium jumps of a pre-post pair and a post-pre pair: (time [ms], amplitude).
  const std::vector<std::pair<double, double>> jumps{
      {10.0, p.c_pre}, {18.0, p.c_post}, {60.0, p.c_post}, {75.0, p.c_pre}, {80.0, p.c_post}};
  GraupnerBrunelSynapse syn(p, 0.3);
  for (auto [t, a] : jumps)
    syn.add_calcium(t, a);
  syn.advance(200.0);
  // Reference: RK4 with h = 1e-3 ms; c exact on the grid (jumps fall on grid points).
  double rho = 0.3, c = 0.0;
  const double h = 1e-3;
  std::size_t j = 0;
  const auto f = [&](double r, double cc) {
    double v = -r * (1.0 - r) * (p.rho_star - r);
    if (cc >= p.theta_p) v += p.gamma_p * (1.0 - r);
    if (cc >= p.theta_d) v -= p.gamma_d * r;
    return v / p.tau_rho;
  };
  for (long n = 0; n < 200000; ++n) {
    const double t = n * h;
    while (j < jumps.size() && jumps[j].first <= t + 1e-9)
      c += jumps[j++].second;
    // c is constant within the step to first order; the thresholds are crossed between steps.
    const double k1 = f(rho, c), k2 = f(rho + 0.5 * h * k1, c * std::exp(-0.5 * h / p.tau_ca));
    const double k3 = f(rho + 0.5 * h * k2, c * std::exp(-0.5 * h / p.tau_ca));
    const double k4 = f(rho + h * k3, c * std::exp(-h / p.tau_ca));
    rho += h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4);
    c *= std::exp(-h / p.tau_ca);
  }
  CHECK(syn.rho() == Approx(rho).margin(1e-6));
  CHECK(syn.rho() > 0.3);  // this pairing potentiates (the DP curve of the cortical fit)
}
