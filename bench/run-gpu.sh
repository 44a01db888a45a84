#!/bin/sh
# run-gpu.sh — every benchmark in one go on the GPU machine, from a tree built elsewhere (it
# builds nothing): the copy limits and each kernel through rc-bench, the same ops in PyTorch,
# and the end-to-end conversion of synth data by robocache-convert (cuda and cpu backends) and by
# bench/peers/convert_peer.py (h5py + numpy, and PyTorch on the GPU), and (full) 16 episodes of the
# bench preset: dd's sequential read of the files, a cold-cache cuda run, warm-cache cuda and cpu
# runs (issue 18's targets); then the same synth data
# gzip-chunked, and a robomimic-like file of many small demos (bench/make_inputs.py); last the
# cameras: ALOHA-like episodes resized to 224x224 (bench/pipeline-camera.yaml) by robocache-convert
# and by bench/peers/camera_peer.py (h5py + Pillow).  Writes to $OUT: results.json
# (bench/collect.py), run.log (every step's output) and ncu.txt (profiles).
# Run from the repository root after `make bench` and `sh bench/pack.sh BUILD` here, carrying
# .carry:   RC_BENCH_COMMIT=SHA sh bench/run-gpu.sh .carry/build [quick|camera|ops|e2e]
# (quick: small sizes, 5 runs; camera: only the image resize cases and the camera conversion,
# at the full camera size, for a run of its own).
# Single LiDAR frames: every .carry/data/NAME.bin (KITTI velodyne layout: float32 x, y, z,
# intensity per point) is one sweep for rc-bench's and the PyTorch peer's `frame` cases.  Put
# them there HERE before the run: `sh bench/pack.sh BUILD` copies the KITTI sweep and converts
# the 120k-point PCD sweep of the real-data folder (RC_SHARED_DATA, default ../shared/data) with
# bench/frames.py, or by hand: python3 bench/frames.py .carry/data NAME=FILE.bin|FILE.pcd.
# Without them the frame cases are not run (the run says so in run.log).
set -u
cd "$(dirname "$0")/.."
root=$PWD
b=${1:-build}
mode=${2:-full}
# A full run no longer fits one device command (10 minutes), so it can be made in two calls on
# the same machine: `ops` (rc-bench, the PyTorch ops, the ncu profiles; its files land in
# $OUT/ops) then `e2e` (every conversion, the peers, the cameras), told where the ops part's
# files are (RC_BENCH_OPS=DIR: $OUT/ops carried back in), so one results.json holds both parts,
# each figure compared with peers measured in the same call.  `full` runs both in one call, its
# last steps cut by the budget.
do_ops=1 do_e2e=1
case $mode in
ops) do_e2e=0 ;;
e2e) do_ops=0 ;;
full | quick | camera) ;;
*) echo "run-gpu.sh: unknown mode '$mode' (full, quick, camera, ops, e2e)" >&2; exit 1 ;;
esac
e16=0 # the 16-episode runs of issue 18
case $mode in full | e2e) e16=1 ;; esac
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
frames=
for f in "$root"/.carry/data/*.bin; do
    [ -f "$f" ] && frames="$frames --frame $f"
done
[ -n "$frames" ] || echo "=== no .carry/data/*.bin: the single-frame cases are not run (bench/pack.sh)" | tee -a "$log"
# Issue 18's targets are for 16 episodes of the bench preset (about 11.5 GB, 4 files).  synth
# writes about 0.15 GB/s on one core (measured on the 2-core development machine: 4.8 s for one
# 60 s episode of 0.72 GB, 10.1 s for two), so 16 episodes take about 80 s: too long for the
# budget as a step of its own.  The decision: a full run starts that synth in the background
# now, on one of the node's cores, while the kernel benchmarks (device-timed by CUPTI and CUDA
# events, so a busy host core does not move them) and the 2-episode runs go on, and waits for
# it before the 16-episode runs.
if [ $e16 = 1 ]; then
    $rc "$b/robocache-convert" synth "$W/raw16" --preset bench --episodes 16 -q >"$W/synth16.log" 2>&1 &
    synth16=$!
fi
if [ $do_ops = 1 ]; then
    step rc-bench 300 sh -c "LD_LIBRARY_PATH='$carry_lib' '$b/bench/rc-bench' $q --dump '$W' $frames $groups >'$W/rc-bench.jsonl'"
    step torch-peer 200 sh -c "python3 bench/peers/torch_ops.py $q --dump '$W' $frames $groups >'$W/torch.jsonl'"
else # e2e: the ops part's files, measured on a device like this one
    [ -n "${RC_BENCH_OPS:-}" ] && [ -f "$RC_BENCH_OPS/rc-bench.jsonl" ] || {
        echo "run-gpu.sh e2e: RC_BENCH_OPS must name the \$OUT/ops folder of an ops run" | tee -a "$log"; exit 1; }
    cmp -s "$RC_BENCH_OPS/device.csv" "$W/device.csv" || {
        echo "run-gpu.sh e2e: the ops part ran on another device:" | tee -a "$log"
        cat "$RC_BENCH_OPS/device.csv" "$W/device.csv" | tee -a "$log"; exit 1; }
    cp "$RC_BENCH_OPS"/* "$W/"
    cp "$RC_BENCH_OPS/ncu.txt" "$OUT/ncu.txt" 2>/dev/null
    profiles=$(cat "$W/profiles.txt")
fi

ncu_bin=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -n 1)
metrics=gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__throughput.avg.pct_of_peak_sustained_elapsed,sm__warps_active.avg.pct_of_peak_sustained_active,sm__throughput.avg.pct_of_peak_sustained_elapsed,launch__registers_per_thread,launch__occupancy_limit_registers,sm__maximum_warps_per_active_cycle_pct
metrics=$metrics,dram__bytes_read.sum,dram__bytes_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum

# ncu for every case that has a target (DRAM and L2 throughput, bytes, occupancy, sectors per
# global load/store request: 4 = coalesced 32-bit accesses): the largest resample (f32, bf16)
# and fuse, each voxelize mode on 10M points (count on both grids), the 64-frame sparse batch
# and the largest single frame in both of its modes, and (with the cameras, in camera runs too)
# the image resize.  One rc-bench call each (--runs 1
# --warmup 0: the case's kernels of its first call are what the page shows); -c bounds the
# launches profiled to about one call's (the backend's probe kernel is the first).
[ $do_ops = 1 ] && profiles=
# prof TAG LIMIT_S CASE NCU_FILTER... -- RC_BENCH_ARGS...: one profile, recorded for CASE
prof() {
    tag=$1; lim=$2; case_name=$3; shift 3
    filt=
    while [ "$1" != -- ]; do filt="$filt $1"; shift; done
    shift
    step "ncu-$tag" "$lim" $rc "$ncu_bin" --clock-control none --metrics "$metrics" $filt \
        --log-file "$W/ncu-$tag.txt" "$b/bench/rc-bench" --runs 1 --warmup 0 "$@"
    [ -f "$W/ncu-$tag.txt" ] && cat "$W/ncu-$tag.txt" >>"$OUT/ncu.txt"
    profiles="$profiles $case_name=$W/ncu-$tag.txt"
}

if [ $do_ops = 1 ] && [ -n "$ncu_bin" ] && [ "$mode" != quick ] && [ "$mode" != camera ]; then
    : >"$OUT/ncu.txt"
    u10=uniform-10000000pts
    prof resample 60 resample/f32/B1024-S1000-T500-D128 -k fuse_kernel -c 1 -- --only resample/f32/B1024 resample
    prof resample-bf16 60 resample/bf16/B1024-S1000-T500-D128 -k fuse_kernel -c 1 -- --only resample/bf16/B1024 resample
    prof fuse 60 fuse/f32/B1024-4streams-T500-W108 -k fuse_kernel -c 1 -- --only fuse/f32/B1024 fuse
    prof vox 60 voxelize/occupancy/dense/$u10/512x512x64 -c 20 -- --only occupancy/dense/$u10/512 voxelize
    prof count-256 45 voxelize/count/dense/$u10/256x256x32 -c 4 -- --only count/dense/$u10/256 voxelize
    prof count-512 45 voxelize/count/dense/$u10/512x512x64 -c 4 -- --only count/dense/$u10/512 voxelize
    prof mean 60 voxelize/mean/dense/$u10/512x512x64 -c 24 -- --only mean/dense/$u10/512 voxelize
    prof points 60 voxelize/points/points/$u10/512x512x64 -c 24 -- --only points/points/$u10/512 voxelize
    prof batch 60 voxelize/count/sparse/batch-64x120000pts/512x512x64 -k regex:vox_ -c 8 -- --only batch voxelize
    # the largest sweep carried (its case names carry its point count: found from the file size)
    big= big_n=0
    for f in "$root"/.carry/data/*.bin; do
        [ -f "$f" ] || continue
        n=$(($(wc -c <"$f") / 16))
        [ "$n" -gt "$big_n" ] && big=$f big_n=$n
    done
    if [ -n "$big" ]; then
        sweep=$(basename "$big" .bin) # prof sets tag: a name of its own
        prof frame-points 45 "frame/points/$sweep-${big_n}pts/640x640x1" -c 24 -- \
            --only "frame/points/$sweep-" --frame "$big" frame
        prof frame-count 45 "frame/count/$sweep-${big_n}pts/1024x1024x40" -c 24 -- \
            --only "frame/count/$sweep-" --frame "$big" frame
    fi
fi

if [ "$mode" != camera ] && [ $do_e2e = 1 ]; then
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

    # 16 episodes of the bench preset (issue 18's targets): the storage's own sequential read of
    # the files (dd, page cache dropped first), robocache's cuda run from a cold cache beside it,
    # then the warm-cache cuda and cpu runs (the files stay in the page cache: 11.5 GB of the
    # node's memory).  Where the caches cannot be dropped (no root), caches_dropped says so and
    # the "cold" figures are warm ones.
    if [ $e16 = 1 ]; then
        # until synth ends (its zombie counts as ended), then its exit status; killed when over time
        step wait-synth16 150 sh -c "while [ -d /proc/$synth16 ] && [ \"\$(cut -d' ' -f3 /proc/$synth16/stat)\" != Z ]; do sleep 1; done"
        kill "$synth16" 2>/dev/null
        wait "$synth16"
        synth16_rc=$?
        echo "=== synth16: exit $synth16_rc" | tee -a "$log"
        cat "$W/synth16.log" >>"$log"
        r16_bytes=$(du -sb "$W/raw16" 2>/dev/null | cut -f1)
        dropped=false
        sync && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null && dropped=true
        [ "$synth16_rc" -eq 0 ] && step dd-raw16 120 sh -c "t0=\$(date +%s.%N); for f in '$W'/raw16/*.h5; do dd if=\"\$f\" of=/dev/null bs=64M status=none || exit 1; done; echo \$t0 \$(date +%s.%N) >'$W/dd16.time'"
        dd_s=$(awk '{printf "%.3f", $2 - $1}' "$W/dd16.time" 2>/dev/null)
        echo "{\"preset\": \"bench\", \"synth_args\": \"--episodes 16\", \"raw_bytes\": ${r16_bytes:-0}, \"caches_dropped\": $dropped, \"dd_bytes\": ${r16_bytes:-0}, \"dd_s\": ${dd_s:-null}}" >"$W/e2e-input-16.json"
        sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
        [ "$synth16_rc" -eq 0 ] && step convert-cuda-16-cold 90 $rc "$b/robocache-convert" run bench/pipeline.yaml --input "$W/raw16" \
            --output "$W/out-cuda-16-cold" --backend cuda --report "$W/report-cuda-16-cold.json" --progress never
        rm -rf "$W/out-cuda-16-cold"
        for be in cuda cpu; do
            [ "$synth16_rc" -eq 0 ] && step "convert-$be-16" 120 $rc "$b/robocache-convert" run bench/pipeline.yaml --input "$W/raw16" \
                --output "$W/out-$be-16" --backend "$be" --report "$W/report-$be-16.json" --progress never
            rm -rf "$W/out-$be-16"
        done
        rm -rf "$W/raw16"
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
if [ $do_e2e = 1 ]; then
step synth-camera 120 $rc "$b/robocache-convert" synth "$W/synth-aloha" --preset aloha $cams
cam_bytes=$(du -sb "$W/synth-aloha" 2>/dev/null | cut -f1)
echo "{\"preset\": \"aloha\", \"synth_args\": \"$cams\", \"raw_bytes\": ${cam_bytes:-0}}" >"$W/e2e-input-camera.json"
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
step convert-cuda-camera 120 $rc "$b/robocache-convert" run bench/pipeline-camera.yaml --input "$W/synth-aloha" \
    --output "$W/out-cuda-camera" --backend cuda --report "$W/report-cuda-camera.json" --progress never
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
step peer-pillow-camera 200 $rc python3 bench/peers/camera_peer.py --input "$W/synth-aloha" --output "$W/peer-camera" \
    --json "$W/peer-pillow-camera.json" --compare "$W/out-cuda-camera"
fi
# the resize kernel's profile: the first launch of the 256-frame area case (250 frames: the
# launcher cuts a call into chunks of 256 MiB of frames and outputs)
if [ $do_ops = 1 ] && [ -n "$ncu_bin" ] && [ "$mode" != quick ]; then
    prof image 60 image/area/B256-480x640x3-224x224 -k regex:image_resize -c 1 -- --only image/area/B256 image
fi

if [ "$mode" = ops ]; then # the files the e2e part needs, for the next call to carry back in
    mkdir -p "$OUT/ops"
    echo "$profiles" >"$W/profiles.txt"
    cp "$W/device.csv" "$W/versions.json" "$W/rc-bench.jsonl" "$W/torch.jsonl" "$W/profiles.txt" "$OUT/ops/"
    cp "$W"/ncu-*.txt "$OUT/ops/" 2>/dev/null
    cp "$OUT/ncu.txt" "$OUT/ops/" 2>/dev/null
    echo "=== ops part done: carry $OUT/ops back in and run the e2e part with RC_BENCH_OPS set to it" | tee -a "$log"
    exit 0
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
    "robocache-cuda-16-cold=$W/report-cuda-16-cold.json" "robocache-cuda-16=$W/report-cuda-16.json" \
    "robocache-cpu-16=$W/report-cpu-16.json" \
    --e2e-input-for "robocache-cuda-16-cold=$W/e2e-input-16.json" "robocache-cuda-16=$W/e2e-input-16.json" \
    "robocache-cpu-16=$W/e2e-input-16.json" \
    "robocache-cuda-gzip=$W/e2e-input-gzip.json" "numpy-gzip=$W/e2e-input-gzip.json" \
    "robocache-cuda-robomimic=$W/e2e-input-robomimic.json" \
    "robocache-cuda-camera=$W/e2e-input-camera.json" "pillow-camera=$W/e2e-input-camera.json" \
    --profile ${profiles:-} 2>&1 | tee -a "$log"
cp "$W/rc-bench.jsonl" "$W/torch.jsonl" "$W/report-cuda.json" "$W/report-cpu.json" \
    "$W/report-cuda-16-cold.json" "$W/report-cuda-16.json" "$W/report-cpu-16.json" "$W/e2e-input-16.json" \
    "$W/report-cuda-gzip.json" "$W/report-cuda-robomimic.json" "$W/report-cuda-camera.json" \
    "$W/peer-pillow-camera.json" "$OUT/" 2>/dev/null
python3 bench/gen_performance.py --summary "$OUT/results.json" 2>&1 | tee -a "$log"
