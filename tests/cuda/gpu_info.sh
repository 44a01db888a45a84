#!/bin/sh
# gpu_info.sh — (make check-gpu, on a GPU node) `info` sees the device, and `auto` picks cuda
# after the probe kernel ran; a node where the kernels cannot run fails here.
. "$RC_SRCDIR/tests/lib.sh"

"$RC_BIN" info >"$TMP/info" 2>&1
grep -qx 'cuda: compiled in' "$TMP/info"
tap_result $? "this build has the CUDA backend compiled in"
grep -q '^  device 0: .*, sm_[0-9]*, ' "$TMP/info"
tap_result $? "info lists device 0 with its sm and memory"
grep -q '^backend auto: cuda (auto chose cuda: ' "$TMP/info"
tap_result $? "auto picks cuda: the probe kernel ran on the device"
diag "$(cat "$TMP/info")"
tap_done
