// Issue 8 acceptance #4, fast version: the soft-WTA circuit's output spike counts rank the cells
// as the inputs do for >= 95 % of random inputs whose gaps all exceed the stated resolution
// (soft_wta::Setup::resolution), and reading the top-k off the output gives the k-WTA of the
// input (Maass 2000 definition, science.md sec. 4.1) for >= 95 % of them.
// And Maass's approximation theorem (science.md sec. 4.2 T4) at 8 and 32 units: the soft-WTA
// rank outputs on positive linear gates, read out with positive weights, approximate
// F(x) = 0.5 + 0.4 sin 2 pi x on held-out inputs, and the error falls as the units double.
#include <cmath>
#include <numbers>

#include <catch2/catch.hpp>

#include "approximation.hpp"
#include "soft_wta_experiment.hpp"
#include "spindle/random.hpp"

TEST_CASE("soft WTA keeps the input rank order above its resolution", "[wta][soft_wta]") {
  const soft_wta::Setup s;
  spindle::RandomStream rng(5, 0, spindle::Purpose::user);
  std::vector<std::vector<double>> x;
  while (x.size() < 60) {  // only inputs whose gaps all exceed the resolution
    std::vector<double> v(s.n);
    for (auto& e : v)
      e = rng.uniform();
    if (soft_wta::min_gap(v) > s.resolution) x.push_back(v);
  }
  const auto counts = soft_wta::counts(s, x, 5);
  double same = 0, kwta_all = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    same += soft_wta::same_rank_order(x[i], counts[i]) ? 1.0 : 0.0;
    bool all_k = true;
    for (std::size_t k = 1; k <= 3; ++k)  // the top ranks, which the soft WTA keeps active
      all_k = all_k && soft_wta::is_kwta(x[i], counts[i], k);
    kwta_all += all_k ? 1.0 : 0.0;
  }
  CHECK(same / 60.0 >= 0.95);
  CHECK(kwta_all / 60.0 >= 0.95);
}

TEST_CASE("soft WTA rank outputs approximate a function, better with more units",
          "[wta][soft_wta][approximation]") {
  const auto F = [](double v) { return 0.5 + 0.4 * std::sin(2.0 * std::numbers::pi * v); };
  soft_wta::ApproximationSetup small = soft_wta::approximation_setup(8);
  soft_wta::ApproximationSetup large = soft_wta::approximation_setup(32);
  small.test = large.test = 100;
  const soft_wta::Approximation a8 = soft_wta::approximate(soft_wta::Setup{}, small, F, 7);
  const soft_wta::Approximation a32 = soft_wta::approximate(soft_wta::Setup{}, large, F, 7);
  INFO("held out, 8 units: rms " << a8.rms_error_test << ", max " << a8.max_error_test
                                 << "; 32 units: rms " << a32.rms_error_test << ", max "
                                 << a32.max_error_test);
  // The example's aim (issue 8 soft_wta), met here already at 32 units.
  CHECK(a32.rms_error_test <= 0.03);
  CHECK(a32.max_error_test <= 0.1);
  // Each unit's output is a bump about 4 / n wide (rank width 4): 4x more units, 4x narrower
  // bumps, and the readout resolves F more finely; the rms error must at least halve (the
  // example measures 0.048, 0.021, 0.015, 0.006 at 8, 16, 32, 64 units; 16 -> 32 alone is
  // within the rank noise of the top units, so the test spans a factor 4).
  CHECK(a32.rms_error_test <= 0.5 * a8.rms_error_test);
  // Positive readout weights, as the theorem states.
  for (double w : a32.weights)
    CHECK(w >= 0.0);
}
