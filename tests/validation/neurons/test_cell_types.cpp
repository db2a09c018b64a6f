// The cell-type presets (cell_types.hpp): each is built through the model registry (so its values
// pass the model's schema and relations), then measured under 1 s current steps from rest:
//   rheobase   the smallest step with a spike in 1 s (bisection to 0.5 pA)
//   f-I curve  spikes per second over the step, 0 to 1000 pA in 25 pA steps, and at 2x rheobase
//   at 3x rheobase: the class of firing.hpp's classifier, adaptation index, first-spike latency
//   max rate   the rate at 1000 pA
// and each is asserted to be in its class:
//   pv_basket       fast spiking, non-accommodating: AI < 0.1 at 3x rheobase, >= 200 Hz at 1 nA
//   chandelier      fast spiking, weakly accommodating: 0.1 <= AI < 0.3, >= 200 Hz at 1 nA
//   som_martinotti  accommodating: AI > 0.3, class "adapting"
//   double_bouquet  burst onset: class "initial burst"
//   vip_bipolar     irregular at the published 160 pA step (class "irregular")
//   neurogliaform   late spiking: latency > 50 ms at 3x rheobase, class "delayed accelerating"
//   pyr_regular     adapting: AI > 0.3, class "adapting"
//   pyr_bursting    bursting: class "regular bursting"
// With SPINDLE_FIGURE_DIR set, the f-I curves and a raster of the responses at 3x rheobase are
// written there as neuron-fi.svg (docs/figures/neuron-fi.svg was made so); the printed table is
// the one in docs/neuron-models.md.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "firing.hpp"
#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/cell_types.hpp"
#include "spindle/network_spec.hpp"
#include "spindle/svg_plot.hpp"
#include "support/catch.hpp"

namespace {

using namespace spindle;
using spindle::test::classify;
using spindle::test::firing_stats;
using spindle::test::FiringStats;
using spindle::test::Pattern;
using spindle::test::pattern_name;
using spindle::test::step_response;

constexpr double T = 1000.0;  // step length [ms]

struct Measured {
  std::string name;
  double rheobase = 0.0;
  std::vector<double> I, rate;
  FiringStats at3;
  Pattern class3 = Pattern::silent;
  std::vector<double> spikes3;
  double max_rate = 0.0, rate2 = 0.0;
};

Measured measure(const ModelRegistry& reg, const models::CellTypePreset& preset) {
  const CellModelInfo& m = reg.cell_model(preset.model);
  const ParameterValues v = resolve_parameters(m.parameters, preset.params, preset.name);
  REQUIRE(m.check_relations(v).empty());
  const auto response = [&](double I) {
    auto g = m.make(v, 1);
    return step_response(*g, I, 0.0, T, T);
  };
  Measured out;
  out.name = preset.name;
  double lo = 0.0, hi = 25.0;
  while (response(hi).empty()) {
    lo = hi;
    hi *= 2.0;
    REQUIRE(hi < 1e5);
  }
  while (hi - lo > 0.5) {
    const double mid = 0.5 * (lo + hi);
    (response(mid).empty() ? lo : hi) = mid;
  }
  out.rheobase = hi;
  for (double I = 0.0; I <= 1000.0; I += 25.0) {
    out.I.push_back(I);
    out.rate.push_back(firing_stats(response(I), 0.0, T).rate);
  }
  out.max_rate = out.rate.back();
  out.rate2 = firing_stats(response(2.0 * out.rheobase), 0.0, T).rate;
  out.spikes3 = response(3.0 * out.rheobase);
  out.at3 = firing_stats(out.spikes3, 0.0, T);
  out.class3 = classify(out.at3, T);
  return out;
}

void write_figure(const std::vector<Measured>& ms, const std::filesystem::path& dir) {
  namespace plot = spindle::plot;
  plot::Figure fig("Cell-type presets: f-I curves and responses at 3x rheobase");
  fig.size(760, 300);
  auto& fi = fig.add_panel(1.4);
  fi.title("f-I curves (1 s steps from rest)");
  fi.x().label("step current", "pA").limits(0, 1000);
  fi.y().label("rate", "Hz");
  fi.legend(plot::LegendPlace::outside);
  for (const auto& m : ms)
    fi.line(m.name, m.I, m.rate);
  auto& r = fig.add_panel(1.2);
  r.title("spikes during a 1 s step of 3x rheobase");
  r.x().label("time", "ms").limits(0, T);
  std::vector<plot::RasterBand> bands;
  for (std::size_t k = ms.size(); k-- > 0;) {
    plot::RasterBand b;
    b.name = ms[k].name;
    b.size = 1;
    b.times = ms[k].spikes3;
    b.cells.assign(b.times.size(), 0);
    b.color = plot::palette(k);
    bands.push_back(b);
  }
  r.raster(bands);
  fig.save(dir / "neuron-fi.svg");
}

}  // namespace

TEST_CASE("cell types: every preset builds and apply() fills a population",
          "[cell_types][validation]") {
  const ModelRegistry reg = models::builtin_registry();
  REQUIRE(models::builtin_cell_types().size() == 8);
  for (const auto& p : models::builtin_cell_types()) {
    INFO(p.name);
    CHECK(reg.has_cell_model(p.model));
    CHECK(!p.target_domain.empty());
    CHECK(!p.source.empty());
    NetworkSpec net;
    PopulationSpec& pop = net.add_population(p.name, "lif_exp", 3, {{"I_e", 10.0}, {"b", 1.0}});
    CHECK(reg.has_cell_type(p.name));  // registered by register_builtin()
    apply(pop, reg.cell_type(p.name));
    CHECK(pop.model == p.model);
    CHECK(pop.parameters.at("I_e").value == 10.0);  // kept
    if (p.params.count("b")) CHECK(pop.parameters.at("b").value == p.params.at("b").value);
  }
  CHECK(reg.cell_type("pv_basket").target_domain == models::target_domain::soma);
  CHECK(reg.cell_type("chandelier").target_domain == models::target_domain::axon_initial_segment);
  CHECK(reg.cell_type("som_martinotti").target_domain == models::target_domain::distal_dendrite);
  CHECK(reg.cell_type("vip_bipolar").target_domain == models::target_domain::interneurons);
  CHECK_THROWS_AS(reg.cell_type("basket"), spindle::Error);
}

TEST_CASE("cell types: f-I curves, adaptation and latency put every preset in its class",
          "[cell_types][validation]") {
  const ModelRegistry reg = models::builtin_registry();
  std::vector<Measured> ms;
  for (const auto& p : models::builtin_cell_types())
    ms.push_back(measure(reg, p));
  std::printf(
      "| preset | rheobase (pA) | rate at 2x rheobase (Hz) | rate at 1 nA (Hz) | class at 3x "
      "rheobase | rate (Hz) | adaptation index | first-spike latency (ms) |\n"
      "|---|---|---|---|---|---|---|---|\n");
  for (const auto& m : ms) {
    std::printf("| `%s` | %.1f | %.0f | %.0f | %s | %.0f | %.2f | %.1f |\n", m.name.c_str(),
                m.rheobase, m.rate2, m.max_rate, pattern_name(m.class3), m.at3.rate,
                m.at3.adaptation_index, m.at3.latency);
  }
  const auto get = [&](const char* n) -> const Measured& {
    for (const auto& m : ms)
      if (m.name == n) return m;
    FAIL("no preset " << n);
    throw;
  };
  const auto& pv = get("pv_basket");
  CHECK(pv.at3.adaptation_index < 0.1);
  CHECK(pv.max_rate >= 200.0);
  CHECK(pv.class3 == Pattern::tonic);
  const auto& ch = get("chandelier");
  CHECK(ch.at3.adaptation_index >= 0.1);
  CHECK(ch.at3.adaptation_index < 0.3);
  CHECK(ch.max_rate >= 200.0);
  for (const char* n : {"som_martinotti", "pyr_regular"}) {
    INFO(n);
    CHECK(get(n).at3.adaptation_index > 0.3);
    CHECK(get(n).class3 == Pattern::adapting);
  }
  CHECK(get("double_bouquet").class3 == Pattern::initial_burst);
  const auto& ngf = get("neurogliaform");
  CHECK(ngf.at3.latency > 50.0);
  CHECK(ngf.class3 == Pattern::delayed_accelerating);
  CHECK(get("pyr_bursting").class3 == Pattern::regular_bursting);
  {
    // vip_bipolar at its published step (Naud et al. 2008: 160 pA for 600 ms).
    const auto& preset = reg.cell_type("vip_bipolar");
    const CellModelInfo& m = reg.cell_model(preset.model);
    auto g = m.make(resolve_parameters(m.parameters, preset.params, preset.name), 1);
    const auto s = firing_stats(step_response(*g, 160.0, 0.0, 600.0, 600.0), 0.0, 600.0);
    std::printf("vip_bipolar at 160 pA: %s, CV late %.2f\n", pattern_name(classify(s, 600.0)),
                s.cv_late);
    CHECK(classify(s, 600.0) == Pattern::irregular);
  }
  // The fast-spiking cells outpace the pyramidal ones at 1 nA.
  CHECK(pv.max_rate > 3 * get("pyr_regular").max_rate);
  if (const char* dir = std::getenv("SPINDLE_FIGURE_DIR")) write_figure(ms, dir);
}
