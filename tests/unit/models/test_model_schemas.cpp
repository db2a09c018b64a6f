// Schemas of the built-in models: names, units, defaults and ranges as documented, rejection
// of unknown/NaN/out-of-range values by resolve_parameters, and the relation checks.
#include <cmath>
#include <limits>
#include <string>

#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/lif_delta.hpp"
#include "spindle/models/lif_exp.hpp"
#include "spindle/parameters.hpp"
#include "support/catch.hpp"
#include "support/schema_checks.hpp"

using namespace spindle;
using Catch::Matchers::Contains;

using spindle::test::param;
using spindle::test::relations;

TEST_CASE("Built-in models: lif_delta and lif_exp are registered with their schemas",
          "[models][unit]") {
  const ModelRegistry r = models::builtin_registry();
  REQUIRE(r.has_cell_model("lif_delta"));
  REQUIRE(r.has_cell_model("lif_exp"));
  const auto& d = r.cell_model("lif_delta");
  CHECK(d.parameters.size() == 7);
  CHECK(param(d, "C_m").unit == Unit::pF);
  CHECK(param(d, "C_m").default_value == 250.0);
  CHECK(param(d, "tau_m").default_value == 10.0);
  CHECK(param(d, "E_L").default_value == -65.0);
  CHECK(param(d, "V_th").default_value == -50.0);
  CHECK(param(d, "V_reset").default_value == -65.0);
  CHECK(param(d, "t_ref").default_value == 2.0);
  CHECK(param(d, "I_e").unit == Unit::pA);
  CHECK(d.receptor_index("exc") == 0);
  CHECK(d.receptor_index("inh") == 1);
  CHECK(d.receptors[0].unit == Unit::mV);
  CHECK(d.receptors[0].sign == +1);
  CHECK(d.receptors[1].sign == -1);
  CHECK(d.state_index("V_m") == 0);
  for (const auto& p : d.parameters)
    CHECK(!p.meaning.empty());

  const auto& e = r.cell_model("lif_exp");
  CHECK(e.parameters.size() == 9);
  CHECK(param(e, "tau_syn_exc").default_value == 2.0);
  CHECK(param(e, "tau_syn_inh").default_value == 2.0);
  CHECK(param(e, "E_L").default_value == -70.0);
  CHECK(param(e, "V_th").default_value == -55.0);
  CHECK(param(e, "V_reset").default_value == -70.0);
  CHECK(e.receptors[0].unit == Unit::pA);
  CHECK(e.state_index("I_exc") == 1);
  CHECK(e.state_index("I_inh") == 2);
  for (const auto& p : e.parameters)
    CHECK(!p.meaning.empty());

  // The factories make groups of the asked size from defaults, and defaults pass the relations.
  for (const auto* m : {&d, &e}) {
    const auto values = resolve_parameters(m->parameters, {}, "test");
    CHECK(m->check_relations(values).empty());
    CHECK(m->make(values, 17)->size() == 17);
  }
}

TEST_CASE("Built-in models: unknown, NaN and out-of-range parameters are refused",
          "[models][unit]") {
  const ModelRegistry r = models::builtin_registry();
  for (const char* name : {"lif_delta", "lif_exp"}) {
    const auto& m = r.cell_model(name);
    INFO(name);
    const auto resolve = [&](const ParameterSet& s) {
      return resolve_parameters(m.parameters, s, "population 'x'");
    };
    CHECK_THROWS_WITH(resolve({{"tau", 1.0}}), Contains("unknown parameter 'tau'"));
    CHECK_THROWS_WITH(resolve({{"C_m", std::numeric_limits<double>::quiet_NaN()}}),
                      Contains("'C_m'"));
    CHECK_THROWS_WITH(resolve({{"C_m", 0.0}}), Contains("'C_m'") && Contains("> 0"));
    CHECK_THROWS_WITH(resolve({{"tau_m", -1.0}}), Contains("'tau_m'"));
    CHECK_THROWS_WITH(resolve({{"t_ref", -0.5}}), Contains("'t_ref'") && Contains(">= 0"));
    CHECK_THROWS_WITH(resolve({{"V_th", std::numeric_limits<double>::infinity()}}),
                      Contains("'V_th'"));
    CHECK_THROWS_AS(resolve({{"E_L", Picoamps{1.0}}}), Error);  // wrong unit
    CHECK_NOTHROW(resolve({{"t_ref", 0.0}}));
  }
  CHECK_THROWS_WITH(
      resolve_parameters(r.cell_model("lif_exp").parameters, {{"tau_syn_inh", 0.0}}, "x"),
      Contains("'tau_syn_inh'"));
}

TEST_CASE("Built-in models: relations between parameters", "[models][unit]") {
  const ModelRegistry r = models::builtin_registry();
  const auto& d = r.cell_model("lif_delta");
  const auto& e = r.cell_model("lif_exp");
  CHECK_THAT(relations(d, {{"V_reset", -50.0}}), Contains("V_reset") && Contains("V_th"));
  CHECK_THAT(relations(d, {{"V_reset", -40.0}}), Contains("below V_th"));
  CHECK(relations(d, {{"V_reset", -50.0001}}).empty());
  CHECK_THAT(relations(e, {{"V_th", -70.0}}), Contains("V_reset"));
  // tau_syn too close to tau_m: the closed form divides by their difference.
  CHECK_THAT(relations(e, {{"tau_syn_exc", 10.0}}),
             Contains("tau_syn_exc") && Contains("1e-6") && Contains("tau_m"));
  CHECK_THAT(relations(e, {{"tau_syn_inh", 10.0 * (1 + 5e-7)}}), Contains("tau_syn_inh"));
  CHECK_THAT(relations(e, {{"tau_m", 3.0}, {"tau_syn_exc", 3.0}}), Contains("tau_syn_exc"));
  CHECK(relations(e, {{"tau_syn_inh", 10.0 * (1 + 2e-6)}}).empty());
  CHECK(relations(e, {{"tau_syn_exc", 20.0}, {"tau_syn_inh", 0.1}}).empty());
  // The same functions on lowered parameters.
  models::LifExpParams p;
  p.tau_syn_exc = p.tau_m;
  CHECK_THAT(models::lif_exp_relations(p), Contains("does not implement"));
  models::LifDeltaParams q;
  q.V_reset = q.V_th + 1.0;
  CHECK(!models::lif_delta_relations(q).empty());
}
