// A dendritic inhibitory input's somatic effect (issue 6): attenuated by exp(-d / lambda_epsp)
// and delayed by d epsp_delay_per_100um / 100 um on its way to the soma, like a dendritic EPSP.
//  - pyramidal_dendritic_psc (lif_exp soma): the soma's V deflection from one dendritic "inh"
//    input equals the closed-form PSP of a somatic current input of w exp(-d / lambda), shifted
//    by the delay (and nothing before it);
//  - pyramidal_dendritic with gaba_to_soma = 1: the soma equals a cell that got the attenuated
//    conductance on the soma after the delay; with the default 0, no somatic effect at all;
//  - the psc model's dendritic inhibition shunts the bAP calcium as the conductance
//    |w| / gaba_driving_force does in pyramidal_dendritic;
//  - mean_attenuation() against the integral of exp(-d / lambda) over the branches.
#include <cmath>
#include <vector>

#include "spindle/error.hpp"
#include "spindle/models/pyramidal_dendritic.hpp"
#include "spindle/models/pyramidal_dendritic_psc.hpp"
#include "support/catch.hpp"
#include "validation/dendrites/dendrite_location.hpp"
#include "validation/models/kernel_emulator.hpp"

namespace {

using namespace spindle;
using namespace spindle::models;

/// Integral of exp(-d / lambda) over [a, b].
double integral(double a, double b, double lambda) {
  return lambda * (std::exp(-a / lambda) - std::exp(-b / lambda));
}

}  // namespace

TEST_CASE("psc soma: a dendritic inhibitory PSP is the somatic one x exp(-d/lambda), delayed",
          "[dendrites][psc]") {
  const PyramidalDendriticPscParams p = PyramidalDendriticPscParams::defaults();
  REQUIRE(p.gaba_to_soma);
  const auto cells = make_pyramidal_dendritic_psc(p, 1);
  const Location tuft = test::dendrite_at(cells->tree(), "tuft_1", 550.0);
  const double d = tuft.distance_um, lambda = p.dend.lambda_epsp;
  const double delay_ms = d * p.dend.epsp_delay_per_100um / 100.0;
  REQUIRE(delay_ms > 1.0);
  const double w = -800.0, t0 = 10.0;  // [pA], [ms]
  const LifExpParams& s = p.soma;
  // Closed form of V - E_L after a current step w exp(-(t - t0) / tau_s) into the membrane
  // (lif_exp.hpp): w tau_s tau_m / (C (tau_m - tau_s)) (exp(-u / tau_m) - exp(-u / tau_s)).
  const auto psp = [&](double w_pA, double u) {
    if (u < 0.0) return 0.0;
    return w_pA * s.tau_syn_inh * s.tau_m / (s.C_m * (s.tau_m - s.tau_syn_inh)) *
           (std::exp(-u / s.tau_m) - std::exp(-u / s.tau_syn_inh));
  };
  cells->set_state(0, PyramidalDendriticGroup::V_m, s.E_L);
  test::EmuOptions opt;
  opt.probe_var = PyramidalDendriticGroup::V_m;
  std::vector<double> times;
  for (double t = 1.0; t < 40.0; t += 0.25) {
    times.push_back(t);
    opt.probe_times.push_back(Time::from_ms(t));
  }
  const std::vector<test::EmuEvent> input{
      test::emu_input_at(Time::from_ms(t0), PyramidalDendriticGroup::GABA_A, w, tuft)};
  const test::EmuResult run = test::emulate_cell(*cells, 0, input, opt);
  REQUIRE(run.samples.size() == times.size());
  double largest = 0.0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double t = times[k];
    const double v = run.samples[k] - s.E_L;
    const double want = std::exp(-d / lambda) * psp(w, t - t0 - delay_ms);
    INFO("t " << t << " ms: deflection " << v << " mV, expected " << want << " mV");
    CHECK(v == Approx(want).margin(1e-9));
    largest = std::min(largest, want);
  }
  CHECK(largest < -0.05);  // the comparison saw a real deflection
}

TEST_CASE("pyramidal_dendritic: gaba_to_soma = 1 delivers the attenuated, delayed conductance",
          "[dendrites][psc]") {
  PyramidalDendriticParams p = PyramidalDendriticParams::defaults();
  REQUIRE_FALSE(p.gaba_to_soma);  // the issue-5 behaviour stays the default
  p.soma.I_e = 100.0;             // depolarised (E_L + I_e / g_L = -56.7 mV) so the shunt shows
  const double g = 20.0, t0 = 30.0;
  for (bool to_soma : {true, false}) {
    p.gaba_to_soma = to_soma;
    PyramidalDendriticGroup cells(p, 2);
    const Location site = test::dendrite_at(cells.tree(), "apical_trunk_3", 260.0);
    const double d = site.distance_um;
    const Time arrival = Time::from_ms(t0 + d * p.dend.epsp_delay_per_100um / 100.0);
    test::EmuOptions opt;
    opt.probe_var = PyramidalDendriticGroup::V_m;
    for (double t = 20.0; t < 80.0; t += 0.5)
      opt.probe_times.push_back(Time::from_ms(t));
    const std::vector<test::EmuEvent> on_dendrite{
        test::emu_input_at(Time::from_ms(t0), PyramidalDendriticGroup::GABA_A, g, site)};
    std::vector<test::EmuEvent> on_soma;
    if (to_soma)
      on_soma.push_back(test::emu_input(arrival, PyramidalDendriticGroup::GABA_A,
                                        g * std::exp(-d / p.dend.lambda_epsp)));
    const test::EmuResult dendritic = test::emulate_cell(cells, 0, on_dendrite, opt);
    const test::EmuResult somatic = test::emulate_cell(cells, 1, on_soma, opt);
    REQUIRE(dendritic.samples.size() == opt.probe_times.size());
    REQUIRE(somatic.samples.size() == opt.probe_times.size());
    double effect = 0.0;
    for (std::size_t k = 0; k < opt.probe_times.size(); ++k) {
      const double t = opt.probe_times[k].to_ms();
      const double a = dendritic.samples[k];
      const double b = somatic.samples[k];
      INFO("gaba_to_soma " << to_soma << ", t " << t << " ms");
      CHECK(a == Approx(b).margin(1e-6));
      effect = std::max(effect, std::abs(b - (-70.0 + 100.0 / p.soma.g_L)));
    }
    if (to_soma) CHECK(effect > 0.1);  // the attenuated shunt moved V by more than 0.1 mV
  }
}

TEST_CASE("psc soma: dendritic inhibition shunts bAP calcium as |w| / gaba_driving_force nS",
          "[dendrites][psc]") {
  const PyramidalDendriticPscParams psc = PyramidalDendriticPscParams::defaults();
  const PyramidalDendriticParams cond = PyramidalDendriticParams::defaults();
  const auto a = make_pyramidal_dendritic_psc(psc, 1);
  PyramidalDendriticGroup b(cond, 1);
  const double w = -90.0, g = -w / psc.gaba_driving_force;
  const Location contact = test::dendrite_at(b.tree(), "apical_trunk_3", 250.0);
  const Location site = test::dendrite_at(b.tree(), "apical_trunk_3", 270.0);
  a->predict(0, Time::zero());
  b.predict(0, Time::zero());
  a->receive_at(0, Time::from_ms(5.0), w, PyramidalDendriticGroup::GABA_A, contact);
  b.receive_at(0, Time::from_ms(5.0), g, PyramidalDendriticGroup::GABA_A, contact);
  double smallest = 1.0;
  for (double t_a = 4.0; t_a < 12.0; t_a += 0.25) {
    const Time ta = Time::from_ms(t_a), tmax = Time::from_ms(20.0);
    const double f = a->bap_factor(0, site, ta, tmax);
    CHECK(f == Approx(b.bap_factor(0, site, ta, tmax)).epsilon(1e-12));
    smallest = std::min(smallest, f);
  }
  CHECK(smallest < 0.9);  // the comparison saw a real shunt
}

TEST_CASE("mean_attenuation integrates exp(-d/lambda) over the region's branches",
          "[dendrites][psc]") {
  const Morphology m = pyramidal_dendritic_morphology();
  const double lambda = 200.0;
  // The tuft: three branches from 450 to 650 um, so the mean is that of one interval.
  CHECK(mean_attenuation(m, "tuft", 450.0, 650.0, lambda) ==
        Approx(integral(450.0, 650.0, lambda) / 200.0).epsilon(1e-12));
  // "apical" between 300 and 450 um: the trunk, the obliques 4 and 5 (225-375 um) and 6 and 7
  // (300-450 um): five branches cover 300-375 um, three cover 375-450 um.
  const double want =
      (5 * integral(300, 375, lambda) + 3 * integral(375, 450, lambda)) / (8 * 75.0);
  CHECK(mean_attenuation(m, "apical", 300.0, 450.0, lambda) == Approx(want).epsilon(1e-12));
  CHECK_THROWS_AS(mean_attenuation(m, "tuft", 700.0, 800.0, lambda), spindle::Error);
}
