#!/bin/sh
# reader_isolation.sh — no command opens an input in its own process (docs/RELIABILITY.md): a
# crash of the HDF5 library on a file, wherever a command opens it, is exit 2 naming the file,
# with nothing on stdout and no output kept.  Two kinds of crash: the real one of
# tests/fuzz/hdf5-findings (HDF5 1.10.8 on a damaged global heap, which scan reaches) and, for
# the places the damaged file does not reach (the spec's first-file discovery, the input listing,
# the partition of a sharded run, the exact-quantile estimate, scan DIR, inspect and verify of
# shards), the fault shim's
# RC_SHIM_CRASH_OPEN, under which H5Fopen of a file named *crashme* dies by SIGSEGV.
# No crash leaves a core file.  Then run --readers 0 (no reader process): the same output, and
# the report says so.
. "$RC_SRCDIR/tests/lib.sh"
. "$RC_SRCDIR/tests/safety/safety_lib.sh"
# Under AddressSanitizer a fault is the sanitizer's report and exit: abort_on_error makes it the
# SIGABRT that a crash is.  Core files allowed here, so that one left by a crash would be seen.
ASAN_OPTIONS="abort_on_error=1:$ASAN_OPTIONS"
export ASAN_OPTIONS
ulimit -c unlimited 2>/dev/null
cd "$TMP" || exit 1

# crashed DESC FILE CODE: exit CODE was 2, stderr names FILE and the crash, stdout is empty
crashed() {
    [ "$3" -eq 2 ] && grep -qF "$2" "$TMP/err" && grep -qF "the HDF5 library crashed" "$TMP/err" && [ ! -s "$TMP/out" ]
    r=$?
    tap_result $r "$1: exit 2 naming $2, nothing on stdout (got $3)"
    [ $r -eq 0 ] || diag "$(cat "$TMP/err")"
}

# --- the real crash: scan reads the damaged units attribute ---
mkdir -p dmg
cp "$RC_SRCDIR/tests/fuzz/hdf5-findings/h5hg-read-units-attribute.h5" dmg/a-damaged.h5
make_input good 4
cp good/*.h5 dmg/
write_spec dmg.yaml dmg 2
"$RC_BIN" scan dmg.yaml >"$TMP/out" 2>"$TMP/err"
crashed "scan SPEC over the damaged file" a-damaged.h5 $?
"$RC_BIN" scan dmg.yaml --json scan.json >"$TMP/out" 2>"$TMP/err"
crashed "scan --json FILE over the damaged file" a-damaged.h5 $?
[ ! -e scan.json ]
tap_result $? "scan --json FILE: no file written"

# --- the shim's crash at H5Fopen, in every place an input is opened ---
export RC_SHIM_CRASH_OPEN=crashme
mkdir -p in
cp good/*.h5 in/
cp "$(ls good/*.h5 | head -1)" in/0-crashme.h5 # first in input order: discovery looks at it first
write_spec fail.yaml in 2
sed 's/^timeline/on_error: skip\ntimeline/' fail.yaml >skip.yaml

LD_PRELOAD="$SHIM" "$RC_BIN" validate fail.yaml >"$TMP/out" 2>"$TMP/err"
code=$?
[ "$code" -eq 0 ] && grep -qF "streams checked against in/raw-00000.h5" "$TMP/out"
tap_result $? "validate: discovery survives the crash on the first file and checks the next one (got $code)"
[ "$code" -eq 0 ] || diag "$(cat "$TMP/err")"
mkdir -p only
cp in/0-crashme.h5 only/
write_spec only.yaml only 2
LD_PRELOAD="$SHIM" "$RC_BIN" validate only.yaml >"$TMP/out" 2>"$TMP/err"
code=$?
[ "$code" -eq 0 ] && grep -qF "stream checks deferred to the run: only/0-crashme.h5: the reader process died" "$TMP/out"
tap_result $? "validate: the one input crashed HDF5: the stream checks are left to the run, naming the file (got $code)"

LD_PRELOAD="$SHIM" "$RC_BIN" run fail.yaml --output out-fail --progress never >"$TMP/out" 2>"$TMP/err"
crashed "run, on_error: fail (the input listing)" in/0-crashme.h5 $?
[ -z "$(no_conversion_in out-fail)" ]
tap_result $? "run, on_error: fail: no conversion left"

LD_PRELOAD="$SHIM" "$RC_BIN" run skip.yaml --output out-skip --progress never >"$TMP/out" 2>"$TMP/err"
code=$?
"$PYTHON3" -c "import json,sys; m=json.load(open('out-skip/manifest.json')); \
sk=[s for s in m['skipped'] if s['source_file']=='in/0-crashme.h5' and 'HDF5 library crashed' in s['reason']]; \
sys.exit(0 if len(m['episodes'])==4 and len(sk)==1 else 1)" 2>/dev/null
tap_result $? "run, on_error: skip: the file is a skip record naming the crash, the 4 good episodes converted (got $code)"

sed 's/^stages:/stats: {quantiles: exact}\nstages:/' skip.yaml >exact.yaml
LD_PRELOAD="$SHIM" "$RC_BIN" run exact.yaml --output out-exact --progress never >"$TMP/out" 2>"$TMP/err"
code=$?
[ "$code" -eq 0 ] && [ -e out-exact/manifest.json ]
tap_result $? "run with exact quantiles, on_error: skip: the memory estimate survives the crash (got $code)"

for t in 0 1; do
    LD_PRELOAD="$SHIM" "$RC_BIN" run fail.yaml --output out-task --shard $t/2 --progress never >"$TMP/out" 2>"$TMP/err"
    echo $? >"$TMP/code$t"
done
c0=$(cat "$TMP/code0") c1=$(cat "$TMP/code1")
{ [ "$c0" -eq 2 ] || [ "$c1" -eq 2 ]; } && [ "$c0" -le 2 ] && [ "$c1" -le 2 ]
tap_result $? "run --shard I/2: the partition survives the crash; the task given the file exits 2 (got $c0, $c1)"

LD_PRELOAD="$SHIM" "$RC_BIN" scan fail.yaml >"$TMP/out" 2>"$TMP/err"
crashed "scan SPEC" in/0-crashme.h5 $?
LD_PRELOAD="$SHIM" "$RC_BIN" scan in >"$TMP/out" 2>"$TMP/err"
crashed "scan DIR" in/0-crashme.h5 $?

# shards: a good conversion, one shard renamed so that opening it crashes
RC_SHIM_CRASH_OPEN= "$RC_BIN" run fail.yaml --input good --output conv --progress never >/dev/null 2>&1
cp -r conv gold
mv conv/shard-00000.h5 conv/shard-crashme.h5
sed -i 's/shard-00000\.h5/shard-crashme.h5/' conv/manifest.json
LD_PRELOAD="$SHIM" "$RC_BIN" inspect conv/shard-crashme.h5 >"$TMP/out" 2>"$TMP/err"
crashed "inspect SHARD" conv/shard-crashme.h5 $?
LD_PRELOAD="$SHIM" "$RC_BIN" inspect conv/shard-crashme.h5 --json >"$TMP/out" 2>"$TMP/err"
crashed "inspect SHARD --json" conv/shard-crashme.h5 $?
LD_PRELOAD="$SHIM" "$RC_BIN" verify conv gold >"$TMP/out" 2>"$TMP/err"
crashed "verify (an output folder from someone else is untrusted)" conv/shard-crashme.h5 $?
LD_PRELOAD="$SHIM" "$RC_BIN" inspect gold/shard-00000.h5 >"$TMP/out" 2>"$TMP/err"
code=$?
[ "$code" -eq 0 ] && grep -q . "$TMP/out"
tap_result $? "inspect of a shard that opens: its output is written once the command ends (got $code)"
unset RC_SHIM_CRASH_OPEN
"$RC_BIN" inspect gold/shard-00000.h5 >/dev/full 2>"$TMP/err"
code=$?
[ "$code" -eq 3 ] && grep -q "writing the output failed" "$TMP/err"
tap_result $? "inspect into a full device (/dev/full): exit 3, not 0 (the held-back output could not be written; got $code)"

[ -z "$(find . -name 'core*' -type f)" ]
tap_result $? "no core file left by any crash (core dumps allowed: ulimit -c $(ulimit -c))"

# --- run --readers 0: the inputs read in the run's own process ---
"$RC_BIN" run fail.yaml --input good --output r0 --readers 0 --progress never --report r0.json >/dev/null 2>"$TMP/err"
code=$?
"$PYTHON3" -c "import json,sys; r=json.load(open('r0.json')); \
sys.exit(0 if r['readers']==0 and r['reader_processes']==[] and r['read_paths']['direct']['reads']>0 else 1)" 2>/dev/null
tap_result $? "--readers 0: runs (got $code), the report has no reader process and counts the reads"
diff -r gold r0 >/dev/null
tap_result $? "--readers 0: the output is byte for byte the one read through reader processes"
expect_exit 1 "--readers -1 is refused" "$RC_BIN" run fail.yaml --readers -1
tap_done
