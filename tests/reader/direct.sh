#!/bin/sh
# direct.sh — direct reads against H5Dread: make_direct_inputs.py (h5py) writes one dataset per
# layout, filter and fallback case; test_direct compares them, then every numeric dataset of the
# golden shards (our zstd encoding) and of the real robosuite file; last, a gzip-chunked copy of
# synth episodes converts to the same content digests as the original.  An installed HDF5 lz4 plugin
# (Debian: hdf5-filter-plugin) adds h5py-written lz4 cases.
. "$RC_SRCDIR/tests/lib.sh"
plugins=$HDF5_PLUGIN_PATH
for d in /usr/lib/x86_64-linux-gnu/hdf5/serial/plugins /usr/lib/x86_64-linux-gnu/hdf5/plugins; do
    [ -d "$d" ] && plugins="$plugins:$d"
done
export HDF5_PLUGIN_PATH="$plugins"
"$PYTHON3" "$RC_SRCDIR/tests/reader/make_direct_inputs.py" "$TMP/direct" ||
    { echo "Bail out! make_direct_inputs.py failed"; exit 1; }
set -- "$RC_SRCDIR"/tests/golden/expected/*/shard-*.h5
[ -f "$RC_SHARED_DATA/robosuite_v1.0_lift_panda_demo.hdf5" ] && set -- "$@" "$RC_SHARED_DATA/robosuite_v1.0_lift_panda_demo.hdf5"
# test_direct's lines first (its plan left for the end), then the end-to-end checks below.
"$RC_BUILDDIR/tests/reader/test_direct" "$TMP/direct" "$@" >"$TMP/direct.tap"
status=$?
grep -v '^1\.\.' "$TMP/direct.tap"
grep -q '^1\.\.' "$TMP/direct.tap" || { echo "Bail out! test_direct stopped early (exit $status)"; exit 1; }
tap_n=$(grep -c '^\(not \)\{0,1\}ok ' "$TMP/direct.tap")
tap_failed=$(grep -c '^not ok ' "$TMP/direct.tap")

# End to end: the same episodes stored gzip-chunked (h5py's chunk shapes, bench/make_inputs.py)
# convert to the same content digests as the contiguous originals.
"$RC_BIN" synth "$TMP/raw" --preset tiny --seed 3 >/dev/null 2>&1 &&
    "$PYTHON3" "$RC_SRCDIR/bench/make_inputs.py" gzip "$TMP/raw" "$TMP/raw-gzip" >/dev/null ||
    { echo "Bail out! cannot make the gzip-chunked copy"; exit 1; }
for d in raw raw-gzip; do
    "$RC_BIN" run "$RC_SRCDIR/pipelines/demo.yaml" --input "$TMP/$d" --output "$TMP/out-$d" --backend cpu \
        --progress never >/dev/null 2>"$TMP/err-$d"
    r=$?
    tap_result $r "convert the $d copy"
    [ $r -eq 0 ] || diag "$(cat "$TMP/err-$d")"
done
"$PYTHON3" - "$TMP/out-raw/manifest.json" "$TMP/out-raw-gzip/manifest.json" <<'PY'
import json, sys
try:
    a, b = ([e["content_sha256"] for e in json.load(open(p))["episodes"]] for p in sys.argv[1:])
except (OSError, ValueError, KeyError):
    sys.exit(1)
sys.exit(0 if a and a == b else 1)
PY
tap_result $? "the gzip-chunked copy converts to the same content digests as the original"
tap_done
