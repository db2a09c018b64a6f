#include "spindle/model_registry.hpp"

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle {

int CellModelInfo::receptor_index(const std::string& r) const noexcept {
  for (std::size_t i = 0; i < receptors.size(); ++i)
    if (receptors[i].name == r) return static_cast<int>(i);
  return -1;
}

int CellModelInfo::parameter_index(const std::string& p) const noexcept {
  for (std::size_t i = 0; i < parameters.size(); ++i)
    if (parameters[i].name == p) return static_cast<int>(i);
  return -1;
}

void CellGroup::set_parameter(std::size_t, std::size_t, double) {
  throw InternalError("set_parameter called on a model without per-cell parameters");
}

void CellGroup::receive_batch(Time t, std::size_t receptor, const std::uint32_t* cells,
                              std::size_t n, std::uint32_t index_offset, const float* weights,
                              double weight, Time* out) {
  for (std::size_t i = 0; i < n; ++i)
    out[i] = receive(cells[i] + index_offset, t, weights ? weights[i] : weight, receptor);
}

void CellGroup::receive_series(std::size_t cell, const Time* times, std::size_t n, double weight,
                               std::size_t receptor, Time* out) {
  for (std::size_t i = 0; i < n; ++i)
    out[i] = receive(cell, times[i], weight, receptor);
}

void CellGroup::receive_late(std::size_t, const Time*, std::size_t, double, std::size_t) {
  throw InternalError("receive_late called on a model that does not accept late inputs");
}

Time CellGroup::receive_at(std::size_t cell, Time t, double weight, std::size_t receptor,
                           Location where) {
  if (where.kind != Location::Kind::soma)
    throw InternalError("receive_at with a location off the soma on a model that declares none");
  return receive(cell, t, weight, receptor);
}

int CellModelInfo::state_index(const std::string& v) const noexcept {
  for (std::size_t i = 0; i < state.size(); ++i)
    if (state[i].name == v) return static_cast<int>(i);
  return -1;
}

namespace {
/// The fixed-weight synapse: the kernel's fast path never calls it, but it is a model like any
/// other for listings and validation.
class StaticSynapses final : public SynapseGroup {
 public:
  void init(std::size_t, const std::vector<double>& w, int, const std::string&) override { w_ = w; }
  double on_presynaptic(std::size_t, Time) override { return 1.0; }
  double transmit(std::size_t s, Time, double factor) override { return factor * w_[s]; }
  void on_postsynaptic(std::size_t, Time) override {}
  double weight(std::size_t s) const override { return w_[s]; }

 private:
  std::vector<double> w_;
};

template <class Info>
void add_model(std::map<std::string, Info>& models, Info info, const char* kind) {
  if (info.name.empty())
    throw Error(fmt::format("a {} from {} has an empty name", kind, info.origin));
  if constexpr (requires { info.make; }) {
    if (!info.make)
      throw Error(fmt::format("{} '{}' from {} has no factory", kind, info.name, info.origin));
  }
  const auto it = models.find(info.name);
  if (it != models.end())
    throw Error(fmt::format("{} name '{}' from {} is already taken by the one from {}", kind,
                            info.name, info.origin, it->second.origin));
  const std::string name = info.name;
  models.emplace(name, std::move(info));
}

template <class Info>
const Info& find_model(const std::map<std::string, Info>& models, const std::string& name,
                       const char* kind) {
  const auto it = models.find(name);
  if (it == models.end()) {
    std::string known;
    for (const auto& [n, _] : models)
      known += (known.empty() ? "" : ", ") + n;
    throw Error(fmt::format("unknown {} '{}'; known {}s: {}", kind, name, kind,
                            known.empty() ? "(none)" : known));
  }
  return it->second;
}
}  // namespace

void ModelRegistry::add_cell_type(CellTypeInfo info) {
  if (!has_cell_model(info.model))
    throw Error(fmt::format("cell type '{}' from {} uses model '{}', which is not registered",
                            info.name, info.origin, info.model));
  add_model(cell_types_, std::move(info), "cell type");
}

const CellTypeInfo& ModelRegistry::cell_type(const std::string& name) const {
  return find_model(cell_types_, name, "cell type");
}

bool ModelRegistry::has_cell_type(const std::string& name) const noexcept {
  return cell_types_.count(name) != 0;
}

std::vector<std::string> ModelRegistry::cell_type_names() const {
  std::vector<std::string> names;
  for (const auto& [n, _] : cell_types_)
    names.push_back(n);
  return names;
}

PopulationSpec& apply(PopulationSpec& pop, const CellTypeInfo& preset) {
  pop.model = preset.model;
  for (const auto& [name, value] : preset.params)
    pop.parameters[name] = value;
  return pop;
}

ModelRegistry::ModelRegistry() {
  SynapseModelInfo s;
  s.name = "static";
  s.summary = "fixed weight, no plasticity";
  s.make = [](const ParameterValues&) { return std::make_unique<StaticSynapses>(); };
  add_synapse_model(std::move(s));
}

void ModelRegistry::add_synapse_model(SynapseModelInfo info) {
  add_model(synapse_models_, std::move(info), "synapse model");
}

const SynapseModelInfo& ModelRegistry::synapse_model(const std::string& name) const {
  return find_model(synapse_models_, name, "synapse model");
}

bool ModelRegistry::has_synapse_model(const std::string& name) const noexcept {
  return synapse_models_.count(name) != 0;
}

std::vector<std::string> ModelRegistry::synapse_model_names() const {
  std::vector<std::string> names;
  for (const auto& [n, _] : synapse_models_)
    names.push_back(n);
  return names;
}

void ModelRegistry::add_cell_model(CellModelInfo info) {
  add_model(cell_models_, std::move(info), "cell model");
}

bool ModelRegistry::has_cell_model(const std::string& name) const noexcept {
  return cell_models_.count(name) != 0;
}

const CellModelInfo& ModelRegistry::cell_model(const std::string& name) const {
  return find_model(cell_models_, name, "cell model");
}

std::vector<std::string> ModelRegistry::cell_model_names() const {
  std::vector<std::string> names;
  for (const auto& [n, _] : cell_models_)
    names.push_back(n);
  return names;
}

}  // namespace spindle
