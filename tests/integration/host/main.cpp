// plugin_host PLUGIN: loads the template plugin (lif_adaptive_threshold) into a program built
// against an installed Spindle and simulates networks of its model. Checks that with
// delta_theta = 0 it fires spike for spike like the built-in lif_delta, and that a threshold
// jump lowers the rate. Prints one line; exit 0 pass, 1 fail, 2 refused plugin.
#include <cstdio>
#include <string>

#include <spindle/error.hpp>
#include <spindle/models/builtin.hpp>
#include <spindle/plugin.hpp>
#include <spindle/simulation.hpp>

namespace {

spindle::NetworkSpec network(const std::string& model, spindle::ParameterSet extra) {
  using namespace spindle;
  using namespace spindle::literals;
  ParameterSet p = {{"tau_m", 20.0_ms},
                    {"E_L", -49.0_mV},
                    {"V_th", -50.0_mV},
                    {"V_reset", -60.0_mV},
                    {"t_ref", 5.0_ms}};
  p.insert(extra.begin(), extra.end());
  NetworkSpec net;
  net.add_population("exc", model, 400, p).init("V_m", uniform(-60.0_mV, -50.0_mV));
  net.add_population("inh", model, 100, p).init("V_m", uniform(-60.0_mV, -50.0_mV));
  const auto rule = ConnectionRule::pairwise_bernoulli(0.05, false);
  for (const char* target : {"exc", "inh"}) {
    net.connect("exc", target, rule, "exc", 0.25_mV, 0.1_ms);
    net.connect("inh", target, rule, "inh", -2.25_mV, 0.1_ms);
  }
  return net;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace spindle;
  using namespace spindle::literals;
  if (argc != 2) {
    std::fputs("usage: plugin_host PLUGIN\n", stderr);
    return 1;
  }
  try {
    PluginSet plugins;  // first: outlives the registry and the simulations
    ModelRegistry registry = models::builtin_registry();
    plugins.load(argv[1], registry);
    const Time end = Time::from_ms(300.0);
    Simulation reference(network("lif_delta", {}), registry, {.seed = 5, .threads = 2});
    Simulation same(network("lif_adaptive_threshold", {{"delta_theta", 0.0_mV}}), registry,
                    {.seed = 5, .threads = 2});
    Simulation adapting(network("lif_adaptive_threshold", {{"delta_theta", 2.0_mV}}), registry,
                        {.seed = 5, .threads = 2});
    reference.run(end);
    same.run(end);
    adapting.run(end);
    const auto n = reference.spikes().size(), n_adapting = adapting.spikes().size();
    if (n < 1000 || same.spikes() != reference.spikes() || !(n_adapting < n)) {
      std::printf("FAIL: lif_delta %zu spikes, plugin %zu (%s), adapting %zu\n", n,
                  same.spikes().size(), same.spikes() == reference.spikes() ? "same" : "differ",
                  n_adapting);
      return 1;
    }
    std::printf("ok: %zu spikes identical to lif_delta; a 2 mV threshold jump: %zu spikes\n", n,
                n_adapting);
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "plugin_host: error: %s\n", e.what());
    return 2;
  }
}
