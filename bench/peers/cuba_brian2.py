#!/usr/bin/python3
"""CUBA network (Vogels & Abbott 2005; Brette et al. 2007, benchmark 2) in Brian2.

Peer reference for Spindle's CUBA run (`spindle bench cuba`). The network and its parameters
follow Brian2's `examples/CUBA.py` (R. Brette), with two deliberate differences that make it
match the Spindle specification exactly: no autapses (i != j) and an explicit synaptic delay of
0.1 ms (Brian2's default delay is 0).

    4000 cells (3200 excitatory, 800 inhibitory), pairwise connection probability 0.02
    tau_m = 20 ms, E_L = -49 mV, V_th = -50 mV, V_reset = -60 mV, t_ref = 5 ms
    tau_e = 5 ms, tau_i = 10 ms
    dv/dt = (ge + gi - (v - E_L)) / tau_m   (ge, gi in mV; v clamped while refractory)
    w_e = +1.62 mV onto ge, w_i = -9 mV onto gi, delay 0.1 ms
    v(0) ~ U[V_reset, V_th], ge(0) = gi(0) = 0

The same network in Spindle is lif_exp with C_m = 200 pF, tau_m = 20 ms (g_L = 10 nS),
weights 16.2 pA and -90 pA (spindle::models::cuba_network).

The equations are linear, so Brian2 integrates them exactly ("exact" method); dt only sets
the grid on which threshold crossings are detected and spikes delivered.

Usage:
    /usr/bin/python3 bench/peers/cuba_brian2.py [--duration-ms 1000] [--seed 1]
        [--dt-ms 0.1] [--mode runtime|standalone] [--standalone] [--scale S]
        [--out result.json] [--spikes-csv spikes.csv] [--indent]

--scale multiplies the population sizes (as spindle::models::CubaParams::scale). Output fields:
see brian2_common.py; here rate_exc_hz and rate_inh_hz.
"""

import sys

from brian2_common import Model, main

N_EXC = 3200
N_INH = 800


def build(b2, args):
    from brian2 import ms, mV
    scale = args.scale or 1.0
    n_exc = max(1, round(N_EXC * scale))
    n_inh = max(1, round(N_INH * scale))
    ns = {"taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms, "Vt": -50 * mV, "Vr": -60 * mV,
          "El": -49 * mV, "we": 1.62 * mV, "wi": -9.0 * mV}
    eqs = """
    dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : volt
    dgi/dt = -gi / taui : volt
    """
    P = b2.NeuronGroup(n_exc + n_inh, eqs, threshold="v > Vt", reset="v = Vr",
                       refractory=5 * ms, method="exact", name="P", namespace=ns)
    P.v = "Vr + rand() * (Vt - Vr)"
    P.ge = 0 * mV
    P.gi = 0 * mV
    Ce = b2.Synapses(P, P, on_pre="ge += we", delay=0.1 * ms, name="Ce", namespace=ns)
    Ci = b2.Synapses(P, P, on_pre="gi += wi", delay=0.1 * ms, name="Ci", namespace=ns)
    Ce.connect(condition=f"i < {n_exc} and i != j", p=0.02)
    Ci.connect(condition=f"i >= {n_exc} and i != j", p=0.02)
    M = b2.SpikeMonitor(P, name="M")
    return Model(objects=[P, Ce, Ci, M], monitor=M, cells=n_exc + n_inh, synapses=[Ce, Ci],
                 populations=[("exc", 0, n_exc), ("inh", n_exc, n_exc + n_inh)])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], __doc__, "cuba", build))
