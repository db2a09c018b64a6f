"""What every Brian2 peer script of bench/peers/ shares: the command line, the choice of Brian2
device, the timing, the peak-memory measurement and the one JSON line of results.

A network script defines `build(b2, args)` returning a `Model` and calls `main(argv, doc, name,
build)`. Run the scripts with Debian's interpreter, /usr/bin/python3 (python3-brian).

Modes:
  runtime     Brian2's runtime device; code generation target "cython" where Cython is
              installed, else "numpy" (--target chooses; the field `target` says which).
  standalone  C++ standalone device: generates a C++ project, compiles it (g++, make -j1) and
              runs it single-threaded (no OpenMP).

Output fields (one JSON object, on one line unless --indent):
  simulator, network, mode, target, dt_ms, duration_ms, seed, cells, synapses, spikes,
  mean_rate_hz (all cells, whole run), rate_<population>_hz, cv_isi (mean over cells with >= 3
  spikes of std/mean of their ISIs), cells_cv (how many cells entered that mean),
  loop_wall_s    Brian2's own timing of the simulation loop (standalone: measured inside the
                 generated program; runtime: Network.run without its before_run preparation),
  compile_s      standalone: 'make' (and 'make clean') of the generated project; runtime: the
                 preparation inside Network.run (code generation and Cython compilation, which
                 Cython caches between runs), i.e. Network.run's wall time minus loop_wall_s,
  run_binary_s   standalone: the generated program's whole wall time (synapse creation, loop,
                 writing results); runtime: null,
  total_wall_s   network description, code generation, compilation, run and reading the
                 results back (not the Python start-up or `import brian2`),
  script_wall_s  from the start of main() (after Python's start-up) to the end, including
                 `import brian2`, network description, code generation, compilation, run and
                 reading the results back,
  process_wall_s the whole process so far (Python's start-up included), from /proc,
  peak_rss_mb    peak resident memory of whatever simulates: the generated program
                 (standalone, measured with /usr/bin/time) or this Python process (runtime).
"""

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field


@dataclass
class Model:
    """What a network script's build() hands back."""

    objects: list  # everything to put into the Network (groups, synapses, monitors)
    monitor: object  # the SpikeMonitor of all cells (one NeuronGroup, cells 0..cells-1)
    cells: int
    synapses: list  # Synapses objects, counted after the run
    populations: list  # (name, first cell, end cell) in cell order
    namespace: dict = field(default_factory=dict)


def parse_args(argv, doc, max_dt_ms=0.1):
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration-ms", type=float, default=1000.0,
                   help="simulated time in ms (default 1000)")
    p.add_argument("--seed", type=int, default=1,
                   help="random seed: connectivity, initial state, inputs (default 1)")
    p.add_argument("--dt-ms", type=float, default=0.1,
                   help=f"time step in ms, at most {max_dt_ms} (default 0.1)")
    p.add_argument("--mode", choices=["runtime", "standalone"], default="runtime",
                   help="Brian2 device (default runtime)")
    p.add_argument("--standalone", action="store_true",
                   help="the same as --mode standalone")
    p.add_argument("--target", choices=["auto", "cython", "numpy"], default="auto",
                   help="runtime mode's code generation target (default auto: cython where "
                        "Cython is installed, else numpy)")
    p.add_argument("--scale", type=float, default=None,
                   help="network size factor, for the networks that take one")
    p.add_argument("--out", type=str, default=None, help="also write the JSON here")
    p.add_argument("--spikes-csv", type=str, default=None,
                   help="also write the spikes as 'cell,time_ms' (Spindle's CSV layout)")
    p.add_argument("--indent", action="store_true", help="print indented JSON")
    a = p.parse_args(argv)
    if a.standalone:
        a.mode = "standalone"
    if not (a.duration_ms > 0 and a.dt_ms > 0):
        p.error("--duration-ms and --dt-ms must be > 0")
    if a.dt_ms > max_dt_ms + 1e-12:
        p.error(f"--dt-ms must be <= {max_dt_ms} (the shortest synaptic delay)")
    if a.scale is not None and not 0 < a.scale <= 1:
        p.error("--scale must be > 0 and <= 1")
    return a


def write_atomic(path, text):
    """Writes text to path through a temporary file in the same folder and a rename."""
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".brian2_peer_", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def cv_isi_mean(trains):
    """Mean coefficient of variation of the ISIs over trains with >= 3 spikes (population std,
    the conventions of spindle::analysis::cv_isi)."""
    import numpy as np
    cvs = []
    for t in trains:
        if len(t) >= 3:
            isi = np.diff(np.sort(np.asarray(t)))
            m = isi.mean()
            if m > 0:
                cvs.append(isi.std() / m)
    return (float(np.mean(cvs)) if cvs else float("nan")), len(cvs)


def rng(seed):
    """numpy generator for connectivity and initial values drawn in Python (the same arrays
    in both modes)."""
    import numpy as np
    return np.random.default_rng(seed)


def process_age_s():
    """Seconds since this process started (Linux /proc; 10 ms resolution), or None."""
    try:
        with open("/proc/self/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def main(argv, doc, name, build, max_dt_ms=0.1):
    t_start = time.perf_counter()
    args = parse_args(argv, doc, max_dt_ms)
    import warnings
    warnings.filterwarnings("ignore", category=FutureWarning)
    import numpy as np
    import brian2 as b2
    from brian2 import ms

    b2.prefs.logging.console_log_level = "WARNING"
    work_dir = tempfile.mkdtemp(prefix=f"{name}_brian2_")
    rss_file = os.path.join(work_dir, "main_rss_kb.txt")
    if args.mode == "standalone":
        project = os.path.join(work_dir, "project")
        b2.set_device("cpp_standalone", directory=project, build_on_run=True)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j1"]
        # The generated program's own peak memory, apart from the compiler's and Python's.
        b2.prefs.devices.cpp_standalone.run_cmd_unix = [
            "/usr/bin/time", "-f", "%M", "-o", rss_file, "./main"]
        target = "cpp"
    else:
        target = args.target
        if target == "auto":
            try:
                import Cython  # noqa: F401
                target = "cython"
            except ImportError:
                target = "numpy"
        b2.prefs.codegen.target = target

    try:
        t_build = time.perf_counter()
        b2.seed(args.seed)
        b2.defaultclock.dt = args.dt_ms * ms
        model = build(b2, args)
        net = b2.Network(*model.objects)
        t_run = time.perf_counter()
        net.run(args.duration_ms * ms, namespace=model.namespace)
        run_call_s = time.perf_counter() - t_run
        loop_wall = float(b2.device._last_run_time)
        if args.mode == "standalone":
            timers = b2.device.timers
            compile_s = float(timers["compile"].get("make") or 0.0) + float(
                timers["compile"].get("clean") or 0.0)
            run_binary_s = float(timers["run_binary"])
            with open(rss_file) as f:
                peak_rss_mb = float(f.read().split()[-1]) / 1024.0
        else:
            compile_s = run_call_s - loop_wall
            run_binary_s = None
            peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        n_syn = int(sum(len(s.i[:]) for s in model.synapses))
        idx = np.asarray(model.monitor.i[:])
        times_ms = np.asarray(model.monitor.t[:] / ms)
        script_wall = time.perf_counter() - t_start

        n = model.cells
        dur_s = args.duration_ms / 1000.0
        order = np.argsort(idx, kind="stable")
        split = np.searchsorted(idx[order], np.arange(n + 1))
        cv, n_cv = cv_isi_mean(times_ms[order[split[c]:split[c + 1]]] for c in range(n))
        rates = {f"rate_{pop}_hz": int(split[hi] - split[lo]) / (hi - lo) / dur_s
                 for pop, lo, hi in model.populations}
        res = {
            "simulator": f"brian2 {b2.__version__}",
            "network": name,
            "mode": args.mode,
            "target": target,
            "dt_ms": args.dt_ms,
            "duration_ms": args.duration_ms,
            "seed": args.seed,
            "cells": n,
            "synapses": n_syn,
            "spikes": int(len(idx)),
            "mean_rate_hz": len(idx) / n / dur_s,
            **rates,
            "cv_isi": cv if cv == cv else None,  # NaN (no cell with 3 spikes): null
            "cells_cv": n_cv,
            "loop_wall_s": loop_wall,
            "compile_s": compile_s,
            "run_binary_s": run_binary_s,
            "total_wall_s": script_wall - (t_build - t_start),
            "script_wall_s": script_wall,
            "process_wall_s": process_age_s(),
            "peak_rss_mb": peak_rss_mb,
        }
        if args.scale is not None:
            res["scale"] = args.scale
        text = json.dumps(res, indent=2 if args.indent else None)
        print(text)
        sys.stdout.flush()
        if args.out:
            write_atomic(args.out, text + "\n")
        if args.spikes_csv:
            order = np.lexsort((idx, times_ms))
            write_atomic(args.spikes_csv, "cell,time_ms\n" + "".join(
                f"{int(idx[k])},{times_ms[k]:.6f}\n" for k in order))
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0
