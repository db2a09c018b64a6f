// spindle/simulation.hpp: builds a network from a NetworkSpec and runs it. A Simulation owns
// everything (no global state): the frozen graph, the partitions with their queues, the cell
// groups and the recorders. Results do not depend on the thread or partition count.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "spindle/location.hpp"
#include "spindle/model_registry.hpp"
#include "spindle/network_spec.hpp"
#include "spindle/time.hpp"

namespace spindle {

struct SimulationOptions {
  std::uint64_t seed = 1;
  unsigned threads = 1;     ///< worker threads (a tbb::task_arena of this size)
  unsigned partitions = 0;  ///< 0: 4 x threads
  /// Apply Poisson inputs that certainly cannot make their cell fire late, without a queue
  /// event each (CellGroup::safe_weight). Same spikes either way; off only for comparison.
  bool lazy_stimuli = true;
};

struct Spike {
  Time time;
  std::uint32_t cell = 0;  ///< global cell id
  friend bool operator==(const Spike&, const Spike&) = default;
};

struct ProbeSample {
  Time time;
  std::uint32_t cell = 0;
  std::uint32_t probe = 0;  ///< index into NetworkSpec::probes
  double value = 0.0;
};

/// A cell's position [um], from its population's layout.
struct Position {
  double x = 0.0, y = 0.0, z = 0.0;
};

struct PopulationInfo {
  std::string name;
  std::string model;
  std::uint32_t first = 0;  ///< global id of its first cell
  std::uint32_t size = 0;
};

/// One synapse as built: for inspection, statistics and graph algorithms.
struct SynapseInfo {
  std::uint32_t source = 0;
  std::uint32_t target = 0;
  float weight = 0.0f;         ///< in the receptor's unit
  Time delay;                  ///< whole ticks
  std::uint16_t receptor = 0;  ///< index into the target model's receptors
  Location location;           ///< where it lands (distance to 0.1 um)
};

struct RunStatistics {
  std::uint64_t spikes = 0;
  std::uint64_t synaptic_events = 0;  ///< deliveries to cells from network synapses
  std::uint64_t stimulus_events = 0;  ///< Poisson / spike-time inputs delivered
  /// Of stimulus_events: Poisson inputs applied lazily, without an input-queue event of their own.
  std::uint64_t stimulus_events_lazy = 0;
  /// Of those: applied after later network input to the cell (CellGroup::receive_late).
  std::uint64_t stimulus_events_late = 0;
  /// Lazy trains put back on the queue early because other input used up the headroom; each
  /// leaves one stale event behind.
  std::uint64_t stimulus_requeued = 0;
  std::uint64_t predictions_checked = 0;
};

/// Called between epochs with (current time, end time); return value ignored.
using ProgressCallback = std::function<void(Time now, Time end)>;

class Simulation {
 public:
  /// Validates the spec and builds the network. Throws spindle::Error naming the population,
  /// projection, stimulus or parameter that is wrong and what is allowed.
  Simulation(const NetworkSpec& spec, const ModelRegistry& models, SimulationOptions options = {});
  ~Simulation();
  Simulation(Simulation&&) noexcept;
  Simulation& operator=(Simulation&&) noexcept;

  /// Advances the simulation to absolute time `until` (> now). Can be called repeatedly.
  void run(Time until, const ProgressCallback& progress = {});
  Time now() const noexcept;

  /// Recorded spikes so far, ordered by (time, cell).
  std::vector<Spike> spikes() const;
  /// Probe samples taken so far, ordered by (probe, cell, time).
  std::vector<ProbeSample> samples() const;

  const std::vector<PopulationInfo>& populations() const noexcept;
  /// Positions of all cells [um], indexed by global id; (0, 0, 0) for cells without a layout.
  std::vector<Position> positions() const;
  /// Every synapse with its current weight (plastic ones as learned so far), ordered by (source,
  /// target, delay, receptor, weight). Builds a copy: meant
  /// for analysis, not for the hot path.
  std::vector<SynapseInfo> synapses() const;
  /// Population index of a cell.
  std::size_t population_of(std::uint32_t cell) const;
  std::uint32_t num_cells() const noexcept;
  std::uint64_t num_synapses() const noexcept;
  unsigned num_partitions() const noexcept;
  unsigned num_threads() const noexcept;
  Time min_delay() const noexcept;
  RunStatistics statistics() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace spindle
