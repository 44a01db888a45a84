#!/bin/sh
# reader_crash.sh — the HDF5 library crashing on a damaged input (the corpus of
# tests/fuzz/hdf5-findings, replayed here) ends only the reader process that read it: `run`
# exits 2 naming the file, the episode and the signal, keeps no output, and under on_error: skip
# records the skip and converts the other episodes with a fresh reader process, with output
# identical whatever --readers is.
. "$RC_SRCDIR/tests/lib.sh"

"$RC_BIN" synth "$TMP/raw" --preset tiny --episodes 4 --seconds 2 --seed 5 >/dev/null 2>&1
tap_result $? "synth 4 episodes"
# The damaged file holds a series called lidar where the good ones hold a cloud: the layout
# takes lidar from joint_vel, so every file has the same streams and the read gets as far as
# the damaged joint_pos (the damaged file comes first, and the streams are checked against it).
printf 'name: lay\nformat: robocache-raw\nstreams:\n  lidar: {kind: series, path: joint_vel}\n' >"$TMP/lay.yaml"
spec() { # ON_ERROR INPUT OUTPUT
    cat <<YAML
version: 1
input: {dir: $2, layout: lay.yaml}
output: {dir: $3, shard_max_episodes: 2}
on_error: $1
timeline: {rate_hz: 50, span: intersection}
stages:
  - resample: {name: joint_pos, stream: joint_pos, method: linear}
YAML
}

for f in "$RC_SRCDIR"/tests/fuzz/hdf5-findings/*.h5; do
    name=$(basename "$f")
    mkdir -p "$TMP/one-$name"
    cp "$f" "$TMP/one-$name/"
    spec fail "one-$name" "out-$name" >"$TMP/one.yaml"
    "$RC_BIN" run "$TMP/one.yaml" --progress never >"$TMP/out" 2>"$TMP/err"
    code=$?
    [ "$code" -eq 2 ] && grep -qF "$name" "$TMP/err" && grep -qF "reader process" "$TMP/err"
    tap_result $? "$name alone: exit 2 naming the file and the dead reader process (got $code)"
    [ "$code" -eq 2 ] || diag "$(cat "$TMP/err")"
    [ ! -e "$TMP/out-$name/manifest.json" ] && [ -z "$(ls "$TMP/out-$name" 2>/dev/null)" ]
    tap_result $? "$name alone: no output kept"
done

cp "$RC_SRCDIR/tests/fuzz/hdf5-findings/h5hg-read-units-attribute.h5" "$TMP/raw/a-damaged.h5"
spec fail raw conv >"$TMP/fail.yaml"
expect_exit 2 "damaged file among good ones, on_error: fail" "$RC_BIN" run "$TMP/fail.yaml" --progress never --readers 2
# A plain build's reader process dies by SIGSEGV; under AddressSanitizer the sanitizer catches
# the fault and the process exits with its own status instead: either way the error says how.
grep -qF "a-damaged.h5: episode e0: the reader process" "$TMP/err" &&
    grep -qE "killed by signal 11|exited with status [1-9]" "$TMP/err"
tap_result $? "the error names the file, the episode and how the reader process died"
[ ! -e "$TMP/conv/manifest.json" ] && [ -z "$(ls "$TMP/conv" 2>/dev/null | grep shard-)" ]
tap_result $? "no shard and no manifest left"

spec skip raw unused >"$TMP/skip.yaml"
for n in 1 2 4; do
    expect_exit 0 "on_error: skip, --readers $n" "$RC_BIN" run "$TMP/skip.yaml" --progress never --readers $n \
        --output "$TMP/skip$n" \
        --report "$TMP/rep$n.json"
done
py_check() { # DESC PYTHON-EXPRESSION (over m: manifest of skip1, procs: its report's reader processes)
    "$PYTHON3" -c "import json,sys; m=json.load(open('$TMP/skip1/manifest.json')); \
procs=json.load(open('$TMP/rep1.json'))['reader_processes']; sys.exit(0 if ($2) else 1)"
    tap_result $? "$1"
}
py_check "the skip is recorded with the reader process's death as reason" \
    "[s for s in m['skipped'] if s['source_file'].endswith('a-damaged.h5') and 'reader process' in s['reason']]"
py_check "the 4 good episodes are converted" "len(m['episodes']) == 4"
py_check "one reader process slot, replaced once, read the 4 good episodes" \
    "len(procs) == 1 and procs[0]['restarts'] == 1 and procs[0]['episodes'] == 4"
for n in 2 4; do
    diff -r "$TMP/skip1" "$TMP/skip$n" >/dev/null
    tap_result $? "output of --readers $n identical to --readers 1"
done
tap_done
