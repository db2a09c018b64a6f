// Issue 8 acceptance #1, fast version: on 100 random sparse inputs (the kwta example's setup:
// 2048 columns, k = 40, HTM overlaps) the spiking circuit's active set has 40 +- 4 cells and
// overlaps the ideal top-k of the same overlaps by >= 90 %. (The example runs 1000 inputs.)
// And the placement of the inhibition (issue 8, kwta deliverable): with pyramidal_dendritic
// cells the pool's synapses on the soma keep the k-WTA; the same conductance on the apical
// trunk does not, and the active set is then the one the cells' own LIF latency law predicts
// without any inhibition (the reduced cell's dendritic GABA_A acts on bAP calcium only).
#include <cmath>

#include <catch2/catch.hpp>

#include "kwta_experiment.hpp"

namespace {

struct Inputs {
  std::vector<std::vector<double>> drives;
  std::vector<std::vector<std::uint32_t>> ideal;
};

Inputs random_inputs(const kwta::Setup& s, std::size_t n, std::uint64_t seed) {
  const kwta::Columns columns(s, seed);
  spindle::RandomStream rng(seed, 0, spindle::Purpose::user);
  Inputs in;
  for (std::size_t i = 0; i < n; ++i) {
    const auto overlap = columns.overlaps(kwta::random_input(s, rng));
    in.drives.push_back(kwta::drive_rheobases(s, overlap));
    in.ideal.push_back(kwta::top_k(overlap, s.k));
  }
  return in;
}

}  // namespace

TEST_CASE("spiking k-WTA picks about the ideal top-40 of 2048 columns", "[wta][kwta]") {
  const kwta::Setup s;
  const Inputs in = random_inputs(s, 100, 11);
  const auto winners = kwta::winners(s, s.circuit(), in.drives, 11);
  REQUIRE(winners.size() == 100);
  const kwta::Summary r = kwta::summarize(winners, in.ideal, s.k);
  INFO("active " << r.mean_active << " +- " << r.sd_active << ", within 40 +- 4: " << r.within
                 << ", overlap " << r.mean_overlap);
  CHECK(std::abs(r.mean_active - 40.0) <= 4.0);
  CHECK(r.sd_active <= 4.0);
  CHECK(r.within >= 0.90);
  CHECK(r.mean_overlap >= 0.90);
}

TEST_CASE("k-WTA holds with perisomatic inhibition and fails with dendritic inhibition",
          "[wta][kwta][placement]") {
  const kwta::Setup s;
  const std::size_t n = 50;
  const Inputs in = random_inputs(s, n, 12);
  const auto soma_circuit = kwta::placement_circuit(s, kwta::Placement::perisomatic);
  const auto dendrite_circuit = kwta::placement_circuit(s, kwta::Placement::dendritic);
  const auto at_soma = kwta::winners(s, soma_circuit, in.drives, 12);
  const auto at_dendrite = kwta::winners(s, dendrite_circuit, in.drives, 12);
  const kwta::Summary soma = kwta::summarize(at_soma, in.ideal, s.k);
  const kwta::Summary dendrite = kwta::summarize(at_dendrite, in.ideal, s.k);

  // Perisomatic: the same acceptance as the lif_exp circuit (#1).
  INFO("perisomatic: active " << soma.mean_active << " +- " << soma.sd_active << ", overlap "
                              << soma.mean_overlap);
  CHECK(std::abs(soma.mean_active - 40.0) <= 4.0);
  CHECK(soma.sd_active <= 4.0);
  CHECK(soma.mean_overlap >= 0.90);

  // Dendritic: the shunt on the trunk never reaches the soma of the reduced cell, so every
  // cell whose free first-spike latency tau_m ln(r / (r - 1)) is shorter than the input
  // fires: the set is predicted per input from the drive and tau_m alone (a mismatch of one
  // cell is allowed per input for a latency within the kernel's tick of the window's end).
  const double tau_m = spindle::models::wta_exc_membrane(dendrite_circuit).tau_m.value();
  std::size_t exact = 0;
  double predicted_mean = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto free_set = kwta::uninhibited_set(s, in.drives[i], tau_m);
    predicted_mean += static_cast<double>(free_set.size()) / static_cast<double>(n);
    const std::size_t common = kwta::intersection_size(free_set, at_dendrite[i]);
    CHECK(free_set.size() - common + at_dendrite[i].size() - common <= 1);
    exact += free_set == at_dendrite[i];
  }
  INFO("dendritic: active " << dendrite.mean_active << " +- " << dendrite.sd_active
                            << ", predicted without inhibition " << predicted_mean
                            << ", exact sets " << exact << " of " << n << ", overlap "
                            << dendrite.mean_overlap << ", in top-k " << dendrite.precision);
  CHECK(exact >= n - 1);
  CHECK(dendrite.mean_active == Approx(predicted_mean).margin(0.1));
  // What that means for the k-WTA: far more than k + 4 winners (every cell above the drive
  // threshold), a superset of the top-k, so half of the active cells are not winners.
  CHECK(dendrite.mean_active >= 1.5 * static_cast<double>(s.k));
  CHECK(dendrite.within <= 0.05);
  CHECK(dendrite.mean_overlap >= 0.99);
  CHECK(dendrite.precision <= 0.7);
}
