#!/bin/sh
# fault_loop.sh — the reliability loop of docs/RELIABILITY.md, in the manner of SQLite's malloc
# and I/O error tests: for each kind of fault (alloc, write, fsync, rename) a whole small run
# (three shards, statistics, the manifest) is repeated with RC_FAULT=KIND:N for N = 1, 2, ...
# until a run no longer reaches an Nth operation of that kind.  Every run whose fault fired must
# exit 3 (the documented code of I/O errors and exhausted memory), print one error line, and
# leave no shard, manifest or temporary file; with --enable-sanitizers, LeakSanitizer fails a
# run that leaks.  A run whose fault was absorbed must give the reference output, byte for
# byte.  Built and run only with configure --enable-fault-injection.
. "$RC_SRCDIR/tests/lib.sh"
. "$RC_SRCDIR/tests/safety/safety_lib.sh"
trap 'rm -rf "$TMP"' EXIT
MAX_N=${RC_FAULT_MAX_N:-20000}
# HDF5's own allocations on its error paths are not ours (as for the fuzzers).
LSAN_OPTIONS="suppressions=$RC_SRCDIR/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

make_input "$TMP/raw" 3
write_spec "$TMP/spec.yaml" "$TMP/raw" 1
check "reference run (3 shards of 1 episode)" "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/ref" --threads 1 \
    --buffers 2 --progress never

# same_output DIR: 0 when DIR holds exactly the reference's files with the same bytes.
same_output() {
    [ "$(cd "$1" && ls | sort)" = "$(cd "$TMP/ref" && ls | sort)" ] || return 1
    for f in "$TMP"/ref/*; do cmp -s "$f" "$1/$(basename "$f")" || return 1; done
}

for kind in alloc write fsync rename; do
    n=1
    fired=0
    bad=""
    while [ "$n" -le "$MAX_N" ]; do
        rm -rf "$TMP/out"
        RC_FAULT="$kind:$n" "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/out" --threads 1 --buffers 2 \
            --progress never >"$TMP/stdout" 2>"$TMP/err"
        code=$?
        if ! grep -q "^rc_fault: failing $kind #$n\$" "$TMP/err"; then
            # the run did not reach an Nth operation: it must be the reference run
            if [ "$code" -ne 0 ] || ! same_output "$TMP/out"; then
                bad="$kind:$n: no fault fired, yet exit $code or an output other than the reference"
                cp "$TMP/err" "$TMP/bad_err"
            fi
            break
        fi
        fired=$((fired + 1))
        left=$(no_conversion_in "$TMP/out")
        errors=$(grep -c 'error' "$TMP/err")
        if [ "$code" -eq 0 ] && same_output "$TMP/out"; then
            : # absorbed (a fallback took over): the output is still the reference's
        elif [ "$code" -ne 3 ] || [ -n "$left" ] || [ "$errors" -lt 1 ] ||
             grep -q 'Sanitizer' "$TMP/err"; then
            bad="$kind:$n: exit $code, left [$left]"
            cp "$TMP/err" "$TMP/bad_err"
            break
        fi
        n=$((n + 1))
    done
    tap_result $([ -z "$bad" ] && [ "$n" -le "$MAX_N" ]; echo $?) \
        "$kind: each of the $fired runs with a failing $kind exits 3 and leaves no shard, manifest or temporary file (no leak); then the run succeeds"
    [ -z "$bad" ] || { diag "$bad"; diag "$(tail -n 30 "$TMP/bad_err")"; }
    tap_result $([ "$fired" -ge 1 ]; echo $?) "$kind: the loop failed at least one $kind ($fired)"
done
tap_done
