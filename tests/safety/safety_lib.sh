# safety_lib.sh — sourced by the tests in tests/safety/ after tests/lib.sh: a small synthetic
# input, a spec writer, the fault shim's path, and the check that an output folder holds no
# conversion (no shard, no manifest, no temporary file).
SHIM="$RC_BUILDDIR/tests/safety/fault_shim.so"
# ASan insists on coming first in the library list; the shim must come first to interpose.
ASAN_OPTIONS="verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS

# make_input DIR EPISODES: tiny synthetic robocache-raw files (two episodes per file).
make_input() {
    "$RC_BIN" synth "$1" --preset tiny --episodes "$2" --seconds 1 --seed 3 >"$TMP/synth.out" 2>&1 ||
        { echo "Bail out! synth failed: $(cat "$TMP/synth.out")"; exit 1; }
}

# write_spec FILE INPUT_DIR EPISODES_PER_SHARD [RATE_HZ]
write_spec() {
    cat >"$1" <<EOF
version: 1
input: {dir: $2, pattern: "*.h5", layout: robocache-raw}
output: {dir: unused, shard_max_episodes: $3}
timeline: {rate_hz: ${4:-50}, span: intersection}
stages:
  - fuse:
      name: observation
      streams:
        - {name: joint_pos, method: linear}
        - {name: imu, method: nearest}
  - resample: {name: action, stream: action, method: linear}
EOF
}

# no_conversion_in DIR: prints the conversion files (shard-*, manifest.json, *.tmp.*) left in DIR.
no_conversion_in() {
    [ -d "$1" ] || return 0
    find "$1" \( -name 'shard-*' -o -name 'manifest.json' -o -name '*.tmp.*' \) -print
}

# report_int FILE KEY: an integer field of a --report JSON file (-1 when absent).
report_int() {
    "$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], -1))' "$1" "$2" 2>/dev/null ||
        echo -1
}

# run_held K MARK_FILE RUN_ARG...: starts `run` in the background under the fault shim, held
# right after its K-th temporary file is created; sets $pid; returns 0 once the hold's mark file
# exists, 1 when the run ended (or 120 s passed) without reaching that point.
run_held() {
    held_k=$1 held_mark=$2
    shift 2
    RC_SHIM_PAUSE_AT_TMP=$held_k RC_SHIM_MARK="$held_mark" LD_PRELOAD="$SHIM" \
        "$RC_BIN" run --progress never "$@" >"$TMP/held.out" 2>"$TMP/err" &
    pid=$!
    tries=0
    while [ ! -e "$held_mark" ] && kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 1200 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    [ -e "$held_mark" ]
}
