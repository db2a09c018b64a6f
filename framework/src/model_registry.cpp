#include "spindle/model_registry.hpp"

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle {

int CellModelInfo::receptor_index(const std::string& r) const noexcept {
  for (std::size_t i = 0; i < receptors.size(); ++i)
    if (receptors[i].name == r) return static_cast<int>(i);
  return -1;
}

int CellModelInfo::state_index(const std::string& v) const noexcept {
  for (std::size_t i = 0; i < state.size(); ++i)
    if (state[i].name == v) return static_cast<int>(i);
  return -1;
}

void ModelRegistry::add_cell_model(CellModelInfo info) {
  if (info.name.empty()) throw Error(fmt::format("a model from {} has an empty name", info.origin));
  if (!info.make)
    throw Error(fmt::format("model '{}' from {} has no factory", info.name, info.origin));
  const auto it = cell_models_.find(info.name);
  if (it != cell_models_.end())
    throw Error(fmt::format("model name '{}' from {} is already taken by the model from {}",
                            info.name, info.origin, it->second.origin));
  const std::string name = info.name;
  cell_models_.emplace(name, std::move(info));
}

bool ModelRegistry::has_cell_model(const std::string& name) const noexcept {
  return cell_models_.count(name) != 0;
}

const CellModelInfo& ModelRegistry::cell_model(const std::string& name) const {
  const auto it = cell_models_.find(name);
  if (it == cell_models_.end()) {
    std::string known;
    for (const auto& [n, _] : cell_models_)
      known += (known.empty() ? "" : ", ") + n;
    throw Error(fmt::format("unknown cell model '{}'; known models: {}", name,
                            known.empty() ? "(none)" : known));
  }
  return it->second;
}

std::vector<std::string> ModelRegistry::cell_model_names() const {
  std::vector<std::string> names;
  for (const auto& [n, _] : cell_models_)
    names.push_back(n);
  return names;
}

}  // namespace spindle
