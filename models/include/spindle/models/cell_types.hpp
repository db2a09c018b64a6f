// spindle/models/cell_types.hpp: the built-in cell-type presets for cortical circuits: the
// interneuron classes of Markram et al. (2004, Nat Rev Neurosci 5:793) and two pyramidal classes,
// each a built-in model with a parameter set, the domain of the pyramidal cell its axon targets,
// and where the numbers come from. register_builtin() adds them to the ModelRegistry (as
// spindle::CellTypeInfo, cell_type.hpp), where `spindle models` lists them; a preset fills a
// PopulationSpec:
//
//   const ModelRegistry reg = spindle::models::builtin_registry();
//   NetworkSpec net;
//   apply(net.add_population("pv", "", 100), reg.cell_type("pv_basket"));
//
// Most presets are `adex` parameter sets. The firing classes (fast spiking and non-accommodating,
// accommodating, bursting, ...) are the Markram et al. electrical classes; the numbers that give
// them come from published AdEx parameter sets where those exist (Brette & Gerstner 2005; Naud et
// al. 2008) and are otherwise choices made here to reproduce the class, said so in `source`. The
// measured f-I curve, adaptation index and first-spike latency of every preset are in
// docs/neuron-models.md, and tests/validation/neurons/test_cell_types.cpp asserts each class.
#pragma once

#include <vector>

#include "spindle/cell_type.hpp"

namespace spindle::models {

/// Where on a pyramidal cell (or on which cells) a cell type's axon makes its synapses. A
/// description for circuit builders; cell models without dendrites receive everything at the
/// soma.
namespace target_domain {
inline constexpr const char* soma = "soma";  ///< soma and proximal dendrites (perisomatic)
inline constexpr const char* axon_initial_segment = "axon_initial_segment";
inline constexpr const char* distal_dendrite = "distal_dendrite";  ///< apical tuft, layer 1
inline constexpr const char* dendrite = "dendrite";                ///< basal and oblique dendrites
inline constexpr const char* interneurons = "interneurons";        ///< other inhibitory cells
inline constexpr const char* diffuse = "diffuse";  ///< volume transmission onto dendrites
inline constexpr const char* any = "any";          ///< excitatory cells: all domains
}  // namespace target_domain

/// A preset: model + parameter set + target domain + source (spindle/cell_type.hpp).
using CellTypePreset = CellTypeInfo;

/// The built-in presets, in a fixed order: pv_basket, chandelier, som_martinotti,
/// double_bouquet, vip_bipolar, neurogliaform, pyr_regular, pyr_bursting.
const std::vector<CellTypePreset>& builtin_cell_types();

}  // namespace spindle::models
