#!/usr/bin/python3
"""Brunel (2000) sparse E-I network, state C (asynchronous irregular), in Brian2.

Peer reference for `spindle bench brunel` (spindle::models::brunel_network, lif_delta cells;
Brunel 2000, J Comput Neurosci 8:183, Fig. 8C; science.md 6.3):

    N_E = 10000, N_I = 2500 lif cells with delta synapses (voltages relative to rest)
    tau dv/dt = -v,  theta = 20 mV, V_r = 10 mV, tau_rp = 2 ms (v clamped, inputs discarded)
    fixed in-degree: C_E = 1000 excitatory, C_I = 250 inhibitory sources per cell, drawn with
    replacement (multapses), no autapses; v += J = 0.1 mV (exc), v += -g J = -0.5 mV (inh),
    delay D = 1.5 ms; external drive: C_E independent Poisson inputs of nu_ext = eta nu_thr =
    2 x 10 Hz per cell, weight J; v(0) ~ U[V_r, theta)

Brian2 draws the external drive with PoissonInput (a binomial count per time step, the usual
way in Brian2), Spindle as exact spike events of one Poisson train of rate C_E nu_ext per cell;
the statistics are the same. Inputs arriving during the refractory period are discarded in
both (lif_delta's rule; NEST iaf_psc_delta).

--scale S multiplies N_E and N_I and keeps the in-degrees (the networks of `spindle bench
scaling`). Usage: as cuba_brian2.py; output fields: brian2_common.py (rate_E_hz, rate_I_hz).
"""

import sys

from brian2_common import Model, main, rng

N_E, N_I = 10000, 2500
C_E, C_I = 1000, 250
J, G, ETA = 0.1, 5.0, 2.0  # mV, -, -
TAU, THETA, V_R, T_REF, DELAY = 20.0, 20.0, 10.0, 2.0, 1.5  # ms, mV, mV, ms, ms


def fixed_indegree(gen, first, count, n_targets, k, exclude_self_from):
    """Sources (int32) of k inputs per target, drawn uniformly from [first, first + count) with
    replacement; target j never draws itself (cell j of the source range when the ranges
    overlap, i.e. exclude_self_from = first)."""
    import numpy as np
    src = gen.integers(first, first + count, size=(n_targets, k), dtype=np.int64)
    if exclude_self_from is not None:
        tgt = np.arange(n_targets)[:, None]
        bad = src == tgt
        while bad.any():
            src[bad] = gen.integers(first, first + count, size=int(bad.sum()))
            bad = src == tgt
    return src.astype(np.int32).ravel()


def build(b2, args):
    import numpy as np
    from brian2 import Hz, ms, mV
    scale = args.scale or 1.0
    n_e = max(1, round(N_E * scale))
    n_i = max(1, round(N_I * scale))
    n = n_e + n_i
    nu_thr = THETA / (J * C_E * TAU) * 1e3  # Hz
    ns = {"tau": TAU * ms, "theta": THETA * mV, "Vr": V_R * mV, "J": J * mV, "G": G}
    P = b2.NeuronGroup(n, "dv/dt = -v / tau : volt (unless refractory)", threshold="v > theta",
                       reset="v = Vr", refractory=T_REF * ms, method="exact", name="P",
                       namespace=ns)
    gen = rng(args.seed)
    P.v = gen.uniform(V_R, THETA, n) * mV
    # Targets 0..n-1 in order, k sources each; no autapses where source and target coincide.
    tgt_e = np.repeat(np.arange(n, dtype=np.int32), C_E)
    tgt_i = np.repeat(np.arange(n, dtype=np.int32), C_I)
    src_e = fixed_indegree(gen, 0, n_e, n, C_E, 0)
    src_i = fixed_indegree(gen, n_e, n_i, n, C_I, n_e)
    Se = b2.Synapses(P, P, on_pre="v_post += J * int(not_refractory_post)", delay=DELAY * ms,
                     name="Se", namespace=ns)
    Si = b2.Synapses(P, P, on_pre="v_post += -G * J * int(not_refractory_post)",
                     delay=DELAY * ms, name="Si", namespace=ns)
    Se.connect(i=src_e, j=tgt_e)
    Si.connect(i=src_i, j=tgt_i)
    ext = b2.PoissonInput(P, "v", N=C_E, rate=ETA * nu_thr * Hz,
                          weight="J * int(not_refractory)")
    M = b2.SpikeMonitor(P, name="M")
    return Model(objects=[P, Se, Si, ext, M], monitor=M, cells=n, synapses=[Se, Si],
                 populations=[("E", 0, n_e), ("I", n_e, n)], namespace=ns)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], __doc__, "brunel", build))
