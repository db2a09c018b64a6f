#!/usr/bin/env bash
# The scaling series of issue 7: `spindle bench scaling` runs Brunel's state-C network
# (lif_delta, C_E = 1000 and C_I = 250 inputs per cell, external Poisson drive as exact spike
# events) at 1-2-5 sizes from 10^3 to 10^6 cells, one JSON line per size (ns per event counting
# the external events, bytes per synapse, build time, ...); this script keeps the lines and draws
# them with bench/scaling_plot.cpp (spindle/svg_plot.hpp) into docs/figures/scaling.svg.
#
#   bench/scaling.sh [MAX_CELLS]          default 1000000
#
# 10^6 cells are 1.25e9 synapses: about 20 GB with the default 4 partitions per thread, 12 GB
# with PARTITIONS=32 (the build holds one partition's edge list at a time per thread). Before
# each size `spindle bench scaling` compares its estimate with the memory available and stops
# the series where it would not fit. Environment: BUILD (build tree with bin/spindle and bin/spindle_scaling_plot;
# default build), DURATION (simulated ms per size, default 100), THREADS (default 1), PARTITIONS
# (default 4 x threads), SEED
# (default 1), OUT (folder for series.jsonl; default docs/figures, i.e. docs/figures/
# scaling.jsonl next to the figure), FIGURE (default docs/figures/scaling.svg).
# Exit status: 0 done, 2 usage or a failed run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
max_cells=${1:-1000000}
figure=${FIGURE:-$root/docs/figures/scaling.svg}
series=${OUT:-$root/docs/figures}/scaling.jsonl
for exe in spindle spindle_scaling_plot; do
  if [[ ! -x $build/bin/$exe ]]; then
    echo "scaling.sh: $build/bin/$exe not found; build it with: cmake --build $build --target $exe" >&2
    exit 2
  fi
done
mkdir -p "$(dirname "$series")" "$(dirname "$figure")"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# tee: each size's line appears as soon as it is measured (a size of 10^6 takes many minutes).
"$build/bin/spindle" bench scaling --max-cells "$max_cells" --duration "${DURATION:-100}" \
  --threads "${THREADS:-1}" --seed "${SEED:-1}" ${PARTITIONS:+--partitions "$PARTITIONS"} | tee "$tmp"
chmod 644 "$tmp"
mv "$tmp" "$series"
trap - EXIT
"$build/bin/spindle_scaling_plot" "$series" "$figure"
echo "scaling.sh: $series and $figure written" >&2
