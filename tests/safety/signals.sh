#!/bin/sh
# signals.sh — SIGINT, SIGTERM, SIGHUP and SIGPIPE in the middle of `run` (docs/RELIABILITY.md):
# the run stops between episodes with exit 128 + the signal's number, removes the shard being
# written, keeps every complete shard and writes a manifest marked incomplete ("complete":
# false), which `verify` refuses; `run --resume` then finishes it, verify-equal to an
# uninterrupted run.  Also a signal while the last episode is written, and a second signal,
# which stops the run at once (no manifest) and still keeps the complete shards.  No timing:
# the fault shim holds the run right after it has created its K-th temporary file (shard K-1,
# or the manifest), creates a mark file and waits; the signal is sent once the mark exists.
. "$RC_SRCDIR/tests/lib.sh"
. "$RC_SRCDIR/tests/safety/safety_lib.sh"

make_input "$TMP/raw" 6
write_spec "$TMP/spec.yaml" "$TMP/raw" 2
write_spec "$TMP/one.yaml" "$TMP/raw" 1
check "an uninterrupted run (3 shards of 2 episodes)" "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/ref" --progress never
check "an uninterrupted run (6 shards of 1 episode)" "$RC_BIN" run "$TMP/one.yaml" --output "$TMP/ref1" --progress never

# manifest_field DIR KEY: a top-level field of DIR/manifest.json as Python prints it, or "absent".
manifest_field() {
    "$PYTHON3" -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m.get(sys.argv[2], "absent") if sys.argv[2] != "shards" else ",".join(s["name"] for s in m["shards"]))' \
        "$1/manifest.json" "$2" 2>/dev/null || echo "unreadable"
}

# start_held SPEC OUT K [OPTION...]: the run held at its K-th temporary file (run_held).
start_held() {
    spec=$1 dir=$2 k=$3
    shift 3
    run_held "$k" "$TMP/mark.$k.$(date +%s%N)" "$spec" --output "$dir" --report "$TMP/report.json" "$@"
}

# case SIG NUMBER K SPEC REF KEPT: the signal at the K-th temporary file; KEPT = the shards kept.
signal_case() {
    sig=$1 num=$2 k=$3 spec=$4 ref=$5 kept=$6
    out="$TMP/out-$sig-$k"
    what="SIG$sig at temporary file $k"
    start_held "$spec" "$out" "$k"
    tap_result $? "$what: the run is held there"
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid"
    code=$?
    tap_result $([ "$code" -eq $((128 + num)) ]; echo $?) "$what: exit $((128 + num))"
    [ "$code" -eq $((128 + num)) ] || { diag "got exit $code"; diag "$(cat "$TMP/err")"; }
    grep -q "stopped by SIG$sig" "$TMP/err" && grep -q "manifest marked incomplete" "$TMP/err"
    tap_result $? "$what: stderr says which signal stopped it and what was kept"
    [ "$(manifest_field "$out" complete)" = "False" ] && [ "$(manifest_field "$out" shards)" = "$kept" ] &&
        [ -z "$(find "$out" -name '*.tmp.*')" ] &&
        [ "$(find "$out" -name 'shard-*.h5' | wc -l)" -eq "$(echo "$kept" | tr ',' '\n' | grep -c .)" ]
    tap_result $? "$what: the complete shards ($kept) stay, the unfinished one is gone, manifest marked incomplete"
    [ "$(report_int "$TMP/report.json" shards_written)" -eq "$(echo "$kept" | tr ',' '\n' | grep -c .)" ] &&
        "$PYTHON3" -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["interrupted"] != sys.argv[2])' \
            "$TMP/report.json" "SIG$sig"
    tap_result $? "$what: the report says what was written and which signal stopped the run"
    expect_exit 3 "$what: verify refuses the incomplete manifest" "$RC_BIN" verify "$out" "$ref"
    grep -q "marked incomplete" "$TMP/err"
    tap_result $? "$what: verify's message says the manifest is incomplete"
    check "$what: run --resume finishes it" "$RC_BIN" run "$spec" --output "$out" --resume --progress never
    check "$what: the resumed output is verify-equal to the uninterrupted run" "$RC_BIN" verify "$out" "$ref"
    [ "$(manifest_field "$out" complete)" = "absent" ]
    tap_result $? "$what: the resumed manifest is complete"
}

signal_case INT 2 1 "$TMP/spec.yaml" "$TMP/ref" ""
signal_case TERM 15 2 "$TMP/spec.yaml" "$TMP/ref" "shard-00000.h5"
signal_case INT 2 3 "$TMP/spec.yaml" "$TMP/ref" "shard-00000.h5,shard-00001.h5"
signal_case HUP 1 2 "$TMP/spec.yaml" "$TMP/ref" "shard-00000.h5"
signal_case PIPE 13 3 "$TMP/spec.yaml" "$TMP/ref" "shard-00000.h5,shard-00001.h5"
# The last episode: shard 5 holds episode 6 of 6; the signal comes while it is written.  The
# episode is finished and its shard committed, but the run still stops as interrupted.
signal_case TERM 15 6 "$TMP/one.yaml" "$TMP/ref1" \
    "shard-00000.h5,shard-00001.h5,shard-00002.h5,shard-00003.h5,shard-00004.h5,shard-00005.h5"

# A second signal stops at once: no manifest, the complete shard stays, --resume finishes.
out="$TMP/out-twice"
export RC_SHIM_HOLD_ON=1 # held after the first signal too: the second always finds the run there
start_held "$TMP/spec.yaml" "$out" 2
tap_result $? "two signals: the run is held with shard 0 committed"
kill -s TERM "$pid" 2>/dev/null
kill -s INT "$pid" 2>/dev/null
wait "$pid"
code=$?
tap_result $([ "$code" -eq 130 ] || [ "$code" -eq 143 ]; echo $?) "two signals: exit 130 or 143"
[ "$code" -eq 130 ] || [ "$code" -eq 143 ] || diag "got exit $code: $(cat "$TMP/err")"
[ -f "$out/shard-00000.h5" ] && [ ! -e "$out/manifest.json" ]
tap_result $? "two signals: stopped at once (no manifest), complete shard 0 kept"
unset RC_SHIM_HOLD_ON
check "two signals: run --resume finishes it" "$RC_BIN" run "$TMP/spec.yaml" --output "$out" --resume --progress never
check "two signals: verify-equal to the uninterrupted run" "$RC_BIN" verify "$out" "$TMP/ref"

# merge-manifests refuses a sharded run whose task was interrupted.
check "task 0 of 2 runs to the end" "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/tasks" --shard 0/2 --progress never
start_held "$TMP/spec.yaml" "$TMP/tasks" 1 --shard 1/2
kill -s TERM "$pid" 2>/dev/null
wait "$pid"
tap_result $([ $? -eq 143 ]; echo $?) "task 1 of 2 is stopped by SIGTERM (exit 143)"
expect_exit 3 "merge-manifests refuses the interrupted task" "$RC_BIN" merge-manifests "$TMP/tasks"
grep -q "manifest-t0001-of-0002.json" "$TMP/err" && grep -q "marked incomplete" "$TMP/err"
tap_result $? "merge-manifests names the incomplete task manifest"
tap_done
