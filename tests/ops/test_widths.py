"""test_widths.py — column counts the other op tests do not use (1, 2, 3, 5, 6, 16, 31, 33, 1000)
through rc_fuse_cpu, bit for bit against ref_ops.py: each width alone under linear, nearest and
previous; all nine in one fuse job (columns placed side by side, every method); the 4-column
quaternion among wide blocks under slerp (within 5e-7 of ref_ops' float64 slerp); and the window
packing of each width against ref_ops.window."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops_case  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tap  # noqa: E402
import ref_ops  # noqa: E402

rng = np.random.default_rng(151)
WIDTHS = (1, 2, 3, 5, 6, 16, 31, 33, 1000)


def stream(S, D, t0):
    t = t0 + np.cumsum(rng.integers(2_000_000, 9_000_000, size=S)).astype(np.int64)
    x = (rng.standard_normal((S, D)) * rng.choice([1e-3, 1.0, 1e3], size=(1, D))).astype(np.float32)
    return t, x


grid = np.arange(0, 400_000_000, 7_000_000, dtype=np.int64) + 50_000_000
streams = {D: stream(40 if D < 1000 else 25, D, int(rng.integers(0, 60_000_000))) for D in WIDTHS}

for D in WIDTHS:
    t, x = streams[D]
    tl, gl = [int(v) for v in t], [int(v) for v in grid]
    for method in ("linear", "nearest", "previous"):
        out, valid = ops_case.run_fuse([(method, t, x, "wxyz")], grid)
        good, diag = ops_case.bits_equal(out, ref_ops.resample(method, tl, x, gl))
        tap.ok(good and out.shape == (len(grid), D), "width %d, %s: values bit for bit" % (D, method), diag)
    out, mask, valid = ops_case.run_window(t, x, grid, 3)
    r_out, r_mask = ref_ops.window(t, x, grid, 3)
    good, diag = ops_case.bits_equal(out, r_out)
    tap.ok(good and np.array_equal(mask, r_mask), "width %d, window 3: data and mask" % D, diag)

# all widths in one job: every block at its column offset, methods in turn
methods = ("linear", "nearest", "previous")
blocks = [(methods[i % 3], streams[D][0], streams[D][1], "wxyz") for i, D in enumerate(WIDTHS)]
q_t, q = stream(30, 4, 0)
q = (q / np.linalg.norm(q.astype(np.float64), axis=1, keepdims=True)).astype(np.float32)
blocks.insert(5, ("slerp", q_t, q, "xyzw"))
out, valid = ops_case.run_fuse(blocks, grid)
col, good, diag = 0, True, None
for method, t, x, order in blocks:
    D = x.shape[1]
    tl, gl = [int(v) for v in t], [int(v) for v in grid]
    if method == "slerp":
        ref = np.zeros((len(gl), 4))
        for k, tk in enumerate(gl):
            hold, i = ref_ops.bracket(tl, tk)
            ref[k] = x[hold] if hold is not None else ref_ops.slerp(x[i], x[i + 1], (tk - tl[i]) / (tl[i + 1] - tl[i]))
        e = np.abs(out[:, col:col + D].astype(np.float64) - ref).max()
        tap.ok(e <= 5e-7, "one job: the 4-column slerp block among the wide ones, within 5e-7 (max %.2g)" % e)
    else:
        g2, d2 = ops_case.bits_equal(out[:, col:col + D], ref_ops.resample(method, tl, x, gl))
        good, diag = good and g2, diag or d2
    col += D
tap.ok(good and out.shape[1] == col, "one job of %d columns (%s): every block bit for bit at its offset"
       % (col, ", ".join(str(D) for D in WIDTHS)), diag)
tap.done()
