#!/usr/bin/env python3
"""End-to-end tests of `spindle run FILE.toml` (docs/circuit-format.md): one case per invocation.

    test_circuit_files.py SPINDLE_BINARY CASE      run one case (exit 0 pass, 1 fail)
    test_circuit_files.py SPINDLE_BINARY --list    print the case names

Every malformed file in circuits/bad/ starts with a line `# expect: LINE:COL PHRASE`: running it
must exit with status 2, print one error line on stderr that starts with FILE:LINE:COL and holds
PHRASE, print nothing on stdout and leave no output folder behind. Standard library only.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cli_cases import check, collect_cases, run_from_command_line

HERE = Path(__file__).resolve().parent
BAD = HERE / "circuits" / "bad"
GOOD = HERE / "circuits" / "good" / "small.toml"
EXAMPLES = HERE.parent.parent / "examples" / "circuits"
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (.+)$")
OUTPUTS = ["raster.svg", "rates.svg", "spikes.bin", "spikes.csv", "summary.json"]


def spindle(binary, cwd, *args, timeout=120):
    return subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def case_bad_files(binary):
    files = sorted(BAD.glob("*.toml"))
    check(len(files) >= 20, f"only {len(files)} malformed circuit files in {BAD}")
    failures = []
    for path in files:
        m = EXPECT.match(path.read_text().splitlines()[0])
        if not m:
            failures.append(f"{path.name}: first line is not '# expect: LINE:COL PHRASE'")
            continue
        line, col, phrase = m.groups()
        with tempfile.TemporaryDirectory(prefix="spindle-circuit-") as d:
            shutil.copy(path, d)
            proc = spindle(binary, d, "run", path.name, "--out", "out")
            left = sorted(set(os.listdir(d)) - {path.name})
        prefix = f"spindle run: error: {path.name}:{line}:{col}: "
        err = proc.stderr
        if proc.returncode != 2:
            failures.append(f"{path.name}: exit status {proc.returncode}, expected 2")
        if not err.startswith(prefix):
            failures.append(f"{path.name}: message does not start with {prefix!r}: {err!r}")
        if phrase not in err:
            failures.append(f"{path.name}: message lacks {phrase!r}: {err!r}")
        if err.count("\n") != 1:
            failures.append(f"{path.name}: expected one line of error, got {err!r}")
        if proc.stdout:
            failures.append(f"{path.name}: printed on stdout: {proc.stdout!r}")
        if left:
            failures.append(f"{path.name}: left {left} behind")
    check(not failures, "\n".join(failures))


def summary(folder):
    return json.loads((Path(folder) / "summary.json").read_text())


def case_good_file(binary):
    with tempfile.TemporaryDirectory(prefix="spindle-circuit-") as d:
        proc = spindle(binary, d, "run", str(GOOD), "--out", "a")
        check(proc.returncode == 0, f"exit status {proc.returncode}: {proc.stderr}")
        check(sorted(os.listdir(Path(d) / "a")) == OUTPUTS, f"a/ holds {os.listdir(Path(d) / 'a')}")
        s = summary(Path(d) / "a")
        # The [simulation] table of the file: 200 ms, seed 3, one thread; 400 + 100 cells.
        check(s["duration_ms"] == 200 and s["seed"] == 3 and s["threads"] == 1,
              f"settings from the file not used: {s}")
        pops = {p["name"]: p for p in s["populations"]}
        check(set(pops) == {"exc", "inh"} and pops["exc"]["cells"] == 400
              and pops["inh"]["cells"] == 100, f"populations: {s['populations']}")
        # exc -> exc: fixed in-degree 40 onto 400 cells; inh -> exc: 10 onto 400; exc -> inh:
        # p = 0.1 over 400 x 100 pairs (4000 expected, binomial sd 60; 5 sd allowed).
        fixed = 40 * 400 + 10 * 400
        check(abs(s["synapses"] - fixed - 4000) < 300, f"{s['synapses']} synapses")
        check(pops["exc"]["rate_hz"] > 0 and pops["inh"]["rate_hz"] > 0, f"rates: {pops}")

        # Same file and seed: byte-identical spikes.
        spindle(binary, d, "run", str(GOOD), "--out", "b", "--quiet")
        check((Path(d) / "a" / "spikes.bin").read_bytes() == (Path(d) / "b" / "spikes.bin")
              .read_bytes(), "two runs of the same file differ")


def case_good_file_overrides(binary):
    with tempfile.TemporaryDirectory(prefix="spindle-circuit-") as d:
        proc = spindle(binary, d, "run", str(GOOD), "--out", "o", "--quiet", "--scale", "0.5",
                       "--duration", "50", "--seed", "9", "--threads", "2")
        check(proc.returncode == 0, f"exit status {proc.returncode}: {proc.stderr}")
        s = summary(Path(d) / "o")
        check(s["duration_ms"] == 50 and s["seed"] == 9 and s["threads"] == 2,
              f"command-line values did not replace the file's: {s}")
        # Scale 0.5: 200 + 50 cells, in-degrees 20 and 5, p kept.
        check(s["cells"] == 250, f"--scale 0.5 gave {s['cells']} cells, expected 250")
        check(abs(s["synapses"] - (20 * 200 + 5 * 200) - 1000) < 160, f"{s['synapses']} synapses")
        for args, needle in ((["--scale", "0"], "--scale"), (["--scale", "2"], "--scale"),
                             (["--network", "cuba"], "not both"), (["--seed", "-3"], "--seed")):
            proc = spindle(binary, d, "run", str(GOOD), "--out", "bad", *args)
            check(proc.returncode == 2 and needle in proc.stderr,
                  f"{args}: exit {proc.returncode}, {proc.stderr!r}")
            check(not (Path(d) / "bad").exists(), f"{args}: left bad/ behind")


def case_example_circuits(binary):
    """Every shipped circuit file reads, builds and runs (small and short)."""
    files = sorted(EXAMPLES.glob("*.toml"))
    if not files:
        print("skipped: no examples/circuits/*.toml yet")
        return 0
    with tempfile.TemporaryDirectory(prefix="spindle-circuit-") as d:
        for path in files:
            proc = spindle(binary, d, "run", str(path), "--out", path.stem, "--quiet",
                           "--scale", "0.02", "--duration", "20", timeout=300)
            check(proc.returncode == 0, f"{path.name}: exit {proc.returncode}: {proc.stderr}")
            check(summary(Path(d) / path.stem)["cells"] > 0, f"{path.name}: no cells")
    return 0


def main():
    return run_from_command_line(__doc__, collect_cases(globals()),
                                 lambda binary, case: case(binary))


if __name__ == "__main__":
    sys.exit(main())
