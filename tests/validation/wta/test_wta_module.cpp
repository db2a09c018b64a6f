// The wta module: what add_wta() adds, the errors it reports, and the gate rule for the
// nonlinear inhibition (a gate fires only when its excitatory cell fires above gate_rate).
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/wta.hpp"
#include "spindle/simulation.hpp"

using namespace spindle;
using namespace spindle::literals;
using spindle::models::add_wta;
using spindle::models::WtaParams;

namespace {

const PopulationSpec* find(const NetworkSpec& net, const std::string& name) {
  for (const auto& p : net.populations)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace

TEST_CASE("add_wta adds the populations and projections it names", "[wta]") {
  NetworkSpec net;
  WtaParams p;
  p.name.assign("cwta");
  p.n_exc = 50;
  p.n_pool = 5;
  p.k = 3;
  p.w_self = 20.0_pA;
  const auto c = add_wta(net, p);
  CHECK(c.excitatory == "cwta_exc");
  CHECK(c.pool == "cwta_pool");
  CHECK(c.gate.empty());
  REQUIRE(find(net, c.excitatory) != nullptr);
  REQUIRE(find(net, c.pool) != nullptr);
  CHECK(find(net, c.excitatory)->size == 50);
  CHECK(find(net, c.pool)->size == 5);
  CHECK(find(net, c.pool)->model == "adex");  // the pv_basket preset
  CHECK(net.projections.size() == 3);         // E -> pool, pool -> E, E -> E

  // Built, the circuit has all-to-all E <-> pool and one autapse per excitatory cell.
  const Simulation sim(net, models::builtin_registry());
  CHECK(sim.num_cells() == 55);
  CHECK(sim.num_synapses() == 50u * 5u * 2u + 50u);

  NetworkSpec gated_net;
  p.gated = true;
  p.w_self = 0.0_pA;
  const auto g = add_wta(gated_net, p);
  REQUIRE(find(gated_net, g.gate) != nullptr);
  CHECK(find(gated_net, g.gate)->size == 50);
  const Simulation gated(gated_net, models::builtin_registry());
  CHECK(gated.num_synapses() == 50u + 50u * 5u + 5u * 50u);  // E -> gate, gate -> pool, pool -> E
}

TEST_CASE("add_wta rejects impossible circuits with a spindle::Error", "[wta]") {
  const auto fails = [](auto change) {
    WtaParams p;
    p.n_exc = 20;
    p.k = 2;
    change(p);
    NetworkSpec net;
    CHECK_THROWS_AS(add_wta(net, p), Error);
  };
  fails([](WtaParams& p) { p.k = 20; });  // k >= n
  fails([](WtaParams& p) { p.k = 0; });
  fails([](WtaParams& p) { p.n_exc = 0; });
  fails([](WtaParams& p) { p.n_pool = 0; });
  fails([](WtaParams& p) { p.w_pool_exc = 10.0_pA; });  // inhibition must be <= 0
  fails([](WtaParams& p) { p.w_exc_pool = -1.0_pA; });
  fails([](WtaParams& p) { p.delay_pool_exc = 0.0_ms; });
  fails([](WtaParams& p) { p.name.clear(); });
  fails([](WtaParams& p) {
    p.gated = true;
    p.gate_rate = 0.0_Hz;
  });
  // k is not checked in soft mode; a taken name is.
  NetworkSpec net;
  WtaParams soft;
  soft.mode = models::WtaMode::soft;
  soft.k = 0;
  CHECK_NOTHROW(add_wta(net, soft));
  CHECK_THROWS_AS(add_wta(net, soft), Error);
  CHECK_THROWS_AS(models::add_input_schedule(net, "wta_exc", 100, {{1.0}}, 100.0_ms, 50.0_ms),
                  Error);
}

TEST_CASE("a gate recruits the pool only above gate_rate", "[wta]") {
  // Excitatory cells driven by DC fire regularly at the LIF rate
  // r = 1 / (t_ref + tau_m ln(u / (u - theta))), u = R I (closed form; tau_m = 20 ms, R = 80 MOhm,
  // theta = 15 mV, t_ref = 2 ms). Cells at 0.7 and 1.5 x gate_rate: only the second gate fires.
  const double gate_rate = 40.0, tau_m = 20.0, t_ref = 2.0, theta = 15.0, R = 20.0 / 250.0;
  const auto current_for = [&](double r) {  // inverse of the rate formula [pA]
    const double T = 1e3 / r - t_ref;
    return theta / (1.0 - std::exp(-T / tau_m)) / R;
  };
  WtaParams p;
  p.mode = models::WtaMode::soft;
  p.n_exc = 2;
  p.n_pool = 1;
  p.gated = true;
  p.gate_rate = Hertz{gate_rate};
  p.w_pool_exc = -1e-9_pA;  // (almost) no feedback: the rates stay the closed-form ones
  NetworkSpec net;
  const auto c = add_wta(net, p);
  net.add_dc(c.excitatory, Picoamps{current_for(0.7 * gate_rate)}).cells = {0};
  net.add_dc(c.excitatory, Picoamps{current_for(1.5 * gate_rate)}).cells = {1};
  Simulation sim(net, models::builtin_registry());
  sim.run(Time::from_ms(2000.0));
  const auto& pops = sim.populations();
  std::uint32_t exc0 = 0, exc1 = 0, gate0 = 0, gate1 = 0;
  for (const Spike& s : sim.spikes()) {
    if (s.time.to_ms() < 500.0) continue;  // the gate's current builds up over ~5 gate_time
    const auto pop = sim.population_of(s.cell);
    const auto local = s.cell - pops[pop].first;
    if (pops[pop].name == c.excitatory) (local == 0 ? exc0 : exc1)++;
    if (pops[pop].name == c.gate) (local == 0 ? gate0 : gate1)++;
  }
  CHECK(exc0 / 1.5 == Approx(0.7 * gate_rate).epsilon(0.03));
  CHECK(exc1 / 1.5 == Approx(1.5 * gate_rate).epsilon(0.03));
  CHECK(gate0 == 0);
  CHECK(gate1 > 0);
}

TEST_CASE("add_wta with pyramidal_dendritic cells places conductance inhibition where asked",
          "[wta]") {
  WtaParams p;
  p.n_exc = 20;
  p.n_pool = 4;
  p.k = 2;
  const WtaParams pyr = models::with_pyramidal_dendritic(p, 5.0_nS);
  CHECK(pyr.exc_model == "pyramidal_dendritic");
  CHECK(pyr.inh_receptor == "GABA_A");

  // Both placements build (the cell has a morphology), with nS weights on GABA_A.
  for (const LocationSpec& where : {locate::soma(), locate::dendrite("apical_trunk_3", 250.0_um)}) {
    WtaParams q = pyr;
    q.inhibition_location = where;
    NetworkSpec net;
    const auto c = add_wta(net, q);
    const ProjectionSpec& inh = net.projections.back();
    CHECK(inh.target == c.excitatory);
    CHECK(inh.receptor == "GABA_A");
    CHECK(inh.weight.unit == Unit::nS);
    CHECK(inh.location.describe() == where.describe());
    const Simulation sim(net, models::builtin_registry());
    CHECK(sim.num_synapses() == 20u * 4u * 2u);
  }

  // Rheobase and tau_m from the model's parameters: lif_exp (wta_exc_defaults) 15 mV * 250 pF
  // / 20 ms = 187.5 pA; pyramidal_dendritic's lif_cond soma 15 mV * 7.5 nS = 112.5 pA,
  // 150 pF / 7.5 nS = 20 ms.
  const models::LifMembrane lif = models::wta_exc_membrane(p);
  CHECK(lif.rheobase.value() == Approx(187.5));
  CHECK(lif.tau_m.value() == Approx(20.0));
  const models::LifMembrane cond = models::wta_exc_membrane(pyr);
  CHECK(cond.rheobase.value() == Approx(112.5));
  CHECK(cond.tau_m.value() == Approx(20.0));

  // A current and a conductance for the same projection is an error; adex has no LIF rule.
  WtaParams both = pyr;
  both.w_pool_exc = Picoamps{-10.0};
  NetworkSpec net;
  CHECK_THROWS_AS(add_wta(net, both), Error);
  WtaParams adex = p;
  adex.exc_model = "adex";
  CHECK_THROWS_AS(models::wta_exc_membrane(adex), Error);
}
