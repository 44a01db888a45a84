#!/bin/sh
# check.sh — converts the golden input with each golden pipeline on BACKEND (default cpu) and
# requires `verify` to find the output equal to the committed goldens (tests/golden/expected/),
# bit for bit (tolerance 0), and the manifest's statistics to equal the golden manifest's, byte for byte.  make check runs it for cpu; tests/cuda/gpu-session.sh runs it for
# cuda on the GPU machine.  Needs RC_BIN and RC_SRCDIR (and nothing but the binary: no python).
#   sh tests/golden/check.sh [cpu|cuda]
backend=${1:-cpu}
. "$RC_SRCDIR/tests/lib.sh"
. "$RC_SRCDIR/tests/golden/golden_input.sh"
expected=$RC_SRCDIR/tests/golden/expected

check "synth writes the golden input" golden_synth "$TMP/raw"
for s in $GOLDEN_SPECS; do
    out=$TMP/out-$s
    check "$s: converts on backend $backend" golden_run "$s" "$TMP/raw" "$out" "$backend"
    grep -q "\"backend\": \"$backend" "$out/manifest.json" 2>/dev/null
    tap_result $? "$s: the manifest records backend $backend"
    "$RC_BIN" verify "$out" "$expected/$s" >"$TMP/verify.out" 2>&1
    rc=$?
    tap_result $rc "$s: verify finds the $backend output equal to the goldens (exit $rc)"
    [ $rc -eq 0 ] || diag "$(head -40 "$TMP/verify.out")"
    sed -n '/^  "stats": {/,$p' "$out/manifest.json" >"$TMP/stats.got" 2>/dev/null
    sed -n '/^  "stats": {/,$p' "$expected/$s/manifest.json" >"$TMP/stats.want"
    cmp -s "$TMP/stats.got" "$TMP/stats.want"
    tap_result $? "$s: the manifest's statistics equal the golden manifest's byte for byte"
done
tap_done
