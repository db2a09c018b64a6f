// The README's example: build a small network, simulate it, read the spikes.
#include <cstdio>

#include "spindle/models/builtin.hpp"
#include "spindle/simulation.hpp"

int main() {
  using namespace spindle;
  using namespace spindle::literals;
  NetworkSpec net;
  net.add_population("exc", "lif_exp", 800, {{"tau_m", 20.0_ms}, {"I_e", 200.0_pA}})
      .init("V_m", uniform(-70.0_mV, -55.0_mV));
  net.add_population("inh", "lif_exp", 200, {{"tau_m", 10.0_ms}});
  net.connect("exc", "inh", ConnectionRule::pairwise_bernoulli(0.1), "exc", 60.0_pA, 1.0_ms);
  net.connect("inh", "exc", ConnectionRule::fixed_indegree(20), "inh", -80.0_pA, 0.5_ms);
  net.add_poisson("inh", 500.0_Hz, "exc", 100.0_pA);

  Simulation sim(net, models::builtin_registry(), {.seed = 42, .threads = 2});
  sim.run(Time::from_ms(500.0));
  for (const PopulationInfo& pop : sim.populations()) {
    std::size_t n = 0;
    for (const Spike& s : sim.spikes())
      n += s.cell >= pop.first && s.cell < pop.first + pop.size;
    std::printf("%-4s %5u cells  %6.2f Hz\n", pop.name.c_str(), pop.size, n / (pop.size * 0.5));
  }
}
