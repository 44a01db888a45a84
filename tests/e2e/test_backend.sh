#!/bin/sh
# test_backend.sh — backend selection as the CLI reports it: cpu always runs; cuda either runs
# (a GPU node) or fails with exit 4 and the reason — never a silent fallback; auto says which
# backend ran.
. "$RC_SRCDIR/tests/lib.sh"

"$RC_BIN" synth "$TMP/raw" --preset tiny --episodes 1 --seconds 1 --seed 3 >/dev/null 2>&1
cat > "$TMP/p.yaml" <<YAML
version: 1
input: {dir: raw, layout: robocache-raw}
output: {dir: out, shard_max_episodes: 4}
timeline: {rate_hz: 20, span: intersection}
stages:
  - resample: {name: action, stream: action, method: linear}
YAML
expect_exit 0 "--backend cpu runs" "$RC_BIN" run "$TMP/p.yaml" --backend cpu --output "$TMP/o1"
expect_err "--backend cpu says it ran on cpu" "backend: cpu" "$RC_BIN" run "$TMP/p.yaml" --backend cpu --output "$TMP/o2"
if "$RC_BIN" info | grep -q "^backend auto: cpu"; then
    expect_exit 4 "--backend cuda without a usable device" "$RC_BIN" run "$TMP/p.yaml" --backend cuda --output "$TMP/o3"
    expect_err "--backend cuda says why it cannot run" "CUDA" "$RC_BIN" run "$TMP/p.yaml" --backend cuda --output "$TMP/o4"
    [ ! -e "$TMP/o3/manifest.json" ]; tap_result $? "--backend cuda wrote nothing"
    expect_err "--backend auto falls back to cpu and says so" "backend: cpu (" "$RC_BIN" run "$TMP/p.yaml" --output "$TMP/o5"
else
    expect_exit 0 "--backend cuda runs on this GPU node" "$RC_BIN" run "$TMP/p.yaml" --backend cuda --output "$TMP/o3"
    expect_err "--backend auto picks cuda here" "backend: cuda" "$RC_BIN" run "$TMP/p.yaml" --output "$TMP/o5"
fi
expect_exit 1 "--backend opencl is bad usage" "$RC_BIN" run "$TMP/p.yaml" --backend opencl
expect_exit 1 "--threads 0 is bad usage" "$RC_BIN" run "$TMP/p.yaml" --threads 0
expect_exit 1 "--shard 2/2 (index not below the count) is bad usage" "$RC_BIN" run "$TMP/p.yaml" --shard 2/2
expect_exit 1 "missing SPEC" "$RC_BIN" run
expect_exit 1 "a spec that does not exist" "$RC_BIN" run "$TMP/nope.yaml"
expect_exit 0 "FILE.yaml alone means run FILE.yaml" "$RC_BIN" "$TMP/p.yaml" --backend cpu --output "$TMP/o6"
[ -f "$TMP/o6/manifest.json" ]; tap_result $? "the short form wrote a manifest"
tap_done
