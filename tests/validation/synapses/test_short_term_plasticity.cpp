// Tsodyks-Markram synapses transmit exactly the amplitudes of the closed-form recursion, and the
// Gupta presets show their class at 20 Hz.
#include <cmath>
#include <memory>

#include "spindle/models/builtin.hpp"
#include "spindle/models/short_term_plasticity.hpp"
#include "spindle/simulation.hpp"
#include "support/catch.hpp"
#include "support/test_models.hpp"

using namespace spindle;
using namespace spindle::literals;
using namespace spindle::test;

namespace {
/// Amplitudes a listener receives from one parrot that fires at `times` through a
/// tsodyks_markram synapse with weight w.
std::vector<double> transmitted(const std::vector<double>& times, const ParameterSet& stp,
                                double w) {
  auto log = std::make_shared<ListenerLog>();
  ModelRegistry reg = test_registry(log);
  reg.add_synapse_model(models::tsodyks_markram_model());
  NetworkSpec net;
  net.add_population("pre", "parrot", 1);
  net.add_population("post", "listener", 1);
  net.add_spike_times("pre", times, "exc", 1.0_pA);
  net.connect("pre", "post", ConnectionRule::all_to_all(), "exc", Picoamps{w}, 1.0_ms)
      .with_synapse("tsodyks_markram", stp);
  Simulation sim(net, reg);
  sim.run(Time::from_ms(times.back() + 10));
  std::vector<double> out;
  for (const auto& r : log->per_cell[0])
    out.push_back(r.weight);
  return out;
}

/// The recursion of science.md 5.3, written out independently of the model.
std::vector<double> recursion(const std::vector<double>& times, double U, double D, double F,
                              double A) {
  std::vector<double> psr;
  double u = U, R = 1;
  for (std::size_t n = 0; n < times.size(); ++n) {
    if (n > 0) {
      const double dt = times[n] - times[n - 1];
      const double u_next = U + u * (1 - U) * (F > 0 ? std::exp(-dt / F) : 0.0);
      R = 1 + (R - u * R - 1) * std::exp(-dt / D);
      u = u_next;
    }
    psr.push_back(A * u * R);
  }
  return psr;
}
}  // namespace

TEST_CASE("Tsodyks-Markram: amplitudes equal the recursion to 1e-12 relative",
          "[stp][validation]") {
  // Spike times are whole ticks, so the recursion sees the same intervals as the kernel; the
  // weight is stored as float, so the test uses that float value as A.
  const double w = 37.5;  // exactly representable as float
  std::vector<double> regular, irregular{3.0, 3.7, 9.1, 9.35, 40.0, 41.002, 150.0, 151.5, 400.0};
  for (int n = 0; n < 20; ++n)
    regular.push_back(5.0 + 50.0 * n);
  for (const auto& preset : models::stp_presets()) {
    for (const auto* train : {&regular, &irregular}) {
      const auto got = transmitted(*train, models::stp_preset(preset.name), w);
      const auto want = recursion(*train, preset.U, preset.D_ms, preset.F_ms, w);
      REQUIRE(got.size() == want.size());
      for (std::size_t n = 0; n < got.size(); ++n) {
        INFO(preset.name << " spike " << n);
        CHECK(std::abs(got[n] - want[n]) <= 1e-12 * std::abs(want[n]));
      }
    }
  }
}

TEST_CASE("Tsodyks-Markram: presets show their class at 20 Hz", "[stp][validation]") {
  std::vector<double> train;
  for (int n = 0; n < 10; ++n)
    train.push_back(1.0 + 50.0 * n);
  auto ratio = [&](const char* name) {
    const auto a = transmitted(train, models::stp_preset(name), 10.0);
    return a[4] / a[0];
  };
  // The thresholds: F1 facilitates (5th/1st > 1.5). Its "E1 < 0.5" does not hold for
  // the cited presets: in Markram's nomenclature E1 is the *facilitating* excitatory class
  // (U = 0.09, F = 670 ms), so we assert that, and the depression bound on E2 and F2 instead.
  CHECK(ratio("F1") > 1.5);  // 2.47 (F2 0.42, F3 0.71, E1 2.50, E2 0.17)
  CHECK(ratio("E1") > 1.5);
  CHECK(ratio("E2") < 0.5);
  CHECK(ratio("F2") < 0.5);
  const double f3 = ratio("F3");  // pseudo-linear: between the two
  CHECK(f3 > ratio("F2"));
  CHECK(f3 < ratio("F1"));
}

TEST_CASE("Tsodyks-Markram: bad parameters and presets are named", "[stp][validation]") {
  auto reg = models::builtin_registry();
  NetworkSpec net;
  net.add_population("a", "lif_exp", 2);
  net.connect("a", "a", ConnectionRule::all_to_all(), "exc", 10.0_pA, 1.0_ms)
      .with_synapse("tsodyks_markram", {{"U", 1.5}});
  CHECK_THROWS_WITH(Simulation(net, reg),
                    Catch::Matchers::Contains("synapse model tsodyks_markram") &&
                        Catch::Matchers::Contains("'U' = 1.5"));
  net.projections[0].with_synapse("tsodyks_makram");
  CHECK_THROWS_WITH(Simulation(net, reg),
                    Catch::Matchers::Contains("unknown synapse model 'tsodyks_makram'"));
  CHECK_THROWS_WITH(models::stp_preset("F4"), Catch::Matchers::Contains("presets: F1, F2, F3, E1"));
}
