// spindle/models/cable/pyramidal_cable.hpp: `pyramidal_cable`, the compartmental reference
// cell of issue 5 (cable_cell.hpp) as a network cell model. Slow but real: every cell is a
// branched cable of ~770 compartments integrated on its fixed dt (25 us) while it is away from
// rest; a cell at rest costs nothing.
//
// Synapses: "AMPA" (exponential conductance, jump w nS, tau_AMPA, E_AMPA) and "GABA_A" (alpha
// conductance peaking at w nS tau_GABA_A after the spike, reversal E_GABA near rest: a shunt)
// act at the compartment of the synapse's Location (soma or dendrite(branch, distance); the
// morphology is ca1_pyramidal_geometry(diameter_scale), same branch names and indices). All
// inputs at one place and receptor share one linear synapse state.
//
// Spikes: upward crossings of V_spike by the somatic V, the time interpolated linearly within
// the step. Predictions: check() looks ahead on a copy of the cell for at most
// `lookahead_ms`, in fixed steps, and answers the first crossing (exact), or the end of the
// look-ahead (a lower bound: the kernel calls check() again there), or Time::never() once the
// cell is quiescent (cable_cell.hpp: V within `rest_tolerance` of rest, nothing driving it).
// An input before the predicted time discards the look-ahead and steps the cell itself to the
// input's time, so no input is ever applied late. A quiescent cell jumps to the next event
// (CableCell::relax_to_rest).
//
// State variables: V_m (soma), V_1..V_4 and Ca_1..Ca_4 ([Ca]_i in uM) at ca_site_1..4 um on the
// apical trunk (defaults 50, 150, 250, 400 um, as pyramidal_dendritic's probes).
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <tuple>
#include <vector>

#include "spindle/model_registry.hpp"
#include "spindle/models/cable/cable_cell.hpp"

namespace spindle::models::cable {

struct PyramidalCableParams {
  CableParams cable;
  double diameter_scale = 1.0;       ///< every dendritic diameter x this
  double max_segment_um = 5.0;       ///< [um]
  double dt_ms = 0.025;              ///< [ms]
  double V_spike = 0.0;              ///< [mV] somatic spike detection threshold
  double rest_tolerance_mV = 0.01;   ///< [mV] quiescence criterion
  double lookahead_ms = 0.25;        ///< [ms] longest look-ahead of one check()
  std::array<double, 4> sites_um{};  ///< probe sites on the apical trunk [um]

  static PyramidalCableParams from(const ParameterValues& v);
};

/// The branch tree the kernel sees: ca1_pyramidal_geometry(diameter_scale) as a Morphology.
Morphology pyramidal_cable_morphology(double diameter_scale);

CellModelInfo pyramidal_cable_model();

/// The `regenerative_dendrites` parameter set of pyramidal_cable: g_Na_dend =
/// regenerative_gNa_dend_mS_cm2 (channels.hpp), every other parameter at its default. The cell
/// in which lambda's sqrt(d) scaling holds (docs/dendritic-inhibition.md); give it to a
/// population as its parameters (NetworkSpec::add_population(name, "pyramidal_cable", n, ...), or
/// PopulationSpec::parameters).
ParameterSet pyramidal_cable_regenerative_dendrites();

class PyramidalCableGroup final : public CellGroup {
 public:
  static constexpr std::size_t AMPA = 0, GABA_A = 1;  ///< receptors
  static constexpr std::size_t n_sites = 4;
  /// State variables: V_m, V_1..V_4, Ca_1..Ca_4.
  static constexpr std::size_t V_m = 0, V_first = 1, Ca_first = 1 + n_sites;

  PyramidalCableGroup(const PyramidalCableParams& p, std::size_t n);

  std::size_t size() const noexcept override { return cells_.size(); }
  void set_state(std::size_t cell, std::size_t var, double value) override;
  Time predict(std::size_t cell, Time t) override;
  Time receive(std::size_t cell, Time t, double weight, std::size_t receptor) override;
  Time receive_at(std::size_t cell, Time t, double weight, std::size_t receptor,
                  Location where) override;
  Time set_current(std::size_t cell, Time t, double current) override;
  bool check(std::size_t cell, Time t, Time& next) override;
  double probe(std::size_t cell, std::size_t var, Time t) const override;

  const CableCell& cable() const noexcept { return cable_; }
  /// Steps integrated so far by all cells (look-aheads included): the cost of the run.
  std::size_t steps() const noexcept;

 private:
  /// A cell's state and whether its soma may fire (it has been below V_spike since its last
  /// spike).
  struct Track {
    CableState s;
    bool armed = true;
  };
  /// The look-ahead of the last check(): `ahead` lies on the cell's trajectory when no input
  /// arrives before `until`.
  enum class Ahead { none, horizon, crossing, quiet };
  struct Cell {
    Track now;  // the committed state (time <= the kernel's time for this cell)
    Track ahead;
    Ahead kind = Ahead::none;
    double until_ms = 0.0;  // horizon: ahead.s is there; crossing: the crossing time
    bool quiet = true;      // `now` is quiescent
    std::map<std::tuple<std::size_t, std::size_t, std::size_t, double>, std::size_t> synapse_of;
    std::size_t steps = 0;
  };

  void step_tracked(Cell& c, Track& tr, double h) const;
  /// Brings c.now to t, reusing the look-ahead where it is valid.
  void bring_to(Cell& c, double t) const;
  /// Looks ahead from c.now and returns the prediction.
  Time look_ahead(Cell& c) const;
  Time deliver(std::size_t cell, Time t, double weight, std::size_t receptor, TreePoint at);
  double read(const Track& tr, std::size_t var) const;

  PyramidalCableParams p_;
  CableCell cable_;
  std::array<TreePoint, n_sites> sites_{};
  std::vector<Cell> cells_;
};

}  // namespace spindle::models::cable
