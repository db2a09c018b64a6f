#!/usr/bin/python3
"""Accuracy of Brian2's COBA integration: one cell of the COBA network (coba_brian2.py's
equations and parameters, method "exponential_euler") driven by fixed Poisson input trains,
against a high-accuracy reference of the same equations.

Inputs: excitatory events at 64 x 17 Hz (6 nS) and inhibitory ones at 16 x 17 Hz (67 nS), the
in-degrees and mean rate of the network (coba_brian2.py at seed 1: 17 Hz), on the 0.01 ms grid,
plus a bias current (--bias-pa) that makes the lone cell fire at a few Hz.
Reference: between inputs the conductances decay exactly and V is integrated by scipy's DOP853
at rtol = atol = 1e-12 with its event location for the threshold (the refractory period and
reset as in Brian2's model).
Brian2 runs at each --dt-ms (runtime mode, numpy target: one cell needs no compiler):
  V error: threshold out of reach (subthreshold run), |v(t_n) - V_ref(t_n)| over all steps;
  spike-time error: the normal threshold, |t_spike - t_ref| for spikes matched in order while
  both agree within 1 ms.
Brian2 applies an input at t_n after the state update of step n, so in effect at t_n + dt,
and reports a crossing in (t_n, t_n + dt] at t_n. The reference is computed twice: with the
inputs at their nominal times ("nominal") and at t + dt ("as Brian2 applies them"); the second
isolates the integration error.

Prints one JSON object.
"""

import argparse
import json
import sys

import numpy as np
from scipy.integrate import solve_ivp

P = dict(Cm=200.0, gL=10.0, EL=-60.0, Ee=0.0, Ei=-80.0, Vt=-50.0, Vr=-60.0, tref=5.0,
         taue=5.0, taui=10.0, we=6.0, wi=67.0)


def trains(duration, seed, grid=0.01):
    gen = np.random.default_rng(seed)

    def poisson(rate_hz):
        n = gen.poisson(rate_hz * duration / 1000.0)
        return np.unique(np.round(np.sort(gen.uniform(0.0, duration, n)) / grid)) * grid
    return poisson(64 * 17.0), poisson(16 * 17.0)


def reference(exc, inh, duration, bias, vt, probes, shift=0.0):
    """V at the probe times and the spike times; inputs at t + shift."""
    ev = sorted([(t + shift, 0) for t in exc] + [(t + shift, 1) for t in inh])
    ev.append((duration + 1.0, -1))
    v, ge, gi, t = P["EL"], 0.0, 0.0, 0.0
    ref_end = -1.0
    spikes, out = [], np.empty(len(probes))
    pi = 0

    def rhs(s, y, t0, ge0, gi0):
        g_e = ge0 * np.exp(-(s - t0) / P["taue"])
        g_i = gi0 * np.exp(-(s - t0) / P["taui"])
        return [(P["gL"] * (P["EL"] - y[0]) + g_e * (P["Ee"] - y[0]) + g_i * (P["Ei"] - y[0])
                 + bias) / P["Cm"]]

    def cross(s, y, *a):
        return y[0] - vt
    cross.terminal, cross.direction = True, 1

    for te, kind in ev:
        te = min(te, duration)
        while t < te:
            t0, ge0, gi0 = t, ge, gi
            stop = te
            if t < ref_end:
                stop = min(te, ref_end)
                while pi < len(probes) and probes[pi] <= stop:
                    out[pi] = v
                    pi += 1
            else:
                sol = solve_ivp(rhs, (t, te), [v], method="DOP853", rtol=1e-12, atol=1e-12,
                                dense_output=True, events=cross, args=(t0, ge0, gi0))
                if sol.status == 1:
                    stop = sol.t_events[0][0]
                while pi < len(probes) and probes[pi] <= stop:
                    out[pi] = sol.sol(probes[pi])[0]
                    pi += 1
                v = sol.y[0][-1]
                if sol.status == 1:
                    spikes.append(stop)
                    v, ref_end = P["Vr"], stop + P["tref"]
            ge = ge0 * np.exp(-(stop - t0) / P["taue"])
            gi = gi0 * np.exp(-(stop - t0) / P["taui"])
            t = stop
        if kind == 0:
            ge += P["we"]
        elif kind == 1:
            gi += P["wi"]
        if kind < 0:
            break
    while pi < len(probes):
        out[pi] = v
        pi += 1
    return out, np.array(spikes)


def brian(exc, inh, duration, bias, vt, dt):
    import brian2 as b2
    from brian2 import ms, mV, nS, pA, pF
    b2.prefs.codegen.target = "numpy"
    b2.start_scope()
    b2.defaultclock.dt = dt * ms
    ns = {"Cm": P["Cm"] * pF, "gL": P["gL"] * nS, "El": P["EL"] * mV, "Ee": P["Ee"] * mV,
          "Ei": P["Ei"] * mV, "Vt": vt * mV, "Vr": P["Vr"] * mV, "taue": P["taue"] * ms,
          "taui": P["taui"] * ms, "we": P["we"] * nS, "wi": P["wi"] * nS, "Ib": bias * pA}
    eqs = """
    dv/dt = (gL * (El - v) + ge * (Ee - v) + gi * (Ei - v) + Ib) / Cm : volt (unless refractory)
    dge/dt = -ge / taue : siemens
    dgi/dt = -gi / taui : siemens
    """
    cell = b2.NeuronGroup(1, eqs, threshold="v > Vt", reset="v = Vr",
                          refractory=P["tref"] * ms, method="exponential_euler", namespace=ns)
    cell.v = P["EL"] * mV
    # One source per input: a source may spike only once per step.
    n_e, n_i = len(exc), len(inh)
    src = b2.SpikeGeneratorGroup(n_e + n_i, np.arange(n_e + n_i), np.r_[exc, inh] * ms)
    se = b2.Synapses(src, cell, on_pre="ge += we", namespace=ns)
    se.connect(i=np.arange(n_e), j=0)
    si = b2.Synapses(src, cell, on_pre="gi += wi", namespace=ns)
    si.connect(i=np.arange(n_e, n_e + n_i), j=0)
    mon = b2.StateMonitor(cell, "v", record=0)
    sp = b2.SpikeMonitor(cell)
    b2.run(duration * ms)
    return np.asarray(mon.t / ms), np.asarray(mon.v[0] / mV), np.asarray(sp.t / ms)


def spike_error(a, b):
    errs = []
    for x, y in zip(a, b):
        if abs(x - y) > 1.0:
            break
        errs.append(abs(x - y))
    errs = np.array(errs) if errs else np.array([np.nan])
    return {"matched": int(np.isfinite(errs).sum()), "of": [len(a), len(b)],
            "max_ms": float(np.nanmax(errs)), "mean_ms": float(np.nanmean(errs))}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bias-pa", type=float, default=200.0)
    ap.add_argument("--dt-ms", type=float, nargs="+", default=[0.01, 0.1])
    a = ap.parse_args(argv)
    exc, inh = trains(a.duration_ms, a.seed)
    res = {"inputs": [len(exc), len(inh)], "duration_ms": a.duration_ms, "bias_pa": a.bias_pa,
           "runs": []}
    for dt in a.dt_ms:
        run = {"dt_ms": dt}
        t, v, _ = brian(exc, inh, a.duration_ms, a.bias_pa, 50.0, dt)
        for name, shift in (("nominal", 0.0), ("as_applied", dt)):
            vref, _ = reference(exc, inh, a.duration_ms, a.bias_pa, 50.0, t, shift)
            d = np.abs(v - vref)
            run[f"v_error_{name}"] = {"max_mv": float(d.max()), "mean_mv": float(d.mean())}
        _, _, s = brian(exc, inh, a.duration_ms, a.bias_pa, P["Vt"], dt)
        for name, shift in (("nominal", 0.0), ("as_applied", dt)):
            _, sref = reference(exc, inh, a.duration_ms, a.bias_pa, P["Vt"], [], shift)
            run[f"spike_error_{name}"] = spike_error(s, sref)
        res["runs"].append(run)
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
