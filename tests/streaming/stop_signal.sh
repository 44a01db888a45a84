#!/bin/sh
# stop_signal.sh — SIGINT and SIGTERM during a streaming run: the run stops (every thread), exits
# 128 + the signal's number saying it was interrupted, removes the shard it was writing (no
# temporary file is left) and writes a manifest marked incomplete (docs/RELIABILITY.md).  The
# signal is sent once the writer's temporary shard exists, so the run is mid-way.
. "$RC_SRCDIR/tests/lib.sh"

"$RC_BIN" synth "$TMP/raw" --preset tiny --episodes 24 --seconds 3 --seed 2 >/dev/null 2>&1
tap_result $? "synth 24 episodes"
cat >"$TMP/s.yaml" <<YAML
version: 1
input: {dir: raw, layout: robocache-raw}
output: {dir: out, shard_max_episodes: 1000}
on_error: fail
timeline: {rate_hz: 50, span: intersection}
stages:
  - fuse:
      name: observation
      dtype: float32
      streams:
        - {name: joint_pos, method: linear}
  - voxelize:
      name: lidar
      stream: lidar
      range: [[-20, 20], [-20, 20], [-2, 4]]
      voxel_size: [0.1, 0.1, 0.2]
      mode: count
      layout: dense
stats: true
YAML

for sig in INT TERM; do
    out="$TMP/out-$sig"
    "$RC_BIN" run "$TMP/s.yaml" --backend cpu --threads 1 --buffers 2 --output "$out" --progress never \
        >"$TMP/o-$sig" 2>"$TMP/e-$sig" &
    pid=$!
    n=0
    while [ $n -lt 600 ] && ! ls "$out" 2>/dev/null | grep -q '\.tmp\.'; do sleep 0.05; n=$((n + 1)); done
    ls "$out" 2>/dev/null | grep -q '\.tmp\.'
    tap_result $? "SIG$sig: the run is writing its first shard"
    kill -"$sig" $pid
    wait $pid
    code=$?
    want=$((128 + $(kill -l "$sig")))
    [ $code -eq $want ]
    tap_result $? "SIG$sig: exit $want"
    [ $code -eq $want ] || diag "exit $code: $(tail -3 "$TMP/e-$sig")"
    grep -q "interrupted" "$TMP/e-$sig"
    tap_result $? "SIG$sig: the message says it was interrupted"
    left=$(ls -A "$out" 2>/dev/null | grep -v '^manifest.json$')
    [ -z "$left" ] && grep -q '"complete": false' "$out/manifest.json"
    tap_result $? "SIG$sig: the unfinished shard is removed, the manifest is marked incomplete"
    [ -z "$left" ] || diag "left: $left"
done
tap_done
