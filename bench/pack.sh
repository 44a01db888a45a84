#!/bin/sh
# pack.sh — run HERE before bench/run-gpu.sh: packs the shared libraries of robocache-convert,
# the GPU test programs and bench/rc-bench (libcupti among them) into .carry, through
# tests/cuda/pack-for-device.sh.   usage: sh bench/pack.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/.."
b=${1:-build}
[ -x "$b/bench/rc-bench" ] || { echo "pack.sh: $b/bench/rc-bench is missing: run 'make -C $b bench' first" >&2; exit 1; }
exec sh tests/cuda/pack-for-device.sh "$b" "$b/bench/rc-bench"
