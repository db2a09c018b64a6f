// spindle/models/dendritic_plasticity.hpp: a spike-pairing protocol on pyramidal_dendritic with
// Graupner-Brunel plasticity at one dendritic AMPA synapse, optionally with one dendritic GABA_A
// contact activated before each bAP: the test bed of "spike-timing-dependent inhibition"
// (issue 5, acceptance 4). The cell is driven through the CellGroup contract, as the kernel
// drives it; the postsynaptic spike is evoked by a somatic current pulse.
//
// Default protocol: Sjöström, Turrigiano & Nelson (2001, Neuron 32:1149), the data the cortical
// parameter set of Graupner & Brunel was fitted to: 5 pre-post pairs at 20 Hz, pre 10 ms before
// the postsynaptic spike, the group repeated 15 times every 10 s.
#pragma once

#include <cstddef>

#include "spindle/models/pyramidal_dendritic.hpp"

namespace spindle::models {

struct PairingProtocol {
  double synapse_um = 150.0;     ///< AMPA synapse on the apical trunk [um]
  double ampa_nS = 0.5;          ///< AMPA weight (subthreshold) [nS]
  double pre_to_post_ms = 10.0;  ///< postsynaptic spike minus presynaptic spike [ms]
  int pairs = 5;                 ///< pairs per group
  double pair_interval_ms = 50.0;
  int groups = 15;
  double group_interval_ms = 10000.0;
  double stimulus_nA = 3.0;  ///< somatic pulse that evokes the postsynaptic spike
  double stimulus_ms = 1.0;
  // Dendritic inhibition (none when gaba_nS == 0):
  double gaba_nS = 0.0;
  double gaba_um = 150.0;           ///< contact on the apical trunk [um]
  double gaba_before_bap_ms = 1.0;  ///< GABA onset before the bAP reaches the synapse [ms]
  int gaba_spikes = 1;              ///< spikes per inhibitory volley (a burst if > 1)
  double gaba_isi_ms = 3.0;         ///< interval between the burst's spikes [ms]
};

struct PairingResult {
  double rho_before = 0.0, rho_after = 0.0;
  double weight_change = 0.0;  ///< relative efficacy after the protocol minus 1
  std::size_t postsynaptic_spikes = 0;
};

/// Runs the protocol (plasticity on, rho starting at params.rho0) and reads rho 1 s after the
/// last pair.
PairingResult run_pairing(PyramidalDendriticParams params, const PairingProtocol& protocol);

}  // namespace spindle::models
