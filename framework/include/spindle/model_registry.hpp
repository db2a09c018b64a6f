// spindle/model_registry.hpp: model name -> factory and schema. Built-in models and plugins
// register through the same call; `spindle models` and docs/models.md read from here.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "spindle/cell_model.hpp"
#include "spindle/cell_type.hpp"
#include "spindle/parameters.hpp"
#include "spindle/synapse_model.hpp"

namespace spindle {

struct CellModelInfo {
  std::string name;
  std::string summary;  ///< one line: what the model is, with its reference
  std::vector<ParamInfo> parameters;
  std::vector<ReceptorInfo> receptors;
  std::vector<StateVarInfo> state;
  /// Parameters that may differ from cell to cell (PopulationSpec::vary); empty: none.
  std::vector<std::string> per_cell_parameters;
  /// Relations between parameters (e.g. V_reset < V_th): empty if fine, else the message.
  std::function<std::string(const ParameterValues&)> check_relations;
  /// Makes the group for `n` cells from validated parameters.
  std::function<std::unique_ptr<CellGroup>(const ParameterValues&, std::size_t n)> make;
  /// The dendritic tree, from the population's parameters; empty for a point neuron, which
  /// accepts synapses on the soma only.
  std::function<Morphology(const ParameterValues&)> morphology;
  /// Whether synapses may target the axon initial segment (receive_at with that kind).
  bool has_axon_initial_segment = false;
  std::string origin = "built-in";  ///< "built-in" or the plugin file it came from

  /// Index of a receptor / state variable by name, or -1.
  int receptor_index(const std::string& r) const noexcept;
  int state_index(const std::string& v) const noexcept;
  int parameter_index(const std::string& p) const noexcept;
};

class ModelRegistry {
 public:
  /// Adds a model; a name already taken is an Error naming both origins.
  void add_cell_model(CellModelInfo info);
  /// The model of that name; an unknown name is an Error listing the known ones.
  const CellModelInfo& cell_model(const std::string& name) const;
  bool has_cell_model(const std::string& name) const noexcept;
  std::vector<std::string> cell_model_names() const;

  /// Synapse models: the same rules. "static" (a fixed weight) is always there; the kernel
  /// runs it without a SynapseGroup.
  void add_synapse_model(SynapseModelInfo info);
  const SynapseModelInfo& synapse_model(const std::string& name) const;
  bool has_synapse_model(const std::string& name) const noexcept;
  std::vector<std::string> synapse_model_names() const;

  /// Cell-type presets: the same rules; a preset's model must already be registered.
  void add_cell_type(CellTypeInfo info);
  const CellTypeInfo& cell_type(const std::string& name) const;
  bool has_cell_type(const std::string& name) const noexcept;
  std::vector<std::string> cell_type_names() const;

  ModelRegistry();

 private:
  std::map<std::string, CellModelInfo> cell_models_;
  std::map<std::string, SynapseModelInfo> synapse_models_;
  std::map<std::string, CellTypeInfo> cell_types_;
};

}  // namespace spindle
