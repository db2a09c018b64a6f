// spindle/models/stdp.hpp: spike-timing-dependent plasticity with event-driven traces; state
// changes only at pre- and postsynaptic spikes (all-to-all spike interactions).
//
// `stdp_pair` (Song, Miller & Abbott 2000; additive, hard bounds [0, w_max] on |w|):
//   presynaptic spike at t:  |w| -= w_max A_minus y(t);   x += 1
//   postsynaptic spike at t: |w| += w_max A_plus x(t);    y += 1
//   x, y decay with tau_plus, tau_minus. Pairing at dt = t_post - t_pre gives
//   dw = w_max A_plus exp(-dt / tau_plus) for dt > 0 and -w_max A_minus exp(dt / tau_minus) for
//   dt < 0.
// `stdp_triplet` (Pfister & Gerstner 2006, all-to-all model; defaults: their visual-cortex fit):
//   presynaptic spike:  |w| -= w_max o1 (A2_minus + A3_minus r2(t-));  r1 += 1, r2 += 1
//   postsynaptic spike: |w| += w_max r1 (A2_plus + A3_plus o2(t-));    o1 += 1, o2 += 1
//   r1, r2, o1, o2 decay with tau_plus, tau_x, tau_minus, tau_y.
// `vogels_istdp` (Vogels, Sprekeler, Zenke, Clopath & Gerstner 2011, Science 334:1569):
//   symmetric window of width tau; presynaptic spike: |w| += eta w_max (y(t) - alpha);
//   postsynaptic spike: |w| += eta w_max x(t); alpha = 2 rho0 tau drives the postsynaptic rate
//   to rho0. Meant for inhibitory synapses: more inhibition when the cell fires above rho0.
// Weights keep the receptor's sign: the rules act on |w|, bounded to [0, w_max] (w_max in the
// receptor's unit); an initial |w| above w_max is refused when the network is built.
#pragma once

#include "spindle/model_registry.hpp"

namespace spindle::models {

SynapseModelInfo stdp_pair_model();
SynapseModelInfo stdp_triplet_model();
SynapseModelInfo vogels_istdp_model();

}  // namespace spindle::models
