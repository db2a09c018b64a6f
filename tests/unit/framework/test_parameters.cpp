#include <cmath>
#include <limits>

#include "spindle/error.hpp"
#include "spindle/parameters.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::literals;
using Catch::Matchers::Contains;

namespace {
std::vector<ParamInfo> schema() {
  return {param_positive("tau_m", Unit::ms, 10.0, "membrane time constant"),
          param_any("E_L", Unit::mV, -70.0, "resting potential"),
          param_range("p", Unit::none, 0.5, 0.0, 1.0, "a probability")};
}
}  // namespace

TEST_CASE("Parameters: defaults fill what is not given", "[parameters][unit]") {
  const auto v = resolve_parameters(schema(), {{"tau_m", 20.0}}, "population 'x'");
  CHECK(v["tau_m"] == 20.0);
  CHECK(v["E_L"] == -70.0);
  CHECK(v["p"] == 0.5);
}

TEST_CASE("Parameters: strong types are checked against the schema's unit", "[parameters][unit]") {
  CHECK(resolve_parameters(schema(), {{"tau_m", 5.0_ms}}, "x")["tau_m"] == 5.0);
  CHECK_THROWS_WITH(resolve_parameters(schema(), {{"tau_m", 5.0_mV}}, "population 'x'"),
                    Contains("'tau_m' is in ms") && Contains("mV"));
}

TEST_CASE("Parameters: unknown, NaN and out-of-range values are refused with the rule",
          "[parameters][unit]") {
  CHECK_THROWS_AS(resolve_parameters(schema(), {{"tau", 1.0}}, "x"), Error);
  CHECK_THROWS_WITH(resolve_parameters(schema(), {{"tau", 1.0}}, "population 'exc'"),
                    Contains("population 'exc'") && Contains("unknown parameter 'tau'") &&
                        Contains("tau_m, E_L, p"));
  CHECK_THROWS_WITH(
      resolve_parameters(schema(), {{"tau_m", std::numeric_limits<double>::quiet_NaN()}}, "x"),
      Contains("'tau_m'") && Contains("> 0"));
  CHECK_THROWS_WITH(resolve_parameters(schema(), {{"tau_m", 0.0}}, "x"),
                    Contains("tau_m") && Contains("> 0 ms"));
  CHECK_THROWS_WITH(resolve_parameters(schema(), {{"p", 1.5}}, "x"), Contains("[0, 1]"));
  CHECK_THROWS_WITH(
      resolve_parameters(schema(), {{"E_L", std::numeric_limits<double>::infinity()}}, "x"),
      Contains("any finite value"));
}
