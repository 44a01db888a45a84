# lib.sh — TAP helpers for the shell tests (sourced): each expect_* prints one ok/not ok line.
tap_n=0
tap_failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rc-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
RC_VERSION=$("$RC_BIN" --version | sed 's/^robocache-convert //')

tap_result() { # COND(0=pass) DESC
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"; else echo "not ok $tap_n - $2"; tap_failed=$((tap_failed + 1)); fi
}
diag() { echo "$*" | sed 's/^/# /'; }

# expect_exit CODE DESC CMD... : the command exits with CODE
expect_exit() {
    want=$1; desc=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
    [ "$got" -eq "$want" ]; r=$?
    tap_result $r "$desc (exit $want)"
    [ $r -eq 0 ] || { diag "got exit $got: $*"; diag "$(cat "$TMP/err")"; }
}
# expect_out DESC TEXT CMD... : stdout contains TEXT (fixed string)
expect_out() {
    desc=$1; text=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    grep -qF -- "$text" "$TMP/out"; r=$?
    tap_result $r "$desc"
    [ $r -eq 0 ] || { diag "stdout lacks: $text"; diag "$(head -20 "$TMP/out")"; }
}
# expect_err DESC TEXT CMD... : stderr contains TEXT (fixed string)
expect_err() {
    desc=$1; text=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    grep -qF -- "$text" "$TMP/err"; r=$?
    tap_result $r "$desc"
    [ $r -eq 0 ] || { diag "stderr lacks: $text"; diag "$(head -20 "$TMP/err")"; }
}
# check DESC CMD... : the command succeeds
check() {
    desc=$1; shift
    "$@" >"$TMP/out" 2>"$TMP/err"; r=$?
    tap_result $r "$desc"
    [ $r -eq 0 ] || { diag "failed: $*"; diag "$(tail -20 "$TMP/err")"; }
}
tap_done() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }
# action_spec RAW_DIR OUT_DIR: prints a one-stage spec (action resampled linearly at 50 Hz) over
# the robocache-raw folder RAW_DIR, writing to OUT_DIR.
action_spec() {
    printf 'version: 1\ninput: {dir: %s, layout: robocache-raw}\noutput: {dir: %s}\ntimeline: {rate_hz: 50}\n' "$1" "$2"
    printf 'stages:\n  - resample: {name: action, stream: action, method: linear}\n'
}
