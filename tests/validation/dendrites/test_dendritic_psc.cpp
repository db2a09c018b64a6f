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
#include <functional>
#include <utility>
#include <vector>

#include "spindle/error.hpp"
#include "spindle/models/pyramidal_dendritic.hpp"
#include "spindle/models/pyramidal_dendritic_psc.hpp"
#include "support/catch.hpp"

namespace {

using namespace spindle;
using namespace spindle::models;

/// Drives one cell as the kernel does: it keeps the earlier of the held and a returned bound,
/// checks the cell at its prediction, and at equal times delivers inputs before checks and
/// takes probes after them. Inputs are scheduled first (ascending), then probes taken.
class Driver {
 public:
  Driver(CellGroup& g, std::size_t cell) : g_(g), cell_(cell) {
    pred_ = g.predict(cell, Time::zero());
  }
  void input(Time t, std::function<Time()> deliver) { inputs_.push_back({t, std::move(deliver)}); }
  double probe(Time t, std::size_t var) {
    for (; next_input_ < inputs_.size() && inputs_[next_input_].t <= t; ++next_input_) {
      checks_before(inputs_[next_input_].t, false);
      take(inputs_[next_input_].deliver());
    }
    checks_before(t, true);
    return g_.probe(cell_, var, t);
  }

 private:
  void checks_before(Time t, bool inclusive) {
    while (!pred_.is_never() && (pred_ < t || (inclusive && pred_ == t))) {
      Time next = Time::never();
      g_.check(cell_, pred_, next);
      pred_ = next == keep_prediction ? Time::never() : next;
    }
  }
  void take(Time r) {
    if (r == keep_prediction) return;
    pred_ = r.is_never() ? r : std::min(pred_, r);
  }
  struct Input {
    Time t;
    std::function<Time()> deliver;
  };
  CellGroup& g_;
  std::size_t cell_;
  Time pred_;
  std::vector<Input> inputs_;
  std::size_t next_input_ = 0;
};

Location at(const DendriticTree& t, const std::string& branch, double d) {
  Location l;
  l.kind = Location::Kind::dendrite;
  l.branch = static_cast<std::uint16_t>(t.morphology().branch_index(branch));
  l.distance_um = static_cast<float>(d);
  return l;
}

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
  const Location tuft = at(cells->tree(), "tuft_1", 550.0);
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
  Driver cell(*cells, 0);
  cells->set_state(0, PyramidalDendriticGroup::V_m, s.E_L);
  cell.input(Time::from_ms(t0), [&] {
    return cells->receive_at(0, Time::from_ms(t0), w, PyramidalDendriticGroup::GABA_A, tuft);
  });
  double largest = 0.0;
  for (double t = 1.0; t < 40.0; t += 0.25) {
    const double v = cell.probe(Time::from_ms(t), PyramidalDendriticGroup::V_m) - s.E_L;
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
    const Location site = at(cells.tree(), "apical_trunk_3", 260.0);
    const double d = site.distance_um;
    const Time arrival = Time::from_ms(t0 + d * p.dend.epsp_delay_per_100um / 100.0);
    Driver dendritic(cells, 0), somatic(cells, 1);
    dendritic.input(Time::from_ms(t0), [&] {
      return cells.receive_at(0, Time::from_ms(t0), g, PyramidalDendriticGroup::GABA_A, site);
    });
    if (to_soma) {
      somatic.input(arrival, [&] {
        return cells.receive(1, arrival, g * std::exp(-d / p.dend.lambda_epsp),
                             PyramidalDendriticGroup::GABA_A);
      });
    }
    double effect = 0.0;
    for (double t = 20.0; t < 80.0; t += 0.5) {
      const double a = dendritic.probe(Time::from_ms(t), PyramidalDendriticGroup::V_m);
      const double b = somatic.probe(Time::from_ms(t), PyramidalDendriticGroup::V_m);
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
  const Location contact = at(b.tree(), "apical_trunk_3", 250.0);
  const Location site = at(b.tree(), "apical_trunk_3", 270.0);
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
