# Sourced by the bench/*.sh scripts (after they set `build`): the setup they share.

# require_executable TARGET: sets exe=$build/bin/TARGET, or exits 2 with a build hint.
require_executable() {
  exe=$build/bin/$1
  if [[ ! -x $exe ]]; then
    echo "$(basename "$0"): $exe not found; build it with: cmake --build $build --target $1" >&2
    exit 2
  fi
}

# output_folder: sets out to $OUT (keep=1) or, without OUT, to a new temporary folder (keep=0,
# for the caller to remove).
output_folder() {
  if [[ -n ${OUT:-} ]]; then
    out=$OUT
    keep=1
  else
    out=$(mktemp -d)
    keep=0
  fi
}
