"""test_slerp.py — slerp rows of rc_fuse_cpu against an independent float64 slerp (ref_ops.py):
within 2^-23 per component (two float32 ulps of values in [0.5, 1)), unit norm, shortest arc;
q and -q, orthogonal, nearly parallel (both sides of the nlerp switch), unnormalised input,
both component orders, and bit-exact edge holds."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops_case  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tap  # noqa: E402
import ref_ops  # noqa: E402

TOL = 2.0**-23
rng = np.random.default_rng(4242)


def unit(q):
    q = np.asarray(q, dtype=np.float64)
    return (q / np.linalg.norm(q, axis=-1, keepdims=True)).astype(np.float32)


def check(name, t, q, grid, quat="wxyz"):
    t = [int(v) for v in t]
    grid = [int(v) for v in grid]
    q = np.asarray(q, dtype=np.float32).reshape(len(t), 4)
    out, _ = ops_case.run_fuse([("slerp", t, q, quat)], grid)
    err, norm_err, arc_ok, hold_ok = 0.0, 0.0, True, True
    for k, tk in enumerate(grid):
        hold, i = ref_ops.bracket(t, tk)
        if hold is not None:  # edge holds copy the sample bits
            hold_ok &= ops_case.bits_equal(out[k], q[hold])[0]
            continue
        w = float(tk - t[i]) / float(t[i + 1] - t[i])
        ref = ref_ops.slerp(q[i], q[i + 1], w)
        y = out[k].astype(np.float64)
        err = max(err, float(np.max(np.abs(y - ref))))
        norm_err = max(norm_err, abs(float(np.linalg.norm(y)) - 1.0))
        a = q[i] / np.linalg.norm(q[i].astype(np.float64))
        b = q[i + 1] / np.linalg.norm(q[i + 1].astype(np.float64))
        if np.dot(a, b) < 0:
            b = -b
        arc_ok &= bool(np.dot(y, a) >= -TOL and np.dot(y, b) >= -TOL)
    tap.ok(err <= TOL, "%s: within 2^-23 of the float64 reference" % name, "max error %.3g" % err)
    tap.ok(norm_err <= 2 * TOL, "%s: unit norm" % name, "max |norm - 1| %.3g" % norm_err)
    tap.ok(arc_ok, "%s: shortest arc (same hemisphere as both ends)" % name)
    tap.ok(hold_ok, "%s: edge holds copy the sample" % name)
    return out


S = 50
t = np.cumsum(rng.integers(1_000_000, 40_000_000, size=S))
q = unit(rng.standard_normal((S, 4)))
grid = np.linspace(t[0] - 10**7, t[-1] + 10**7, 400).astype(np.int64)
a = check("random", t, q, grid, "wxyz")
b = check("random, xyzw order", t, q[:, [1, 2, 3, 0]], grid, "xyzw")
tap.ok(ops_case.bits_equal(a[:, [1, 2, 3, 0]], b)[0], "xyzw output is the wxyz output reordered")
check("grid on samples", t, q, t)
check("unnormalised input", t, q * np.float32(3.0), grid)

q0 = unit([[0.3, -0.5, 0.1, 0.8]])[0]
g = range(0, 101, 5)
check("q to -q (same rotation)", [0, 100], [q0, -q0], g)
out, _ = ops_case.run_fuse([("slerp", [0, 100], np.array([q0, -q0]), "wxyz")], [50])
tap.ok(np.max(np.abs(out[0] - q0)) <= TOL, "q to -q stays at q", "got %r" % out[0])
check("antipodal sign flip, nearly opposite", [0, 100], [q0, -unit([q0 + 1e-3])[0]], g)
check("orthogonal (dot exactly 0)", [0, 100], [[1, 0, 0, 0], [0, 1, 0, 0]], g)
out, _ = ops_case.run_fuse([("slerp", [0, 100], np.array([[1, 0, 0, 0], [0, 1, 0, 0]]), "wxyz")], [50])
tap.ok(np.max(np.abs(out[0] - np.float32(np.sqrt(0.5)) * np.array([1, 1, 0, 0]))) <= TOL,
       "orthogonal midpoint is (sqrt 1/2, sqrt 1/2, 0, 0)", "got %r" % out[0])
for ang in (0.0, 1e-7, 5e-5, 1e-4, 2e-4, 4e-4, 1e-2, 0.1, 0.3, 3.0):
    half = ang / 2
    check("angle %g rad" % ang, [0, 1000], [[1, 0, 0, 0], [np.cos(half), np.sin(half), 0, 0]],
          range(0, 1001, 50))
check("identical consecutive samples", [0, 10, 20], [q0, q0, q0], range(0, 21))
check("1 ns spacing", [0, 1, 2], q[:3], [0, 1, 2])
tap.done()
