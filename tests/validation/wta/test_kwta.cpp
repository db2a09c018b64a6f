// Issue 8 acceptance #1, fast version: on 100 random sparse inputs (the kwta example's setup:
// 2048 columns, k = 40, HTM overlaps) the spiking circuit's active set has 40 +- 4 cells and
// overlaps the ideal top-k of the same overlaps by >= 90 %. (The example runs 1000 inputs.)
// And the placement of the inhibition (issue 8, kwta deliverable): with pyramidal_dendritic
// cells the pool's synapses on the soma keep the k-WTA; on the apical trunk, where a shunt
// reaches the soma attenuated by exp(-d / lambda_epsp) and delayed (gaba_to_soma = 1), the k-WTA
// degrades with distance; without any somatic reach (gaba_to_soma = 0) the active set is the one
// the cells' own LIF latency law predicts without inhibition.
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

TEST_CASE(
    "k-WTA holds with perisomatic inhibition and degrades with the distance of "
    "dendritic inhibition",
    "[wta][kwta][placement]") {
  const kwta::Setup s;
  const std::size_t n = 50;
  const Inputs in = random_inputs(s, n, 12);
  const auto soma_circuit = kwta::perisomatic_circuit(s);
  const auto at_soma = kwta::winners(s, soma_circuit, in.drives, 12);
  const kwta::Summary soma = kwta::summarize(at_soma, in.ideal, s.k);
  const double tau_m = spindle::models::wta_exc_membrane(soma_circuit).tau_m.value();
  double uninhibited_mean = 0;
  for (const auto& d : in.drives)
    uninhibited_mean +=
        static_cast<double>(kwta::uninhibited_set(s, d, tau_m).size()) / static_cast<double>(n);

  // Perisomatic: the same acceptance as the lif_exp circuit (#1).
  INFO("perisomatic: active " << soma.mean_active << " +- " << soma.sd_active << ", overlap "
                              << soma.mean_overlap << "; uninhibited " << uninhibited_mean);
  CHECK(std::abs(soma.mean_active - 40.0) <= 4.0);
  CHECK(soma.sd_active <= 4.0);
  CHECK(soma.mean_overlap >= 0.90);

  {  // With somatic reach, the active set grows with the distance of the contact.
    // A contact at d reaches the soma as exp(-d / 200 um) of the conductance (0.78, 0.47, 0.29
    // at 50, 150, 250 um) and d / 100 um ms later: a weaker and later veto lets more cells of
    // the race through. It still vetoes: the pool's 100 nS volley times 0.29 is 29 nS, above
    // the (r - 1) g_L < 7 nS that holds a cell of drive r < 1.9 below threshold, so the set
    // stays between the perisomatic one and the uninhibited one.
    std::vector<double> active;
    std::vector<std::vector<std::uint32_t>> w;
    for (double d : s.dendritic_contacts_um) {
      w = kwta::winners(s, kwta::dendritic_circuit(s, d, true), in.drives, 12);
      const kwta::Summary r = kwta::summarize(w, in.ideal, s.k);
      INFO("contact " << d << " um: active " << r.mean_active << " +- " << r.sd_active
                      << ", overlap " << r.mean_overlap << ", in top-k " << r.precision);
      CHECK(r.mean_active >= soma.mean_active - 0.5);
      CHECK(r.mean_active <= uninhibited_mean - 1.0);
      CHECK(r.mean_overlap >= 0.90);  // the top-k still wins the race
      if (!active.empty()) CHECK(r.mean_active >= active.back() - 0.25);
      active.push_back(r.mean_active);
    }
    // Over 50 -> 250 um the later, weaker veto lets at least one more cell per input through.
    CHECK(active.back() - active.front() >= 1.0);
    // And it is the delay, not the attenuation, that does it: at 29 % the shunt still exceeds
    // the (r - 1) g_L a cell needs to be held, so the sets at 250 um are those of perisomatic
    // inhibition arriving 250 um * 1 ms / 100 um later (pool -> E delay 0.5 -> 3 ms); `w`
    // holds the sets of the farthest contact.
    const double delay_per_100um =
        spindle::models::PyramidalDendriticParams::defaults().dend.epsp_delay_per_100um;
    spindle::models::WtaParams late_soma = soma_circuit;
    late_soma.delay_pool_exc =
        spindle::Milliseconds{soma_circuit.delay_pool_exc.value() +
                              s.dendritic_contacts_um.back() * delay_per_100um / 100.0};
    const auto w_late = kwta::winners(s, late_soma, in.drives, 12);
    std::size_t same = 0;
    for (std::size_t i = 0; i < n; ++i)
      same += w_late[i] == w[i];
    CHECK(same >= n - 1);
  }

  {  // Without somatic reach, the active set is the uninhibited one.
    // The shunt on the trunk then never reaches the soma of the reduced cell, so every cell
    // whose free first-spike latency tau_m ln(r / (r - 1)) is shorter than the input fires: the
    // set is predicted per input from the drive and tau_m alone (a mismatch of one cell is
    // allowed per input for a latency within the kernel's tick of the window's end).
    const auto at_dendrite = kwta::winners(
        s, kwta::dendritic_circuit(s, s.dendritic_contacts_um.back(), false), in.drives, 12);
    const kwta::Summary dendrite = kwta::summarize(at_dendrite, in.ideal, s.k);
    std::size_t exact = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto free_set = kwta::uninhibited_set(s, in.drives[i], tau_m);
      const std::size_t common = kwta::intersection_size(free_set, at_dendrite[i]);
      CHECK(free_set.size() - common + at_dendrite[i].size() - common <= 1);
      exact += free_set == at_dendrite[i];
    }
    INFO("no reach: active " << dendrite.mean_active << " +- " << dendrite.sd_active
                             << ", exact sets " << exact << " of " << n << ", overlap "
                             << dendrite.mean_overlap << ", in top-k " << dendrite.precision);
    CHECK(exact >= n - 1);
    CHECK(dendrite.mean_active == Approx(uninhibited_mean).margin(0.1));
    // What that means for the k-WTA: far more than k + 4 winners (every cell above the drive
    // threshold), a superset of the top-k, so half of the active cells are not winners.
    CHECK(dendrite.mean_active >= 1.5 * static_cast<double>(s.k));
    CHECK(dendrite.within <= 0.05);
    CHECK(dendrite.mean_overlap >= 0.99);
    CHECK(dendrite.precision <= 0.7);
  }
}

TEST_CASE("placement contacts land on the apical trunk branch that holds their distance",
          "[wta][kwta]") {
  // The trunk is six 75 um branches (docs/dendritic-inhibition.md, geometry table): 50 um lies
  // on apical_trunk_0, 150 um starts apical_trunk_2, 250 um is on apical_trunk_3, and 450 um is
  // the trunk's far end.
  CHECK(kwta::apical_trunk_at(50.0).describe() == "dendrite(apical_trunk_0, 50 um)");
  CHECK(kwta::apical_trunk_at(150.0).describe() == "dendrite(apical_trunk_2, 150 um)");
  CHECK(kwta::apical_trunk_at(250.0).describe() == "dendrite(apical_trunk_3, 250 um)");
  CHECK(kwta::apical_trunk_at(450.0).describe() == "dendrite(apical_trunk_5, 450 um)");
  // With gaba_to_soma set as asked, and the rest of the perisomatic circuit unchanged.
  const kwta::Setup s;
  const auto far = kwta::dendritic_circuit(s, 250.0, true);
  CHECK(far.exc_parameters.at("gaba_to_soma").value == 1.0);
  CHECK(kwta::dendritic_circuit(s, 250.0, false).exc_parameters.at("gaba_to_soma").value == 0.0);
  CHECK(far.g_pool_exc.value() == kwta::perisomatic_circuit(s).g_pool_exc.value());
}
