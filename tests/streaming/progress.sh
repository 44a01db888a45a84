#!/bin/sh
# progress.sh — --progress always on a stderr that is no terminal prints plain "progress:" lines
# (no carriage returns) ending with every episode done; never (and auto, off a terminal) prints
# none; auto on a terminal rewrites one line in place; --buffers takes integers >= 2 only.
. "$RC_SRCDIR/tests/lib.sh"

"$RC_BIN" synth "$TMP/raw" --preset tiny --episodes 3 --seconds 2 --seed 5 >/dev/null 2>&1
tap_result $? "synth 3 episodes"
cat >"$TMP/s.yaml" <<YAML
version: 1
input: {dir: raw, layout: robocache-raw}
output: {dir: out, shard_max_episodes: 2}
timeline: {rate_hz: 50, span: intersection}
stages:
  - resample: {name: action, stream: action, method: linear}
YAML
cd "$TMP" || exit 1
check "--progress always" "$RC_BIN" run s.yaml --backend cpu --output a --progress always
grep -q '^progress: episodes 3/3 (100%), ' "$TMP/err"
tap_result $? "the last progress line counts 3 of 3 episodes"
grep -q "$(printf '\r')" "$TMP/err"
[ $? -ne 0 ]
tap_result $? "off a terminal the lines are plain (no carriage return)"
check "--progress never" "$RC_BIN" run s.yaml --backend cpu --output b --progress never
grep -q '^progress:' "$TMP/err"
[ $? -ne 0 ]
tap_result $? "--progress never prints no progress"
check "--progress auto" "$RC_BIN" run s.yaml --backend cpu --output c
grep -q '^progress:' "$TMP/err"
[ $? -ne 0 ]
tap_result $? "--progress auto prints none when stderr is no terminal"
# On a terminal (script(1) gives the run a pseudo-terminal): one line rewritten in place.
if command -v script >/dev/null 2>&1; then
    script -qc "'$RC_BIN' run s.yaml --backend cpu --output t" /dev/null >"$TMP/tty" 2>&1
    tr -d '\n' <"$TMP/tty" | grep -q "$(printf '\r')episodes 3/3 (100%), .*$(printf '\033')\[K"
    tap_result $? "on a terminal the line is rewritten in place (carriage return, erase to end of line)"
else
    echo "ok $((tap_n + 1)) - # SKIP script(1) is not installed"
    tap_n=$((tap_n + 1))
fi
expect_exit 1 "--buffers 1 is refused" "$RC_BIN" run s.yaml --backend cpu --output d --buffers 1
expect_err "--buffers x is refused, naming the option" "--buffers" "$RC_BIN" run s.yaml --output d --buffers x
check "--buffers 2 runs" "$RC_BIN" run s.yaml --backend cpu --output e --buffers 2 --progress never
tap_done
