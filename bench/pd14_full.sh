#!/usr/bin/env bash
# The Potjans & Diesmann (2014) microcircuit at full scale (77,169 cells, ~3e8 synapses), as
# published (`spindle run --network pd14 --scale 1`): per-population rates over 1 s after a
# 100 ms transient against the full-scale reference rates of PD14 (science.md 6.1, the
# "reference rate" row), within 15 %, or within 0.3 Hz for populations below 1 Hz (issue 6,
# acceptance 1). Prints the build and simulation times and the peak resident memory.
# Needs about 5-6 GB of memory and many minutes; run it with `nice` on a shared machine.
#
#   bench/pd14_full.sh
#
# Environment: BUILD (build tree holding bin/spindle; default build), THREADS (default 2), SEED
# (default 55, NEST's example seed), OUT (keep the outputs there; default a temporary folder,
# removed at the end), SCALE (default 1; smaller values for a quick try of the script), NETWORK
# (default pd14; pd14_dc replaces the Poisson drive by its mean current, NEST's poisson_input =
# False: its rates are printed against the same reference, for the real-time factor).
# Exit status: 0 every population within tolerance, 1 some outside, 2 usage or the run failed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
require_executable spindle
threads=${THREADS:-2}
seed=${SEED:-55}
scale=${SCALE:-1}
network=${NETWORK:-pd14}
transient_ms=100
window_ms=1000
output_folder
dir=$out/${network}_scale$scale

echo "$network at scale $scale, $((transient_ms + window_ms)) ms, $threads threads, seed $seed"
if ! /usr/bin/time -v -o "$out/time.txt" "$exe" run --network "$network" --scale "$scale" \
  --duration $((transient_ms + window_ms)) --threads "$threads" --seed "$seed" --out "$dir" \
  --quiet; then
  echo "pd14_full.sh: the run failed" >&2
  exit 2
fi
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\)/\1/p' "$out/time.txt")

status=0
python3 - "$dir" "$transient_ms" "$window_ms" "$rss_kb" <<'EOF' || status=$?
import json, sys
from pathlib import Path

folder, t0, window, rss_kb = Path(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
t1 = t0 + window
# PD14 full-scale reference rates [Hz] (science.md 6.1, "reference rate" row).
reference = {"L23E": 0.971, "L23I": 2.868, "L4E": 4.746, "L4I": 5.396,
             "L5E": 8.142, "L5I": 9.078, "L6E": 0.991, "L6I": 7.523}
summary = json.loads((folder / "summary.json").read_text())
first, bounds = 0, []
for pop in summary["populations"]:
    bounds.append((pop["name"], first, first + pop["cells"]))
    first += pop["cells"]
counts = {name: 0 for name, _, _ in bounds}
with open(folder / "spikes.csv") as f:
    next(f)
    for line in f:
        cell, t = line.split(",")
        t = float(t)
        if t0 <= t < t1:
            cell = int(cell)
            for name, lo, hi in bounds:
                if lo <= cell < hi:
                    counts[name] += 1
                    break
ok = True
print(f"{'population':<10} {'cells':>7} {'rate Hz':>8} {'ref Hz':>7} {'diff':>7}  verdict")
for name, lo, hi in bounds:
    rate = counts[name] / ((hi - lo) * window * 1e-3)
    ref = reference[name]
    good = abs(rate - ref) <= 0.3 if ref < 1.0 else abs(rate - ref) <= 0.15 * ref
    ok &= good
    diff = f"{rate - ref:+.2f}" if ref < 1.0 else f"{100 * (rate - ref) / ref:+.1f}%"
    print(f"{name:<10} {hi - lo:>7} {rate:>8.3f} {ref:>7.3f} {diff:>7}  "
          f"{'ok' if good else 'OUTSIDE'} ({'0.3 Hz' if ref < 1.0 else '15 %'})")
print(f"cells {summary['cells']}, synapses {summary['synapses']}, spikes {summary['spikes']}")
print(f"build {summary['build_s']:.1f} s, simulate {summary['sim_s']:.1f} s "
      f"({summary['duration_ms']:.0f} ms simulated), peak RSS {rss_kb / 1024 / 1024:.2f} GiB")
sys.exit(0 if ok else 1)
EOF
if [[ $keep == 0 ]]; then rm -rf "$out"; fi
exit $status
