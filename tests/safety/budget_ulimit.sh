#!/bin/sh
# budget_ulimit.sh — the hostile-input corpus (tests/malformed) with a 1 GiB memory budget and
# the address space limited to the budget plus 10% (RLIMIT_AS, as `ulimit -v` sets it): every
# declared size is checked against the budget before it is allocated, so no command may be
# ended by a signal (the kernel's or the allocator's).  Also checks that `info` names the budget
# RLIMIT_AS implies.  Skipped for sanitizer builds (ASan reserves terabytes of address space).
. "$RC_SRCDIR/tests/lib.sh"
if grep -q __asan_init "$RC_BIN" 2>/dev/null; then
    echo "1..0 # SKIP sanitizer build: ASan cannot run under an address-space limit"
    exit 0
fi
budget=1073741824
out=$( (ulimit -v 2097152 && "$RC_BIN" info) 2>&1)
echo "$out" | grep -q "memory budget: $budget bytes (half of RLIMIT_AS (2147483648 bytes))"
rc=$?
tap_result $rc "info under ulimit -v 2 GiB states a budget of half of RLIMIT_AS"
[ $rc -eq 0 ] || diag "$out"
RC_CORPUS_MEMORY=$budget "$PYTHON3" "$RC_SRCDIR/tests/malformed/run_corpus.py" >"$TMP/corpus.tap" 2>&1
rc=$?
tap_result $rc "the malformed corpus passes with --memory 1 GiB under RLIMIT_AS 1.1 GiB (exit $rc)"
[ $rc -eq 0 ] || diag "$(grep -A4 '^not ok' "$TMP/corpus.tap" | head -40)"
killed=$(grep -c '^not ok.*not ended by a signal' "$TMP/corpus.tap")
tap_result $([ "$killed" -eq 0 ] && echo 0 || echo 1) "no command of the corpus ended by a signal ($killed did)"
tap_done
