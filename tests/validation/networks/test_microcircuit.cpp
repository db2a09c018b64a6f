// The Potjans & Diesmann (2014) microcircuit (models/microcircuit.hpp) at scale 0.1, against
// published numbers: the connection probabilities C of PD14 (science.md 6.1) and NEST 3.9's own
// rates for the same down-scaled network (scale 0.1, Poisson drive, DC compensation; the mean
// of NEST's 1- and 2-thread runs in science.md 6.1, which measured 1 s after 500 ms; we measure
// 1 s after 100 ms, which the optimized initial potentials allow: both windows agree within 6 %).
// The default `interneurons` variant must keep the pyramidal rates within 30 % of pd14's (issue 6);
// its interneuron rates are printed. Its SOM synapses land on the pyramidal cells' apical tuft
// with weights that keep the mean somatic inhibition (count x weight x mean attenuation) PD14's.
//
// Cost in Release on one core of the shared 2-core machine: see docs/microcircuit.md (about
// 2 x 1.1 s of simulated time plus the builds).
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "spindle/analysis.hpp"
#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/microcircuit.hpp"
#include "spindle/models/pyramidal_dendritic_psc.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::models;

namespace {

constexpr double kScale = 0.1;
constexpr double kTransientMs = 100.0;
constexpr double kWindowMs = 1000.0;
constexpr std::uint64_t kSeed = 55;  // NEST's example seed (any seed must pass)

/// NEST 3.9 at scale 0.1: mean of its 1-thread and 2-thread rows [Hz] (science.md 6.1).
constexpr double kNestRate01[pd14::num_populations] = {
    (0.402 + 0.517) / 2, (2.017 + 2.120) / 2, (3.880 + 3.959) / 2, (4.958 + 5.011) / 2,
    (6.575 + 6.478) / 2, (7.726 + 7.821) / 2, (0.831 + 0.838) / 2, (6.986 + 7.007) / 2};

/// Mean rate per population [Hz] over [transient, transient + window).
std::map<std::string, double> simulate_rates(const MicrocircuitParams& p) {
  Simulation sim(microcircuit_network(p), builtin_registry(), {.seed = kSeed, .threads = 1});
  sim.run(Time::from_ms(kTransientMs + kWindowMs));
  const auto spikes = sim.spikes();
  std::map<std::string, double> rate;
  for (const PopulationInfo& pop : sim.populations()) {
    rate[pop.name] = analysis::mean_rate_hz(spikes, pop, Time::from_ms(kTransientMs),
                                            Time::from_ms(kTransientMs + kWindowMs));
  }
  return rate;
}

/// Mean of exp(-d / lambda) for d uniform in [a, b] (closed form of the integral).
double mean_attenuation_uniform(double a, double b, double lambda) {
  return lambda * (std::exp(-a / lambda) - std::exp(-b / lambda)) / (b - a);
}

/// pd14 at scale 0.1, simulated once for both rate tests.
const std::map<std::string, double>& pd14_rates() {
  static const std::map<std::string, double> rates =
      simulate_rates({.scale = kScale, .variant = MicrocircuitParams::Variant::pd14});
  return rates;
}

}  // namespace

TEST_CASE("PD14 microcircuit: realised connection probabilities match the published C",
          "[microcircuit][validation]") {
  // K = ln(1 - C) / ln(1 - 1/(N_pre N_post)) synapses drawn with multapses connect a given pair
  // with probability 1 - (1 - 1/(N_pre N_post))^K = C exactly at full scale; scaled, both K and
  // N_pre N_post shrink by s^2, so the fraction of connected pairs is still C up to O(1/N^2)
  // and the rounding of K. Each pair is (nearly independently) connected: binomial, 3 sigma.
  const Simulation sim(
      microcircuit_network({.scale = kScale, .variant = MicrocircuitParams::Variant::pd14}),
      builtin_registry());
  const auto& pops = sim.populations();
  REQUIRE(pops.size() == pd14::num_populations);
  for (std::size_t i = 0; i < pops.size(); ++i)
    REQUIRE(pops[i].name == pd14::population_names()[i]);

  std::vector<std::uint32_t> pop_of(sim.num_cells());
  for (std::uint32_t c = 0; c < sim.num_cells(); ++c)
    pop_of[c] = static_cast<std::uint32_t>(sim.population_of(c));
  // synapses() is ordered by (source, target, ...): distinct pairs are runs of equal ends.
  std::map<std::pair<std::uint32_t, std::uint32_t>, double> pairs;  // (target, source) pop
  const auto synapses = sim.synapses();
  for (std::size_t k = 0; k < synapses.size(); ++k) {
    const SynapseInfo& s = synapses[k];
    if (k > 0 && synapses[k - 1].source == s.source && synapses[k - 1].target == s.target) continue;
    pairs[{pop_of[s.target], pop_of[s.source]}] += 1;
  }
  for (std::uint32_t i = 0; i < pd14::num_populations; ++i) {
    for (std::uint32_t j = 0; j < pd14::num_populations; ++j) {
      const double C = pd14::connection_probability(i, j);
      const double n = static_cast<double>(pops[i].size) * pops[j].size;
      const double realised = pairs[{i, j}] / n;
      const double sigma = std::sqrt(C * (1 - C) / n);
      INFO(pops[j].name << " -> " << pops[i].name << ": C " << C << ", realised " << realised);
      // 1e-4 absolute: the rounding of small K (L4I -> L6I: K ~ 8 at this scale).
      CHECK(std::abs(realised - C) <= 3 * sigma + 1e-4);
    }
  }
}

// NEST's scaled network compensates the lost mean input with a DC current computed from the
// full-scale rates in its network_params.py; NEST 3 uses its own full-scale run's rates there,
// not PD14's table (models/src/microcircuit.cpp, kCompensationRate). With those the eight rates
// agree within 11 % over seeds 1-4 and 55 (docs/microcircuit.md); with PD14's table, as before,
// L2/3I (+52 %), L4I (+40 %) and L6E (+0.31 Hz) were outside the tolerance.
TEST_CASE("PD14 microcircuit at scale 0.1: rates within 25 % of NEST's (0.3 Hz below 1 Hz)",
          "[microcircuit][validation]") {
  const auto& rates = pd14_rates();
  std::printf("pd14, scale %.1f, %g ms after %g ms (Hz):\n", kScale, kWindowMs, kTransientMs);
  for (std::size_t i = 0; i < pd14::num_populations; ++i) {
    const std::string name(pd14::population_names()[i]);
    const double ref = kNestRate01[i];
    std::printf("  %-5s spindle %6.3f  NEST %6.3f\n", name.c_str(), rates.at(name), ref);
    INFO(name << ": " << rates.at(name) << " Hz, NEST " << ref << " Hz");
    if (ref < 1.0) {
      CHECK(std::abs(rates.at(name) - ref) <= 0.3);
    } else {
      CHECK(std::abs(rates.at(name) - ref) <= 0.25 * ref);
    }
  }
}

TEST_CASE("Interneuron microcircuit: pyramidal rates within 30 % of pd14's, class rates printed",
          "[microcircuit][validation]") {
  const auto rates = simulate_rates({.scale = kScale});
  const auto& ref = pd14_rates();
  std::printf("interneurons, scale %.1f (Hz):\n", kScale);
  for (const auto& [name, rate] : rates)
    std::printf("  %-7s %6.3f\n", name.c_str(), rate);
  for (const char* layer : {"L23", "L4", "L5", "L6"}) {
    const std::string e = std::string(layer) + "E";
    INFO(e << ": " << rates.at(e) << " Hz, pd14 " << ref.at(e) << " Hz");
    CHECK(std::abs(rates.at(e) - ref.at(e)) <= 0.3 * ref.at(e));
    for (const char* type : {"PV", "SOM", "VIP"}) {
      const std::string name = std::string(layer) + type;
      REQUIRE(rates.count(name) == 1);
      CHECK(std::isfinite(rates.at(name)));
    }
  }
}

TEST_CASE("Interneuron microcircuit keeps each pyramidal population's inhibitory count x weight",
          "[microcircuit][validation]") {
  // Issue 6: splitting the inhibitory populations must keep each pyramidal population's mean
  // inhibitory synapse count x weight at PD14's (up to rounding each share to whole synapses),
  // counted as it reaches the soma: a synapse on the tuft (the SOM ones; every tuft branch
  // spans the same path distances, so d is uniform there) with its mean attenuation
  // exp(-d / lambda_epsp).
  const double lambda = PyramidalDendriticPscParams::defaults().dend.lambda_epsp;
  const auto inhibition_onto = [&](const NetworkSpec& net, const std::string& target) {
    double total = 0.0;
    for (const ProjectionSpec& p : net.projections) {
      if (p.target != target || p.receptor != "inh") continue;
      double attenuation = 1.0;
      if (!p.location.is_soma()) {
        REQUIRE(p.location.kind == LocationSpec::Kind::region);
        REQUIRE(p.location.region == "tuft");
        attenuation = mean_attenuation_uniform(p.location.from_um, p.location.to_um, lambda);
      }
      total += p.rule.n * p.weight.dist.a * attenuation;
    }
    return total;
  };
  const NetworkSpec pd14 =
      microcircuit_network({.scale = kScale, .variant = MicrocircuitParams::Variant::pd14});
  const NetworkSpec split = microcircuit_network({.scale = kScale});
  for (const char* pyr : {"L23E", "L4E", "L5E", "L6E"}) {
    const double published = inhibition_onto(pd14, pyr);
    INFO(pyr << ": PD14 " << published << " pA, split " << inhibition_onto(split, pyr) << " pA");
    REQUIRE(published < 0.0);
    // Each share is rounded to whole synapses: at most 1.5 of several thousand.
    CHECK(std::abs(inhibition_onto(split, pyr) / published - 1.0) < 1e-3);
  }
}

TEST_CASE(
    "Interneuron microcircuit: SOM synapses land on the pyramidal tuft, PV and VIP on the soma",
    "[microcircuit][validation]") {
  // Issue 6: SOM Martinotti cells inhibit the pyramidal cells' distal dendrites. In the built
  // network every SOM -> pyramidal synapse lies on a tuft branch, 450-650 um from the soma, and
  // the mean somatic inhibition per synapse, weight x exp(-d / lambda_epsp), is PD14's
  // inhibitory weight (-4 x 87.81 pA / sqrt(0.1)); 10 % weight s.d. and the spread of d over
  // the ~1e5 synapses leave well under 0.5 % of sampling error.
  const Simulation sim(microcircuit_network({.scale = kScale}), builtin_registry());
  const Morphology tree = pyramidal_dendritic_morphology();
  const double lambda = PyramidalDendriticPscParams::defaults().dend.lambda_epsp;
  // PD14: g = -4 times the current whose PSP peaks at 0.15 mV on C_m 250 pF, tau_m 10 ms,
  // tau_syn 0.5 ms (peak of the difference of exponentials), / sqrt(scale).
  const double tau_m = 10.0, tau_s = 0.5,
               t_peak = tau_m * tau_s / (tau_m - tau_s) * std::log(tau_m / tau_s);
  const double psp_per_pA = tau_s * tau_m / (250.0 * (tau_m - tau_s)) *
                            (std::exp(-t_peak / tau_m) - std::exp(-t_peak / tau_s));
  const double w_pd14 = -4.0 * 0.15 / psp_per_pA / std::sqrt(kScale);
  std::vector<std::string> pop_name(sim.num_cells());
  for (std::uint32_t c = 0; c < sim.num_cells(); ++c)
    pop_name[c] = sim.populations()[sim.population_of(c)].name;
  std::size_t n_som = 0, n_other = 0, som_off_tuft = 0, other_off_soma = 0;
  double somatic_sum = 0.0;
  for (const SynapseInfo& s : sim.synapses()) {
    const std::string& pre = pop_name[s.source];
    const std::string& post = pop_name[s.target];
    if (post.back() != 'E' || pre.back() == 'E') continue;
    if (pre.find("SOM") != std::string::npos) {
      ++n_som;
      const bool on_tuft = s.location.kind == Location::Kind::dendrite &&
                           tree.branches.at(s.location.branch).region == "tuft" &&
                           s.location.distance_um >= 450.0f - 0.05f &&
                           s.location.distance_um <= 650.0f + 0.05f;
      if (!on_tuft) ++som_off_tuft;
      somatic_sum += s.weight * std::exp(-s.location.distance_um / lambda);
    } else if (s.location.kind != Location::Kind::soma) {
      ++other_off_soma;
    } else {
      ++n_other;
    }
  }
  CHECK(som_off_tuft == 0);
  CHECK(other_off_soma == 0);
  REQUIRE(n_som > 10000);
  REQUIRE(n_other > 10000);
  const double mean_somatic = somatic_sum / static_cast<double>(n_som);
  INFO("SOM -> E: " << n_som << " synapses, mean somatic weight " << mean_somatic << " pA, PD14 "
                    << w_pd14 << " pA");
  CHECK(mean_somatic == Approx(w_pd14).epsilon(0.005));
}

TEST_CASE("pd14 with DC drive replaces each external Poisson train by its mean current",
          "[microcircuit][validation]") {
  // NEST's poisson_input = False: a train of rate nu of exponential PSCs of amplitude w and
  // decay tau_syn (0.5 ms, PD14's cell) carries the mean current 1e-3 nu w tau_syn [pA]. At
  // full scale there is no down-scaling DC, so that is the whole I_e of the DC variant.
  constexpr double tau_syn_ms = 0.5;
  const NetworkSpec poisson =
      microcircuit_network({.scale = 1.0, .variant = MicrocircuitParams::Variant::pd14});
  const NetworkSpec dc = microcircuit_network({.scale = 1.0,
                                               .variant = MicrocircuitParams::Variant::pd14,
                                               .drive = MicrocircuitParams::Drive::dc});
  CHECK(dc.stimuli.empty());
  REQUIRE(poisson.stimuli.size() == pd14::num_populations);
  REQUIRE(dc.populations.size() == poisson.populations.size());
  for (std::size_t i = 0; i < dc.populations.size(); ++i) {
    const StimulusSpec& train = poisson.stimuli[i];
    REQUIRE(train.kind == StimulusSpec::Kind::poisson);
    REQUIRE(train.target == poisson.populations[i].name);
    const double mean_pA = 1e-3 * train.rate_hz * train.weight.dist.a * tau_syn_ms;
    INFO(train.target << ": train " << train.rate_hz << " Hz x " << train.weight.dist.a
                      << " pA, mean " << mean_pA << " pA");
    CHECK(poisson.populations[i].parameters.at("I_e").value == Approx(0.0).margin(1e-9));
    CHECK(dc.populations[i].parameters.at("I_e").value == Approx(mean_pA).epsilon(1e-12));
    CHECK(mean_pA > 375.0);  // above the rheobase (15 mV x 25 nS): the DC alone drives firing
  }
}

TEST_CASE("Microcircuit scale outside 0 < s <= 1 is an error", "[microcircuit][validation]") {
  for (double bad : {0.0, -0.1, 1.5, std::nan("")}) {
    CHECK_THROWS_AS(microcircuit_network({.scale = bad}), spindle::Error);
  }
  CHECK_NOTHROW(microcircuit_network({.scale = 1.0, .variant = MicrocircuitParams::Variant::pd14}));
}
