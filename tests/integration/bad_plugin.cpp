// Deliberately faulty plugins for the refusal tests, one per value of SPINDLE_BAD_PLUGIN:
//   1 no entry point, 2 another ABI version, 3 other Spindle headers (layout tag),
//   4 a model name already taken (lif_exp), 5 a model that does not name the plugin as its
//   origin, 6 a register function that throws, 7 a valid plugin that adds one model of each
//   kind: a cell model, a synapse model and a cell-type preset.
#include <stdexcept>
#include <vector>

#include <spindle/plugin.hpp>

namespace {
using namespace spindle;

class Silent final : public CellGroup {
 public:
  explicit Silent(std::size_t n) : n_(n) {}
  std::size_t size() const noexcept override { return n_; }
  void set_state(std::size_t, std::size_t, double) override {}
  Time predict(std::size_t, Time) override { return Time::never(); }
  Time receive(std::size_t, Time, double, std::size_t) override { return keep_prediction; }
  Time set_current(std::size_t, Time, double) override { return keep_prediction; }
  bool check(std::size_t, Time, Time& next) override {
    next = Time::never();
    return false;
  }
  double probe(std::size_t, std::size_t, Time) const override { return 0.0; }

 private:
  std::size_t n_;
};

/// Passes every weight on unchanged.
class PassThrough final : public SynapseGroup {
 public:
  void init(std::size_t, const std::vector<double>& w, int, const std::string&) override { w_ = w; }
  double on_presynaptic(std::size_t, Time) override { return 1.0; }
  double transmit(std::size_t s, Time, double factor) override { return factor * w_[s]; }
  void on_postsynaptic(std::size_t, Time) override {}
  double weight(std::size_t s) const override { return w_[s]; }

 private:
  std::vector<double> w_;
};

[[maybe_unused]] CellModelInfo silent_model(const std::string& name, const std::string& origin) {
  CellModelInfo m;
  m.name = name;
  m.summary = "never fires (test plugin)";
  m.origin = origin;
  m.receptors = {{"exc", Unit::pA, 0, "ignored"}};
  m.check_relations = [](const ParameterValues&) { return std::string(); };
  m.make = [](const ParameterValues&, std::size_t n) -> std::unique_ptr<CellGroup> {
    return std::make_unique<Silent>(n);
  };
  return m;
}

[[maybe_unused]] void register_models([[maybe_unused]] ModelRegistry& registry,
                                      [[maybe_unused]] const std::string& origin) {
#if SPINDLE_BAD_PLUGIN == 4
  registry.add_cell_model(silent_model("silent_first", origin));  // refused with the next one
  registry.add_cell_model(silent_model("lif_exp", origin));
#elif SPINDLE_BAD_PLUGIN == 5
  registry.add_cell_model(silent_model("silent_no_origin", "built-in"));
#elif SPINDLE_BAD_PLUGIN == 6
  throw std::runtime_error("the plugin's own failure");
#else
  registry.add_cell_model(silent_model("silent", origin));
  SynapseModelInfo s;
  s.name = "pass_through";
  s.summary = "fixed weight (test plugin)";
  s.origin = origin;
  s.make = [](const ParameterValues&) -> std::unique_ptr<SynapseGroup> {
    return std::make_unique<PassThrough>();
  };
  registry.add_synapse_model(std::move(s));
  CellTypeInfo t;
  t.name = "slow_lif";
  t.model = "lif_exp";
  t.params = {{"tau_m", 30.0}};
  t.target_domain = "soma";
  t.summary = "lif_exp with a slow membrane (test plugin)";
  t.source = "made up for the tests";
  t.origin = origin;
  registry.add_cell_type(std::move(t));
#endif
}

}  // namespace

#if SPINDLE_BAD_PLUGIN == 1
extern "C" __attribute__((visibility("default"))) int not_a_spindle_entry_point() {
  return 0;
}
#elif SPINDLE_BAD_PLUGIN == 2 || SPINDLE_BAD_PLUGIN == 3
extern "C" __attribute__((visibility("default"))) const spindle::PluginDescriptor*
spindle_plugin_entry() {
  static constexpr spindle::PluginDescriptor descriptor{
      SPINDLE_BAD_PLUGIN == 2 ? spindle::plugin_abi_version + 1 : spindle::plugin_abi_version,
      spindle::plugin_layout_tag() + (SPINDLE_BAD_PLUGIN == 3 ? 1 : 0), "bad", "test plugin",
      register_models};
  return &descriptor;
}
#else
SPINDLE_PLUGIN("bad", "test plugin", register_models)
#endif
