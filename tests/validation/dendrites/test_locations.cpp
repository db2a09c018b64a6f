// Issue 5, acceptance 6: bad synapse locations are build-time errors that name the projection
// (a distance beyond the branch, a dendritic target on a point-neuron model, an unknown region),
// and a non-positive length constant of pyramidal_dendritic is a build-time error naming the
// parameter. And the positive case: through the kernel, a dendritic GABA_A projection timed to
// the bAP suppresses the Ca probe at its site while the somatic spikes stay as they were.
#include <string>

#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/pyramidal_dendritic.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"

namespace {

using namespace spindle;
using namespace spindle::literals;

/// A source that fires once at 20 ms (lif_delta kicked over threshold) onto `target`.
NetworkSpec one_input(const std::string& target_model, const ParameterSet& target_params,
                      LocationSpec where) {
  NetworkSpec net;
  net.add_population("inter", "lif_delta", 1);
  net.add_spike_times("inter", {20.0}, "exc", 100.0_mV);
  net.add_population("pyr", target_model, 1, target_params);
  const std::string receptor = target_model == "pyramidal_dendritic" ? "GABA_A" : "inh";
  net.connect("inter", "pyr", ConnectionRule::all_to_all(), receptor, 5.0_nS, 1.0_ms)
      .at(std::move(where));
  return net;
}

std::string build_error(const NetworkSpec& net) {
  const ModelRegistry reg = models::builtin_registry();
  try {
    Simulation sim(net, reg);
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("bad dendritic locations are build-time errors naming the projection", "[dendrites]") {
  using Catch::Matchers::Contains;
  const std::string beyond = build_error(
      one_input("pyramidal_dendritic", {}, locate::dendrite("apical_trunk_1", 900.0_um)));
  CHECK_THAT(beyond, Contains("projection 'inter->pyr'") && Contains("apical_trunk_1"));
  const std::string point =
      build_error(one_input("lif_cond", {}, locate::dendrite("apical_trunk_1", 50.0_um)));
  CHECK_THAT(point, Contains("projection 'inter->pyr'") && Contains("point neuron"));
  const std::string region = build_error(
      one_input("pyramidal_dendritic", {}, locate::region("oblique_tuft", 0.0_um, 100.0_um)));
  CHECK_THAT(region, Contains("projection 'inter->pyr'") && Contains("oblique_tuft"));
  for (const char* lambda : {"lambda_proximal", "lambda_distal", "lambda_epsp"}) {
    const std::string bad = build_error(one_input("pyramidal_dendritic", {{lambda, 0.0_um}},
                                                  locate::dendrite("apical_trunk_0", 50.0_um)));
    CHECK_THAT(bad, Contains(lambda) && Contains("pyr"));
  }
}

TEST_CASE("through the kernel, a dendritic GABA_A contact suppresses the local bAP calcium",
          "[dendrites]") {
  const models::PyramidalDendriticParams p = models::PyramidalDendriticParams::defaults();
  // The pyramidal cell fires once at ~20.8 ms from a strong somatic kick; the contact sits at
  // ca_site_3 (250 um) and its conductance peaks as the bAP arrives there.
  const double arrival = 20.0 + 0.8 + p.dend.bap_delay(250.0);
  auto build = [&](bool with_contact) {
    NetworkSpec net;
    net.add_population("pyr", "pyramidal_dendritic", 1);
    net.add_step_current("pyr", {20.0, 21.0}, {3000.0, 0.0});
    net.add_population("inter", "lif_delta", 1);
    net.add_spike_times("inter", {arrival - 1.0 - 0.5}, "exc", 100.0_mV);
    if (with_contact)
      net.connect("inter", "pyr", ConnectionRule::all_to_all(), "GABA_A", 20.0_nS, 0.5_ms)
          .at(locate::dendrite("apical_trunk_3", 250.0_um));
    net.add_probe("pyr", "Ca_3", {arrival + 2.0, arrival + 10.0});
    return net;
  };
  const ModelRegistry reg = models::builtin_registry();
  Simulation with(build(true), reg), without(build(false), reg);
  with.run(Time::from_ms(60.0));
  without.run(Time::from_ms(60.0));
  const auto a = with.samples(), b = without.samples();
  REQUIRE(a.size() == 2);
  REQUIRE(b.size() == 2);
  REQUIRE(b[0].value > 0.0);
  const double suppression = 1.0 - a[0].value / b[0].value;
  INFO("Ca_3 with the contact " << a[0].value << ", without " << b[0].value);
  CHECK(suppression > 0.05);
  // The somatic spike is the same with and without the dendritic contact.
  const auto sa = with.spikes(), sb = without.spikes();
  CHECK(sa.size() == sb.size());
}
