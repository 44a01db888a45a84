#!/bin/sh
# pack.sh — run HERE before bench/run-gpu.sh: packs the shared libraries of robocache-convert,
# the GPU test programs and bench/rc-bench (libcupti among them) into .carry, through
# tests/cuda/pack-for-device.sh, and the LiDAR sweeps of rc-bench's single-frame cases into
# .carry/data (bench/frames.py: the KITTI sweep as it is, the 120k-point PCD sweep converted to
# the same layout) from the real-data folder the tests use (RC_SHARED_DATA, default
# ../shared/data; a sweep that is not there is left out, and run-gpu.sh runs without it).
#   usage: sh bench/pack.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/.."
b=${1:-build}
[ -x "$b/bench/rc-bench" ] || { echo "pack.sh: $b/bench/rc-bench is missing: run 'make -C $b bench' first" >&2; exit 1; }
data=${RC_SHARED_DATA:-../shared/data}
for pair in kitti=kitti_000008.bin cupcl=cupcl_sample.pcd; do
    if [ -f "$data/${pair#*=}" ]; then
        python3 bench/frames.py .carry/data "${pair%%=*}=$data/${pair#*=}"
    else
        echo "pack.sh: $data/${pair#*=} not found: rc-bench runs without the '${pair%%=*}' sweep" >&2
    fi
done
exec sh tests/cuda/pack-for-device.sh "$b" "$b/bench/rc-bench"
