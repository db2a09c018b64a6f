// `spindle models`: every model the program can use (built-in and from plugins) with its
// parameter schema, receptors, state variables and origin, as tables for people, as JSON for
// scripts, or as the Markdown of docs/models.md. All three read the same ModelRegistry entries,
// so the documentation cannot drift from the code (a ctest compares docs/models.md with
// `spindle models --markdown --no-default-plugins`).
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sim_setup.hpp"
#include "spindle/error.hpp"

namespace spindle::app {
namespace {

std::string unit_text(Unit u) {
  return std::string(unit_symbol(u));
}

std::string weights_text(int sign) {
  return sign > 0 ? ">= 0" : sign < 0 ? "<= 0" : "any sign";
}

/// A plain-text table: columns padded to their widest cell, the last one not padded.
std::string text_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = "  ";
    for (std::size_t i = 0; i < row.size(); ++i)
      line += i + 1 < row.size() ? fmt::format("{:<{}}  ", row[i], width[i]) : row[i];
    out += line + "\n";
  }
  return out;
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (const char c : s)
    out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string md_table(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line = "|";
    for (const std::string& cell : rows[r])
      line += " " + (r == 0 ? cell : md_cell(cell)) + " |";
    out += line + "\n";
    if (r == 0) {
      out += "|";
      for (std::size_t i = 0; i < rows[0].size(); ++i)
        out += "---|";
      out += "\n";
    }
  }
  return out;
}

/// A Markdown table, or `none` as a line when there are no rows below the header.
std::string md_section(const std::vector<std::vector<std::string>>& rows, const char* none) {
  return rows.size() > 1 ? md_table(rows) : std::string(none) + "\n";
}

std::vector<std::vector<std::string>> parameter_rows(const std::vector<ParamInfo>& params,
                                                     bool markdown) {
  std::vector<std::vector<std::string>> rows{
      {"parameter", "unit", "default", "allowed", "meaning"}};
  for (const ParamInfo& p : params) {
    rows.push_back({markdown ? fmt::format("`{}`", p.name) : p.name, unit_text(p.unit),
                    fmt::format("{}", p.default_value), p.range_text(), p.meaning});
  }
  return rows;
}

std::vector<std::vector<std::string>> receptor_rows(const CellModelInfo& m, bool markdown) {
  std::vector<std::vector<std::string>> rows{{"receptor", "unit", "weights", "meaning"}};
  for (const ReceptorInfo& r : m.receptors) {
    rows.push_back({markdown ? fmt::format("`{}`", r.name) : r.name, unit_text(r.unit),
                    weights_text(r.sign), r.meaning});
  }
  return rows;
}

std::vector<std::vector<std::string>> state_rows(const CellModelInfo& m, bool markdown) {
  std::vector<std::vector<std::string>> rows{{"state variable", "unit", "meaning"}};
  for (const StateVarInfo& v : m.state)
    rows.push_back({markdown ? fmt::format("`{}`", v.name) : v.name, unit_text(v.unit), v.meaning});
  return rows;
}

/// A preset's values as (name, value, unit) rows, in the unit of its model's schema.
std::vector<std::vector<std::string>> preset_rows(const ModelRegistry& registry,
                                                  const CellTypeInfo& t, bool markdown) {
  std::vector<std::vector<std::string>> rows{{"parameter", "value", "unit"}};
  for (const auto& [name, v] : t.params) {
    std::string unit = v.unit_given ? unit_text(v.unit) : "";
    if (!v.unit_given && registry.has_cell_model(t.model)) {
      const CellModelInfo& m = registry.cell_model(t.model);
      const int i = m.parameter_index(name);
      if (i >= 0) unit = unit_text(m.parameters[static_cast<std::size_t>(i)].unit);
    }
    rows.push_back({markdown ? fmt::format("`{}`", name) : name, fmt::format("{}", v.value), unit});
  }
  return rows;
}

std::string origin_text(const std::string& origin) {
  return origin == "built-in" ? origin : "plugin " + origin;
}

/// The models to show: all, or the ones named (each must exist).
struct Selection {
  std::vector<std::string> cells, synapses, types;
};

Selection select(const ModelRegistry& registry, const std::vector<std::string>& names) {
  Selection s;
  if (names.empty()) {
    s.cells = registry.cell_model_names();
    s.synapses = registry.synapse_model_names();
    s.types = registry.cell_type_names();
    return s;
  }
  for (const std::string& n : names) {
    if (registry.has_cell_model(n)) {
      s.cells.push_back(n);
    } else if (registry.has_synapse_model(n)) {
      s.synapses.push_back(n);
    } else if (registry.has_cell_type(n)) {
      s.types.push_back(n);
    } else {
      std::string known;
      for (const auto& list : {registry.cell_model_names(), registry.synapse_model_names(),
                               registry.cell_type_names()})
        for (const std::string& k : list)
          known += (known.empty() ? "" : ", ") + k;
      throw Error(fmt::format("MODEL: there is no model '{}'; the models are: {}", n, known));
    }
  }
  return s;
}

std::string text_listing(const LoadedModels& lm, const Selection& sel) {
  std::string out;
  const auto heading = [&](const char* title, std::size_t n) {
    out += fmt::format("{} ({})\n\n", title, n);
  };
  // A table, or one line saying there is nothing to list.
  const auto table = [](const std::vector<std::vector<std::string>>& rows, const char* none) {
    return rows.size() > 1 ? text_table(rows) : fmt::format("  ({})\n", none);
  };
  if (!sel.cells.empty()) heading("Cell models", sel.cells.size());
  for (const std::string& name : sel.cells) {
    const CellModelInfo& m = lm.registry.cell_model(name);
    out += fmt::format("{}  [{}]\n  {}\n", m.name, origin_text(m.origin), m.summary);
    out += table(parameter_rows(m.parameters, false), "no parameters");
    out += table(receptor_rows(m, false), "no receptors");
    out += table(state_rows(m, false), "no state variables") + "\n";
  }
  if (!sel.synapses.empty()) heading("Synapse models", sel.synapses.size());
  for (const std::string& name : sel.synapses) {
    const SynapseModelInfo& m = lm.registry.synapse_model(name);
    out += fmt::format("{}  [{}]\n  {}\n", m.name, origin_text(m.origin), m.summary);
    out += table(parameter_rows(m.parameters, false), "no parameters");
    if (m.needs_postsynaptic_spikes) out += "  (plastic: sees the postsynaptic spikes)\n";
    out += "\n";
  }
  if (!sel.types.empty()) heading("Cell types", sel.types.size());
  for (const std::string& name : sel.types) {
    const CellTypeInfo& t = lm.registry.cell_type(name);
    out += fmt::format("{}  [{}]\n  {}\n  model {}, axon targets: {}\n", t.name,
                       origin_text(t.origin), t.summary, t.model, t.target_domain);
    out += table(preset_rows(lm.registry, t, false), "no parameter values: the defaults");
    out += fmt::format("  source: {}\n\n", t.source);
  }
  if (lm.plugins.plugins().empty()) {
    out += "Plugins: none loaded\n";
  } else {
    out += "Plugins:\n";
    for (const PluginInfo& p : lm.plugins.plugins()) {
      std::vector<std::string> names = p.cell_models;
      names.insert(names.end(), p.synapse_models.begin(), p.synapse_models.end());
      names.insert(names.end(), p.cell_types.begin(), p.cell_types.end());
      out += fmt::format("  {}  {}  ({})\n", p.name, p.path.string(), fmt::join(names, ", "));
    }
  }
  return out;
}

nlohmann::ordered_json bound(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json parameters_json(const std::vector<ParamInfo>& params) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const ParamInfo& p : params) {
    nlohmann::ordered_json j;
    j["name"] = p.name;
    j["unit"] = unit_text(p.unit);
    j["default"] = p.default_value;
    j["min"] = bound(p.min);  // null: unbounded
    j["min_inclusive"] = p.min_inclusive;
    j["max"] = bound(p.max);
    j["max_inclusive"] = p.max_inclusive;
    j["allowed"] = p.range_text();
    j["meaning"] = p.meaning;
    a.push_back(std::move(j));
  }
  return a;
}

std::string json_listing(const LoadedModels& lm, const Selection& sel) {
  nlohmann::ordered_json out;
  out["cell_models"] = nlohmann::ordered_json::array();
  for (const std::string& name : sel.cells) {
    const CellModelInfo& m = lm.registry.cell_model(name);
    nlohmann::ordered_json j;
    j["name"] = m.name;
    j["summary"] = m.summary;
    j["origin"] = m.origin;
    j["parameters"] = parameters_json(m.parameters);
    j["receptors"] = nlohmann::ordered_json::array();
    for (const ReceptorInfo& r : m.receptors) {
      j["receptors"].push_back({{"name", r.name},
                                {"unit", unit_text(r.unit)},
                                {"sign", r.sign},
                                {"meaning", r.meaning}});
    }
    j["state"] = nlohmann::ordered_json::array();
    for (const StateVarInfo& v : m.state)
      j["state"].push_back({{"name", v.name}, {"unit", unit_text(v.unit)}, {"meaning", v.meaning}});
    out["cell_models"].push_back(std::move(j));
  }
  out["synapse_models"] = nlohmann::ordered_json::array();
  for (const std::string& name : sel.synapses) {
    const SynapseModelInfo& m = lm.registry.synapse_model(name);
    nlohmann::ordered_json j;
    j["name"] = m.name;
    j["summary"] = m.summary;
    j["origin"] = m.origin;
    j["parameters"] = parameters_json(m.parameters);
    j["needs_postsynaptic_spikes"] = m.needs_postsynaptic_spikes;
    out["synapse_models"].push_back(std::move(j));
  }
  out["cell_types"] = nlohmann::ordered_json::array();
  for (const std::string& name : sel.types) {
    const CellTypeInfo& t = lm.registry.cell_type(name);
    nlohmann::ordered_json j;
    j["name"] = t.name;
    j["model"] = t.model;
    j["summary"] = t.summary;
    j["target_domain"] = t.target_domain;
    j["origin"] = t.origin;
    j["parameters"] = nlohmann::ordered_json::array();
    const auto rows = preset_rows(lm.registry, t, false);
    for (std::size_t i = 1; i < rows.size(); ++i) {  // rows[0] is the header
      j["parameters"].push_back(
          {{"name", rows[i][0]}, {"value", t.params.at(rows[i][0]).value}, {"unit", rows[i][2]}});
    }
    j["source"] = t.source;
    out["cell_types"].push_back(std::move(j));
  }
  out["plugins"] = nlohmann::ordered_json::array();
  for (const PluginInfo& p : lm.plugins.plugins()) {
    out["plugins"].push_back({{"path", p.path.string()},
                              {"name", p.name},
                              {"description", p.description},
                              {"cell_models", p.cell_models},
                              {"synapse_models", p.synapse_models},
                              {"cell_types", p.cell_types}});
  }
  return out.dump(2) + "\n";
}

std::string markdown_listing(const LoadedModels& lm, const Selection& sel) {
  std::string out =
      "# Models\n\n"
      "<!-- Generated by `spindle models --markdown --no-default-plugins`: do not edit. "
      "Regenerate with `cmake --build build --target models_doc`; the ctest "
      "integration:models_doc fails while this file is out of date. -->\n\n"
      "Every model built into Spindle (cell models, synapse models, cell-type presets) with "
      "its parameters (unit, default, allowed values, meaning), receptors and state variables, "
      "as the model declares them: the same declaration checks the values of a network and "
      "prints this list. Units: ms, mV, nS, pA, pF, um, Hz. `spindle models` prints the same "
      "list for the models a program can use, including those of loaded plugins "
      "([plugins.md](plugins.md)); `spindle models --json` "
      "prints it as JSON.\n";
  if (!sel.cells.empty()) out += "\n## Cell models\n";
  for (const std::string& name : sel.cells) {
    const CellModelInfo& m = lm.registry.cell_model(name);
    out +=
        fmt::format("\n### `{}`\n\n{}. Origin: {}.\n\n", m.name, m.summary, origin_text(m.origin));
    out += md_section(parameter_rows(m.parameters, true), "No parameters.") + "\n";
    out += md_section(receptor_rows(m, true), "No receptors.") + "\n";
    out += md_section(state_rows(m, true), "No state variables.");
  }
  if (!sel.synapses.empty()) out += "\n## Synapse models\n";
  for (const std::string& name : sel.synapses) {
    const SynapseModelInfo& m = lm.registry.synapse_model(name);
    out += fmt::format(
        "\n### `{}`\n\n{}. Origin: {}.{}\n", m.name, m.summary, origin_text(m.origin),
        m.needs_postsynaptic_spikes ? " Plastic: it sees the postsynaptic spikes." : "");
    out += "\n";
    out += md_section(parameter_rows(m.parameters, true), "No parameters.");
  }
  if (!sel.types.empty()) {
    out +=
        "\n## Cell types\n\nPresets: a cell model with parameter values (the others take the "
        "model's defaults) and the domain its axon targets. Their measured firing (f-I "
        "curves, adaptation index, first-spike latency) is in "
        "[neuron-models.md](neuron-models.md):\n\n"
        "![f-I curves of the cell-type presets](figures/neuron-fi.svg)\n";
  }
  for (const std::string& name : sel.types) {
    const CellTypeInfo& t = lm.registry.cell_type(name);
    out += fmt::format("\n### `{}`\n\n{}. Model `{}`; axon targets: {}. Origin: {}.\n\n", t.name,
                       t.summary, t.model, t.target_domain, origin_text(t.origin));
    out += md_section(preset_rows(lm.registry, t, true), "No parameter values: the defaults.");
    out += fmt::format("\nSource: {}\n", t.source);
  }
  return out;
}

}  // namespace

int models_command(const ModelsArgs& args) {
  const LoadedModels lm = load_models(args.plugins);
  const Selection sel = select(lm.registry, args.names);
  std::string out;
  switch (args.format) {
    case ListFormat::json:
      out = json_listing(lm, sel);
      break;
    case ListFormat::markdown:
      out = markdown_listing(lm, sel);
      break;
    case ListFormat::text:
      out = text_listing(lm, sel);
      break;
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace spindle::app
