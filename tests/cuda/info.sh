#!/bin/sh
# info.sh — `robocache-convert info` on a machine without a GPU: it reports the version and
# backends, and the CUDA targets it lists are read from the binary itself, so a build with CUDA
# must show exactly the configured sm_80 SASS, sm_90 SASS and compute_90 PTX (a dropped
# -gencode fails here), and a build without CUDA says so.
. "$RC_SRCDIR/tests/lib.sh"

expect_exit 0 "info runs" "$RC_BIN" info
expect_out "info prints the version" "robocache-convert $RC_VERSION" "$RC_BIN" info
expect_out "info lists the cpu backend" "backends: cpu" "$RC_BIN" info
expect_out "info says which backend auto picks" "backend auto: " "$RC_BIN" info
expect_exit 0 "info --help" "$RC_BIN" info --help
expect_exit 1 "info rejects an unknown argument" "$RC_BIN" info --frob
expect_err "info names the unknown argument" "'--frob'" "$RC_BIN" info --frob

"$RC_BIN" info >"$TMP/info" 2>&1
if grep -q '^#define RC_HAVE_CUDA 1' "$RC_BUILDDIR/config.h"; then
    grep -qx 'cuda: compiled in' "$TMP/info"
    tap_result $? "built with nvcc: info says cuda is compiled in"
    grep -qx 'cuda architectures: sm_80 SASS, sm_90 SASS, compute_90 PTX' "$TMP/info"
    tap_result $? "the binary embeds exactly sm_80 SASS, sm_90 SASS and compute_90 PTX"
    grep -q '^cuda runtime: [1-9][0-9]*\.[0-9]' "$TMP/info"
    tap_result $? "info reports the CUDA runtime version"
    grep -Eq '^cuda devices: (none: no CUDA device: |[1-9])' "$TMP/info"
    tap_result $? "info reports the devices seen, or none with the runtime's reason"
else
    grep -qx 'cuda: not compiled' "$TMP/info"
    tap_result $? "built without nvcc: info says cuda: not compiled"
    grep -qx 'cuda architectures: none' "$TMP/info"
    tap_result $? "built without nvcc: no CUDA targets embedded"
fi

# --json: one object with the same facts (parsed by python's json, an independent reader)
"$RC_BIN" info --json >"$TMP/info.json" 2>"$TMP/err"
tap_result $? "info --json runs"
if grep -q '^#define RC_HAVE_CUDA 1' "$RC_BUILDDIR/config.h"; then want='["sm_80 SASS", "sm_90 SASS", "compute_90 PTX"]'; else want='[]'; fi
"$PYTHON3" - "$TMP/info.json" "$RC_VERSION" "$want" <<'PY' >"$TMP/json-check" 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == sys.argv[2], d["version"]
assert d["cuda_architectures"] == json.loads(sys.argv[3]), d["cuda_architectures"]
assert d["backends"] == (["cpu", "cuda"] if d["cuda_compiled"] else ["cpu"]), d["backends"]
assert d["backend_auto"] in ("cpu", "cuda") and d["backend_auto_reason"], d
assert isinstance(d["devices"], list) and (d["devices"] or d["devices_error"]), d
PY
tap_result $? "info --json is valid JSON with the version, targets, backends and auto's choice"
[ -s "$TMP/json-check" ] && diag "$(cat "$TMP/json-check")"
diag "$(cat "$TMP/info")"
tap_done
