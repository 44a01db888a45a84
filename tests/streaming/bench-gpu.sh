#!/bin/sh
# bench-gpu.sh — the Done-when measurement of the streaming pipeline (docs/STREAMING.md): synth
# the bench preset (EPISODES of it, default all 16) and convert it with all three ops (the demo
# pipeline's fuse, resample and voxelize) on BACKEND (default cuda), with --report and --trace
# into OUT; prints the end-of-run summary and the report.  Not a test (no TAP): run it by hand
# on a GPU node from the repository root, after tests/cuda/pack-for-device.sh for a carried tree:
#   OUT=/some/dir sh tests/streaming/bench-gpu.sh [BUILD_DIR] [EPISODES] [BACKEND] [BUFFERS]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
b=${1:-build}
episodes=${2:-16}
backend=${3:-cuda}
buffers=${4:-4}
OUT=${OUT:-$root/bench-out}
work=${RC_BENCH_DIR:-/tmp/rc-bench}
mkdir -p "$OUT" "$work"
export LD_LIBRARY_PATH="$root/.carry/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if ldd "$root/$b/robocache-convert" 2>/dev/null | grep -q 'not found'; then
    LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$root/.carry/lib-gcc"
fi
bin="$root/$b/robocache-convert"
if [ ! -f "$work/raw.done-$episodes" ]; then
    rm -rf "$work/raw"
    t0=$(date +%s)
    "$bin" synth "$work/raw" --preset bench --episodes "$episodes" >/dev/null
    echo "synth: $episodes bench episodes, $(du -sh "$work/raw" | cut -f1), $(($(date +%s) - t0)) s"
    touch "$work/raw.done-$episodes"
fi
sed -e "s|dir: ../demo/raw|dir: $work/raw|" -e "s|dir: ../demo/train|dir: $work/train|" \
    "$root/pipelines/demo.yaml" >"$work/bench.yaml"
"$bin" run "$work/bench.yaml" --backend "$backend" --buffers "$buffers" --force --progress never \
    --report "$OUT/report-$backend-b$buffers.json" --trace "$OUT/trace-$backend-b$buffers.json"
cat "$OUT/report-$backend-b$buffers.json"
echo
