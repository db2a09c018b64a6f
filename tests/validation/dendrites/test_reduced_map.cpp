// Issue 5, acceptance 3: the calibrated reduced cell (pyramidal_dendritic) reproduces the cable
// cell's inhibition map over the whole distance x Δt grid of Müllner's protocol with an RMS
// error <= 0.05 of the maximal inhibition. Both maps come from the same protocol (BapProtocol,
// Δt = t_GABA_onset - t_stimulus, signed offsets x from the contact, x > 0 distal); the cable
// map is the reference, computed here. The conductance is the one Müllner's analysis uses (the
// largest of the sweep whose peak inhibition is <= 30 %), chosen from a sweep over the Δt values
// around the peak so that the test stays within its time budget. The CPU ratio (>= 100x) is
// measured and reported by examples/dendritic_inhibition, not asserted here.
#include <algorithm>
#include <cmath>

#include "spindle/models/cable/inhibition_map.hpp"
#include "spindle/models/dendritic_calibration.hpp"
#include "support/catch.hpp"

namespace {

using namespace spindle::models;

struct Reference {
  cable::BapProtocol protocol;
  cable::InhibitionMap map;
};

const Reference& reference() {
  static const Reference r = [] {
    Reference out;
    cable::BapProtocol pr;
    const cable::CableCell cell(cable::ca1_pyramidal_geometry(), cable::CableParams{}, pr.seg_um,
                                pr.dt_ms);
    cable::BapProtocol sweep = pr;
    sweep.offsets_ms = {-1.0, -0.5, 0.0, 0.5, 1.0, 1.5};
    const cable::InhibitionMap s = cable::inhibition_map(cell, sweep);
    pr.g_gaba_nS = {s.g_nS[s.choose_g()]};
    out.protocol = pr;
    out.map = cable::inhibition_map(cell, pr);
    return out;
  }();
  return r;
}

}  // namespace

TEST_CASE("the calibrated and the shipped reduced maps match the cable map within 5 percent RMS",
          "[dendrites]") {
  const Reference& ref = reference();
  const DendriticCalibration cal =
      calibrate_dendritic(ref.map, ref.protocol, PyramidalDendriticParams::defaults());
  const cable::InhibitionMap reduced = inhibition_map(cal.params, ref.protocol);
  const double rms = relative_rms_error(reduced, ref.map, 0);
  INFO("g = " << ref.protocol.g_gaba_nS[0] << " nS, cable max inhibition "
              << ref.map.max_inhibition(0) << ", reduced " << reduced.max_inhibition(0));
  CHECK(rms <= 0.05);
  // The cell, driven through the CellGroup contract, computes the calibration's closed form.
  CHECK(std::abs(rms - cal.rms_error) < 1e-3);
  // Both cells see the same temporal window: peaks within one grid step (0.5 ms).
  const cable::TemporalFit tc = cable::fit_temporal(ref.map, 0);
  const cable::TemporalFit tr = cable::fit_temporal(reduced, 0);
  CHECK(std::abs(tc.peak_offset_ms - tr.peak_offset_ms) <= 0.5);

  // The shipped defaults (pasted from `spindle calibrate-dendrite`) do as well. This fails when
  // the cable cell changed after that: rerun it and update models/src/pyramidal_dendritic.cpp.
  const cable::InhibitionMap shipped =
      inhibition_map(PyramidalDendriticParams::defaults(), ref.protocol);
  CHECK(relative_rms_error(shipped, ref.map, 0) <= 0.05);
}
