// Schemas of adex, izhikevich and lif_cond: registered with the documented names, units,
// defaults and ranges; unknown, NaN and out-of-range values and broken relations refused with a
// message naming the parameter; the factories make groups of the asked size.
#include <cmath>
#include <limits>
#include <string>

#include "spindle/error.hpp"
#include "spindle/models/adex.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/izhikevich.hpp"
#include "spindle/models/lif_cond.hpp"
#include "spindle/parameters.hpp"
#include "support/catch.hpp"
#include "support/schema_checks.hpp"

using namespace spindle;
using Catch::Matchers::Contains;

using spindle::test::param;
using spindle::test::relations;

TEST_CASE("neuron schemas: adex, izhikevich and lif_cond are registered as documented",
          "[schemas][validation]") {
  const ModelRegistry r = models::builtin_registry();
  const auto& a = r.cell_model("adex");
  CHECK(a.parameters.size() == 16);
  CHECK(param(a, "C_m").default_value == 281.0);
  CHECK(param(a, "g_L").unit == Unit::nS);
  CHECK(param(a, "V_T").default_value == -50.4);
  CHECK(param(a, "V_peak").default_value == 0.0);
  CHECK(param(a, "b").unit == Unit::pA);
  CHECK(param(a, "tau_w").default_value == 144.0);
  CHECK(param(a, "rtol").default_value == 1e-8);
  CHECK(a.receptors.size() == 2);
  CHECK(a.receptors[0].unit == Unit::pA);
  CHECK(a.receptors[1].sign == -1);
  CHECK(a.state_index("w") == 1);
  CHECK(a.state_index("I_inh") == 3);

  const auto& c = r.cell_model("lif_cond");
  CHECK(c.parameters.size() == 13);
  CHECK(param(c, "g_L").default_value == Approx(16.6667).epsilon(1e-5));
  CHECK(param(c, "E_inh").default_value == -85.0);
  CHECK(param(c, "tau_syn_exc").default_value == 0.2);
  CHECK(param(c, "V_reset").default_value == -60.0);
  CHECK(c.receptors[0].unit == Unit::nS);
  CHECK(c.receptors[1].unit == Unit::nS);
  CHECK(c.receptors[1].sign == +1);  // conductances: inhibition is in the reversal
  CHECK(c.state_index("g_inh") == 2);

  const auto& z = r.cell_model("izhikevich");
  CHECK(z.parameters.size() == 11);
  CHECK(param(z, "d").default_value == 8.0);
  CHECK(param(z, "C_m").default_value == 1.0);
  CHECK(z.state_index("u") == 1);
  CHECK(models::izhikevich_presets().size() == 5);
  CHECK_THROWS_AS(models::izhikevich_preset("XX"), Error);

  // The one per-cell parameter, and the schema index the groups expect for it.
  CHECK(a.parameter_index("I_e") == int(models::AdexDynamics::I_e_param));
  CHECK(c.parameter_index("I_e") == int(models::LifCondDynamics::I_e_param));
  CHECK(z.parameter_index("I_e") == int(models::IzhikevichDynamics::I_e_param));
  for (const auto* m : {&a, &c, &z}) {
    INFO(m->name);
    CHECK(m->per_cell_parameters == std::vector<std::string>{"I_e"});
    for (const auto& p : m->parameters)
      CHECK(!p.meaning.empty());
    const auto values = resolve_parameters(m->parameters, {}, "test");
    CHECK(m->check_relations(values).empty());
    CHECK(m->make(values, 13)->size() == 13);
  }
}

TEST_CASE("neuron schemas: bad values and relations are refused", "[schemas][validation]") {
  const ModelRegistry r = models::builtin_registry();
  const auto& a = r.cell_model("adex");
  CHECK_THROWS_WITH(resolve_parameters(a.parameters, {{"Delta_T", 0.0}}, "pop 'x'"),
                    Contains("Delta_T"));
  CHECK_THROWS_WITH(resolve_parameters(a.parameters, {{"rtol", 0.0}}, "pop 'x'"), Contains("rtol"));
  CHECK_THROWS_WITH(resolve_parameters(a.parameters, {{"atol", 1.0}}, "pop 'x'"), Contains("atol"));
  CHECK_THROWS_WITH(
      resolve_parameters(a.parameters, {{"tau_w", std::numeric_limits<double>::quiet_NaN()}}, "x"),
      Contains("tau_w"));
  CHECK_THROWS_WITH(resolve_parameters(a.parameters, {{"V_th", -50.0}}, "x"), Contains("V_th"));
  CHECK_THAT(relations(a, {{"V_reset", 0.0}}), Contains("V_peak"));
  CHECK_THAT(relations(a, {{"V_peak", 600.0}}), Contains("slope factors"));
  const auto& c = r.cell_model("lif_cond");
  CHECK_THAT(relations(c, {{"V_reset", -50.0}}), Contains("V_th"));
  CHECK_THROWS_WITH(resolve_parameters(c.parameters, {{"g_L", -1.0}}, "x"), Contains("g_L"));
  const auto& z = r.cell_model("izhikevich");
  CHECK_THAT(relations(z, {{"c", 40.0}}), Contains("V_peak"));
  CHECK_THROWS_WITH(resolve_parameters(z.parameters, {{"a", 0.0}}, "x"), Contains("a"));
}
