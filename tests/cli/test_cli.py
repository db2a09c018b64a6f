#!/usr/bin/env python3
"""End-to-end tests of the `spindle` program: one case per invocation.

    test_cli.py SPINDLE_BINARY CASE      run one case (exit 0 pass, 1 fail, 77 skipped)
    test_cli.py SPINDLE_BINARY --list    print the case names

Every case runs the binary in a fresh temporary folder, so a case can also check that nothing
was left behind there. Standard library only, so the tests need nothing beyond python3.
"""

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cli_cases import SKIP, Failure, check, collect_cases, run_from_command_line

# Short enough for a unit-test budget, long enough that CUBA produces thousands of spikes.
SHORT = ["--duration", "200"]
# The cases that check CUBA's numbers name it: the default network is the microcircuit.
CUBA = ["--network", "cuba"]

SUMMARY_KEYS = ["version", "seed", "threads", "partitions", "duration_ms", "cells", "synapses",
                "spikes", "wall_s", "populations"]
POPULATION_KEYS = ["name", "cells", "rate_hz", "cv_isi", "synchrony"]
BENCH_KEYS = ["name", "cells", "synapses", "duration_ms", "threads", "partitions", "build_s",
              "sim_s", "spikes", "synaptic_events", "events_per_s", "peak_rss_mb"]


class Runner:
    def __init__(self, binary, cwd):
        self.binary = binary
        self.cwd = Path(cwd)

    def __call__(self, *args, timeout=300):
        proc = subprocess.run([self.binary, *args], cwd=self.cwd, capture_output=True, text=True,
                              timeout=timeout)
        return proc

    def ok(self, *args, **kw):
        proc = self(*args, **kw)
        check(proc.returncode == 0,
              f"spindle {' '.join(args)}: exit status {proc.returncode}, expected 0\n"
              f"stderr: {proc.stderr}")
        return proc


def read_bytes(path):
    return Path(path).read_bytes()


def csv_spikes(path):
    lines = Path(path).read_text().splitlines()
    check(lines and lines[0] == "cell,time_ms", f"{path}: header is not 'cell,time_ms'")
    return lines[1:]


# --- cases -----------------------------------------------------------------------------------

def case_help(run):
    for args in (["--help"], ["run", "--help"], ["bench", "--help"]):
        proc = run.ok(*args)
        check("Usage" in proc.stdout, f"spindle {' '.join(args)}: no usage text on stdout")
    check("--duration" in run.ok("run", "--help").stdout, "run --help does not list --duration")
    check(os.listdir(run.cwd) == [], "--help wrote files")


def case_version(run):
    proc = run.ok("--version")
    check(proc.stdout.startswith("spindle "), f"--version printed {proc.stdout!r}")


def case_same_seed_identical(run):
    run.ok("run", *CUBA, *SHORT, "--seed", "5", "--threads", "1", "--out", "a", "--quiet")
    run.ok("run", *CUBA, *SHORT, "--seed", "5", "--threads", "1", "--out", "b", "--quiet")
    spikes = csv_spikes(run.cwd / "a" / "spikes.csv")
    check(len(spikes) > 100, f"only {len(spikes)} spikes in 200 ms of CUBA")
    for name in ("spikes.csv", "spikes.bin"):
        check(read_bytes(run.cwd / "a" / name) == read_bytes(run.cwd / "b" / name),
              f"{name} differs between two runs with the same seed")


def case_threads_partitions_identical(run):
    run.ok("run", *CUBA, *SHORT, "--seed", "3", "--threads", "1", "--out", "one", "--quiet")
    run.ok("run", *CUBA, *SHORT, "--seed", "3", "--threads", "2", "--partitions", "3", "--out",
           "two", "--quiet")
    for name in ("spikes.csv", "spikes.bin"):
        check(read_bytes(run.cwd / "one" / name) == read_bytes(run.cwd / "two" / name),
              f"{name} differs between 1 thread and 2 threads with 3 partitions")
    s = json.loads((run.cwd / "two" / "summary.json").read_text())
    check(s["threads"] == 2 and s["partitions"] == 3,
          f"summary says threads {s['threads']}, partitions {s['partitions']}; expected 2 and 3")


def case_different_seeds_differ(run):
    run.ok("run", *CUBA, *SHORT, "--seed", "1", "--out", "s1", "--quiet")
    run.ok("run", *CUBA, *SHORT, "--seed", "2", "--out", "s2", "--quiet")
    check(read_bytes(run.cwd / "s1" / "spikes.csv") != read_bytes(run.cwd / "s2" / "spikes.csv"),
          "seeds 1 and 2 gave identical spikes")


def case_summary(run):
    proc = run.ok("run", *CUBA, *SHORT, "--seed", "7", "--out", "out")
    s = json.loads((run.cwd / "out" / "summary.json").read_text())
    for k in SUMMARY_KEYS:
        check(k in s, f"summary.json has no key '{k}'")
    check(s["seed"] == 7 and s["duration_ms"] == 200 and s["threads"] == 1,
          f"summary.json: seed/duration/threads are {s['seed']}, {s['duration_ms']}, "
          f"{s['threads']}")
    check(s["cells"] == 4000, f"summary.json: {s['cells']} cells, expected 4000")
    # p = 0.02 over 4000 x 3999 ordered pairs: 319,920 expected, sd ~ 560.
    check(abs(s["synapses"] - 319920) < 5000, f"summary.json: {s['synapses']} synapses")
    pops = {p["name"]: p for p in s["populations"]}
    check(set(pops) == {"exc", "inh"}, f"populations are {sorted(pops)}")
    check(pops["exc"]["cells"] == 3200 and pops["inh"]["cells"] == 800, "population sizes")
    spikes = csv_spikes(run.cwd / "out" / "spikes.csv")
    check(s["spikes"] == len(spikes), f"summary says {s['spikes']} spikes, CSV has {len(spikes)}")
    n_exc = sum(1 for line in spikes if int(line.split(",")[0]) < 3200)
    for p in s["populations"]:
        for k in POPULATION_KEYS:
            check(k in p, f"population '{p.get('name')}' has no key '{k}'")
        n = n_exc if p["name"] == "exc" else len(spikes) - n_exc
        expected = n / (p["cells"] * 0.2)
        check(math.isclose(p["rate_hz"], expected, rel_tol=1e-9),
              f"{p['name']}: rate_hz {p['rate_hz']}, expected {expected} from the CSV")
        check(p["cv_isi"] is None or 0 <= p["cv_isi"] < 5, f"{p['name']}: cv_isi {p['cv_isi']}")
    # Binary and CSV hold the same spikes.
    data = read_bytes(run.cwd / "out" / "spikes.bin")
    check(data[:8] == b"SPDLSPK1", "spikes.bin does not start with SPDLSPK1")
    count = int.from_bytes(data[12:20], "little")
    check(count == len(spikes) and len(data) == 20 + 12 * count,
          f"spikes.bin: count {count}, size {len(data)}; CSV has {len(spikes)} spikes")
    # The table on stdout names both populations and the output folder.
    for word in ("exc", "inh", "rate (Hz)", "CV ISI", "out"):
        check(word in proc.stdout, f"summary table lacks '{word}':\n{proc.stdout}")
    # The figures parse as SVG and show what they claim: one spike mark per shown spike of
    # the first 200 cells of each population, and a rate trace per population.
    import xml.etree.ElementTree as ET
    ns = "{http://www.w3.org/2000/svg}"
    raster = ET.parse(run.cwd / "out" / "raster.svg").getroot()
    check(raster.tag == ns + "svg", "raster.svg is not an SVG document")
    shown = sum(1 for line in spikes
                if (int(line.split(",")[0]) < 200) or (3200 <= int(line.split(",")[0]) < 3400))
    groups = [g for g in raster.iter(ns + "path") if g.get("class") == "spikes"]
    check(len(groups) == 2, f"raster.svg has {len(groups)} spike groups, expected 2")
    marks = sum(g.get("d", "").count("M") for g in groups)
    check(marks == shown, f"raster.svg has {marks} spike marks, expected {shown}")
    rates = ET.parse(run.cwd / "out" / "rates.svg").getroot()
    hist = [g for g in rates.iter() if "histogram" in (g.get("class") or "")]
    check(len(hist) == 2, f"rates.svg has {len(hist)} rate traces, expected 2")
    # Nothing but the results is left in the folder (no temporary or staging files).
    names = sorted(os.listdir(run.cwd / "out"))
    check(names == ["raster.svg", "rates.svg", "spikes.bin", "spikes.csv", "summary.json"],
          f"out/ holds {names}")


def case_default_out(run):
    run.ok("run", "--duration", "20", "--quiet")
    runs = list((run.cwd / "spindle-out").iterdir())
    check(len(runs) == 1, f"spindle-out/ holds {runs}")
    check(len(runs[0].name) == len("YYYYmmdd-HHMMSS") and runs[0].name[8] == "-",
          f"default folder name {runs[0].name!r} is not YYYYmmdd-HHMMSS")
    check((runs[0] / "summary.json").is_file(), "no summary.json in the default folder")
    # A second run in the same second must not overwrite the first.
    run.ok("run", "--duration", "20", "--quiet")
    check(len(list((run.cwd / "spindle-out").iterdir())) == 2, "second run reused the folder")


def case_quiet(run):
    proc = run.ok("run", "--duration", "20", "--out", "q", "--quiet")
    check(proc.stdout == "" and proc.stderr == "",
          f"--quiet printed stdout {proc.stdout!r}, stderr {proc.stderr!r}")
    check((run.cwd / "q" / "spikes.csv").is_file(), "--quiet run wrote no spikes.csv")


def case_existing_out(run):
    out = run.cwd / "existing"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    run.ok("run", "--duration", "20", "--out", "existing", "--quiet")
    check((out / "notes.txt").read_text() == "mine", "a run touched a user's file in --out")
    check((out / "spikes.csv").is_file(), "no spikes.csv in an existing --out folder")


def case_delta(run):
    run.ok("run", "--network", "delta", *SHORT, "--out", "d", "--quiet")
    s = json.loads((run.cwd / "d" / "summary.json").read_text())
    check(s["cells"] == 4000 and s["spikes"] > 0, f"delta: {s['cells']} cells, {s['spikes']} spikes")


# Published population sizes of Potjans & Diesmann (2014) (science.md 6.1), in their order.
PD14_SIZES = {"L23E": 20683, "L23I": 5834, "L4E": 21915, "L4I": 5479, "L5E": 4850, "L5I": 1065,
              "L6E": 14395, "L6I": 2948}


def case_microcircuit_default(run):
    """With no --network, `spindle run` simulates the interneuron microcircuit at scale 0.1."""
    proc = run.ok("run", "--duration", "100", "--out", "m")
    s = json.loads((run.cwd / "m" / "summary.json").read_text())
    check(s["network"] == "microcircuit" and s["scale"] == 0.1,
          f"default run: network {s['network']}, scale {s['scale']}")
    pops = {p["name"]: p for p in s["populations"]}
    check(len(pops) >= 8, f"default run has {len(pops)} populations, expected 8 or more")
    for p in s["populations"]:
        for k in POPULATION_KEYS:
            check(k in p, f"population '{p.get('name')}' has no key '{k}'")
    # Each layer: PD14's pyramidal population, and its inhibitory cells split into PV, SOM and
    # VIP adding up to PD14's inhibitory population, all at 0.1 of the published sizes.
    for layer in ("L23", "L4", "L5", "L6"):
        e = pops.get(layer + "E")
        check(e is not None and e["cells"] == round(PD14_SIZES[layer + "E"] * 0.1),
              f"{layer}E: {e}")
        parts = [pops.get(layer + t) for t in ("PV", "SOM", "VIP")]
        check(all(p is not None and p["cells"] > 0 for p in parts),
              f"{layer}: interneuron classes {parts}")
        check(sum(p["cells"] for p in parts) == round(PD14_SIZES[layer + "I"] * 0.1),
              f"{layer}: PV + SOM + VIP = {sum(p['cells'] for p in parts)} cells")
    check(s["cells"] == sum(p["cells"] for p in s["populations"]), "cells do not add up")
    check(s["spikes"] > 0, "the default microcircuit did not spike in 100 ms")
    for word in ("L23E", "L23PV", "L6VIP", "synchrony"):
        check(word in proc.stdout, f"summary table lacks '{word}':\n{proc.stdout}")
    # The raster labels the four layers and has one coloured spike group per population that
    # spiked.
    import xml.etree.ElementTree as ET
    ns = "{http://www.w3.org/2000/svg}"
    raster = ET.parse(run.cwd / "m" / "raster.svg").getroot()
    texts = {"".join(t.itertext()) for t in raster.iter(ns + "text")}
    for label in ("L2/3", "L4", "L5", "L6"):
        check(label in texts, f"raster.svg has no layer label '{label}'")
    # Bands of large populations are named "L23E (200 of 2068)": the rows shown.
    groups = {g.get("data-population").split(" (")[0]: g.get("stroke")
              for g in raster.iter(ns + "path") if g.get("class") == "spikes"}
    spiking = {name for name, p in pops.items() if p["spikes"] > 0}
    check(set(groups) == spiking, f"raster.svg spike groups {sorted(groups)} vs {sorted(spiking)}")
    rates = ET.parse(run.cwd / "m" / "rates.svg").getroot()
    hist = [g for g in rates.iter() if "histogram" in (g.get("class") or "")]
    check(len(hist) == len(pops), f"rates.svg has {len(hist)} rate traces, expected {len(pops)}")


def case_pd14_scale(run):
    """--network pd14 --scale S: PD14's eight populations at round(N S) cells each."""
    run.ok("run", "--network", "pd14", "--scale", "0.05", "--duration", "50", "--out", "p",
           "--quiet")
    s = json.loads((run.cwd / "p" / "summary.json").read_text())
    check(s["network"] == "pd14" and s["scale"] == 0.05, f"pd14: {s['network']}, {s['scale']}")
    got = {p["name"]: p["cells"] for p in s["populations"]}
    want = {name: round(n * 0.05) for name, n in PD14_SIZES.items()}
    check(got == want, f"pd14 at scale 0.05: populations {got}, expected {want}")
    check(list(got) == list(PD14_SIZES), f"population order {list(got)}")


def case_pd14_dc(run):
    """--network pd14_dc: pd14 with the external Poisson trains replaced by DC (NEST's
    poisson_input = False; the validation test checks the currents): the same eight
    populations."""
    run.ok("run", "--network", "pd14_dc", "--scale", "0.05", "--duration", "50", "--out", "p",
           "--quiet")
    s = json.loads((run.cwd / "p" / "summary.json").read_text())
    check(s["network"] == "pd14_dc", f"pd14_dc: network {s['network']}")
    got = {p["name"]: p["cells"] for p in s["populations"]}
    want = {name: round(n * 0.05) for name, n in PD14_SIZES.items()}
    check(got == want, f"pd14_dc at scale 0.05: populations {got}, expected {want}")


def case_bench(run):
    proc = run.ok("bench", "cuba", "--duration", "100")
    lines = proc.stdout.splitlines()
    check(len(lines) == 1, f"bench printed {len(lines)} lines, expected one JSON object")
    j = json.loads(lines[0])
    check(isinstance(j, dict), "bench output is not a JSON object")
    for k in BENCH_KEYS:
        check(k in j, f"bench JSON has no key '{k}'")
    check(j["name"] == "cuba" and j["cells"] == 4000 and j["duration_ms"] == 100,
          f"bench JSON: {j}")
    check(j["sim_s"] > 0 and j["peak_rss_mb"] > 0 and j["synaptic_events"] > 0, f"bench: {j}")
    check(os.listdir(run.cwd) == [], f"bench wrote {os.listdir(run.cwd)}")
    # Without the spike recorder the network is the same: same spikes, reported as such.
    quiet = json.loads(run.ok("bench", "cuba", "--duration", "100", "--no-record").stdout)
    check(j["recording"] is True and quiet["recording"] is False, f"recording flags: {quiet}")
    check(quiet["spikes"] == j["spikes"] and quiet["synaptic_events"] == j["synaptic_events"],
          f"--no-record changed the run: {quiet['spikes']} vs {j['spikes']} spikes")


def case_bench_scaling(run):
    # Two sizes of the scaling series: one JSON line each, Brunel state C at fixed in-degree.
    proc = run.ok("bench", "scaling", "--max-cells", "2000", "--duration", "20")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    check([j["cells"] for j in lines] == [1000, 2000], f"scaling sizes: {lines}")
    for j in lines:
        for k in BENCH_KEYS + ["stimulus_events", "ns_per_event", "bytes_per_synapse"]:
            check(k in j, f"scaling JSON has no key '{k}'")
        # C_E + C_I = 1000 + 250 inputs per cell (Brunel 2000).
        check(j["synapses"] == 1250 * j["cells"], f"scaling synapses: {j}")
        # External drive: C_E nu_ext = 1000 x 20 Hz per cell, Poisson: within 5 s.d.
        expected = j["cells"] * 1000 * 20.0 * j["duration_ms"] * 1e-3
        check(abs(j["stimulus_events"] - expected) < 5 * expected ** 0.5,
              f"scaling: {j['stimulus_events']} external events, expected {expected:.0f}")
        events = j["synaptic_events"] + j["stimulus_events"]
        check(abs(j["ns_per_event"] - j["sim_s"] * 1e9 / events) < 1e-6 * j["ns_per_event"],
              f"scaling ns_per_event: {j}")
    check(os.listdir(run.cwd) == [], f"bench scaling wrote {os.listdir(run.cwd)}")


# (arguments, text the message must contain). Run cases get "--out out" inserted after "run"
# unless they name --out themselves, so the check "nothing left behind" covers a folder named on
# purpose. (Inserted, not appended: "--duration" must stay last to lack its value.)
BAD_INPUTS = [
    ([], "command"),
    (["frobnicate"], "frobnicate"),
    (["--bogus"], "--bogus"),
    (["run", "--bogus"], "--bogus"),
    (["run", "--duration", "0"], "--duration"),
    (["run", "--duration", "-5"], "--duration"),
    (["run", "--duration", "nan"], "--duration"),
    (["run", "--duration", "inf"], "--duration"),
    (["run", "--duration", "abc"], "--duration"),
    (["run", "--duration", "1e30"], "--duration"),
    (["run", "--duration"], "--duration"),
    (["run", "--threads", "0"], "--threads"),
    (["run", "--threads", "two"], "--threads"),
    (["run", "--threads", "1.5"], "--threads"),
    (["run", "--partitions", "0"], "--partitions"),
    (["run", "--network", "cuba", "--partitions", "4001"], "--partitions"),
    (["run", "--scale", "0"], "--scale"),
    (["run", "--scale", "-0.1"], "--scale"),
    (["run", "--scale", "1.5"], "--scale"),
    (["run", "--scale", "nan"], "--scale"),
    (["run", "--scale", "abc"], "--scale"),
    (["run", "--network", "pd14", "--scale", "0"], "--scale"),
    (["run", "--network", "cuba", "--scale", "0.5"], "--scale"),
    (["bench", "pd14", "--scale", "2"], "--scale"),
    (["run", "--seed", "-1"], "--seed"),
    (["run", "--seed", "x"], "--seed"),
    (["run", "--network", "nosuch"], "nosuch"),
    (["run", "--out", "afile"], "--out"),
    (["run", "--out", "afile/sub"], "--out"),
    (["run", "--out", "afile/sub/deeper"], "--out"),
    (["bench"], "NETWORK"),
    (["bench", "nosuch"], "nosuch"),
    (["bench", "cuba", "--duration", "0"], "--duration"),
    (["bench", "cuba", "--threads", "0"], "--threads"),
    (["bench", "scaling", "--max-cells", "10"], "--max-cells"),
    (["bench", "scaling", "--scale", "0.5"], "--scale"),
    (["bench", "cuba", "--max-cells", "5000"], "--max-cells"),
]


def case_bad_input(run):
    failures = []
    for args, needle in BAD_INPUTS:
        with tempfile.TemporaryDirectory(prefix="spindle-cli-") as d:
            cwd = Path(d)
            (cwd / "afile").write_text("a regular file\n")
            if args[:1] == ["run"] and "--out" not in args:
                args = ["run", "--out", "out"] + args[1:]
            proc = Runner(run.binary, cwd)(*args, timeout=60)
            cmd = "spindle " + " ".join(args)
            left = sorted(set(os.listdir(cwd)) - {"afile"})
            if proc.returncode != 2:
                failures.append(f"{cmd}: exit status {proc.returncode}, expected 2")
            if needle not in proc.stderr:
                failures.append(f"{cmd}: message does not name '{needle}': {proc.stderr!r}")
            if proc.stdout:
                failures.append(f"{cmd}: printed on stdout: {proc.stdout!r}")
            if left:
                failures.append(f"{cmd}: left {left} behind")
            if (cwd / "afile").read_text() != "a regular file\n":
                failures.append(f"{cmd}: changed the regular file 'afile'")
    check(not failures, "\n".join(failures))


def case_unwritable_out(run):
    if os.geteuid() == 0:
        print("skipped: root may write into a read-only folder")
        return SKIP
    ro = run.cwd / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        for out in ("ro", "ro/sub"):
            proc = run("run", "--duration", "20", "--out", out, timeout=60)
            check(proc.returncode == 2, f"--out {out}: exit status {proc.returncode}, expected 2")
            check("--out" in proc.stderr, f"--out {out}: message {proc.stderr!r}")
            check(os.listdir(ro) == [], f"--out {out}: left {os.listdir(ro)}")
    finally:
        ro.chmod(0o755)
    return 0


def case_interrupt(run):
    """Ctrl-C during a run: exit 130, and the folder the run created is gone."""
    proc = subprocess.Popen([run.binary, "run", "--duration", "1000000", "--out", "new/out"],
                            cwd=run.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (run.cwd / "new" / "out").exists():
            if proc.poll() is not None:  # not check(): its message would be built every time
                raise Failure(f"run ended early: {proc.communicate()}")
            check(time.monotonic() < deadline, "the output folder never appeared")
            time.sleep(0.02)
        time.sleep(0.5)  # let the build start (or finish); either way the flag must be seen
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    check(proc.returncode == 130, f"exit status {proc.returncode} after SIGINT, expected 130")
    check("interrupted" in err, f"no 'interrupted' message: {err!r}")
    check(not (run.cwd / "new").exists(), f"left {list(run.cwd.rglob('*'))} behind")


def run_in_temporary_folder(binary, case):
    with tempfile.TemporaryDirectory(prefix="spindle-cli-") as d:
        return case(Runner(binary, d))


def main():
    return run_from_command_line(__doc__, collect_cases(globals()), run_in_temporary_folder)


if __name__ == "__main__":
    sys.exit(main())
