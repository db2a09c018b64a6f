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

#include <cmath>
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

/// Most inputs the kernel takes for certain at once from one lazy stimulus train (bounds the
/// draws made ahead when a model answers "any number", as for inhibition).
inline constexpr std::uint32_t max_safe_inputs = 1u << 12;

/// How many inputs of `weight` fit in a headroom of `safe_weight` (see CellGroup::safe_weight),
/// capped at max_safe_inputs.
inline std::uint32_t inputs_within(double safe_weight, double weight) noexcept {
  const double n = safe_weight / std::abs(weight);  // inf for weight 0 or an infinite headroom
  return n >= static_cast<double>(max_safe_inputs) ? max_safe_inputs
                                                   : static_cast<std::uint32_t>(n > 0.0 ? n : 0.0);
}

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

  /// Several inputs of one train to one cell, at times[0] <= times[1] <= ... on one receptor,
  /// each of `weight`: out[i] receives what receive() would have returned for times[i], the
  /// calls made in that order. The default calls receive(); a model overrides it to save the
  /// virtual call and the per-time lookups of each input (the kernel's lazy Poisson trains).
  virtual void receive_series(std::size_t cell, const Time* times, std::size_t n, double weight,
                              std::size_t receptor, Time* out);

  /// Whether every input on `receptor` lowers (or keeps) the membrane potential at all later
  /// times, in every cell: receive() then answers keep_prediction (inhibition in a current-based
  /// model). False by default.
  virtual bool only_inhibits(std::size_t /*receptor*/) const noexcept { return false; }

  /// Whether receive_late() may be used: inputs within the headroom of safe_weight() commute
  /// with every other input (current-based, linear models), so applying them after later inputs
  /// changes the state by rounding only. False by default.
  virtual bool accepts_late_inputs() const noexcept { return false; }

  /// Inputs of one train at times[0] <= times[1] <= ... on `receptor`, each of `weight`, applied
  /// now although the cell may have received later inputs since: the effect in-order inputs
  /// would have had (inputs during a refractory period are dropped). The kernel calls it only
  /// when accepts_late_inputs() is true and only for inputs within the headroom of safe_weight()
  /// (the lazy Poisson trains), which cannot make the cell fire, and never across a spike or a
  /// change of the injected current. The default throws InternalError.
  virtual void receive_late(std::size_t cell, const Time* times, std::size_t n, double weight,
                            std::size_t receptor);

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

  /// Headroom for input applied late (the kernel's lazy Poisson trains, see simulation.cpp): a
  /// total weight W >= 0 such that inputs on `receptor` whose |weights| sum to at most W,
  /// arriving at any times >= t (t: the cell's last event) and with no other input, certainly
  /// cannot make the cell reach threshold; infinity when no input there can ever do that
  /// (inhibition in a current-based model). 0, the default, turns laziness off for the cell.
  /// A model that answers more than 0 promises three things the kernel relies on:
  ///  - with a finite W, receive() of each of those inputs answers keep_prediction or
  ///    Time::never() (its own bound agrees: it sees no crossing either); with an infinite one,
  ///    keep_prediction, or t when the cell's own crossing falls in the input's tick;
  ///  - the headroom is additive: splitting W between several trains onto one cell, or spending
  ///    part of it on other inputs of the same receptor, stays safe;
  ///  - an input answered with keep_prediction lowers (or keeps) V at every later time, whatever
  ///    comes after it, so it never uses up headroom (true of current-based models).
  virtual double safe_weight(std::size_t /*cell*/, Time /*t*/, std::size_t /*receptor*/) const {
    return 0.0;
  }

  /// A lower bound on how many further inputs of `weight` on `receptor` certainly cannot make
  /// the cell reach threshold (safe_weight() in whole inputs, at most max_safe_inputs).
  std::uint32_t safe_inputs(std::size_t cell, Time t, double weight, std::size_t receptor) const {
    return inputs_within(safe_weight(cell, t, receptor), weight);
  }

  /// A hint: the kernel will soon touch `cell` (its next event is this cell's). A model whose
  /// per-cell state lies beyond the caches (large networks) may start loading it; the default
  /// does nothing. It must not change any state.
  virtual void prefetch(std::size_t /*cell*/) const noexcept {}

  /// Value of state variable `var` at time t (not earlier than the last event), computed on a
  /// copy: the run is not disturbed.
  virtual double probe(std::size_t cell, std::size_t var, Time t) const = 0;
};

}  // namespace spindle
