#!/bin/sh
# signals.sh — SIGINT and SIGTERM in the middle of `run`: exit 3, "interrupted" on stderr, and no
# shard, manifest or temporary file left (docs/DESIGN.md, all or nothing).  No timing: the
# fault shim holds the run right after it has created its second temporary shard (shard 0 is
# committed, shard 1 is being written), creates a mark file and waits; the signal is sent once
# the mark exists, so it always lands at that point.
. "$RC_SRCDIR/tests/lib.sh"
. "$RC_SRCDIR/tests/safety/safety_lib.sh"

make_input "$TMP/raw" 6
write_spec "$TMP/spec.yaml" "$TMP/raw" 2

for sig in INT TERM; do
    out="$TMP/out-$sig"
    mark="$TMP/paused-$sig"
    RC_SHIM_PAUSE_AT_TMP=2 RC_SHIM_MARK="$mark" LD_PRELOAD="$SHIM" \
        "$RC_BIN" run "$TMP/spec.yaml" --output "$out" --progress never >"$TMP/out" 2>"$TMP/err" &
    pid=$!
    # Wait for the mark (or for the run to end without pausing, which fails below).
    tries=0
    while [ ! -e "$mark" ] && kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 1200 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    [ -e "$mark" ] && [ -f "$out/shard-00000.h5" ] && [ -n "$(find "$out" -name 'shard-00001.h5.tmp.*')" ]
    tap_result $? "SIG$sig: the run is held with shard 0 committed and shard 1's temporary file open"
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid"
    code=$?
    tap_result $([ "$code" -eq 3 ]; echo $?) "SIG$sig: exit 3"
    [ "$code" -eq 3 ] || { diag "got exit $code"; diag "$(cat "$TMP/err")"; }
    grep "error: " "$TMP/err" | grep "$TMP/raw/raw-00001.h5: episode ep-000003" | grep -q "interrupted by a signal"
    r=$?
    tap_result $r "SIG$sig: stderr says the run was interrupted, before which episode of which file"
    [ $r -eq 0 ] || diag "$(cat "$TMP/err")"
    left=$(no_conversion_in "$out")
    tap_result $([ -z "$left" ]; echo $?) "SIG$sig: no shard, manifest or temporary file is left"
    [ -z "$left" ] || diag "left: $left"
done
tap_done
