#!/bin/sh
# invalid_specs.sh — every tests/spec/invalid/NAME.yaml must make `validate` exit 1, print each of
# its "# expect: TEXT" lines (as written by hand: FILE:LINE:COL: key 'PATH': message) on stderr,
# in that order (errors come in file order; an expect line may be the start of a long message),
# and end with "NAME.yaml: N error(s)" where N is "# expect-count: N" or else the number of
# expect lines — so a spec that yields extra or missing errors fails too.  The specs read their
# input from raw/ (or aloha/) beside them: a copy of the folder in $TMP gets a synthetic
# raw/raw-00000.h5 and an ALOHA episode file in aloha/, so
# stream names, kinds and widths are checked against it as `validate` does with input at hand.
. "$RC_SRCDIR/tests/lib.sh"

dir="$TMP/invalid"
cp -R "$RC_SRCDIR/tests/spec/invalid" "$dir" && chmod -R u+w "$dir" &&
    "$RC_BIN" synth "$dir/raw" --preset tiny --episodes 1 >/dev/null 2>&1 &&
    "$RC_BIN" synth "$dir/aloha" --preset aloha --episodes 1 --seconds 0.2 >/dev/null 2>&1 ||
    { echo "Bail out! cannot make the synthetic input under $dir"; exit 1; }
n_files=0
for f in "$dir"/*.yaml; do
    name=$(basename "$f")
    n_files=$((n_files + 1))
    (cd "$dir" && "$RC_BIN" validate "$name") >"$TMP/out" 2>"$TMP/err"
    rc=$?
    ok=0
    why=""
    [ "$rc" -eq 1 ] || { ok=1; why="exit $rc, expected 1"; }
    grep '^# expect: ' "$f" | sed 's/^# expect: //' >"$TMP/want"
    [ -s "$TMP/want" ] || { ok=1; why="$why; no '# expect:' line in the file"; }
    sed -n 's/^robocache-convert: error: //p' "$TMP/err" >"$TMP/got"
    i=0
    while IFS= read -r line; do
        i=$((i + 1))
        got=$(sed -n "${i}p" "$TMP/got")
        case "$got" in
        "$line"*) ;;
        *) ok=1; why="$why; error $i is not: $line" ;;
        esac
    done <"$TMP/want"
    count=$(sed -n 's/^# expect-count: //p' "$f")
    [ -n "$count" ] || count=$(wc -l <"$TMP/want" | tr -d ' ')
    if [ "$count" -eq 1 ]; then summary="$name: 1 error"; else summary="$name: $count errors"; fi
    [ "$(tail -n 1 "$TMP/err")" = "$summary" ] || { ok=1; why="$why; last line is not '$summary'"; }
    tap_result $ok "invalid/$name is rejected with its message"
    [ $ok -eq 0 ] || { diag "$why"; diag "$(cat "$TMP/err")"; }
done
[ "$n_files" -ge 25 ]
tap_result $? "at least 25 invalid specs ($n_files)"
tap_done
