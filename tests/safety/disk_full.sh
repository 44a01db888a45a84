#!/bin/sh
# disk_full.sh — the disk fills up in the middle of `run`, after the first shards are committed:
# exit 3, one message line naming the shard and "No space left on device", no crash, and — the
# all-or-nothing rule of docs/DESIGN.md — no shard, manifest or temporary file of the run left,
# while a file the user keeps in the output folder and the input are untouched.  Two ways to
# fill the disk: fault_shim.so (writes fail with ENOSPC after N bytes; always) and a small tmpfs
# (when this process may mount one: root with CAP_SYS_ADMIN).
. "$RC_SRCDIR/tests/lib.sh"
. "$RC_SRCDIR/tests/safety/safety_lib.sh"
trap 'umount "$TMP/mnt" 2>/dev/null; rm -rf "$TMP"' EXIT

make_input "$TMP/raw" 6
write_spec "$TMP/spec.yaml" "$TMP/raw" 1
check "reference run (6 shards of 1 episode)" "$RC_BIN" run "$TMP/spec.yaml" --output "$TMP/ref" --progress never
first=$(wc -c <"$TMP/ref/shard-00000.h5")
sum_before=$(cat "$TMP"/raw/* | cksum)

# full_run NAME OUTDIR CMD...: runs CMD (a run into OUTDIR, which holds notes.txt) and checks it.
full_run() {
    name=$1; out=$2; shift 2
    "$@" --output "$out" --report "$TMP/$name.json" --progress never >"$TMP/out" 2>"$TMP/err"
    code=$?
    tap_result $([ "$code" -eq 3 ]; echo $?) "$name: exit 3 (I/O error), not a crash"
    [ "$code" -eq 3 ] || { diag "got exit $code"; diag "$(cat "$TMP/err")"; }
    grep 'error:' "$TMP/err" | grep 'shard-0000' | grep -q 'No space left on device'
    tap_result $? "$name: one error line names the shard and says 'No space left on device'"
    committed=$(report_int "$TMP/$name.json" shards_written)
    tap_result $([ "$committed" -ge 1 ]; echo $?) "$name: shards were committed before the disk filled ($committed)"
    left=$(no_conversion_in "$out")
    tap_result $([ -z "$left" ]; echo $?) "$name: all or nothing: no shard, manifest or temporary file is left"
    [ -z "$left" ] || diag "left: $left"
    cmp -s "$out/notes.txt" "$TMP/notes.txt"
    tap_result $? "$name: the user's file in the output folder is intact"
    [ "$(cat "$TMP"/raw/* | cksum)" = "$sum_before" ]
    tap_result $? "$name: the input is untouched"
}

echo "kept across runs" >"$TMP/notes.txt"
mkdir -p "$TMP/shim-out"
cp "$TMP/notes.txt" "$TMP/shim-out/"
# About two and a half shards of writes (HDF5 rewrites some metadata, so a little more is written
# than the files hold): shards 0 and 1 commit, shard 2 fails.
full_run "shim ENOSPC after $((first * 5 / 2)) bytes" "$TMP/shim-out" \
    env RC_SHIM_ENOSPC_AFTER=$((first * 5 / 2)) LD_PRELOAD="$SHIM" "$RC_BIN" run "$TMP/spec.yaml"

mkdir -p "$TMP/mnt"
kb=$(( (first * 3 / 1024 + 3) / 4 * 4 ))
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o "size=${kb}k" tmpfs "$TMP/mnt" 2>/dev/null; then
    cp "$TMP/notes.txt" "$TMP/mnt/"
    full_run "tmpfs of ${kb} KiB" "$TMP/mnt" "$RC_BIN" run "$TMP/spec.yaml"
    umount "$TMP/mnt"
else
    for what in "exit 3" "message" "committed first" "nothing left" "user's file" "input"; do
        tap_n=$((tap_n + 1))
        echo "ok $tap_n - tmpfs: $what # SKIP cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN); the shim covers ENOSPC"
    done
fi
tap_done
