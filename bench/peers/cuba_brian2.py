#!/usr/bin/python3
"""CUBA network (Vogels & Abbott 2005; Brette et al. 2007, benchmark 2) in Brian2.

Peer reference for Spindle's CUBA run. The network and its parameters follow Brian2's
`examples/CUBA.py` (R. Brette), with two deliberate differences that make it match the
Spindle specification exactly: no autapses (i != j) and an explicit synaptic delay of 0.1 ms
(Brian2's default delay is 0).

    4000 cells (3200 excitatory, 800 inhibitory), pairwise connection probability 0.02
    tau_m = 20 ms, E_L = -49 mV, V_th = -50 mV, V_reset = -60 mV, t_ref = 5 ms
    tau_e = 5 ms, tau_i = 10 ms
    dv/dt = (ge + gi - (v - E_L)) / tau_m   (ge, gi in mV; v clamped while refractory)
    w_e = +1.62 mV onto ge, w_i = -9 mV onto gi, delay 0.1 ms
    v(0) ~ U[V_reset, V_th], ge(0) = gi(0) = 0

The same network in Spindle is lif_exp with C_m = 200 pF, tau_m = 20 ms (g_L = 10 nS),
weights 16.2 pA and -90 pA.

The equations are linear, so Brian2 integrates them exactly ("exact" method); dt only sets
the grid on which threshold crossings are detected and spikes delivered.

Usage:
    /usr/bin/python3 bench/peers/cuba_brian2.py [--duration-ms 1000] [--seed 1]
        [--dt-ms 0.1] [--standalone] [--out result.json] [--spikes-csv spikes.csv]

Prints the result as JSON (and writes it to --out when given). Runtime mode uses Brian2's
numpy code generation target (Cython is not installed on the build machine); --standalone
generates, compiles (g++, make -j1) and runs a C++ program, single-threaded.

Output fields: simulator, mode, dt_ms, duration_ms, seed, cells, synapses, spikes,
mean_rate_hz (all cells, whole run), rate_exc_hz, rate_inh_hz, cv_isi (mean over cells with
>= 3 spikes of std/mean of their ISIs, population std: the conventions of
spindle::analysis::cv_isi), cells_cv (how many cells entered that mean), loop_wall_s (Brian2's
own timing of the simulation loop), total_wall_s (network construction + code generation and
compilation + run + reading results; excludes the Python start-up and `import brian2`).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

N_EXC = 3200
N_INH = 800


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration-ms", type=float, default=1000.0,
                   help="simulated time in ms (default 1000)")
    p.add_argument("--seed", type=int, default=1,
                   help="random seed: connectivity and initial voltages (default 1)")
    p.add_argument("--dt-ms", type=float, default=0.1,
                   help="time step in ms, at most the 0.1 ms delay; best a divisor of it "
                        "(default 0.1)")
    p.add_argument("--standalone", action="store_true",
                   help="use Brian2's C++ standalone device instead of runtime mode")
    p.add_argument("--out", type=str, default=None, help="also write the JSON here")
    p.add_argument("--spikes-csv", type=str, default=None,
                   help="also write the spikes as 'cell,time_ms' (Spindle's CSV layout)")
    a = p.parse_args(argv)
    if not (a.duration_ms > 0 and a.dt_ms > 0):
        p.error("--duration-ms and --dt-ms must be > 0")
    if a.dt_ms > 0.1:
        p.error("--dt-ms must be <= 0.1 (the synaptic delay)")
    return a


def write_atomic(path, text):
    """Writes text to path through a temporary file in the same folder and a rename."""
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".cuba_brian2_", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def cv_isi_mean(trains):
    """Mean coefficient of variation of the ISIs over trains with >= 3 spikes."""
    import numpy as np
    cvs = []
    for t in trains:
        if len(t) >= 3:
            isi = np.diff(np.sort(np.asarray(t)))
            m = isi.mean()
            if m > 0:
                cvs.append(isi.std() / m)
    return (float(np.mean(cvs)) if cvs else float("nan")), len(cvs)


def main(argv):
    args = parse_args(argv)
    import warnings
    warnings.filterwarnings("ignore", category=FutureWarning, module="pythran")
    import numpy as np
    import brian2 as b2
    from brian2 import ms, mV

    b2.prefs.logging.console_log_level = "WARNING"
    build_dir = None
    if args.standalone:
        build_dir = tempfile.mkdtemp(prefix="cuba_brian2_")
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=True)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j1"]
    else:
        b2.prefs.codegen.target = "numpy"

    try:
        t0 = time.perf_counter()
        b2.seed(args.seed)
        b2.defaultclock.dt = args.dt_ms * ms

        taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
        Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
        we, wi = 1.62 * mV, -9.0 * mV
        eqs = """
        dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
        dge/dt = -ge / taue : volt
        dgi/dt = -gi / taui : volt
        """
        P = b2.NeuronGroup(N_EXC + N_INH, eqs, threshold="v > Vt", reset="v = Vr",
                           refractory=5 * ms, method="exact", name="P")
        P.v = "Vr + rand() * (Vt - Vr)"
        P.ge = 0 * mV
        P.gi = 0 * mV
        Ce = b2.Synapses(P, P, on_pre="ge += we", delay=0.1 * ms, name="Ce")
        Ci = b2.Synapses(P, P, on_pre="gi += wi", delay=0.1 * ms, name="Ci")
        Ce.connect(condition=f"i < {N_EXC} and i != j", p=0.02)
        Ci.connect(condition=f"i >= {N_EXC} and i != j", p=0.02)
        M = b2.SpikeMonitor(P, name="M")
        net = b2.Network(P, Ce, Ci, M)
        net.run(args.duration_ms * ms, namespace={"taum": taum, "taue": taue, "taui": taui,
                                                   "Vt": Vt, "Vr": Vr, "El": El, "we": we,
                                                   "wi": wi})
        loop_wall = float(b2.device._last_run_time)
        n_syn = int(len(Ce.i[:]) + len(Ci.i[:]))
        idx = np.asarray(M.i[:])
        times_ms = np.asarray(M.t[:] / ms)
        total_wall = time.perf_counter() - t0

        n = N_EXC + N_INH
        dur_s = args.duration_ms / 1000.0
        n_exc_spikes = int(np.count_nonzero(idx < N_EXC))
        order = np.argsort(idx, kind="stable")
        split = np.searchsorted(idx[order], np.arange(n + 1))
        cv, n_cv = cv_isi_mean(times_ms[order[split[c]:split[c + 1]]] for c in range(n))
        res = {
            "simulator": f"brian2 {b2.__version__}",
            "mode": "cpp_standalone" if args.standalone else "runtime (numpy)",
            "dt_ms": args.dt_ms,
            "duration_ms": args.duration_ms,
            "seed": args.seed,
            "cells": n,
            "synapses": n_syn,
            "spikes": int(len(idx)),
            "mean_rate_hz": len(idx) / n / dur_s,
            "rate_exc_hz": n_exc_spikes / N_EXC / dur_s,
            "rate_inh_hz": (len(idx) - n_exc_spikes) / N_INH / dur_s,
            "cv_isi": cv,
            "cells_cv": n_cv,
            "loop_wall_s": loop_wall,
            "total_wall_s": total_wall,
        }
        text = json.dumps(res, indent=2)
        print(text)
        if args.out:
            write_atomic(args.out, text + "\n")
        if args.spikes_csv:
            order = np.lexsort((idx, times_ms))
            write_atomic(args.spikes_csv, "cell,time_ms\n" + "".join(
                f"{int(idx[k])},{times_ms[k]:.6f}\n" for k in order))
    finally:
        if build_dir:
            shutil.rmtree(build_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
