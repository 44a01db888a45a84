#!/bin/sh
# valgrind.sh — valgrind memcheck over a handful of CLI commands (help, validate good and bad specs,
# synth, a run, inspect, a run over a damaged input): no invalid access, no use of uninitialised
# memory, no definitely lost block (--error-exitcode=9), and each command's own exit code.
# Run by .ci/run (slow: not in make check); needs the environment make check gives (RC_BIN, ...).
. "$RC_SRCDIR/tests/lib.sh"
. "$RC_SRCDIR/tests/safety/safety_lib.sh"
command -v valgrind >/dev/null 2>&1 || { echo "Bail out! valgrind not found (Debian package valgrind)"; exit 1; }

# Only definite leaks are errors: libgomp's thread pool and HDF5's library state stay reachable.
VG="valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite"
# vg CODE DESC ARGS...: robocache-convert ARGS under memcheck exits CODE (9 = memcheck errors).
vg() {
    want=$1; desc=$2; shift 2
    # shellcheck disable=SC2086
    $VG "$RC_BIN" "$@" >"$TMP/vg.out" 2>"$TMP/vg.err"
    got=$?
    tap_result $([ "$got" -eq "$want" ]; echo $?) "memcheck: $desc (exit $want)"
    [ "$got" -eq "$want" ] || { diag "got exit $got (9: memcheck found errors)"; diag "$(grep -v '^robocache' "$TMP/vg.err" | head -40)"; }
}

make_input "$TMP/raw" 2
cat >"$TMP/spec.yaml" <<EOF
version: 1
input: {dir: $TMP/raw}
output: {dir: $TMP/out, shard_max_episodes: 1}
timeline: {rate_hz: 50}
stages:
  - fuse:
      name: observation
      streams:
        - {name: joint_pos, method: linear}
        - {name: base_quat, method: slerp}
  - resample: {name: action, stream: action, method: nearest}
  - voxelize: {name: grid, stream: lidar, range: [[-4, 4], [-4, 4], [-1, 1]], voxel_size: [0.5, 0.5, 0.5], mode: mean, layout: sparse}
stats: true
EOF
sed 's/rate_hz: 50/rate_hz: -1/' "$TMP/spec.yaml" >"$TMP/bad.yaml"
mkdir -p "$TMP/damaged"
head -c 30000 "$TMP/raw/raw-00000.h5" >"$TMP/damaged/raw.h5"

vg 0 "--help" --help
vg 0 "validate a good spec" validate "$TMP/spec.yaml"
vg 1 "validate a bad spec" validate "$TMP/bad.yaml"
vg 0 "synth" synth "$TMP/raw2" --preset tiny --episodes 1 --seconds 1
vg 0 "run" run "$TMP/spec.yaml" --backend cpu --threads 2 --progress never --report "$TMP/rep.json"
vg 0 "inspect a shard" inspect "$TMP/out/shard-00000.h5"
vg 2 "run over a damaged input" run "$TMP/spec.yaml" --input "$TMP/damaged" --output "$TMP/out2" --backend cpu --progress never
tap_done
