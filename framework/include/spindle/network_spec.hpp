// spindle/network_spec.hpp: the plain-data description of a network (populations,
// projections, stimuli, recorders) and a small builder API to fill it. Nothing is checked
// here; Simulation's build step validates everything and names what is wrong.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "spindle/distribution.hpp"
#include "spindle/location.hpp"
#include "spindle/parameters.hpp"
#include "spindle/units.hpp"

namespace spindle {

/// Where the cells of a population sit, in um: on a 2-D grid or uniformly in a box.
struct Layout {
  enum class Kind { none, grid, box };
  Kind kind = Kind::none;
  std::size_t nx = 0, ny = 0;             ///< grid shape; nx * ny must equal the population size
  double spacing_um = 0.0;                ///< grid spacing
  double extent_um[3] = {0.0, 0.0, 0.0};  ///< box size (x, y, z); for a grid nx*spacing, ny*spacing
};

struct PopulationSpec {
  std::string name;
  std::string model;
  std::size_t size = 0;
  ParameterSet parameters;
  /// Initial value of state variables, drawn per cell (keyed by cell id).
  std::map<std::string, ValueSpec> initial;
  /// Parameters drawn per cell (keyed by cell id), overriding `parameters`; only those the
  /// model lists as per-cell parameters.
  std::map<std::string, ValueSpec> varied;

  Layout layout;

  /// Cells on an nx x ny grid with the given spacing; cell i sits at (i % nx, i / nx) * spacing.
  PopulationSpec& grid(std::size_t nx, std::size_t ny, Micrometres spacing) {
    layout.kind = Layout::Kind::grid;
    layout.nx = nx;
    layout.ny = ny;
    layout.spacing_um = spacing.value();
    layout.extent_um[0] = static_cast<double>(nx) * spacing.value();
    layout.extent_um[1] = static_cast<double>(ny) * spacing.value();
    layout.extent_um[2] = 0.0;
    return *this;
  }
  /// Cells drawn uniformly in [0, x) x [0, y) x [0, z) (z may be 0 for a sheet).
  PopulationSpec& box(Micrometres x, Micrometres y, Micrometres z = Micrometres{0.0}) {
    layout.kind = Layout::Kind::box;
    layout.extent_um[0] = x.value();
    layout.extent_um[1] = y.value();
    layout.extent_um[2] = z.value();
    return *this;
  }
  PopulationSpec& set(const std::string& param, ParamValue v) {
    parameters[param] = v;
    return *this;
  }
  /// Draws parameter `param` per cell from `v`, e.g. vary("V_th", normal(-50_mV, 1_mV, ...)).
  PopulationSpec& vary(const std::string& param, ValueSpec v) {
    varied[param] = v;
    return *this;
  }
  PopulationSpec& init(const std::string& var, ValueSpec v) {
    initial[var] = v;
    return *this;
  }
};

struct ConnectionRule {
  enum class Kind {
    one_to_one,
    all_to_all,
    pairwise_bernoulli,
    fixed_indegree,
    fixed_outdegree,
    fixed_total_number,
    distance_dependent
  };
  enum class Profile { gaussian, exponential };
  Kind kind = Kind::all_to_all;
  double p = 0.0;         ///< pairwise_bernoulli probability
  std::size_t n = 0;      ///< K of fixed_in/outdegree, N of fixed_total_number
  bool autapses = false;  ///< cell connected to itself when source == target population
  bool multapses = true;  ///< several synapses between one pair (fixed_* rules)
  Profile profile =
      Profile::gaussian;  ///< distance_dependent: p(d) = p * exp(-d^2/2s^2) or exp(-d/s)
  double scale_um = 0.0;  ///< distance_dependent: s, the profile's width
  bool periodic = false;  ///< distance_dependent: wrap distances around the box

  static ConnectionRule one_to_one() { return {Kind::one_to_one}; }
  static ConnectionRule all_to_all(bool autapses = false) {
    return {Kind::all_to_all, 0.0, 0, autapses};
  }
  static ConnectionRule pairwise_bernoulli(double p, bool autapses = false) {
    return {Kind::pairwise_bernoulli, p, 0, autapses};
  }
  static ConnectionRule fixed_indegree(std::size_t k, bool autapses = false,
                                       bool multapses = true) {
    return {Kind::fixed_indegree, 0.0, k, autapses, multapses};
  }
  static ConnectionRule fixed_outdegree(std::size_t k, bool autapses = false,
                                        bool multapses = true) {
    return {Kind::fixed_outdegree, 0.0, k, autapses, multapses};
  }
  static ConnectionRule fixed_total_number(std::size_t n, bool autapses = false,
                                           bool multapses = true) {
    return {Kind::fixed_total_number, 0.0, n, autapses, multapses};
  }
  /// Pairwise Bernoulli with a probability that falls with the distance d between the cells:
  /// p0 * exp(-d^2 / (2 s^2)) (gaussian) or p0 * exp(-d / s) (exponential). Both populations
  /// need a layout; with `periodic`, distances wrap around the target's box.
  static ConnectionRule distance_dependent(Profile profile, double p0, Micrometres s,
                                           bool periodic = false, bool autapses = false) {
    ConnectionRule r{Kind::distance_dependent, p0, 0, autapses};
    r.profile = profile;
    r.scale_um = s.value();
    r.periodic = periodic;
    return r;
  }
};

const char* rule_name(ConnectionRule::Kind k) noexcept;

struct ProjectionSpec {
  std::string name;  ///< defaults to "source->target"
  std::string source;
  std::string target;
  ConnectionRule rule;
  std::string receptor;            ///< the target model's receptor ("exc", "inh", ...)
  ValueSpec weight;                ///< unit must match the receptor's
  ValueSpec delay;                 ///< ms; every drawn delay must be > 0
  std::string synapse = "static";  ///< synapse model (short-term plasticity, STDP, ...)
  ParameterSet synapse_parameters;
  LocationSpec location;  ///< where the synapses land on the target cells (default: soma)

  /// Places the synapses (locate::soma(), locate::dendrite(...), locate::region(...), ...).
  ProjectionSpec& at(LocationSpec where) {
    location = std::move(where);
    return *this;
  }

  /// Uses synapse model `model` with these parameters instead of a fixed weight.
  ProjectionSpec& with_synapse(std::string model, ParameterSet params = {}) {
    synapse = std::move(model);
    synapse_parameters = std::move(params);
    return *this;
  }
};

struct StimulusSpec {
  enum class Kind { poisson, spike_times, dc, step_current };
  Kind kind = Kind::poisson;
  std::string name;
  std::string target;              ///< population
  std::vector<std::size_t> cells;  ///< indices within the population; empty = all
  // poisson: independent train per target cell
  double rate_hz = 0.0;
  // poisson and spike_times
  std::string receptor;
  ValueSpec weight;
  // spike_times: ms; step_current: times of the changes
  std::vector<double> times_ms;
  // step_current: amplitude from each time on [pA]
  std::vector<double> amplitudes_pA;
  // dc: amplitude between start and stop [pA]
  double amplitude_pA = 0.0;
  double start_ms = 0.0;
  double stop_ms = max_time_ms_default();

  static constexpr double max_time_ms_default() { return 1e18; }
};

struct SpikeRecorderSpec {
  std::vector<std::string> populations;  ///< empty = every population
};

struct ProbeSpec {
  std::string population;
  std::vector<std::size_t> cells;  ///< empty = all cells of the population
  std::string variable;
  std::vector<double> times_ms;  ///< sample times, ascending
};

struct NetworkSpec {
  std::vector<PopulationSpec> populations;
  std::vector<ProjectionSpec> projections;
  std::vector<StimulusSpec> stimuli;
  SpikeRecorderSpec spike_recorder;
  bool record_spikes = true;
  std::vector<ProbeSpec> probes;

  PopulationSpec& add_population(std::string name, std::string model, std::size_t size,
                                 ParameterSet params = {});
  ProjectionSpec& connect(std::string source, std::string target, ConnectionRule rule,
                          std::string receptor, ValueSpec weight, ValueSpec delay);
  StimulusSpec& add_poisson(std::string target, Hertz rate, std::string receptor, ValueSpec weight);
  StimulusSpec& add_spike_times(std::string target, std::vector<double> times_ms,
                                std::string receptor, ValueSpec weight);
  StimulusSpec& add_dc(std::string target, Picoamps amplitude, Milliseconds start = Milliseconds{0},
                       Milliseconds stop = Milliseconds{StimulusSpec::max_time_ms_default()});
  StimulusSpec& add_step_current(std::string target, std::vector<double> times_ms,
                                 std::vector<double> amplitudes_pA);
  ProbeSpec& add_probe(std::string population, std::string variable, std::vector<double> times_ms,
                       std::vector<std::size_t> cells = {});
};

}  // namespace spindle
