#!/usr/bin/env bash
# Full-size determinism check: Brunel's network (N_E = 10 000, N_I = 2 500, 15.6 million
# synapses; state C, g = 5, eta = 2 unless G / ETA say otherwise) run by the example program
# with threads 1, 2, 3, 4, 8 (4 partitions per thread) and partitions 1, 2, 7, 16, 64 (one
# thread). Every spikes.csv must equal the first one (1 thread, 4 partitions) byte for byte.
#
#   bench/brunel_full.sh [DURATION_MS]          default 1000
#
# Environment: BUILD (build tree holding bin/brunel; default build), OUT (keep the outputs
# there; default a temporary folder, removed when every run matched), G, ETA, SEED.
# Exit status: 0 all identical, 1 some differ, 2 usage or a run failed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
require_executable brunel
duration=${1:-1000}
output_folder
mkdir -p "$out"

runs=("1 0" "2 0" "3 0" "4 0" "8 0" "1 1" "1 2" "1 7" "1 16" "1 64")
reference=""
status=0
echo "Brunel g=${G:-5} eta=${ETA:-2}, ${duration} ms, full size; outputs in $out"
printf '%8s %11s %9s %8s %8s  %s\n' threads partitions spikes build_s run_s spikes.csv
for run in "${runs[@]}"; do
  read -r threads partitions <<<"$run"
  dir=$out/threads${threads}_partitions${partitions}
  if ! log=$("$exe" --g "${G:-5}" --eta "${ETA:-2}" --seed "${SEED:-1}" --duration "$duration" \
    --threads "$threads" --partitions "$partitions" --out "$dir" 2>&1); then
    echo "$log" >&2
    exit 2
  fi
  # "..., 1 threads, 4 partitions" and "build 4.81 s, run 38.20 s for 1000 ms"
  used=$(sed -n 's/.* \([0-9]*\) partitions$/\1/p' <<<"$log")
  build_s=$(sed -n 's/^build \([0-9.]*\) s, run .*/\1/p' <<<"$log")
  run_s=$(sed -n 's/^build .* s, run \([0-9.]*\) s .*/\1/p' <<<"$log")
  spikes=$(($(wc -l <"$dir/spikes.csv") - 1))
  if [[ -z $reference ]]; then
    reference=$dir/spikes.csv
    result="reference"
  elif cmp -s "$reference" "$dir/spikes.csv"; then
    result="identical"
  else
    result="DIFFERENT"
    status=1
  fi
  printf '%8s %11s %9s %8s %8s  %s\n' "$threads" "$used" "$spikes" "$build_s" "$run_s" "$result"
done

if [[ $status -eq 0 ]]; then
  echo "all runs identical"
  [[ $keep -eq 1 ]] || rm -rf "$out"
else
  echo "runs differ; outputs kept in $out" >&2
fi
exit $status
