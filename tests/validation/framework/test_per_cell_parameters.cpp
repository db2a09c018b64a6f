// Parameters drawn per cell: every cell follows the closed form with its own value, and bad
// distributions are refused with the population, the parameter (and the cell) named.
#include <algorithm>
#include <cmath>
#include <map>

#include "spindle/models/builtin.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::literals;
using Catch::Matchers::Contains;

TEST_CASE("Per-cell parameters: each cell fires at the period of its own bias current",
          "[parameters][validation]") {
  // lif_delta, tau_m 10 ms, C_m 250 pF (R = 40 MOhm), E_L -65, V_th -50, t_ref 2 ms: a cell with
  // bias I fires with period T = t_ref + tau ln(RI / (RI - 15 mV)). Invert each cell's period to
  // the I it must have had: all lie in the drawn range, and they differ from cell to cell.
  NetworkSpec net;
  net.add_population("cells", "lif_delta", 40).vary("I_e", uniform(400.0_pA, 800.0_pA));
  Simulation sim(net, models::builtin_registry(), {.seed = 5});
  sim.run(Time::from_ms(300));
  std::map<std::uint32_t, std::vector<double>> times;
  for (const auto& s : sim.spikes())
    times[s.cell].push_back(s.time.to_ms());
  REQUIRE(times.size() == 40);
  std::vector<double> currents;
  for (const auto& [cell, t] : times) {
    REQUIRE(t.size() >= 3);
    const double period = t[2] - t[1];
    // From the first spike on every interval is the same, up to the 1-tick spike-time grid.
    CHECK(std::abs((t[1] - t[0]) - period) <= 2e-6);
    const double x = std::exp((period - 2.0) / 10.0);  // RI / (RI - 15)
    const double I = 15.0 * x / (x - 1.0) / 0.04;      // [pA], R = 0.04 GOhm
    currents.push_back(I);
  }
  std::sort(currents.begin(), currents.end());
  CHECK(currents.front() >= 400.0 - 0.1);
  CHECK(currents.back() <= 800.0 + 0.1);
  CHECK(currents.back() - currents.front() > 200.0);  // 40 uniform draws span most of the range
  CHECK(std::adjacent_find(currents.begin(), currents.end()) == currents.end());
}

TEST_CASE("Per-cell parameters: mistakes are named", "[parameters][validation]") {
  const auto models = models::builtin_registry();
  NetworkSpec net;
  auto& pop = net.add_population("exc", "lif_exp", 20, {{"V_th", -50.0_mV}});
  pop.vary("tau_m", uniform(5.0_ms, 10.0_ms));
  CHECK_THROWS_WITH(Simulation(net, models), Contains("population 'exc'") &&
                                                 Contains("'tau_m' cannot vary per cell") &&
                                                 Contains("E_L, V_reset, V_th, I_e"));
  net.populations[0].varied.clear();
  net.populations[0].vary("V_th", uniform(-60.0_pA, -50.0_pA));
  CHECK_THROWS_WITH(Simulation(net, models), Contains("'V_th' is in mV"));
  net.populations[0].varied.clear();
  net.populations[0].vary("V_reset", uniform(-60.0_mV, -45.0_mV));  // some cells above V_th
  CHECK_THROWS_WITH(Simulation(net, models),
                    Contains("population 'exc' (model lif_exp), cell") && Contains("V_reset"));
  net.populations[0].varied.clear();
  net.populations[0].vary("V_thr", uniform(-60.0_mV, -45.0_mV));
  CHECK_THROWS_WITH(Simulation(net, models), Contains("unknown parameter 'V_thr' to vary"));
}
