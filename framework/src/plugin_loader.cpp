// Plugin loading (spindle/plugin.hpp). Boost.DLL is used only here.
//
// One file goes through these checks in order; each refusal is a PluginError (a spindle::Error)
// "plugin '<path>': <reason>":
//  1. the path exists and is a regular file (or a link to one);
//  2. it loads: RTLD_NOW, so that a symbol the program does not provide fails here, with the
//     dynamic loader's message, instead of killing the process at its first call; RTLD_LOCAL,
//     so that plugins cannot interpose each other's symbols;
//  3. it exports `spindle_plugin_entry`;
//  4. the descriptor's abi_version equals plugin_abi_version. It is the first member in every
//     ABI version, the only one read before this check passes;
//  5. its layout tag equals this program's plugin_layout_tag();
//  6. register_models() runs on a copy of the registry, and the copy replaces the registry only
//     when it returned and every model it added names the plugin's file as its origin. Any
//     exception leaves the registry as it was; the copy, which may hold std::functions whose
//     code is in the plugin, is destroyed before the library is unloaded.
#include "spindle/plugin.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <boost/dll/shared_library.hpp>

#include "spindle/error.hpp"

#ifndef SPINDLE_INSTALLED_PLUGIN_DIR
#error "the build defines SPINDLE_INSTALLED_PLUGIN_DIR (framework/CMakeLists.txt)"
#endif

namespace spindle {

namespace fs = std::filesystem;

struct PluginSet::Impl {
  // Unloaded in reverse order of loading, after everything else in this object.
  std::vector<boost::dll::shared_library> libraries;
  std::vector<PluginInfo> plugins;
  std::map<fs::path, std::size_t> by_path;  // canonical path -> index into plugins

  ~Impl() {
    plugins.clear();
    while (!libraries.empty())
      libraries.pop_back();
  }
};

namespace {

[[noreturn]] void refuse(const fs::path& path, const std::string& reason) {
  throw PluginError(path, reason);
}

/// The dynamic loader's reason for the last failed dlopen. Boost.DLL reports every failure as
/// "bad file descriptor" and does not call dlerror(), so the message is still there.
std::string last_dlopen_error() {
  const char* e = ::dlerror();
  std::string reason = e != nullptr ? e : "unknown reason";
  if (reason.find("undefined symbol: _ZN7spindle") != std::string::npos) {
    reason +=
        " (the program that loads plugins must export Spindle's symbols: build it with "
        "spindle_enable_plugins(<target>); see plugins/README.md)";
  }
  return reason;
}

}  // namespace

PluginError::PluginError(fs::path file, std::string why)
    : Error(fmt::format("plugin '{}': {}", file.string(), why)),
      path(std::move(file)),
      reason(std::move(why)) {}

PluginSet::PluginSet() : impl_(std::make_unique<Impl>()) {}
PluginSet::~PluginSet() = default;
PluginSet::PluginSet(PluginSet&&) noexcept = default;
PluginSet& PluginSet::operator=(PluginSet&&) noexcept = default;

const std::vector<PluginInfo>& PluginSet::plugins() const noexcept {
  return impl_->plugins;
}

const PluginInfo& PluginSet::load(const fs::path& path, ModelRegistry& registry) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) refuse(path, "the file does not exist");
  if (!fs::is_regular_file(status)) refuse(path, "it is not a file");
  const fs::path canonical = fs::canonical(path, ec);
  if (ec) refuse(path, fmt::format("cannot resolve the path: {}", ec.message()));
  if (const auto it = impl_->by_path.find(canonical); it != impl_->by_path.end())
    return impl_->plugins[it->second];

  boost::dll::shared_library library;
  library.load(canonical, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec || !library.is_loaded())
    refuse(path, fmt::format("not a loadable library: {}", last_dlopen_error()));
  if (!library.has(plugin_entry_symbol)) {
    refuse(path, fmt::format("not a Spindle plugin: it has no entry point '{}' (a plugin "
                             "defines it with SPINDLE_PLUGIN, see spindle/plugin.hpp)",
                             plugin_entry_symbol));
  }
  const PluginDescriptor* d = library.get<PluginEntry>(plugin_entry_symbol)();
  if (d == nullptr) refuse(path, "its entry point returned no descriptor");
  if (d->abi_version != plugin_abi_version) {
    refuse(path, fmt::format("it was built for plugin ABI version {}, this program needs "
                             "version {}: rebuild it against this Spindle",
                             d->abi_version, plugin_abi_version));
  }
  if (d->layout != plugin_layout_tag()) {
    refuse(path, fmt::format("it was built against other Spindle headers (type layout {:#x}, "
                             "this program {:#x}): rebuild it against this Spindle",
                             d->layout, plugin_layout_tag()));
  }
  if (d->register_models == nullptr) refuse(path, "its descriptor has no register function");

  PluginInfo info;
  info.path = canonical;
  info.name = d->name != nullptr ? d->name : "";
  info.description = d->description != nullptr ? d->description : "";
  const std::string origin = canonical.string();
  {
    ModelRegistry scratch = registry;
    try {
      d->register_models(scratch, origin);
    } catch (const Error& e) {
      refuse(path, e.what());
    } catch (const std::exception& e) {
      refuse(path, fmt::format("registering its models failed: {}", e.what()));
    } catch (...) {
      refuse(path, "registering its models failed with an unknown exception");
    }
    // Every model it added must name the plugin as its origin.
    const auto check_origin = [&](const std::string& name, const std::string& model_origin) {
      if (model_origin != origin) {
        refuse(path, fmt::format("model '{}' gives its origin as '{}'; a plugin sets origin to "
                                 "the path its register function receives",
                                 name, model_origin));
      }
    };
    for (const std::string& name : scratch.cell_model_names()) {
      if (registry.has_cell_model(name)) continue;
      check_origin(name, scratch.cell_model(name).origin);
      info.cell_models.push_back(name);
    }
    for (const std::string& name : scratch.synapse_model_names()) {
      if (registry.has_synapse_model(name)) continue;
      check_origin(name, scratch.synapse_model(name).origin);
      info.synapse_models.push_back(name);
    }
    for (const std::string& name : scratch.cell_type_names()) {
      if (registry.has_cell_type(name)) continue;
      check_origin(name, scratch.cell_type(name).origin);
      info.cell_types.push_back(name);
    }
    registry = std::move(scratch);
  }
  impl_->libraries.push_back(std::move(library));
  impl_->by_path.emplace(canonical, impl_->plugins.size());
  impl_->plugins.push_back(std::move(info));
  return impl_->plugins.back();
}

void PluginSet::load_folder(const fs::path& folder, ModelRegistry& registry,
                            const std::string& item) {
  std::error_code ec;
  const fs::file_status status = fs::status(folder, ec);
  if (!fs::exists(status))
    throw Error(fmt::format("{}: plugin folder '{}' does not exist", item, folder.string()));
  if (!fs::is_directory(status))
    throw Error(fmt::format("{}: '{}' is not a folder", item, folder.string()));
  std::vector<fs::path> files;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".so" && fs::is_regular_file(it->status()))
      files.push_back(it->path());
  }
  if (ec) {
    throw Error(
        fmt::format("{}: cannot read plugin folder '{}': {}", item, folder.string(), ec.message()));
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files)
    load(f, registry);
}

void PluginSet::load_defaults(ModelRegistry& registry, const char* plugin_path) {
  std::error_code ec;
  const fs::path installed = installed_plugin_dir();
  if (fs::is_directory(installed, ec)) load_folder(installed, registry, "installed plugins");
  for (const fs::path& folder : split_plugin_path(plugin_path))
    load_folder(folder, registry, "SPINDLE_PLUGIN_PATH");
}

std::vector<fs::path> split_plugin_path(const char* list) {
  std::vector<fs::path> folders;
  if (list == nullptr) return folders;
  const std::string s = list;
  for (std::size_t begin = 0; begin <= s.size();) {
    const std::size_t end = std::min(s.find(':', begin), s.size());
    if (end > begin) folders.emplace_back(s.substr(begin, end - begin));
    begin = end + 1;
  }
  return folders;
}

fs::path installed_plugin_dir() {
  return fs::path(SPINDLE_INSTALLED_PLUGIN_DIR);
}

}  // namespace spindle
