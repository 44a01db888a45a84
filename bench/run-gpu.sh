#!/bin/sh
# run-gpu.sh — every benchmark in one go on the GPU machine, from a tree built elsewhere (it
# builds nothing): the copy limits and each kernel through rc-bench, the same ops in PyTorch,
# and the end-to-end conversion of synth data by robocache-convert (cuda and cpu backends) and by
# bench/peers/convert_peer.py (h5py + numpy, and PyTorch on the GPU); then the same synth data
# gzip-chunked, and a robomimic-like file of many small demos (bench/make_inputs.py); last the
# cameras: ALOHA-like episodes resized to 224x224 (bench/pipeline-camera.yaml) by robocache-convert
# and by bench/peers/camera_peer.py (h5py + Pillow).  Writes to $OUT: results.json
# (bench/collect.py), run.log (every step's output) and ncu.txt (profiles).
# Run from the repository root after `make bench` and `sh bench/pack.sh BUILD` here, carrying
# BUILD and .carry:   RC_BENCH_COMMIT=SHA sh bench/run-gpu.sh BUILD [quick|camera]
# (quick: small sizes, 5 runs; camera: only the image resize cases and the camera conversion,
# at the full camera size, for a run of its own)
set -u
cd "$(dirname "$0")/.."
root=$PWD
b=${1:-build}
mode=${2:-full}
OUT=${OUT:-$root/bench-out}
W=${RC_BENCH_WORK:-/tmp/rc-bench-work}
mkdir -p "$OUT" "$W"
rm -rf "$W"/*
log="$OUT/run.log"
: >"$log"
q=
[ "$mode" = quick ] && q=--quick
carry_lib="$root/.carry/lib"
if ldd "$b/robocache-convert" "$b/bench/rc-bench" 2>/dev/null | grep -q 'not found'; then
    carry_lib="$carry_lib:$root/.carry/lib-gcc"
fi
export PATH="$PATH:/usr/local/cuda/bin"
# our binaries (and the zstd plugin h5py loads) see the carried libraries; plain python does not
rc="env LD_LIBRARY_PATH=$carry_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export HDF5_PLUGIN_PATH="$root/$b/plugins"
export RC_SCHEMA_DIR="$root/schemas" # the build's own path to them is this machine's
export PYTHONUNBUFFERED=1

# One device command may run 10 minutes: steps share this budget, and what is left at the end
# is enough to collect the results.
budget=${RC_BENCH_BUDGET:-540}
t_begin=$(date +%s)
# step NAME LIMIT_S CMD...: output appended to run.log under a header, status line on stdout
step() {
    name=$1; limit=$2; shift 2
    start=$(date +%s)
    left=$((t_begin + budget - 20 - start))
    if [ "$left" -lt 5 ]; then
        echo "=== $name: not run, the budget of $budget s is spent" | tee -a "$log"
        return
    fi
    [ "$limit" -le "$left" ] || limit=$left
    echo "=== $name" >>"$log"
    timeout "$limit" "$@" >>"$log" 2>&1
    s=$?
    echo "=== $name: exit $s in $(($(date +%s) - start)) s" | tee -a "$log"
}

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem \
    --format=csv,nounits >"$W/device.csv" 2>>"$log"
python3 -c 'import json,torch,numpy,h5py;print(json.dumps({"torch":torch.__version__,"torch_cuda":torch.version.cuda,"numpy":numpy.__version__,"h5py":h5py.__version__,"hdf5_in_h5py":h5py.version.hdf5_version}))' \
    >"$W/versions.json" 2>>"$log"
groups=all
[ "$mode" = camera ] && groups=image
step rc-bench 300 sh -c "LD_LIBRARY_PATH='$carry_lib' '$b/bench/rc-bench' $q --dump '$W' $groups >'$W/rc-bench.jsonl'"
step torch-peer 200 sh -c "python3 bench/peers/torch_ops.py $q --dump '$W' $groups >'$W/torch.jsonl'"

# Nsight Compute for the kernel profiles below (DRAM and L2 throughput, bytes, occupancy, sectors
# per global load/store request: 4 = coalesced 32-bit accesses)
ncu_bin=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -n 1)
metrics=gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__throughput.avg.pct_of_peak_sustained_elapsed,sm__warps_active.avg.pct_of_peak_sustained_active,sm__throughput.avg.pct_of_peak_sustained_elapsed,launch__registers_per_thread,launch__occupancy_limit_registers,sm__maximum_warps_per_active_cycle_pct
metrics=$metrics,dram__bytes_read.sum,dram__bytes_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum

if [ "$mode" != camera ]; then
    # end to end: synth input (the bench preset, fewer episodes), then four conversions of it
    if [ "$mode" = quick ]; then eps="--episodes 1 --seconds 10"; else eps="--episodes 2"; fi
    step synth 120 $rc "$b/robocache-convert" synth "$W/raw" --preset bench $eps
    raw_bytes=$(du -sb "$W/raw" | cut -f1)
    echo "{\"preset\": \"bench\", \"synth_args\": \"$eps\", \"raw_bytes\": $raw_bytes}" >"$W/e2e-input.json"
    for be in cuda cpu; do
        sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
        step "convert-$be" 180 $rc "$b/robocache-convert" run bench/pipeline.yaml --input "$W/raw" \
            --output "$W/out-$be" --backend "$be" --report "$W/report-$be.json" --progress never
    done
    for eng in numpy torch; do
        sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
        step "peer-$eng" 240 $rc python3 bench/peers/convert_peer.py --engine "$eng" --input "$W/raw" \
            --output "$W/peer-$eng" --json "$W/peer-$eng.json" --compare "$W/out-cuda/train"
    done

    # profiles of the largest resample and fuse, a 10M-point occupancy grid and the 64-frame sparse
    # batch
    if [ -n "$ncu_bin" ] && [ "$mode" != quick ]; then
        step ncu-resample 90 $rc "$ncu_bin" --clock-control none --metrics "$metrics" -k fuse_kernel -c 1 \
            --log-file "$W/ncu-resample.txt" "$b/bench/rc-bench" --runs 1 --warmup 0 --only resample/f32/B1024 resample
        step ncu-fuse 60 $rc "$ncu_bin" --clock-control none --metrics "$metrics" -k fuse_kernel -c 1 \
            --log-file "$W/ncu-fuse.txt" "$b/bench/rc-bench" --runs 1 --warmup 0 --only fuse/f32/B1024 fuse
        step ncu-voxelize 120 $rc "$ncu_bin" --clock-control none --metrics "$metrics" -c 20 \
            --log-file "$W/ncu-vox.txt" "$b/bench/rc-bench" --runs 1 --warmup 0 \
            --only occupancy/dense/uniform-10000000pts/512 voxelize
        step ncu-batch 90 $rc "$ncu_bin" --clock-control none --metrics "$metrics" -k regex:vox_ -c 8 \
            --log-file "$W/ncu-batch.txt" "$b/bench/rc-bench" --runs 1 --warmup 0 --only batch voxelize
        cat "$W/ncu-resample.txt" "$W/ncu-fuse.txt" "$W/ncu-vox.txt" "$W/ncu-batch.txt" >"$OUT/ncu.txt" 2>/dev/null
    fi

    # Issue 18's inputs as users have them (bench/make_inputs.py), last, so the figures above keep
    # their budget: the same synth episodes rewritten gzip-chunked (h5py's chunk shapes, level 4),
    # converted by the cuda backend and by the numpy peer; and a robomimic-like file of many small
    # demos (bench/pipeline-robomimic.yaml).  Decoded bytes count as raw input: the gzip set's are
    # the synth set's.
    if [ "$mode" = quick ]; then demos=200; else demos=2000; fi
    step make-gzip 120 python3 bench/make_inputs.py gzip "$W/raw" "$W/raw-gzip"
    step make-robomimic 60 python3 bench/make_inputs.py robomimic "$W/robomimic/lowdim.hdf5" --demos "$demos"
    gz_bytes=$(du -sb "$W/raw-gzip" 2>/dev/null | cut -f1)
    rm_bytes=$(du -sb "$W/robomimic" 2>/dev/null | cut -f1)
    echo "{\"preset\": \"bench\", \"synth_args\": \"$eps\", \"storage\": \"gzip level 4, h5py chunks\", \"raw_bytes\": $raw_bytes, \"stored_bytes\": ${gz_bytes:-0}}" >"$W/e2e-input-gzip.json"
    echo "{\"layout\": \"robomimic\", \"demos\": $demos, \"raw_bytes\": ${rm_bytes:-0}, \"stored_bytes\": ${rm_bytes:-0}}" >"$W/e2e-input-robomimic.json"
    sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
    step convert-cuda-gzip 120 $rc "$b/robocache-convert" run bench/pipeline.yaml --input "$W/raw-gzip" \
        --output "$W/out-cuda-gzip" --backend cuda --report "$W/report-cuda-gzip.json" --progress never
    sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
    step peer-numpy-gzip 180 $rc python3 bench/peers/convert_peer.py --engine numpy --input "$W/raw-gzip" \
        --output "$W/peer-numpy-gzip" --json "$W/peer-numpy-gzip.json" --compare "$W/out-cuda-gzip/train"
    sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
    step convert-cuda-robomimic 120 $rc "$b/robocache-convert" run bench/pipeline-robomimic.yaml \
        --input "$W/robomimic" --output "$W/out-cuda-robomimic" --backend cuda \
        --report "$W/report-cuda-robomimic.json" --progress never
fi

# The cameras (issue 22): ALOHA-like episodes (four 480x640 RGB cameras at 50 Hz) to 224x224 on
# the 50 Hz timeline, by the cuda backend and by the h5py + Pillow peer (its frame choice
# checked against robocache's source_index).  Last in a full run, so the figures above keep
# their budget; `camera` runs it alone, larger.
case $mode in
quick) cams="--episodes 1 --seconds 4" ;;
camera) cams="--episodes 3 --seconds 20" ;;
*) cams="--episodes 2 --seconds 10" ;;
esac
step synth-camera 120 $rc "$b/robocache-convert" synth "$W/synth-aloha" --preset aloha $cams
cam_bytes=$(du -sb "$W/synth-aloha" 2>/dev/null | cut -f1)
echo "{\"preset\": \"aloha\", \"synth_args\": \"$cams\", \"raw_bytes\": ${cam_bytes:-0}}" >"$W/e2e-input-camera.json"
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
step convert-cuda-camera 120 $rc "$b/robocache-convert" run bench/pipeline-camera.yaml --input "$W/synth-aloha" \
    --output "$W/out-cuda-camera" --backend cuda --report "$W/report-cuda-camera.json" --progress never
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
step peer-pillow-camera 200 $rc python3 bench/peers/camera_peer.py --input "$W/synth-aloha" --output "$W/peer-camera" \
    --json "$W/peer-pillow-camera.json" --compare "$W/out-cuda-camera"
# the resize kernel's profile: the first launch of the 256-frame area case (250 frames: the
# launcher cuts a call into chunks of 256 MiB of frames and outputs)
if [ -n "$ncu_bin" ] && [ "$mode" != quick ]; then
    step ncu-image 60 $rc "$ncu_bin" --clock-control none --metrics "$metrics" -k regex:image_resize -c 1 \
        --log-file "$W/ncu-image.txt" "$b/bench/rc-bench" --runs 1 --warmup 0 --only image/area/B256 image
    cat "$W/ncu-image.txt" >>"$OUT/ncu.txt" 2>/dev/null
fi

partial=
[ "$mode" = camera ] && partial="--partial camera"
python3 bench/collect.py --out "$OUT/results.json" --commit "${RC_BENCH_COMMIT:-unknown}" $q $partial \
    --device-csv "$W/device.csv" --versions "$W/versions.json" \
    --cases "$W/rc-bench.jsonl" "$W/torch.jsonl" --e2e-input "$W/e2e-input.json" \
    --e2e "robocache-cuda=$W/report-cuda.json" "robocache-cpu=$W/report-cpu.json" \
    "numpy=$W/peer-numpy.json" "torch=$W/peer-torch.json" \
    "robocache-cuda-gzip=$W/report-cuda-gzip.json" "numpy-gzip=$W/peer-numpy-gzip.json" \
    "robocache-cuda-robomimic=$W/report-cuda-robomimic.json" \
    "robocache-cuda-camera=$W/report-cuda-camera.json" "pillow-camera=$W/peer-pillow-camera.json" \
    --e2e-input-for "robocache-cuda-gzip=$W/e2e-input-gzip.json" "numpy-gzip=$W/e2e-input-gzip.json" \
    "robocache-cuda-robomimic=$W/e2e-input-robomimic.json" \
    "robocache-cuda-camera=$W/e2e-input-camera.json" "pillow-camera=$W/e2e-input-camera.json" \
    --profile "resample/f32/B1024-S1000-T500-D128=$W/ncu-resample.txt" \
    "fuse/f32/B1024-4streams-T500-W108=$W/ncu-fuse.txt" \
    "voxelize/occupancy/dense/uniform-10000000pts/512x512x64=$W/ncu-vox.txt" \
    "voxelize/count/sparse/batch-64x120000pts/512x512x64=$W/ncu-batch.txt" \
    "image/area/B256-480x640x3-224x224=$W/ncu-image.txt" 2>&1 | tee -a "$log"
cp "$W/rc-bench.jsonl" "$W/torch.jsonl" "$W/report-cuda.json" "$W/report-cpu.json" \
    "$W/report-cuda-gzip.json" "$W/report-cuda-robomimic.json" "$W/report-cuda-camera.json" \
    "$W/peer-pillow-camera.json" "$OUT/" 2>/dev/null
python3 bench/gen_performance.py --summary "$OUT/results.json" 2>&1 | tee -a "$log"
