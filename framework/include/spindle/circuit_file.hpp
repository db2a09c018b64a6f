// spindle/circuit_file.hpp: circuit files, a TOML text that maps one-to-one onto a NetworkSpec
// plus the simulation settings and the plugins to load (docs/circuit-format.md). Reading checks
// the file's structure (unknown keys, types, ranges, names) and names the file, line and column
// of every mistake; model-dependent checks happen when the spec is built, and `locate()` turns
// those errors back into file positions. The TOML library stays inside circuit_file.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "spindle/model_registry.hpp"
#include "spindle/network_spec.hpp"

namespace spindle {

/// The [simulation] table: how to run the circuit.
struct CircuitSettings {
  double duration_ms = 1000.0;  ///< simulated time [ms], > 0
  std::uint64_t seed = 1;
  unsigned threads = 1;
  unsigned partitions = 0;  ///< 0: the library's default (4 x threads)
  /// Fraction of the file's network to simulate, 0 < scale <= 1 (see scale_network()).
  double scale = 1.0;
};

/// A 1-based line and column in a circuit file; line 0: unknown.
struct SourcePosition {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct CircuitFile {
  std::filesystem::path path;  ///< as given to read_circuit_file
  NetworkSpec spec;
  CircuitSettings settings;
  /// Plugin files to load, in file order; relative paths are taken from the file's folder.
  std::vector<std::filesystem::path> plugins;
  /// Per population: the cell-type preset it names (`cell_type = ...`), or empty when it names a
  /// model. bind_models() applies the presets.
  std::vector<std::string> cell_types;

  /// Where each item starts in the file, index for index with the spec's vectors.
  struct Origins {
    std::vector<SourcePosition> populations, projections, stimuli, probes, plugins;
    SourcePosition recording, simulation;
  } origins;

  /// "FILE:LINE:COL: message" pointing at the item the message is about: messages of the build
  /// start with "population 'NAME'", "projection 'NAME'", "stimulus 'NAME'", "probe N", "spike
  /// recorder" or "plugin 'PATH'". A message about nothing in the file gets "FILE: ".
  std::string locate(const std::string& message) const;
  /// "FILE:LINE:COL: message" for a known position.
  std::string at(SourcePosition where, const std::string& message) const;
};

/// Reads and checks a circuit file. Throws spindle::Error "FILE:LINE:COL: what is wrong" for an
/// unreadable file, a TOML syntax error, an unknown key (listing the allowed ones), a value of the
/// wrong type or out of range (NaN included), a duplicate name or a reference to a population the
/// file does not define. Numbers are plain, in the schema's unit; their units are attached by
/// bind_models(), once the models (and the file's plugins) are known.
CircuitFile read_circuit_file(const std::filesystem::path& path);

/// Completes a file's spec against the models: applies cell-type presets (the file's own
/// parameters win over the preset's) and gives every weight, varied parameter and initial value
/// the unit its schema declares. Throws spindle::Error with the file position for an unknown
/// cell type; unknown models, receptors and names are left for the build to report (with
/// locate()).
void bind_models(CircuitFile& file, const ModelRegistry& models);

/// Shrinks a network to `scale` (0 < scale <= 1) of its size: population sizes and the K of
/// fixed_indegree / fixed_outdegree by `scale` (rounded, at least 1), the N of
/// fixed_total_number by scale^2, so that connection probabilities stay those of the full
/// network; pairwise and distance-dependent rules keep their p. Weights are not compensated.
/// Throws spindle::Error for a scale outside (0, 1] or a grid-layout population (a grid has a
/// fixed shape); cell lists of stimuli and probes are kept as they are.
void scale_network(NetworkSpec& spec, double scale);

/// The circuit file text for a spec, its settings and the plugins it needs: read_circuit_file()
/// and bind_models() of it give the same spec back. Values are written as plain numbers, so a
/// ValueSpec or ParamValue must already be in its schema's unit (the build checks that).
std::string write_circuit_toml(const NetworkSpec& spec, const CircuitSettings& settings,
                               const std::vector<std::filesystem::path>& plugins = {});

}  // namespace spindle
