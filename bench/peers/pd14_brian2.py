#!/usr/bin/python3
"""The Potjans & Diesmann (2014) cortical microcircuit, down-scaled as NEST's example
`Potjans_2014` does it, in Brian2.

Peer reference for `spindle bench pd14 --scale S` (spindle::models::microcircuit_network,
variant pd14, Poisson drive; models/src/microcircuit.cpp and science.md 6.1 give the sources;
Potjans & Diesmann 2014, Cereb Cortex 24:785). The same numbers:

    8 populations L23E, L23I, L4E, L4I, L5E, L5I, L6E, L6I of iaf_psc_exp cells:
    C_m = 250 pF, tau_m = 10 ms, E_L = V_reset = -65 mV, V_th = -50 mV, t_ref = 2 ms,
    tau_syn = 0.5 ms (exc and inh), v clamped while refractory (currents keep decaying)
    sizes round(N_full S); synapses per projection round(K_full S^2) with
    K_full = ln(1 - C) / ln(1 - 1 / (N_pre N_post)), pre and post drawn uniformly (multapses and
    autapses allowed); weights normal, mean 87.8 pA (0.15 mV PSP; x2 for L4E -> L23E; x -4 for
    inhibitory sources) / sqrt(S), relative s.d. 0.1, redrawn on a sign change; delays normal,
    mean 1.5 ms (exc) / 0.75 ms (inh), relative s.d. 0.5, redrawn outside [0.1, mean + 10 sd];
    external drive: round(K_ext S) Poisson inputs of 8 Hz per cell with the excitatory weight;
    DC per population restoring the mean input lost by the scaling, from the full-scale rates;
    v(0) normal with NEST's "optimized" per-population mean and s.d.

Brian2 places the delays on its dt grid; PoissonInput draws the external drive as a binomial
count per step (Spindle: exact spike events of one Poisson train per cell).

Usage: as cuba_brian2.py, plus --scale (default 0.1). Output fields: brian2_common.py.
"""

import math
import sys

from brian2_common import Model, main, rng

NAMES = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
FULL_SIZE = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
CONN_PROB = [  # C[target][source]
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443]]
EXT_INDEGREE = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]
# Full-scale rates the DC compensation assumes [Hz]: NEST 3's full_mean_rates (science.md 6.1,
# NEST 3.9 "1.0, 4" row), as models/src/microcircuit.cpp uses them.
FULL_RATE = [0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829]  # Hz
V0_MEAN = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]  # mV
V0_SD = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]
BG_RATE = 8.0  # Hz per external synapse
PSP_EXC = 0.15  # mV
W_REL_SD, G, L4E_L23E = 0.1, -4.0, 2.0
# NEST 3 redraws delays below half its 0.1 ms resolution, then rounds them to the grid.
D_EXC, D_INH, D_REL_SD, D_MIN = 1.5, 0.75, 0.5, 0.05  # ms
CM, TAU_M, TAU_S, T_REF, E_L, V_RESET, V_TH = 250.0, 10.0, 0.5, 2.0, -65.0, -65.0, -50.0


def psp_per_pa(c, tau_m, tau_s):
    t_peak = tau_m * tau_s / (tau_m - tau_s) * math.log(tau_m / tau_s)
    return tau_s * tau_m / (c * (tau_m - tau_s)) * (
        math.exp(-t_peak / tau_m) - math.exp(-t_peak / tau_s))


def full_weight(target, source):
    w = PSP_EXC / psp_per_pa(CM, TAU_M, TAU_S)
    if source % 2 == 1:
        return G * w
    return L4E_L23E * w if (target, source) == (0, 2) else w


def full_synapses(target, source):
    c = CONN_PROB[target][source]
    return math.log(1.0 - c) / math.log(1.0 - 1.0 / (FULL_SIZE[source] * FULL_SIZE[target]))


def redrawn_normal(gen, mean, sd, lo, hi, size):
    x = gen.normal(mean, sd, size)
    bad = (x < lo) | (x > hi)
    while bad.any():
        x[bad] = gen.normal(mean, sd, int(bad.sum()))
        bad = (x < lo) | (x > hi)
    return x


def build(b2, args):
    import numpy as np
    from brian2 import Hz, ms, mV, pA, pF
    s = args.scale if args.scale is not None else 0.1
    wf = 1.0 / math.sqrt(s)
    size = [int(round(n * s)) for n in FULL_SIZE]  # Python's round: halves to even, as numpy
    first = np.concatenate(([0], np.cumsum(size)))
    n = int(first[-1])
    w_ext = full_weight(0, 0)
    dc = []
    for i in range(8):
        rec = sum(full_weight(i, j) * full_synapses(i, j) / FULL_SIZE[i] * FULL_RATE[j]
                  for j in range(8))
        dc.append(1e-3 * TAU_S * (1.0 - math.sqrt(s)) * (rec + w_ext * EXT_INDEGREE[i] * BG_RATE))

    ns = {"tau_m": TAU_M * ms, "tau_s": TAU_S * ms, "Cm": CM * pF, "El": E_L * mV,
          "Vr": V_RESET * mV, "Vth": V_TH * mV}
    eqs = """
    dv/dt = (El - v) / tau_m + (I + I_dc) / Cm : volt (unless refractory)
    dI/dt = -I / tau_s : amp
    I_dc : amp (constant)
    """
    P = b2.NeuronGroup(n, eqs, threshold="v > Vth", reset="v = Vr", refractory=T_REF * ms,
                       method="exact", name="P", namespace=ns)
    gen = rng(args.seed)
    v0 = np.empty(n)
    i_dc = np.empty(n)
    for p in range(8):
        v0[first[p]:first[p + 1]] = gen.normal(V0_MEAN[p], V0_SD[p], size[p])
        i_dc[first[p]:first[p + 1]] = dc[p]
    P.v = v0 * mV
    P.I_dc = i_dc * pA

    pre, post, w, d = [], [], [], []
    for j in range(8):
        for i in range(8):
            k = int(round(full_synapses(i, j) * s * s))
            if k == 0:
                continue
            pre.append(gen.integers(first[j], first[j + 1], k, dtype=np.int64).astype(np.int32))
            post.append(gen.integers(first[i], first[i + 1], k, dtype=np.int64).astype(np.int32))
            mean = full_weight(i, j) * wf
            lo, hi = (0.0, np.inf) if mean >= 0 else (-np.inf, 0.0)
            w.append(redrawn_normal(gen, mean, abs(mean) * W_REL_SD, lo, hi, k))
            dm = D_EXC if j % 2 == 0 else D_INH
            d.append(redrawn_normal(gen, dm, dm * D_REL_SD, D_MIN, dm + 10 * dm * D_REL_SD, k))
    S = b2.Synapses(P, P, "w : amp (constant)", on_pre="I_post += w", name="S", namespace=ns)
    S.connect(i=np.concatenate(pre), j=np.concatenate(post))
    S.w = np.concatenate(w) * pA
    S.delay = np.concatenate(d) * ms
    objects = [P, S]
    for p in range(8):
        k_ext = int(round(EXT_INDEGREE[p] * s))
        if k_ext > 0:
            objects.append(b2.PoissonInput(P[first[p]:first[p + 1]], "I", N=k_ext,
                                           rate=BG_RATE * Hz, weight=w_ext * wf * pA))
    M = b2.SpikeMonitor(P, name="M")
    objects.append(M)
    return Model(objects=objects, monitor=M, cells=n, synapses=[S],
                 populations=[(NAMES[p], int(first[p]), int(first[p + 1])) for p in range(8)],
                 namespace=ns)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], __doc__, "pd14", build))
