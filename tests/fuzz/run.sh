#!/bin/sh
# run.sh BUILD_DIR [SECONDS [TARGET...]] — runs libFuzzer targets built by `make -C BUILD_DIR fuzz`,
# each for SECONDS (default 60) from its seed corpus (tests/fuzz/corpus-<name>/, copied: the
# committed seeds are never modified), and prints TAP: one result per target, with its execution
# count.  Default targets: spec, episode and reader (raw HDF5 file bytes).  HDF5 1.10 itself
# crashes on some damaged files; `run` reads inputs in reader processes, so such a crash fails
# only that episode (docs/RELIABILITY.md).  The reader target therefore runs in libFuzzer's fork
# mode and keeps going after a crash; each crash input is then replayed and passes only when the
# crash is inside the HDF5 library (the first stack frame outside the sanitizer runtime is in
# libhdf5): any other crash is a finding.
# A crash, a sanitizer report, a leak, a timeout (10 s per input) or an input over 2 GiB of
# memory fails the target; the input that did it is kept as BUILD_DIR/tests/fuzz/findings/.
# Every finding becomes a tests/malformed case and a fix.
build=${1:?usage: run.sh BUILD_DIR [SECONDS [TARGET...]]}
secs=${2:-60}
shift
[ $# -gt 0 ] && shift
targets=${*:-spec episode reader}
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
    mode=""
    [ "$name" = reader ] && mode="-fork=1 -ignore_crashes=1"
    mkdir -p "$work/$name-found"
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 $mode \
        -artifact_prefix="$work/$name-found/" "$work/$name" >"$work/$name.log" 2>&1
    code=$?
    hdf5_own=0
    ours=0
    for f in "$work/$name-found"/*; do
        [ -f "$f" ] || continue
        # a timeout that a second, longer run does not repeat was the loaded machine, not the input
        case $(basename "$f") in
        timeout-*) if "$bin" -timeout=120 -rss_limit_mb=2048 "$f" >/dev/null 2>&1; then continue; fi ;;
        esac
        # the first stack frame outside the sanitizer and fuzzer runtimes, libc (by library, by its
        # source path when it has debug symbols, or by name: __memcpy_avx512_unaligned_erms) and
        # the allocator
        if [ "$name" = reader ] && "$bin" -timeout=30 -rss_limit_mb=2048 "$f" 2>&1 | grep -E '^ +#[0-9]+ ' |
            grep -vE '__asan|__interceptor|__sanitizer|fuzzer::|libc\.so|libclang_rt|sysdeps/| in _*(malloc|calloc|realloc|free|mem[a-z0-9_]*|str[a-z0-9_]*) ' |
            head -1 | grep -q libhdf5; then
            hdf5_own=$((hdf5_own + 1)) # HDF5's own crash or timeout
            continue
        fi
        cp "$f" "$findings/$name-$(basename "$f")"
        ours=$((ours + 1))
    done
    if [ "$hdf5_own" -gt 0 ]; then
        echo "# fuzz_$name: $hdf5_own input(s) crash or stall inside HDF5 itself (docs/RELIABILITY.md)"
        code=0 # fork mode ends non-zero after those
    fi
    [ "$ours" -gt 0 ] && code=1
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
