// spindle/synapse_model.hpp: the contract between the kernel and a synapse model (short-term
// plasticity, STDP, ...). A projection names its synapse model; each partition gets one
// SynapseGroup per such projection, holding the state of that projection's synapses into the
// partition. Everything is event-driven: the kernel calls the group only when a spike arrives
// at a synapse or the postsynaptic cell fires, never per time step.
//
// Numbering, fixed when the network is built:
//  - synapse index s in [0, synapses): the projection's synapses in this partition;
//  - train index k in [0, trains): the groups of synapses that one presynaptic cell reaches
//    through one delay (they see the same presynaptic spike train, so presynaptic state such as
//    Tsodyks-Markram resources is kept once per train, not once per synapse).
// Order of calls at one time t: arrivals (on_presynaptic, then transmit for each synapse of the
// train) come before the postsynaptic spikes fired at t (on_postsynaptic), as in the kernel's
// event order. A postsynaptic spike is seen by every plastic synapse onto that cell.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "spindle/parameters.hpp"
#include "spindle/time.hpp"

namespace spindle {

class SynapseGroup {
 public:
  virtual ~SynapseGroup() = default;
  SynapseGroup() = default;
  SynapseGroup(const SynapseGroup&) = delete;
  SynapseGroup& operator=(const SynapseGroup&) = delete;

  /// Sizes the state: called once before the run with the number of trains and each synapse's
  /// initial weight (in the receptor's unit, signed). `sign` is the receptor's: +1 or -1 when
  /// its weights must keep that sign (plastic models then work on magnitudes and must never
  /// cross zero), 0 when any sign is allowed. `context` names the projection for messages:
  /// an initial weight the model cannot take (beyond its bound) is a spindle::Error.
  virtual void init(std::size_t trains, const std::vector<double>& initial_weights, int sign,
                    const std::string& context) = 0;

  /// A presynaptic spike reaches train k at time t. Returns a factor by which every synapse of
  /// the train scales its weight for this spike (1 for none).
  virtual double on_presynaptic(std::size_t train, Time t) = 0;

  /// The weight synapse s transmits at time t, given the train's factor. Plastic models apply
  /// their presynaptic update here (e.g. depression from the postsynaptic trace).
  virtual double transmit(std::size_t synapse, Time t, double factor) = 0;

  /// The postsynaptic cell of synapse s fired at time t. Only called when the model's info
  /// says it needs postsynaptic spikes.
  virtual void on_postsynaptic(std::size_t synapse, Time t) = 0;

  /// The current weight of synapse s (for inspection and recording).
  virtual double weight(std::size_t synapse) const = 0;
};

struct SynapseModelInfo {
  std::string name;
  std::string summary;  ///< one line: what the model is, with its reference
  std::vector<ParamInfo> parameters;
  bool needs_postsynaptic_spikes = false;
  /// Relations between parameters: empty if fine, else the message.
  std::function<std::string(const ParameterValues&)> check_relations;
  std::function<std::unique_ptr<SynapseGroup>(const ParameterValues&)> make;
  std::string origin = "built-in";
};

}  // namespace spindle
