#!/bin/sh
# gpu_e2e.sh — (make check-gpu, on a GPU node) the whole pipeline on synth data, once per
# backend: for every dtype, voxelize mode and layout and both spans, `--backend cuda` must give
# the same manifest (content digests, steps, statistics) and the same decoded shards (window
# packing included) as `--backend cpu`, apart from the backend names (and so the shard sizes);
# then image stages (crop and resize, area and bilinear, on kernels/image.cu; raw and JPEG) on
# synth ALOHA cameras, compared the same way.
# Fails when the CUDA backend cannot run.  RC_E2E_CASES (a number) runs only the first cases;
# RC_E2E_WRAP prefixes the cuda runs (gpu-session.sh runs them under compute-sanitizer that way);
# RC_E2E_READERS, when set, is the cuda runs' --readers (0 under the sanitizer: it does not follow
# the reader processes).
. "$RC_SRCDIR/tests/lib.sh"
cases_left=${RC_E2E_CASES:-99}

"$RC_BIN" synth "$TMP/raw" --preset tiny --episodes 3 --seconds 3 --seed 11 >/dev/null 2>&1
tap_result $? "synth tiny dataset"

# both_backends NAME DIGESTS: runs $TMP/NAME.yaml on cpu and cuda (output $TMP/NAME-cpu, -cuda)
# and compares the manifests (DIGESTS content digests) and every shard's per-dataset digests
both_backends() {
    name=$1
    for b in cpu cuda; do
        wrap= readers=
        [ "$b" = cuda ] && wrap=${RC_E2E_WRAP:-} && readers=${RC_E2E_READERS:+--readers $RC_E2E_READERS}
        $wrap "$RC_BIN" run "$TMP/$name.yaml" --backend "$b" --output "$TMP/$name-$b" --progress never $readers \
            >"$TMP/$name-$b.out" 2>"$TMP/$name-$b.err"
        r=$?
        tap_result $r "$name: --backend $b runs (exit 0)"
        [ $r -eq 0 ] || diag "$(tail -5 "$TMP/$name-$b.err")"
    done
    grep -q "backend: cuda" "$TMP/$name-cuda.err"
    tap_result $? "$name: the cuda run says it ran on cuda"
    grep -v -e '"backend"' -e '"bytes"' "$TMP/$name-cpu/manifest.json" >"$TMP/m-cpu"
    grep -v -e '"backend"' -e '"bytes"' "$TMP/$name-cuda/manifest.json" >"$TMP/m-cuda"
    n=$(grep -c '"content_sha256"' "$TMP/m-cpu")
    [ "$n" -eq "$2" ] && cmp -s "$TMP/m-cpu" "$TMP/m-cuda"
    r=$?
    tap_result $r "$name: manifests equal ($2 content digests, steps, stats)"
    [ $r -eq 0 ] || diag "$(diff "$TMP/m-cpu" "$TMP/m-cuda" | head -20)"
    for s in "$TMP/$name-cpu"/shard-*.h5; do
        f=$(basename "$s")
        "$RC_BIN" inspect "$s" | grep -v -e backend -e '^file:' >"$TMP/i-cpu"
        "$RC_BIN" inspect "$TMP/$name-cuda/$f" | grep -v -e backend -e '^file:' >"$TMP/i-cuda"
        cmp -s "$TMP/i-cpu" "$TMP/i-cuda"
        r=$?
        tap_result $r "$name: $f has the same per-dataset digests on both backends"
        [ $r -eq 0 ] || diag "$(diff "$TMP/i-cpu" "$TMP/i-cuda" | head -20)"
    done
}

# case NAME DTYPE MODE LAYOUT SPAN
run_case() {
    name=$1
    [ "$cases_left" -gt 0 ] || return 0
    cases_left=$((cases_left - 1))
    cat >"$TMP/$name.yaml" <<YAML
version: 1
input: {dir: raw, layout: robocache-raw}
output: {dir: out-$name, shard_max_episodes: 2}
on_error: fail
timeline: {rate_hz: 50, span: $5}
stages:
  - fuse:
      name: observation
      dtype: $2
      max_gap_ms: 100
      streams:
        - {name: joint_pos, method: linear}
        - {name: gripper, method: previous}
        - {name: base_quat, method: slerp}
        - {name: imu, method: nearest}
  - resample: {name: action, stream: action, method: linear}
  - resample: {name: imu_window, stream: imu, method: window, window: 12, dtype: $2}
  - voxelize:
      name: lidar
      stream: lidar
      range: [[-20, 20], [-20, 20], [-2, 4]]
      voxel_size: [0.25, 0.25, 0.25]
      mode: $3
      layout: $4
      max_points_per_voxel: 8
      max_voxels: 3000
stats: true
YAML
    both_backends "$name" 3
}

run_case f32-occupancy-dense float32 occupancy dense intersection
run_case f16-count-sparse float16 count sparse union
run_case bf16-mean-dense bfloat16 mean dense union
run_case f32-mean-sparse float32 mean sparse intersection
run_case f32-points float32 points dense intersection
run_case bf16-points-sparse bfloat16 points sparse union

# image stages: 4 cameras of 480x640 at 50 Hz, on a 30 Hz timeline (frames reused and skipped)
if [ "$cases_left" -gt 0 ]; then
    "$RC_BIN" synth "$TMP/aloha" --preset aloha --episodes 2 --seconds 2 --seed 5 >/dev/null 2>&1
    tap_result $? "synth aloha dataset"
    cat >"$TMP/images.yaml" <<YAML
version: 1
input: {dir: aloha, pattern: "*.hdf5", layout: aloha}
output: {dir: out-images}
on_error: fail
timeline: {rate_hz: 30}
stages:
  - resample: {name: qpos, stream: qpos, method: linear}
  - image: {name: high_224, stream: cam_high, resize: [224, 224]}
  - image: {name: low_crop, stream: cam_low, method: previous, max_gap_ms: 30, crop: [0, 80, 480, 480], resize: [96, 96], interpolation: bilinear}
  - image: {name: wrist_up, stream: cam_left_wrist, crop: [100, 100, 50, 70], resize: [120, 150], interpolation: bilinear}
  - image: {name: right_raw, stream: cam_right_wrist}
  - image: {name: high_jpeg, stream: cam_high, resize: [224, 224], encoding: jpeg, quality: 85}
YAML
    both_backends images 2
fi
tap_done
