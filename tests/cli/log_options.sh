#!/bin/sh
# log_options.sh — -q/--quiet and -v/--verbose work anywhere on the line for every command:
# -q prints errors only (no end-of-run summary, no notices, errors still shown), -v adds one
# line per episode written; every command's --help lists both.  synth shows progress with
# --progress always.
. "$RC_SRCDIR/tests/lib.sh"

cd "$TMP" || exit 1
"$RC_BIN" synth raw --preset tiny --episodes 3 --seconds 1 >/dev/null 2>&1 || echo "Bail out! synth failed"
action_spec raw train >good.yaml

"$RC_BIN" run good.yaml >out 2>err
r=$?
[ $r -eq 0 ] && grep -q "episodes in 1 shards" err && ! grep -q "^robocache-convert: episode " err
tap_result $? "run without -q/-v prints the summary and no per-episode lines (exit $r)"
for form in "run good.yaml --force -q" "-q run good.yaml --force" "run -q good.yaml --force" \
    "good.yaml --force --quiet"; do
    # shellcheck disable=SC2086 # the words of $form are the command line
    "$RC_BIN" $form >out 2>err
    r=$?
    [ $r -eq 0 ] && [ ! -s err ] && [ ! -s out ]
    tap_result $? "'$form' prints nothing (exit $r)"
    [ -s err ] && diag "$(head -3 err)"
done
sed 's/dir: raw,/dir: missing,/' good.yaml >missing.yaml
"$RC_BIN" run missing.yaml -q >out 2>err
r=$?
[ $r -eq 3 ] && grep -q "error: .*missing" err
tap_result $? "-q still prints errors (exit $r)"

for form in "run good.yaml --force -v" "-v run good.yaml --force" "good.yaml --verbose --force"; do
    # shellcheck disable=SC2086
    "$RC_BIN" $form >out 2>err
    r=$?
    n=$(grep -c "^robocache-convert: episode ep-00000[0-2] of raw/raw-0000[01].h5: [0-9]* steps, split train, in shard-00000.h5$" err)
    [ $r -eq 0 ] && [ "$n" -eq 3 ] && grep -q "episodes in 1 shards" err
    tap_result $? "'$form' adds one line per episode ($n of 3, exit $r)"
done
"$RC_BIN" run good.yaml --force -q -v >out 2>err
[ "$(grep -c "^robocache-convert: episode " err)" -eq 3 ]
tap_result $? "the last of -q and -v wins"

for cmd in run validate verify inspect synth merge-manifests info scan; do
    "$RC_BIN" "$cmd" --help -q >out 2>err
    r=$?
    [ $r -eq 0 ] && grep -q -- "^  -q, --quiet  *print errors only" out && grep -q -- "^  -v, --verbose  *also print a line per episode" out
    tap_result $? "$cmd --help lists -q and -v (exit $r)"
done
"$RC_BIN" --help >out
grep -q -- "^  -q, --quiet" out && grep -q -- "^  -v, --verbose" out
tap_result $? "the top-level --help lists -q and -v"
"$RC_BIN" -q --bogus >out 2>err
r=$?
[ $r -eq 1 ] && [ "$(cat err)" = "robocache-convert: unknown option '--bogus' (try --help)" ]
tap_result $? "an unknown top-level option beside -q is still refused (exit $r)"
"$RC_BIN" validate good.yaml -q >out 2>err
r=$?
[ $r -eq 0 ] && grep -q "good.yaml: ok" out
tap_result $? "validate SPEC -q is accepted and keeps its result on stdout (exit $r)"

"$RC_BIN" synth s1 --preset tiny --episodes 3 --seconds 1 --progress always >out 2>err
r=$?
[ $r -eq 0 ] && grep -q "^progress: episodes 3/3 (100%), [0-9.]* episodes/s, [0-9.]* s$" err
tap_result $? "synth --progress always ends with a progress line (exit $r)"
[ $r -eq 0 ] || diag "$(cat err)"
"$RC_BIN" synth s2 --preset tiny -q >out 2>err
r=$?
[ $r -eq 0 ] && [ ! -s err ] && [ -f s2/raw-00000.h5 ]
tap_result $? "synth -q prints no notice and no progress (exit $r)"
"$RC_BIN" synth s3 --preset tiny --episodes 3 --seconds 1 --progress never >out 2>err
cmp -s s1/raw-00001.h5 s3/raw-00001.h5 && cmp -s s1/raw-00000.h5 s3/raw-00000.h5 && [ ! -s err ]
tap_result $? "synth writes the same bytes with and without progress"
expect_exit 1 "synth --progress with a bad value" "$RC_BIN" synth s4 --progress sometimes
tap_done
