#!/usr/bin/python3
"""COBA network (Vogels & Abbott 2005; Brette et al. 2007, benchmark 1) in Brian2.

Peer reference for `spindle bench coba` (spindle::models::coba_network, lif_cond cells). The
equations and numbers are those of Brette's Brian script for benchmark 1 (science.md 6.2),
with the conductances in nS instead of units of g_L, no autapses and a 0.1 ms delay as in the
Spindle network:

    4000 cells (3200 excitatory, 800 inhibitory), pairwise connection probability 0.02
    C_m dv/dt = g_L (E_L - v) + g_e (E_e - v) + g_i (E_i - v)   (v clamped while refractory)
    dg_e/dt = -g_e / tau_e,  dg_i/dt = -g_i / tau_i
    C_m = 200 pF, g_L = 10 nS (tau_m = 20 ms), E_L = -60 mV, E_e = 0 mV, E_i = -80 mV
    V_th = -50 mV, V_reset = -60 mV, t_ref = 5 ms, tau_e = 5 ms, tau_i = 10 ms
    g_e += 6 nS per excitatory spike, g_i += 67 nS per inhibitory spike, delay 0.1 ms
    v(0) ~ N(-65, 5) mV, g_e(0) ~ N(40, 15) nS, g_i(0) ~ N(200, 120) nS, both truncated at 0
    start-up stimulation: I = 100 pA into every cell for t < 50 ms (spindle::models::
    CobaParams::kick; without it the network falls silent within ~50 ms for most seeds)

The voltage equation is linear in v with decaying coefficients, so Brian2's
"exponential_euler" method (exact for frozen conductances) is used; Spindle's lif_cond
integrates it with an error-controlled Dormand-Prince 5(4) scheme.

Usage: as cuba_brian2.py (--duration-ms, --seed, --dt-ms, --mode, --scale, --out, ...).
"""

import sys

from brian2_common import Model, main, rng

N_EXC = 3200
N_INH = 800


def truncated_normal(gen, mean, sd, size):
    """Normal draws redrawn below 0, as spindle's normal(mean, sd, 0, inf)."""
    x = gen.normal(mean, sd, size)
    bad = x < 0
    while bad.any():
        x[bad] = gen.normal(mean, sd, int(bad.sum()))
        bad = x < 0
    return x


def build(b2, args):
    from brian2 import ms, mV, nS, pA, pF
    scale = args.scale or 1.0
    n_exc = max(1, round(N_EXC * scale))
    n_inh = max(1, round(N_INH * scale))
    n = n_exc + n_inh
    ns = {"Cm": 200 * pF, "gL": 10 * nS, "El": -60 * mV, "Ee": 0 * mV, "Ei": -80 * mV,
          "Vt": -50 * mV, "Vr": -60 * mV, "taue": 5 * ms, "taui": 10 * ms,
          "we": 6 * nS, "wi": 67 * nS, "Ikick": 100 * pA, "tkick": 50 * ms}
    eqs = """
    dv/dt = (gL * (El - v) + ge * (Ee - v) + gi * (Ei - v) + Ikick * int(t < tkick)) / Cm
        : volt (unless refractory)
    dge/dt = -ge / taue : siemens
    dgi/dt = -gi / taui : siemens
    """
    P = b2.NeuronGroup(n, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                       method="exponential_euler", name="P", namespace=ns)
    gen = rng(args.seed)
    P.v = gen.normal(-65.0, 5.0, n) * mV
    P.ge = truncated_normal(gen, 40.0, 15.0, n) * nS
    P.gi = truncated_normal(gen, 200.0, 120.0, n) * nS
    Ce = b2.Synapses(P, P, on_pre="ge += we", delay=0.1 * ms, name="Ce", namespace=ns)
    Ci = b2.Synapses(P, P, on_pre="gi += wi", delay=0.1 * ms, name="Ci", namespace=ns)
    Ce.connect(condition=f"i < {n_exc} and i != j", p=0.02)
    Ci.connect(condition=f"i >= {n_exc} and i != j", p=0.02)
    M = b2.SpikeMonitor(P, name="M")
    return Model(objects=[P, Ce, Ci, M], monitor=M, cells=n, synapses=[Ce, Ci],
                 populations=[("exc", 0, n_exc), ("inh", n_exc, n)])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], __doc__, "coba", build))
