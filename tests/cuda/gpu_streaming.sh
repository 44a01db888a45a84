#!/bin/sh
# gpu_streaming.sh — (make check-gpu, on a GPU node) the streaming pipeline on the CUDA backend:
# the slots' shared memory page-locked in place (one cudaHostRegister per slot: the report's
# slot_pins, none refused), the copy-in / kernel / copy-out streams and batched fuse launches
# give byte-identical shards and manifest whatever the buffers and workers (2 vs 5 buffers,
# 1 vs 6 workers), and the same content as the CPU backend (manifests equal apart from the
# backend name and shard sizes; every dataset digest equal); the trace has the CUDA stream tracks.
. "$RC_SRCDIR/tests/lib.sh"

"$RC_BIN" synth "$TMP/raw" --preset tiny --episodes 9 --seconds 3 --seed 31 >/dev/null 2>&1
tap_result $? "synth 9 episodes"
cat >"$TMP/s.yaml" <<YAML
version: 1
input: {dir: raw, layout: robocache-raw}
output: {dir: out, shard_max_episodes: 4}
on_error: fail
timeline: {rate_hz: 50, span: intersection}
stages:
  - fuse:
      name: observation
      dtype: float16
      max_gap_ms: 100
      streams:
        - {name: joint_pos, method: linear}
        - {name: gripper, method: previous}
        - {name: base_quat, method: slerp}
  - resample: {name: action, stream: action, method: linear}
  - voxelize:
      name: lidar
      stream: lidar
      range: [[-20, 20], [-20, 20], [-2, 4]]
      voxel_size: [0.25, 0.25, 0.25]
      mode: points
      layout: dense
      max_points_per_voxel: 8
      max_voxels: 3000
stats: true
YAML
cd "$TMP" || exit 1
for cfg in "1 2" "6 5" "3 3"; do
    set -- $cfg
    "$RC_BIN" run s.yaml --backend cuda --threads "$1" --buffers "$2" --output "cuda-$1-$2" --progress never \
        --trace "trace-$1-$2.json" --report "rep-$1-$2.json" >/dev/null 2>"err-$1-$2"
    r=$?
    tap_result $r "cuda --threads $1 --buffers $2 runs"
    [ $r -eq 0 ] || diag "$(tail -5 "err-$1-$2")"
    # every slot that held an episode was page-locked at least once (growth adds more), none refused
    pins=$(sed -n 's/.*"slot_pins": *\([0-9]*\).*/\1/p' "rep-$1-$2.json")
    refused=$(sed -n 's/.*"slot_pins_refused": *\([0-9]*\).*/\1/p' "rep-$1-$2.json")
    [ "${pins:-0}" -ge "$2" ] && [ "${refused:-1}" -eq 0 ]
    tap_result $? "cuda --buffers $2: the slots' shared memory is page-locked in place ($pins pins, $refused refused)"
done
"$RC_BIN" run s.yaml --backend cpu --threads 2 --buffers 2 --output cpu --progress never >/dev/null 2>err-cpu
tap_result $? "cpu reference run"
for d in cuda-6-5 cuda-3-3; do
    same=0
    for f in cuda-1-2/*; do cmp -s "$f" "$d/$(basename "$f")" || same=1; done
    [ "$(ls cuda-1-2 | wc -l)" -eq "$(ls "$d" | wc -l)" ] || same=1
    tap_result $same "$d: the same bytes as cuda-1-2 (every shard and the manifest)"
done
grep -v -e '"backend"' -e '"bytes"' cpu/manifest.json >m-cpu
grep -v -e '"backend"' -e '"bytes"' cuda-1-2/manifest.json >m-cuda
[ "$(grep -c '"content_sha256"' m-cpu)" -eq 9 ] && cmp -s m-cpu m-cuda
tap_result $? "cuda and cpu manifests equal (9 content digests, steps, statistics)"
same=0
for s in cpu/shard-*.h5; do
    "$RC_BIN" inspect "$s" | grep -v -e backend -e '^file:' >i-cpu
    "$RC_BIN" inspect "cuda-1-2/$(basename "$s")" | grep -v -e backend -e '^file:' >i-cuda
    cmp -s i-cpu i-cuda || same=1
done
tap_result $same "every shard has the same per-dataset digests on both backends"
for t in "cuda copy in" "cuda kernels" "cuda copy out"; do
    grep -q "\"$t\"" trace-3-3.json
    tap_result $? "the trace has the track '$t'"
done
tap_done
