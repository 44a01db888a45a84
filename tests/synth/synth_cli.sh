#!/bin/sh
# synth_cli.sh — `robocache-convert synth`: same options give the same bytes (cmp), another seed
# gives other bytes, episodes split into shards per the preset, the summary line matches the
# files written, and bad options exit 1 (missing DIR, bad --episodes/--seconds, unknown preset)
# while an unwritable DIR exits 3 (docs/SPEC.md §2).
. "$RC_SRCDIR/tests/lib.sh"

S="$RC_BIN synth"
check "tiny, seed 5" $S "$TMP/a" --preset tiny --seed 5 --episodes 3
summary=$(cat "$TMP/out")
check "tiny, seed 5 again" $S "$TMP/b" --preset tiny --seed 5 --episodes 3
check "tiny, seed 6" $S "$TMP/c" --preset tiny --seed 6 --episodes 3
ls "$TMP/a" >"$TMP/list"
[ "$(cat "$TMP/list" | tr '\n' ' ')" = "raw-00000.h5 raw-00001.h5 " ]; tap_result $? "3 tiny episodes at 2 per shard: raw-00000.h5, raw-00001.h5"
for f in raw-00000.h5 raw-00001.h5; do
    cmp -s "$TMP/a/$f" "$TMP/b/$f"; tap_result $? "same seed, same bytes: $f"
    cmp -s "$TMP/a/$f" "$TMP/c/$f"; [ $? -eq 1 ]; tap_result $? "other seed, other bytes: $f"
done
check "tiny, seed 5, 2 episodes" $S "$TMP/two" --preset tiny --seed 5 --episodes 2
cmp -s "$TMP/a/raw-00000.h5" "$TMP/two/raw-00000.h5"; tap_result $? "an episode's bytes do not depend on --episodes"
bytes=$(cat "$TMP/a"/raw-*.h5 | wc -c)
case "$summary" in
*"2 files, 3 episodes"*"$bytes bytes"*) tap_result 0 "summary names files, episodes and bytes ($bytes)" ;;
*) tap_result 1 "summary names files, episodes and bytes ($bytes)"; diag "$summary" ;;
esac
check "--episodes/--seconds override the preset" $S "$TMP/d" --preset demo --episodes 1 --seconds 0.25
expect_out "override shows in the summary" "1 files, 1 episodes of 0.25 s (preset demo" $S "$TMP/d" --preset demo --episodes 1 --seconds 0.25

expect_exit 0 "--help" $S --help
expect_out "--help lists the presets" "--preset NAME" $S --help
expect_exit 1 "missing DIR" $S --preset tiny
expect_err "missing DIR is named" "missing the output folder DIR" $S --preset tiny
for bad in 0 -2 abc 1.5 ""; do
    expect_exit 1 "--episodes '$bad'" $S "$TMP/e" --episodes "$bad"
done
for bad in 0 -1 nan inf 1e400 abc ""; do
    expect_exit 1 "--seconds '$bad'" $S "$TMP/e" --seconds "$bad"
done
expect_exit 1 "--seed -1" $S "$TMP/e" --seed -1
expect_exit 1 "unknown preset" $S "$TMP/e" --preset huge
expect_err "unknown preset lists the known ones" "expected one of tiny, demo, bench" $S "$TMP/e" --preset huge
expect_exit 1 "unknown option" $S "$TMP/e" --frames 3
expect_exit 1 "two folders" $S "$TMP/e" "$TMP/f"
[ ! -e "$TMP/e" ]; tap_result $? "bad options write nothing"
: >"$TMP/file"
expect_exit 3 "DIR is a regular file" $S "$TMP/file" --preset tiny
expect_err "the I/O error names the folder" "$TMP/file" $S "$TMP/file" --preset tiny
# Missing parent folders are created (scripts/demo writes demo/raw on a fresh clone).
check "DIR with missing parents" $S "$TMP/new/deeper/raw" --preset tiny --episodes 1 --seconds 0.5
[ -f "$TMP/new/deeper/raw/raw-00000.h5" ]; tap_result $? "the nested DIR holds the shard"
expect_exit 3 "a parent that is a regular file" $S "$TMP/file/raw" --preset tiny
tap_done
