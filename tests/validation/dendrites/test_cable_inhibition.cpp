// pyramidal_cable against Müllner, Wierenga & Bonhoeffer (2015) and issue 5's acceptance 1-2:
// spatial length constants, the effect of one ~1 nS contact, block by a strong conductance, the
// temporal window, and the √d scaling of λ. A reduced grid keeps the run short (all sites, 19 Δt
// values, g = 1 and 4 nS); the full map is the example's job.
#include <catch2/catch.hpp>

#include <cmath>

#include "spindle/models/cable/inhibition_map.hpp"

using namespace spindle::models::cable;

namespace {
BapProtocol reduced_protocol() {
  BapProtocol pr;
  // Müllner's fine grid (-3 ... 3 ms, 0.5 ms) and part of the coarse one, enough to see both tails.
  pr.offsets_ms = {-8, -6, -4, -3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 6, 8};
  pr.g_gaba_nS = {1.0, 4.0};  // the first two of 1, 4, 7, ... nS; the 30% rule picks among them
  return pr;
}
const CableCell& reference_cell() {
  static const CableCell cell(ca1_pyramidal_geometry(), CableParams{}, 5.0, 0.025);
  return cell;
}
const InhibitionMap& reference_map() {
  static const InhibitionMap map = inhibition_map(reference_cell(), reduced_protocol());
  return map;
}
std::size_t contact_site(const InhibitionMap& m) {
  for (std::size_t k = 0; k < m.record_um.size(); ++k)
    if (m.record_um[k] == 0.0) return k;
  return 0;
}
}  // namespace

// The three parts of Müllner's map share one computation of it (one process under ctest).
TEST_CASE("pyramidal_cable: the Müllner inhibition map: contact effect, length constants, window",
          "[cable][mullner]") {
  SECTION("one ~1 nS contact inhibits bAP Ca at its site by 5-30%") {
    const auto& m = reference_map();
    REQUIRE(m.g_nS[0] == 1.0);
    double best = 0;
    for (double v : m.inh[0][contact_site(m)])
      best = std::max(best, v);
    INFO("inhibition at the contact, 1 nS, best Δt: " << best);
    CHECK(best >= 0.05);  // acceptance 1 (Müllner: ~10%, science.md §1.2, unverified)
    CHECK(best <= 0.30);
  }

  SECTION("lambda proximal and distal lie in 15-80 um (Müllner: 23-28 um)") {
    const auto& m = reference_map();
    const std::size_t gi = m.choose_g(0.30);
    const SpatialFit f = fit_spatial(m, gi);
    INFO("g used " << m.g_nS[gi] << " nS (max inhibition " << m.max_inhibition(gi)
                   << "): lambda_proximal " << f.lambda_proximal_um << " um, lambda_distal "
                   << f.lambda_distal_um << " um");
    CHECK(m.max_inhibition(gi) <= 0.30);
    CHECK(f.lambda_proximal_um >= 15.0);
    CHECK(f.lambda_proximal_um <= 80.0);
    CHECK(f.lambda_distal_um >= 15.0);
    CHECK(f.lambda_distal_um <= 80.0);
  }

  SECTION(
      "the temporal window is unimodal, a few ms wide, centred on the meeting of GABA peak "
      "and bAP") {
    const auto& m = reference_map();
    const std::size_t gi = m.choose_g(0.30);
    const TemporalFit f = fit_temporal(m, gi);
    // The conductance peaks tau after onset; it meets the bAP at the site when
    // Δt + tau = bAP latency (pulse onset to V peak at that site).
    const double predicted = m.bap_latency_ms[f.site] - reference_cell().params().gaba_tau_ms;
    INFO("site " << m.record_um[f.site] << " um: peak " << f.peak_offset_ms << " ms (predicted "
                 << predicted << "), FWHM " << f.fwhm_ms << " ms, tau before " << f.tau_before_ms
                 << " ms, tau after " << f.tau_after_ms << " ms");
    CHECK(f.unimodal);
    CHECK(std::abs(f.peak_offset_ms - predicted) <= 0.5);  // acceptance 2
    CHECK(f.fwhm_ms >= 2.0);
    CHECK(f.fwhm_ms <= 4.0);
    CHECK(f.tau_before_ms > 0);
    CHECK(f.tau_before_ms < 5.0);  // Müllner: time constant < 5 ms
    CHECK(f.tau_after_ms > 0);
    CHECK(f.tau_after_ms < 5.0);
  }
}

TEST_CASE("pyramidal_cable: a strong conductance blocks the bAP", "[cable][block]") {
  const double g_block = block_threshold_nS(reference_cell(), reduced_protocol(), 200.0, 1.0);
  INFO("block threshold " << g_block << " nS");
  // Blocked below 200 nS, and well above what one contact gives (~1 nS).
  CHECK(g_block < 200.0);
  CHECK(g_block > 2.0);
}

// Acceptance 1: λ ∝ √d (±20 %) at 0.5x and 2x, scaling the dendritic diameters only (branch
// lengths, soma, membrane properties, channel densities per area and the protocol unchanged),
// with Müllner's analysis (the largest g of the 1, 4, ..., 19 nS sweep with peak inhibition
// <= 30 %; single exponentials without offset on each side). The cell is pyramidal_cable's
// `regenerative_dendrites` set (g_Na_dend 25 mS/cm2): with the default 12 mS/cm2 the bAP is
// decremental at 0.5x and regenerative at 2x, so the diameter changes the bAP and not only the
// cable (docs/dendritic-inhibition.md has the default cell's numbers). The Δt grid is
// Müllner's around the window's peak; the profile's Δt must fall inside it, so the full grid
// (the example) picks the same one. One 8 nA pulse for every cell (3 nA does not fire the 2x
// cell). Measured: ratios 0.831 / 0.713 at 0.5x and 1.284 / 1.594 at 2x (proximal / distal);
// the worst, +17.6 %, is the soma and the branch points staying put in um while λ moves.
TEST_CASE("pyramidal_cable: lambda scales with sqrt(diameter) at 0.5x and 2x (diameters only)",
          "[cable][scaling]") {
  BapProtocol pr = diameter_scaling_protocol();
  pr.offsets_ms = {-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0};
  const auto points =
      diameter_scaling(ca1_pyramidal_geometry(), regenerative_dendrites(), pr, {1.0, 0.5, 2.0});
  for (const auto& p : points) {
    const LengthConstants& l = p.lambda;
    INFO("scale " << p.k << ": g " << l.g_used_nS << " nS (peak inhibition " << l.max_inhibition
                  << ", at dt " << l.profile_offset_ms << " ms), bAP peak at the contact "
                  << l.bap_peak_at_contact_mV << " mV, lambda " << l.lambda_proximal_um << " / "
                  << l.lambda_distal_um << " um; ratios proximal " << p.ratio_proximal
                  << ", distal " << p.ratio_distal << "; sqrt(d) predicts " << std::sqrt(p.k));
    CHECK(l.profile_offset_ms > pr.offsets_ms.front());
    CHECK(l.profile_offset_ms < pr.offsets_ms.back());
    CHECK(l.max_inhibition <= 0.30);
    CHECK(l.bap_peak_at_contact_mV > 0.0);  // the bAP regenerates at every diameter
    CHECK(std::abs(p.ratio_proximal / std::sqrt(p.k) - 1) <= 0.2);
    CHECK(std::abs(p.ratio_distal / std::sqrt(p.k) - 1) <= 0.2);
  }
}

namespace {
/// λ's of electrotonically_scaled(ca1_pyramidal_geometry(), k): diameters x k, lengths x √k,
/// and the protocol scaled with it (contact and recording offsets x √k, somatic pulse x
/// k^(3/2)), at the one Δt where the conductance peak meets the bAP at the contact, with g set
/// (bisection) so that the contact's inhibition is 20%: the same inhibition level in every cell.
SpatialFit lambda_at_scale(double k) {
  const CableCell cell(electrotonically_scaled(ca1_pyramidal_geometry(), k), CableParams{}, 5.0,
                       0.025);
  BapProtocol pr;
  const double stretch = std::sqrt(k);
  pr.gaba_site_um *= stretch;
  for (double& x : pr.record_um)
    x *= stretch;
  pr.stimulus_nA *= std::pow(k, 1.5);
  const BapRun control = run_bap(cell, pr, 0.0, 0.0);
  std::size_t x0 = 0;
  for (std::size_t j = 0; j < pr.record_um.size(); ++j)
    if (pr.record_um[j] == 0.0) x0 = j;
  const double offset = control.t_v_peak_ms[x0] - cell.params().gaba_tau_ms;
  // 1 nS inhibits by ~9 % and 4 nS by ~35 % at 1x: 20 % lies well inside [0, 16] nS x k^(3/2);
  // ten halvings give g to 0.016 nS x k^(3/2).
  double lo = 0.0, hi = 16.0 * std::pow(k, 1.5);
  BapRun r;
  for (int it = 0; it < 10; ++it) {
    const double mid = (lo + hi) / 2;
    r = run_bap(cell, pr, mid, offset);
    (1 - r.ca_peak_mM[x0] / control.ca_peak_mM[x0] > 0.2 ? hi : lo) = mid;
  }
  InhibitionMap m;
  m.g_nS = {lo};
  m.record_um = pr.record_um;
  m.offsets_ms = {offset};
  m.inh.resize(1);
  for (std::size_t j = 0; j < pr.record_um.size(); ++j)
    m.inh[0].push_back({1 - r.ca_peak_mM[j] / control.ca_peak_mM[j]});
  return fit_spatial(m, 0);
}
}  // namespace

// A consistency check of the solver, not acceptance 1's claim: scaled as cable theory scales
// a cable (diameters x k and lengths x √k; Müllner et al.'s "mul2"/"div2" model variants scale
// geometry and length constants together), the tree keeps every branch's electrotonic length
// and every node's share of the load, so with conductances and the pulse x k^(3/2) the cable
// equation is the same equation in x/√k and the measured λ must scale as √k almost exactly. This
// checks the geometry, areas and axial conductances against the theory over a 4x range of
// diameters.
TEST_CASE("pyramidal_cable consistency check: under electrotonic scaling lambda scales as sqrt(k)",
          "[cable][electrotonic]") {
  const SpatialFit one = lambda_at_scale(1.0);
  for (double k : {0.5, 2.0}) {
    const SpatialFit s = lambda_at_scale(k);
    const double expected = std::sqrt(k);
    const double rp = s.lambda_proximal_um / one.lambda_proximal_um,
                 rd = s.lambda_distal_um / one.lambda_distal_um;
    INFO("scale " << k << ": lambda " << s.lambda_proximal_um << " / " << s.lambda_distal_um
                  << " um (1x: " << one.lambda_proximal_um << " / " << one.lambda_distal_um
                  << "); ratios proximal " << rp << ", distal " << rd << "; sqrt(d) predicts "
                  << expected);
    CHECK(std::abs(rp / expected - 1) <= 0.05);  // measured within 2.6 %: the 5 um segments
    CHECK(std::abs(rd / expected - 1) <= 0.05);
  }
}
