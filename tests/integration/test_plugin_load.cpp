// Plugins end to end in one process: the ABI constant, loading the template plugin
// (plugins/template) through PluginSet, every refusal (with the registry left unchanged), plugin
// folders, and real simulations of the plugin's model checked against lif_delta and against
// the exact solution. The plugin files come from the build (see CMakeLists.txt).
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/plugin.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::literals;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const fs::path template_plugin = SPINDLE_TEST_TEMPLATE_PLUGIN;
const fs::path bad_plugins = SPINDLE_TEST_BAD_PLUGIN_DIR;
const fs::path not_a_library = SPINDLE_TEST_NOT_A_LIBRARY;

/// A fresh folder under the system's temporary folder, removed at the end of the test.
class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() /
              ("spindle-plugin-test-" + tag + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

Time ms(double v) {
  return Time::from_ms(v);
}

/// The delta network of docs/cli.md (CUBA architecture with voltage jumps), made smaller.
NetworkSpec delta_like(const std::string& model, ParameterSet extra = {}) {
  ParameterSet p = {{"tau_m", 20.0_ms},
                    {"E_L", -49.0_mV},
                    {"V_th", -50.0_mV},
                    {"V_reset", -60.0_mV},
                    {"t_ref", 5.0_ms}};
  p.insert(extra.begin(), extra.end());
  NetworkSpec net;
  net.add_population("exc", model, 400, p).init("V_m", uniform(-60.0_mV, -50.0_mV));
  net.add_population("inh", model, 100, p).init("V_m", uniform(-60.0_mV, -50.0_mV));
  const auto rule = ConnectionRule::pairwise_bernoulli(0.05, /*autapses=*/false);
  for (const char* target : {"exc", "inh"}) {
    net.connect("exc", target, rule, "exc", 0.25_mV, 0.1_ms);
    net.connect("inh", target, rule, "inh", -2.25_mV, 0.1_ms);
  }
  return net;
}

}  // namespace

TEST_CASE("Plugin ABI: one integer, read from the descriptor's first member",
          "[plugin][integration]") {
  // Change this number only together with plugin_abi_version, on purpose: every plugin built
  // before is refused from then on (plugins/README.md, "ABI rules").
  STATIC_REQUIRE(plugin_abi_version == 1);
  STATIC_REQUIRE(offsetof(PluginDescriptor, abi_version) == 0);
  CHECK(std::string(plugin_entry_symbol) == "spindle_plugin_entry");
  // (A plugin whose layout tag differs from the program's is refused: "other_layout" below.)
  // The models' virtual interface is part of the layout tag. Change this number only together
  // with model_interface_revision, when a virtual function of CellGroup or SynapseGroup changes:
  // plugins built before are then refused (a plugin built against the headers before
  // CellGroup::prefetch was accepted, and the kernel called into the wrong vtable slot).
  STATIC_REQUIRE(model_interface_revision == 2);
}

TEST_CASE("PluginSet: the template plugin adds its model, with its file as origin",
          "[plugin][integration]") {
  PluginSet plugins;
  ModelRegistry registry = models::builtin_registry();
  const PluginInfo& info = plugins.load(template_plugin, registry);
  CHECK(info.name == "lif_adaptive_threshold");
  CHECK(info.path == fs::canonical(template_plugin));
  CHECK(info.cell_models == std::vector<std::string>{"lif_adaptive_threshold"});
  REQUIRE(registry.has_cell_model("lif_adaptive_threshold"));
  const CellModelInfo& m = registry.cell_model("lif_adaptive_threshold");
  CHECK(m.origin == fs::canonical(template_plugin).string());
  CHECK(m.state_index("theta") == 1);
  CHECK(registry.cell_model("lif_exp").origin == "built-in");

  SECTION("the same file again is not loaded twice") {
    const PluginInfo& again = plugins.load(template_plugin, registry);
    CHECK(&again == &info);
    CHECK(plugins.plugins().size() == 1);
  }
  SECTION("a copy of it under another name is refused: its model name is taken") {
    TempDir dir("copy");
    const fs::path copy = dir.path() / "copy.so";
    fs::copy_file(template_plugin, copy);
    const auto names = registry.cell_model_names();
    REQUIRE_THROWS_WITH(plugins.load(copy, registry),
                        Contains(copy.string()) && Contains("lif_adaptive_threshold") &&
                            Contains("already taken") &&
                            Contains(fs::canonical(template_plugin).string()));
    CHECK(registry.cell_model_names() == names);
  }
}

TEST_CASE("PluginSet: each refusal names the file and the reason and changes nothing",
          "[plugin][integration]") {
  PluginSet plugins;
  ModelRegistry registry = models::builtin_registry();
  const auto names = registry.cell_model_names();
  const auto refused = [&](const fs::path& file, const std::string& reason) {
    INFO(file.string());
    try {
      plugins.load(file, registry);
      FAIL("not refused");
    } catch (const PluginError& e) {
      CHECK(e.path == file);
      CHECK_THAT(e.reason, Contains(reason));
    }
    REQUIRE_THROWS_WITH(plugins.load(file, registry),
                        Contains("plugin '" + file.string() + "'") && Contains(reason));
    CHECK(registry.cell_model_names() == names);
    CHECK(plugins.plugins().empty());
  };
  refused(bad_plugins / "missing.so", "the file does not exist");
  refused(bad_plugins, "it is not a file");
  refused(not_a_library, "not a loadable library");
  refused(bad_plugins / "no_entry.so", "it has no entry point 'spindle_plugin_entry'");
  refused(bad_plugins / "other_abi.so", "plugin ABI version 2, this program needs version 1");
  refused(bad_plugins / "other_layout.so", "built against other Spindle headers");
  refused(bad_plugins / "duplicate_name.so", "cell model name 'lif_exp'");
  refused(bad_plugins / "wrong_origin.so", "gives its origin as 'built-in'");
  refused(bad_plugins / "throws.so", "the plugin's own failure");
  // A refused plugin left nothing behind: its model names are still free.
  CHECK_FALSE(registry.has_cell_model("silent_first"));
  CHECK_FALSE(registry.has_cell_model("silent_no_origin"));
}

TEST_CASE("PluginSet: a folder loads every *.so in it, in name order", "[plugin][integration]") {
  TempDir dir("folder");
  fs::copy_file(bad_plugins / "good.so", dir.path() / "b_silent.so");
  fs::copy_file(template_plugin, dir.path() / "a_template.so");
  fs::copy_file(not_a_library, dir.path() / "not_a_plugin.txt");  // not *.so: ignored
  PluginSet plugins;
  ModelRegistry registry = models::builtin_registry();
  plugins.load_folder(dir.path(), registry, "test folder");
  REQUIRE(plugins.plugins().size() == 2);
  CHECK(plugins.plugins()[0].path.filename() == "a_template.so");
  CHECK(plugins.plugins()[1].cell_models == std::vector<std::string>{"silent"});
  // A plugin adds synapse models and cell-type presets through the same registry.
  CHECK(plugins.plugins()[1].synapse_models == std::vector<std::string>{"pass_through"});
  CHECK(plugins.plugins()[1].cell_types == std::vector<std::string>{"slow_lif"});
  CHECK(registry.synapse_model("pass_through").origin == fs::canonical(dir.path() / "b_silent.so"));
  CHECK(registry.cell_type("slow_lif").model == "lif_exp");
  CHECK(registry.has_cell_model("lif_adaptive_threshold"));

  REQUIRE_THROWS_WITH(plugins.load_folder(dir.path() / "nope", registry, "SPINDLE_PLUGIN_PATH"),
                      Contains("SPINDLE_PLUGIN_PATH") && Contains("does not exist") &&
                          Contains((dir.path() / "nope").string()));
  REQUIRE_THROWS_WITH(
      plugins.load_defaults(registry,
                            (dir.path().string() + ":" + dir.path().string() + "/x").c_str()),
      Contains("SPINDLE_PLUGIN_PATH: plugin folder '" + dir.path().string() + "/x'"));
}

TEST_CASE("Plugin path: colon-separated folders, empty entries skipped", "[plugin][integration]") {
  CHECK(split_plugin_path(nullptr).empty());
  CHECK(split_plugin_path("").empty());
  CHECK(split_plugin_path("/a::/b c/:") == std::vector<fs::path>{"/a", "/b c/"});
  CHECK(installed_plugin_dir().is_absolute());
  CHECK(installed_plugin_dir().filename() == "plugins");
}

TEST_CASE("lif_adaptive_threshold: with delta_theta = 0 it fires spike for spike like lif_delta",
          "[plugin][integration]") {
  PluginSet plugins;
  ModelRegistry registry = models::builtin_registry();
  plugins.load(template_plugin, registry);
  Simulation reference(delta_like("lif_delta"), registry, {.seed = 7});
  Simulation plugin(delta_like("lif_adaptive_threshold", {{"delta_theta", 0.0_mV}}), registry,
                    {.seed = 7});
  reference.run(ms(300));
  plugin.run(ms(300));
  REQUIRE(reference.spikes().size() > 1000);
  CHECK(plugin.spikes() == reference.spikes());
}

TEST_CASE("lif_adaptive_threshold: first and adapted second spike at the exact times",
          "[plugin][integration]") {
  PluginSet plugins;
  ModelRegistry registry = models::builtin_registry();
  plugins.load(template_plugin, registry);
  // One cell driven by a bias: V_inf = E_L + tau_m / C_m I_e = -65 + 10 / 250 * 500 = -45 mV.
  const double tau_m = 10, E_L = -65, V_th = -50, V_inf = -45, t_ref = 2, tau_th = 100, jump = 2;
  NetworkSpec net;
  net.add_population("a", "lif_adaptive_threshold", 1, {{"I_e", 500.0_pA}});
  net.add_probe("a", "theta", {20.0});
  Simulation sim(net, registry);
  sim.run(ms(60));
  const std::vector<Spike> spikes = sim.spikes();
  REQUIRE(spikes.size() >= 3);

  const Time t1 = Time::ceil_ms(tau_m * std::log((V_inf - E_L) / (V_inf - V_th)));
  CHECK(std::llabs(spikes[0].time.ticks() - t1.ticks()) <= 1);
  // After t1: V = E_L held for t_ref, then V(s) = V_inf + (E_L - V_inf) e^(-s / tau_m), and
  // theta(s) = V_th + jump e^(-(t_ref + s) / tau_th). V - theta rises, so bisection finds it.
  const auto f = [&](double s) {
    return V_inf + (E_L - V_inf) * std::exp(-s / tau_m) -
           (V_th + jump * std::exp(-(t_ref + s) / tau_th));
  };
  double lo = 0, hi = 1000;
  for (int i = 0; i < 200; ++i)
    (f(0.5 * (lo + hi)) < 0 ? lo : hi) = 0.5 * (lo + hi);
  const Time t2 = spikes[0].time + ms(t_ref) + Time::ceil_ms(hi);
  CHECK(std::llabs(spikes[1].time.ticks() - t2.ticks()) <= 1);
  CHECK((spikes[2].time - spikes[1].time) > (spikes[1].time - spikes[0].time));  // adaptation

  const std::vector<ProbeSample> samples = sim.samples();
  REQUIRE(samples.size() == 1);
  const double theta = V_th + jump * std::exp(-(20.0 - spikes[0].time.to_ms()) / tau_th);
  CHECK_THAT(samples[0].value, Catch::Matchers::WithinAbs(theta, 1e-9));
}

TEST_CASE("lif_adaptive_threshold: spikes do not depend on threads and partitions",
          "[plugin][integration]") {
  PluginSet plugins;
  ModelRegistry registry = models::builtin_registry();
  plugins.load(template_plugin, registry);
  const NetworkSpec net = delta_like("lif_adaptive_threshold", {{"delta_theta", 1.0_mV}});
  Simulation one(net, registry, {.seed = 3, .threads = 1, .partitions = 1});
  Simulation many(net, registry, {.seed = 3, .threads = 3, .partitions = 7});
  one.run(ms(200));
  many.run(ms(200));
  REQUIRE(one.spikes().size() > 100);
  CHECK(many.spikes() == one.spikes());
}
