#!/bin/sh
# run.sh BUILD_DIR [SECONDS [TARGET...]] — runs libFuzzer targets built by `make -C BUILD_DIR fuzz`,
# each for SECONDS (default 60) from its seed corpus (tests/fuzz/corpus-<name>/, copied: the
# committed seeds are never modified), and prints TAP: one result per target, with its execution
# count.  Default targets: spec and episode (the code of this project).  reader (raw HDF5 bytes)
# is run only when named: it finds HDF5 1.10's own crashes (docs/RELIABILITY.md).
# A crash, a sanitizer report, a leak, a timeout (10 s per input) or an input over 2 GiB of
# memory fails the target; the input that did it is kept as BUILD_DIR/tests/fuzz/findings/.
# Every finding becomes a tests/malformed case and a fix.
build=${1:?usage: run.sh BUILD_DIR [SECONDS [TARGET...]]}
secs=${2:-60}
shift
[ $# -gt 0 ] && shift
targets=${*:-spec episode}
src=$(cd "$(dirname "$0")/../.." && pwd)
findings="$build/tests/fuzz/findings"
work=$(mktemp -d "${TMPDIR:-/tmp}/rc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$findings"
export RC_SCHEMA_DIR="$src/schemas"
# HDF5 keeps some library state for the process's life: not a leak of the code under test.
export LSAN_OPTIONS="suppressions=$src/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
n=0
failed=0
for name in $targets; do
    n=$((n + 1))
    bin="$build/tests/fuzz/fuzz_$name"
    if [ ! -x "$bin" ]; then
        echo "not ok $n - fuzz_$name: not built (run make -C $build fuzz)"
        failed=$((failed + 1))
        continue
    fi
    mkdir -p "$work/$name"
    cp "$src/tests/fuzz/corpus-$name"/* "$work/$name/"
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$findings/$name-" "$work/$name" >"$work/$name.log" 2>&1
    code=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -1)
    if [ "$code" -eq 0 ]; then
        echo "ok $n - fuzz_$name: ${secs} s, ${execs:-?} inputs, no finding"
    else
        echo "not ok $n - fuzz_$name: exit $code after ${execs:-?} inputs; input kept in $findings"
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$work/$name.log" | head -20 | sed 's/^/# /'
        failed=$((failed + 1))
    fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
