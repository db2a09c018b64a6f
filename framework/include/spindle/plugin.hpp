// spindle/plugin.hpp: runtime model plugins. A plugin is a shared library that exports one
// extern "C" entry point, `spindle_plugin_entry`, returning a PluginDescriptor; its
// register_models() adds models to a ModelRegistry through the same calls the built-in models
// use. A PluginSet loads plugins, checks them and keeps them loaded. Boost.DLL stays in the .cpp.
// The plugin guide, with the ABI rules, is plugins/README.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "spindle/cell_model.hpp"
#include "spindle/cell_type.hpp"
#include "spindle/error.hpp"
#include "spindle/model_registry.hpp"
#include "spindle/parameters.hpp"
#include "spindle/synapse_model.hpp"

namespace spindle {

/// The plugin ABI: the layout of PluginDescriptor and the way the loader calls it. One integer,
/// bumped on any change to either; a plugin built for another value is refused.
inline constexpr int plugin_abi_version = 1;

/// Name of the extern "C" symbol every plugin exports (SPINDLE_PLUGIN defines it). It does not
/// change with the ABI version, so that a plugin of another version is told apart from a
/// library that is no plugin at all.
inline constexpr const char* plugin_entry_symbol = "spindle_plugin_entry";

/// Revision of the virtual functions of CellGroup and SynapseGroup: a plugin's models override
/// them, and the program calls them through vtables laid out by the plugin's headers, which no
/// sizeof sees. Bumped whenever one is added, removed or changes its signature (2: added
/// CellGroup::prefetch).
inline constexpr std::uint64_t model_interface_revision = 2;

/// Fingerprint of the C++ types that cross the plugin boundary (sizes of the registry and of
/// the model description types, and of the standard types inside them) and of the models'
/// virtual interface (model_interface_revision). Plugin and program compute it from their own
/// headers; a plugin built against other Spindle headers (a new registry member, a new virtual
/// function, another standard library ABI) is refused instead of corrupting memory.
constexpr std::uint64_t plugin_layout_tag() noexcept {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a over the sizes
  for (const std::uint64_t size :
       {sizeof(ModelRegistry), sizeof(CellModelInfo), sizeof(ParamInfo), sizeof(ReceptorInfo),
        sizeof(StateVarInfo), sizeof(SynapseModelInfo), sizeof(CellTypeInfo),
        sizeof(ParameterValues), sizeof(ParamValue), sizeof(std::string),
        sizeof(std::function<void()>), sizeof(CellGroup), model_interface_revision}) {
    h = (h ^ size) * 1099511628211ull;
  }
  return h;
}

/// What a plugin's entry point returns: plain data with static storage in the plugin.
struct PluginDescriptor {
  int abi_version = 0;       ///< plugin_abi_version the plugin was built with; always first
  std::uint64_t layout = 0;  ///< plugin_layout_tag() the plugin was built with
  const char* name = "";     ///< short name, for listings
  const char* description = "";
  /// Adds the plugin's models to `registry`. Each model must set its `origin` to `origin` (the
  /// plugin's file path). Throws spindle::Error for a refused model (duplicate name, ...).
  void (*register_models)(ModelRegistry& registry, const std::string& origin) = nullptr;
};

/// Signature of the entry point.
using PluginEntry = const PluginDescriptor*();

/// A refused plugin file. what() is "plugin '<path>': <reason>".
class PluginError : public Error {
 public:
  PluginError(std::filesystem::path file, std::string why);
  std::filesystem::path path;  ///< as given
  std::string reason;          ///< what is wrong with it, in words
};

/// One loaded plugin.
struct PluginInfo {
  std::filesystem::path path;  ///< absolute, symlinks resolved; the models' origin
  std::string name;
  std::string description;
  std::vector<std::string> cell_models;     ///< the cell models it registered, by name
  std::vector<std::string> synapse_models;  ///< the synapse models it registered, by name
  std::vector<std::string> cell_types;      ///< the cell-type presets it registered, by name
};

/// Loads plugins into a ModelRegistry and keeps them loaded. Code and vtables of the plugins'
/// models live in the libraries, so the PluginSet must outlive every registry, CellModelInfo
/// and Simulation that uses their models: declare it before them. No global state: every
/// program owns its PluginSet. Move-only (a moved-from set may only be destroyed or assigned
/// to); not thread-safe: load plugins before simulating.
class PluginSet {
 public:
  PluginSet();
  ~PluginSet();
  PluginSet(PluginSet&&) noexcept;
  PluginSet& operator=(PluginSet&&) noexcept;

  /// Loads the plugin at `path` and registers its models into `registry`. Throws PluginError
  /// naming the file and the reason: it does not exist, is not a loadable library, lacks the
  /// entry point, was built for another ABI version or other Spindle headers, or registers a
  /// refused model (e.g. a name already taken). Transactional: on error `registry` is
  /// unchanged. A file this set has already loaded (same canonical path) is not loaded again.
  const PluginInfo& load(const std::filesystem::path& path, ModelRegistry& registry);

  /// Loads every regular file named *.so in `folder`, in name order. `item` names the folder's
  /// source in messages (e.g. "SPINDLE_PLUGIN_PATH"). A missing folder is an Error, a refused
  /// file a PluginError.
  void load_folder(const std::filesystem::path& folder, ModelRegistry& registry,
                   const std::string& item);

  /// Loads the default plugins: every *.so of installed_plugin_dir() if that folder exists,
  /// then of each folder of `plugin_path` (the value of SPINDLE_PLUGIN_PATH, colon-separated;
  /// may be null), each of which must exist.
  void load_defaults(ModelRegistry& registry, const char* plugin_path);

  const std::vector<PluginInfo>& plugins() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The folders of a colon-separated list such as SPINDLE_PLUGIN_PATH, in order; empty entries
/// are skipped. `list` may be null (variable not set).
std::vector<std::filesystem::path> split_plugin_path(const char* list);

/// The folder an installed Spindle loads plugins from (CMAKE_INSTALL_FULL_LIBDIR/spindle/plugins,
/// fixed when Spindle is configured). It need not exist.
std::filesystem::path installed_plugin_dir();

}  // namespace spindle

/// Defines the entry point of a plugin. Use once, at namespace scope, in one source file:
///   SPINDLE_PLUGIN("my_models", "what they are", register_my_models)
/// where `void register_my_models(spindle::ModelRegistry&, const std::string& origin)`.
#define SPINDLE_PLUGIN(plugin_name, plugin_description, register_function)             \
  extern "C" __attribute__((visibility("default"))) const ::spindle::PluginDescriptor* \
  spindle_plugin_entry() {                                                             \
    static constexpr ::spindle::PluginDescriptor descriptor{                           \
        ::spindle::plugin_abi_version, ::spindle::plugin_layout_tag(), plugin_name,    \
        plugin_description, register_function};                                        \
    return &descriptor;                                                                \
  }
