// The integrated models in the real kernel (not the emulator): a small circuit of cell-type
// presets (adex pyramidal, PV basket and Martinotti cells), a lif_cond and an izhikevich
// population, Poisson drive and recurrent excitation and inhibition, built through the registry.
// Every population fires (the izhikevich cells with a per-cell I_e), and the spikes are
// identical for 1 and 2 threads and 1, 3 and 16 partitions (DESIGN.md: results independent of
// parallelism). A single-cell network gives the same spikes as the kernel emulator.
#include <cstdint>
#include <vector>

#include "spindle/models/builtin.hpp"
#include "spindle/models/cell_types.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"
#include "validation/models/kernel_emulator.hpp"

using namespace spindle;
using namespace spindle::literals;

namespace {

NetworkSpec circuit() {
  const ModelRegistry reg = models::builtin_registry();
  NetworkSpec net;
  apply(net.add_population("pyr", "", 120), reg.cell_type("pyr_regular"));
  apply(net.add_population("pv", "", 30), reg.cell_type("pv_basket"));
  apply(net.add_population("som", "", 20), reg.cell_type("som_martinotti"));
  net.add_population("cond", "lif_cond", 40);
  net.add_population("izh", "izhikevich", 40).vary("I_e", uniform(-2.0_pA, 4.0_pA));
  net.add_poisson("pyr", 4000.0_Hz, "exc", 180.0_pA);
  net.add_poisson("pv", 2000.0_Hz, "exc", 60.0_pA);
  net.add_poisson("som", 2000.0_Hz, "exc", 80.0_pA);
  net.add_poisson("cond", 10000.0_Hz, "exc", 5.0_nS);
  net.add_poisson("izh", 3000.0_Hz, "exc", 1.0_pA);
  const auto d = uniform(0.5_ms, 2.0_ms);
  net.connect("pyr", "pv", ConnectionRule::pairwise_bernoulli(0.2), "exc", 60.0_pA, d);
  net.connect("pyr", "som", ConnectionRule::pairwise_bernoulli(0.2), "exc", 40.0_pA, d);
  net.connect("pv", "pyr", ConnectionRule::pairwise_bernoulli(0.3), "inh", -150.0_pA, d);
  net.connect("som", "pyr", ConnectionRule::pairwise_bernoulli(0.3), "inh", -80.0_pA, d);
  net.connect("pyr", "cond", ConnectionRule::pairwise_bernoulli(0.1), "exc", 2.0_nS, d);
  net.connect("pv", "cond", ConnectionRule::pairwise_bernoulli(0.3), "inh", 5.0_nS, d);
  net.connect("pv", "izh", ConnectionRule::pairwise_bernoulli(0.3), "inh", -2.0_pA, d);
  return net;
}

std::vector<Spike> run(const NetworkSpec& net, unsigned threads, unsigned partitions, double ms,
                       std::uint64_t seed = 7) {
  Simulation sim(net, models::builtin_registry(),
                 {.seed = seed, .threads = threads, .partitions = partitions});
  sim.run(Time::from_ms(ms));
  return sim.spikes();
}

}  // namespace

TEST_CASE(
    "integrated models in the kernel: every population fires, identically for any parallelism",
    "[adex][lif_cond][izhikevich][validation]") {
  const NetworkSpec net = circuit();
  const auto ref = run(net, 1, 0, 300.0);
  // Spikes per population (global ids in the order of the populations).
  const std::uint32_t bounds[] = {0, 120, 150, 170, 210, 250};
  std::size_t per[5] = {0, 0, 0, 0, 0};
  for (const Spike& s : ref)
    for (int k = 0; k < 5; ++k)
      if (s.cell >= bounds[k] && s.cell < bounds[k + 1]) ++per[k];
  INFO("spikes pyr " << per[0] << ", pv " << per[1] << ", som " << per[2] << ", cond " << per[3]
                     << ", izh " << per[4]);
  for (std::size_t n : per)
    CHECK(n >= 20);
  CHECK(run(net, 1, 0, 300.0, 8) != ref);  // negative control: the comparison can fail
  CHECK(run(net, 2, 0, 300.0) == ref);
  CHECK(run(net, 1, 3, 300.0) == ref);
  CHECK(run(net, 2, 16, 300.0) == ref);
}

TEST_CASE("integrated models in the kernel: one adex cell gives the emulator's spikes",
          "[adex][validation]") {
  const ModelRegistry reg = models::builtin_registry();
  NetworkSpec net;
  apply(net.add_population("c", "", 1), reg.cell_type("som_martinotti"));
  net.add_spike_times("c", {1.0, 3.5, 3.5, 7.25, 20.0, 21.0, 22.0, 23.0, 40.0}, "exc", 900.0_pA);
  net.add_spike_times("c", {5.0, 30.0}, "inh", -300.0_pA);
  net.add_dc("c", 150.0_pA, 10.0_ms, 60.0_ms);
  const auto spikes = run(net, 1, 0, 100.0);
  REQUIRE(!spikes.empty());

  const auto& preset = reg.cell_type("som_martinotti");
  const auto& info = reg.cell_model("adex");
  const auto v = resolve_parameters(info.parameters, preset.params, "c");
  auto g = info.make(v, 1);
  using test::emu_current;
  using test::emu_input;
  const auto ms = [](double t) { return Time::from_ms(t); };
  std::vector<test::EmuEvent> ev{
      emu_input(ms(1.0), 0, 900.0),  emu_input(ms(3.5), 0, 900.0),   emu_input(ms(3.5), 0, 900.0),
      emu_input(ms(5.0), 1, -300.0), emu_input(ms(7.25), 0, 900.0),  emu_current(ms(10.0), 150.0),
      emu_input(ms(20.0), 0, 900.0), emu_input(ms(21.0), 0, 900.0),  emu_input(ms(22.0), 0, 900.0),
      emu_input(ms(23.0), 0, 900.0), emu_input(ms(30.0), 1, -300.0), emu_input(ms(40.0), 0, 900.0),
      emu_current(ms(60.0), 0.0)};
  test::EmuOptions opt;
  opt.end = ms(100.0);
  const auto r = test::emulate_cell(*g, 0, ev, opt);
  REQUIRE(r.spikes.size() == spikes.size());
  for (std::size_t k = 0; k < spikes.size(); ++k)
    CHECK(r.spikes[k] == spikes[k].time);
}
