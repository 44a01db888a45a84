#!/bin/sh
# gpu-session.sh — everything the CUDA backend needs checked on a GPU machine, in one go, from a
# tree built elsewhere (the GPU machine has no -dev packages, so no configure or make there):
# nvidia-smi; `robocache-convert info`; gpu_info.sh, test_backend_select (on a GPU, cuda and
# auto must both give cuda), the byte-comparison programs (cuda vs cpu) and gpu_e2e.sh (whole
# runs, cuda vs cpu); all three under compute-sanitizer memcheck (with leak check), racecheck,
# initcheck and synccheck (the whole runs with --readers 0, read in the run's own process, and
# one memcheck run with reader processes, which tells whether they survive the sanitizer); cuobjdump --list-elf /
# --list-ptx of the binary; tests/golden/check.sh cuda (the CUDA output against the goldens).  Logs and summary.txt go to
# $OUT.  Exits non-zero when any step failed; a missing tool is a failed step, not a pass.
# Run from the repository root after tests/cuda/pack-for-device.sh (carry .carry):
#   sh tests/cuda/gpu-session.sh .carry/build
set -u
cd "$(dirname "$0")/../.."
root=$PWD
b=${1:-build}
OUT=${OUT:-$root/gpu-session-out}
mkdir -p "$OUT"
export LD_LIBRARY_PATH="$root/.carry/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# gcc's runtime from the build machine only when this machine lacks one (see pack-for-device.sh)
if ldd "$b/robocache-convert" "$b/tests/cuda/test_fuse_exact" 2>/dev/null | grep -q 'not found'; then
    LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$root/.carry/lib-gcc"
fi
export PATH="$PATH:/usr/local/cuda/bin"
export RC_BIN="$root/$b/robocache-convert" RC_SRCDIR="$root" RC_BUILDDIR="$root/$b"
# a carried binary runs outside any install: the tree's schemas and the build's filter plugins
export RC_SCHEMA_DIR="$root/schemas" HDF5_PLUGIN_PATH="$root/$b/plugins"
summary="$OUT/summary.txt"
# Everything must fit one device command (10 minutes): steps past this budget fail unrun.
budget=${RC_SESSION_BUDGET:-540}
session_start=$(date +%s)
: >"$summary"
failed=0

# step NAME LIMIT_S CMD... : runs CMD with a time limit, log in $OUT/NAME.log, one summary line.
# TAP output counts its ok / not ok lines; a TAP log must end with its plan and no "not ok".
step() {
    name=$1; limit=$2; shift 2
    start=$(date +%s)
    left=$((session_start + budget - start))
    if [ "$left" -lt 10 ]; then
        printf 'FAIL %-34s not run: the session budget of %ss is spent\n' "$name" "$budget" | tee -a "$summary"
        failed=$((failed + 1))
        return
    fi
    [ "$limit" -le "$left" ] || limit=$left
    timeout "$limit" "$@" >"$OUT/$name.log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    oks=$(grep -c '^ok ' "$OUT/$name.log")
    bad=$(grep -c -e '^not ok ' -e '^Bail out!' "$OUT/$name.log")
    if [ "$oks" -gt 0 ] || [ "$bad" -gt 0 ]; then
        grep -q '^1\.\.[0-9]' "$OUT/$name.log" || bad=$((bad + 1))
        tap=" tap: $oks ok, $bad not ok"
    else
        tap=""
    fi
    if [ "$rc" -eq 0 ] && [ "$bad" -eq 0 ]; then verdict=PASS; else verdict=FAIL; failed=$((failed + 1)); fi
    [ "$rc" -eq 124 ] && tap="$tap (timed out after ${limit}s)"
    printf '%-4s %-34s exit %3d %4ds%s\n' "$verdict" "$name" "$rc" "$secs" "$tap" | tee -a "$summary"
}

# find_tool NAME VAR: sets VAR to the path of a CUDA tool, or records a failed step.
find_tool() {
    found=$(command -v "$1" 2>/dev/null) && { eval "$2=\$found"; return 0; }
    printf 'FAIL %-34s not found in PATH (%s)\n' "$1" "$PATH" | tee -a "$summary"
    failed=$((failed + 1))
    return 1
}

echo "gpu-session: $(date -u +%FT%TZ) tree $root, build $b, git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)" | tee -a "$summary"
echo "gpu-session: LD_LIBRARY_PATH=$LD_LIBRARY_PATH" | tee -a "$summary"
ldd "$b/robocache-convert" >"$OUT/ldd.log" 2>&1
step nvidia-smi 60 nvidia-smi
step info 60 "$b/robocache-convert" info
step gpu_info 60 sh tests/cuda/gpu_info.sh
for t in test_backend_select test_fuse_exact test_voxelize_exact test_window_exact test_image_exact; do
    step "$t" 120 "$b/tests/cuda/$t"
done
step gpu_e2e 180 sh tests/cuda/gpu_e2e.sh
step gpu_streaming 120 sh tests/cuda/gpu_streaming.sh
step golden-cuda 120 sh tests/golden/check.sh cuda

if find_tool cuobjdump cuobj; then
    step cuobjdump-list-elf 60 "$cuobj" --list-elf "$b/robocache-convert"
    step cuobjdump-list-ptx 60 "$cuobj" --list-ptx "$b/robocache-convert"
fi
if find_tool compute-sanitizer cs; then
    # The big cases shrink tenfold under the sanitizers (RC_TEST_SMALL), which slow kernels 10-100x.
    for tool in memcheck racecheck initcheck synccheck; do
        extra=
        [ "$tool" = memcheck ] && extra="--leak-check full"
        for t in test_fuse_exact test_voxelize_exact test_window_exact test_image_exact; do
            step "$tool-$t" 90 env RC_TEST_SMALL=1 "$cs" --tool "$tool" $extra --error-exitcode 9 "$b/tests/cuda/$t"
        done
        # the pipeline itself (reader -> backend -> writer) on the first two gpu_e2e cases, read in
        # the run's own process (--readers 0): the sanitizer does not follow reader processes
        step "$tool-gpu_e2e" 90 env RC_E2E_CASES=2 RC_E2E_READERS=0 \
            RC_E2E_WRAP="$cs --tool $tool $extra --error-exitcode 9" sh tests/cuda/gpu_e2e.sh
    done
    # Whether reader processes now survive the sanitizer (the spawner forks before the backend
    # opens the device and keeps the descriptors not marked close-on-exec): recorded, one case.
    step "memcheck-gpu_e2e-readers" 90 env RC_E2E_CASES=1 RC_E2E_READERS=2 \
        RC_E2E_WRAP="$cs --tool memcheck --error-exitcode 9" sh tests/cuda/gpu_e2e.sh
fi

echo "gpu-session: $failed step(s) failed" | tee -a "$summary"
[ "$failed" -eq 0 ]
