#!/bin/sh
# first_contact.sh — small command-line behaviours a new user meets first: `validate -` reads
# the spec from standard input (errors named <stdin>); `scan` on a missing input folder, given
# directly or by the spec, exits 3 as `run` does (a missing spec file stays exit 1); the
# top-level usage shows synth's defaults; synth with no size option says what it will write.
. "$RC_SRCDIR/tests/lib.sh"

cd "$TMP" || exit 1
action_spec raw train >good.yaml
"$RC_BIN" validate - <good.yaml >"$TMP/out" 2>"$TMP/err"
r=$?
[ $r -eq 0 ] && grep -qx "<stdin>: ok (1 stage: resample action)" "$TMP/out"
tap_result $? "validate - reads a valid spec from standard input (exit $r)"
sed 's/method: linear/method: linaer/' good.yaml | "$RC_BIN" validate - >"$TMP/out" 2>"$TMP/err"
r=$?
[ $r -eq 1 ] && grep -qF "<stdin>:6:54: key 'stages[0].resample.method'" "$TMP/err" &&
    [ "$(tail -n 1 "$TMP/err")" = "<stdin>: 1 error" ]
tap_result $? "validate - names <stdin>:LINE:COL in its errors (exit $r)"
[ $r -eq 1 ] || diag "$(cat "$TMP/err")"

sed 's/dir: raw,/dir: missing,/' good.yaml >missing.yaml
expect_exit 3 "run with a missing input folder" "$RC_BIN" run missing.yaml
expect_exit 3 "scan SPEC with a missing input folder, as run" "$RC_BIN" scan missing.yaml
expect_err "scan SPEC names the folder" "cannot open input folder 'missing'" "$RC_BIN" scan missing.yaml
expect_exit 3 "scan of a missing DIR" "$RC_BIN" scan nowhere
expect_exit 1 "scan of a missing spec file stays a bad spec" "$RC_BIN" scan nowhere.yaml

"$RC_BIN" --help >"$TMP/out"
grep -qF "synth DIR [--episodes N] [--seconds S] [--seed K] [--preset tiny|demo|bench]" "$TMP/out" &&
    grep -qF "defaults: preset demo (6 episodes x 8 s, about 550 MB), seed 0" "$TMP/out"
tap_result $? "--help shows synth's options as optional and its defaults"
"$RC_BIN" synth s1 --preset tiny --seed 4 >"$TMP/out" 2>"$TMP/err"
grep -qF "writing 2 episodes of 3 s (preset tiny, seed 4) into s1, 2 per file" "$TMP/err"
tap_result $? "synth with no size option says what it will write"
"$RC_BIN" synth s2 --preset tiny --episodes 1 --seconds 1 >"$TMP/out" 2>"$TMP/err"
[ ! -s "$TMP/err" ]; tap_result $? "synth with size options writes no such line"
tap_done
