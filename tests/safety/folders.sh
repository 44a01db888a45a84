#!/bin/sh
# folders.sh — the folder rules of docs/RELIABILITY.md: one run per output folder (a lock held
# for the run; a second run exits 3 naming the folder and the holder's pid; the tasks of one
# sharded run lock only their own files); an output folder that is the input folder refused
# (exit 1), one inside it left out of the input listing; --report and --trace checked before
# converting (a writable folder, never inside the output folder: exit 1) and written under a
# temporary name then renamed; input that is not HDF5 leaves no output folder; a broken stderr
# never stops a conversion.  Runs are held at a known point by the fault shim (signals.sh).
. "$RC_SRCDIR/tests/lib.sh"
. "$RC_SRCDIR/tests/safety/safety_lib.sh"

make_input "$TMP/raw" 4
write_spec "$TMP/spec.yaml" "$TMP/raw" 2
(cd "$TMP/raw" && cksum ./*.h5 | sort) >"$TMP/raw.sum"

# hold OUT K [OPTION...]: a run held at its K-th temporary file (run_held).
hold() {
    dir=$1 k=$2
    shift 2
    run_held "$k" "$TMP/mark.$(date +%s%N)" "$TMP/spec.yaml" --output "$dir" "$@"
}

# ---- the output folder's lock
hold "$TMP/locked" 1
tap_result $? "lock: a first run is held writing its first shard"
t0=$(date +%s)
expect_exit 3 "lock: a second run into the same folder fails" \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/locked" --progress never
[ $(($(date +%s) - t0)) -lt 20 ] && grep "error:" "$TMP/err" | grep "$TMP/locked" | grep -q "pid $pid"
tap_result $? "lock: at once, naming the folder and the holder's pid"
[ $? -eq 0 ] || diag "$(cat "$TMP/err")"
kill -s TERM "$pid"
wait "$pid"
check "lock: once the first run has ended, a run into the folder works" \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/locked" --resume --progress never
[ ! -e "$TMP/locked/.robocache.lock" ]
tap_result $? "lock: the lock file is removed at the end of the run"

hold "$TMP/tasks" 1 --shard 0/2
tap_result $? "lock: task 0 of 2 is held writing its first shard"
check "lock: task 1 of 2 runs beside it in the same folder" \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/tasks" --shard 1/2 --progress never
expect_exit 3 "lock: a second task 0 of 2 in that folder fails" \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/tasks" --shard 0/2 --progress never
grep -q "pid $pid" "$TMP/err"
tap_result $? "lock: naming task 0's pid"
kill -s TERM "$pid"
wait "$pid"

# ---- output folder equal to or inside the input folder
ln -s "$TMP/raw" "$TMP/raw-link"
for out in "$TMP/raw" "$TMP/raw-link" "$TMP/raw/../raw"; do
    expect_exit 1 "output $out (the input folder) is refused" \
        "$RC_BIN" run "$TMP/spec.yaml" --output "$out" --force --progress never
    grep "error:" "$TMP/err" | grep -q "the output folder is the input folder"
    tap_result $? "the message for $out says why"
done
# Inside the input folder: its files are left out of the input, so a second run (pattern *.h5,
# which matches the first run's shards) converts the same episodes, and --force removes only
# the first run's outputs.
check "output inside the input folder: a first run" \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/raw/sub/out" --progress never
check "a second run with --force, through a symbolic link to the input folder" \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/raw-link/sub/out" --force --progress never
grep -q "2 file(s) in the output folder .* left out of the input" "$TMP/err" &&
    "$PYTHON3" -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit(len(m["episodes"]) != 4 or any("/sub/" in e["source_file"] for e in m["episodes"]))' \
        "$TMP/raw/sub/out/manifest.json"
tap_result $? "its own 2 shards were left out of the input: 4 episodes, all from the input files"
(cd "$TMP/raw" && cksum ./*.h5 | sort) >"$TMP/raw.after"
cmp -s "$TMP/raw.sum" "$TMP/raw.after"
tap_result $? "the input files are untouched (none removed by --force)"
rm -rf "$TMP/raw/sub" # the later runs write elsewhere: this output would be input to them

# ---- --report and --trace
check "a conversion to protect" "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/conv" --progress never
cksum "$TMP/conv/shard-00000.h5" >"$TMP/shard.sum"
expect_exit 1 "--report naming a shard of the output folder is refused" \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/conv" --force --report "$TMP/conv/shard-00000.h5" --progress never
grep -q "may not be inside the output folder" "$TMP/err" && cksum "$TMP/conv/shard-00000.h5" | cmp -s - "$TMP/shard.sum"
tap_result $? "... with the reason, and the shard is left as it was"
expect_exit 1 "--trace inside the output folder (another spelling) is refused" \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/conv" --force --trace "$TMP/conv/../conv/t.json" --progress never
expect_exit 1 "--trace into a missing folder is refused before converting" \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/fresh" --trace "$TMP/missing/t.json" --progress never
grep -q "$TMP/missing does not exist" "$TMP/err" && [ ! -e "$TMP/fresh" ]
tap_result $? "... naming the folder, with no output folder made"
mkdir -p "$TMP/adir"
expect_exit 1 "--report naming a folder is refused" \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/fresh" --report "$TMP/adir" --progress never
# Written under a temporary name and renamed: a second hard link to the earlier file keeps the
# earlier content (writing in place would change both names' content).
echo "earlier report" >"$TMP/r.json"
ln "$TMP/r.json" "$TMP/r-earlier.json"
check "--report over an earlier file" "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/rep" --report "$TMP/r.json" --progress never
[ "$(cat "$TMP/r-earlier.json")" = "earlier report" ] &&
    "$PYTHON3" -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/r.json" &&
    [ -z "$(find "$TMP" -maxdepth 1 -name 'r.json.tmp.*')" ]
tap_result $? "--report: a new file renamed over the earlier one (not written in place), no temporary file left"

# ---- input that is not HDF5
mkdir -p "$TMP/nothdf5"
echo "not an HDF5 file" >"$TMP/nothdf5/a.h5"
cp "$TMP/raw"/*.h5 "$TMP/nothdf5/" 2>/dev/null
write_spec "$TMP/bad.yaml" "$TMP/nothdf5" 2
expect_exit 2 "input that is not HDF5" "$RC_BIN" run "$TMP/bad.yaml" --output "$TMP/none" --progress never
[ ! -e "$TMP/none" ]
tap_result $? "no output folder is left behind"

# ---- a broken stderr
"$PYTHON3" -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)  # nobody reads: every write to stderr fails with EPIPE (and raises SIGPIPE)
sys.exit(subprocess.call(sys.argv[1:], stdout=w, stderr=w) & 255)' \
    "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/broken" --progress always
code=$?
tap_result $([ "$code" -eq 0 ]; echo $?) "stderr with no reader: the run still ends with exit 0 (got $code)"
[ -f "$TMP/broken/manifest.json" ] && [ -f "$TMP/broken/shard-00001.h5" ]
tap_result $? "stderr with no reader: shards and manifest written"
"$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/head" --progress always 2>&1 | head -1 >/dev/null
[ -f "$TMP/head/manifest.json" ] && [ -f "$TMP/head/shard-00001.h5" ]
tap_result $? "run ... 2>&1 | head -1: shards and manifest written"
check "both are verify-equal to a run with a working stderr" "$RC_BIN" verify "$TMP/broken" "$TMP/conv"
check "... the second too" "$RC_BIN" verify "$TMP/head" "$TMP/conv"
tap_done
