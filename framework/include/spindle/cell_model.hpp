// spindle/cell_model.hpp: the contract between the event kernel and a cell model.
// A CellGroup owns the state of all cells of one population (structure of arrays). The kernel
// calls it once per event, never per time step; the model advances a cell lazily and exactly
// from its last update to the event time, and tells the kernel when the cell may next cross
// threshold.
//
// Predictions are lower bounds. A model may answer with a cheap bound: the kernel calls
// check() at that time, and the model then fires or gives a later bound. An input that can
// only delay the crossing (inhibition in a current-based model) answers keep_prediction and
// touches no queue. Predictions must never be later than the true crossing: that is what
// guarantees that no spike is missed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "spindle/location.hpp"
#include "spindle/time.hpp"
#include "spindle/units.hpp"

namespace spindle {

/// Returned by receive()/set_current() when the cell's current prediction is still a valid
/// lower bound and the kernel need not touch its queue.
inline constexpr Time keep_prediction = Time::from_ticks(std::numeric_limits<std::int64_t>::min());

/// An input port of a cell model ("exc", "inh", "AMPA", ...).
struct ReceptorInfo {
  std::string name;
  Unit unit = Unit::pA;  ///< unit of the weights arriving here
  int sign = 0;          ///< +1: weights must be >= 0; -1: weights must be <= 0; 0: any sign
  std::string meaning;
};

/// A state variable that can be initialised and probed.
struct StateVarInfo {
  std::string name;
  Unit unit = Unit::none;
  std::string meaning;
};

class CellGroup {
 public:
  virtual ~CellGroup() = default;
  CellGroup() = default;
  CellGroup(const CellGroup&) = delete;
  CellGroup& operator=(const CellGroup&) = delete;

  virtual std::size_t size() const noexcept = 0;

  /// Sets state variable `var` (index into the model's state list) of `cell` before the run.
  virtual void set_state(std::size_t cell, std::size_t var, double value) = 0;

  /// Overrides parameter `param` (index into the model's schema) for one cell, before the run.
  /// The kernel only passes parameters the model lists in CellModelInfo::per_cell_parameters,
  /// with values inside the schema's range.
  virtual void set_parameter(std::size_t cell, std::size_t param, double value);

  /// First prediction for `cell`, from time t on (start of the run, after set_state).
  virtual Time predict(std::size_t cell, Time t) = 0;

  /// A synaptic input of `weight` (in the receptor's unit) at time t, which is never earlier
  /// than the cell's last event. Returns a lower bound (>= t) of the next threshold crossing,
  /// Time::never(), or keep_prediction.
  virtual Time receive(std::size_t cell, Time t, double weight, std::size_t receptor) = 0;

  /// The inputs of one presynaptic spike to several cells of this group, all at time t on one
  /// receptor: cell cells[i] + index_offset gets weights[i] (or `weight` when weights is null),
  /// in that order, and out[i] receives what receive() would have returned. The default calls
  /// receive(); a model overrides it to share per-time work (one exp for all cells) and to save
  /// a virtual call per synapse.
  virtual void receive_batch(Time t, std::size_t receptor, const std::uint32_t* cells,
                             std::size_t n, std::uint32_t index_offset, const float* weights,
                             double weight, Time* out);

  /// receive() for a synapse of a projection that names a location other than the soma. The
  /// kernel calls it only for models that declare a morphology (or an axon initial segment),
  /// and only with locations checked against it. The default forwards the soma to receive().
  virtual Time receive_at(std::size_t cell, Time t, double weight, std::size_t receptor,
                          Location where);

  /// Sets the injected current to `current` [pA] from time t on (DC and step stimuli).
  /// Returns as receive() does.
  virtual Time set_current(std::size_t cell, Time t, double current) = 0;

  /// Called at the time of the cell's prediction. Returns true when the cell fires at t (the
  /// model has then applied its reset); `next` receives the next prediction either way.
  virtual bool check(std::size_t cell, Time t, Time& next) = 0;

  /// Value of state variable `var` at time t (not earlier than the last event), computed on a
  /// copy: the run is not disturbed.
  virtual double probe(std::size_t cell, std::size_t var, Time t) const = 0;
};

}  // namespace spindle
