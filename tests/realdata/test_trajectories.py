# test_trajectories.py — real trajectories through resample: the EuRoC V1_02 ground truth (200 Hz,
# int64 ns, quaternion w first, 8 natural sign flips) and the TUM fr1/xyz ground truth (float
# seconds, quaternion w last, irregular steps up to 110 ms; every fifth quaternion negated) are
# turned into robocache-raw files by make_raw.py and converted.  Every output is checked against
# fast_ref.py (the spec's resample in vectorised numpy; checked here against tests/ops/ref_ops.py
# on the first 300 steps) computed from the source files read here: linear and nearest bit for
# bit, slerp (order wxyz for EuRoC, xyzw for TUM, the spec's `order`) within 5e-7 of a float64
# slerp and the same rotation as the unflipped source, and the max_gap_ms valid flags on TUM's gaps.
import os
import shutil
import sys

import h5py
import numpy as np

SRC = os.environ["RC_SRCDIR"]
sys.path.insert(0, os.path.join(SRC, "tests", "e2e"))
sys.path.insert(0, os.path.join(SRC, "tests", "ops"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import _llround, done, grid, ok, rc, tmpdir  # noqa: E402
import ref_ops  # noqa: E402
import fast_ref  # noqa: E402
import make_raw  # noqa: E402

SPEC = """version: 1
input: {{dir: {inp}, layout: robocache-raw}}
output: {{dir: {out}}}
timeline: {{rate_hz: {rate}}}
stages:
  - fuse:
      name: pose
      max_gap_ms: {gap}
      streams:
        - {{name: joint_pos, method: linear}}
        - {{name: base_quat, method: slerp, order: {order}}}
  - resample: {{name: pose_nearest, stream: joint_pos, method: nearest}}
"""


def convert(D, name, make, rate, gap, order):
    inp = os.path.join(D, name + "-raw")
    os.makedirs(inp)
    src = make(os.path.join(inp, name + ".h5"))
    out = os.path.join(D, name + "-out")
    spec = os.path.join(D, name + ".yaml")
    with open(spec, "w") as f:
        f.write(SPEC.format(inp=inp, out=out, rate=rate, gap=gap, order=order))
    code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
    ok(code == 0, "%s converts (exit 0)" % name, err)
    f = h5py.File(os.path.join(out, "shard-00000.h5"), "r")
    return src, f["episodes"][list(f["episodes"])[0]]


def check(name, src_t, pose, quat, quat_unflipped, g_out, rate, gap_ms, n_gap_steps_min):
    t = np.asarray(src_t, dtype=np.int64)
    g = grid(int(t[0]), int(t[-1]), rate)
    ok(np.array_equal(g_out["pose/t"][()], g), "%s: %d steps at %g Hz over the intersection" % (name, len(g), rate))
    data = g_out["pose/data"][()]
    ok(data.shape == (len(g), 11), "%s: pose is [T, 7 + 4]" % name, data.shape)
    ref = fast_ref.linear(t, pose, g)
    tl, gl = [int(v) for v in t], [int(v) for v in g[:300]]
    ok(np.array_equal(ref[:300], ref_ops.resample("linear", tl, pose.astype(np.float32), gl)),
       "%s: the vectorised linear reference equals ref_ops on the first 300 steps" % name)
    ok(np.array_equal(data[:, 0:7], ref), "%s: joint_pos linear equals the exact reference bit for bit" % name,
       np.argwhere(data[:, 0:7] != ref)[:5])
    qf = quat.astype(np.float32).astype(np.float64)
    qref = fast_ref.slerp(t, qf, g)
    e = np.abs(data[:, 7:11] - qref).max()
    ok(e <= 5e-7, "%s: slerp across sign flips within 5e-7 of float64 slerp (max %.2g)" % (name, e))
    qu = fast_ref.slerp(t, quat_unflipped.astype(np.float32).astype(np.float64), g)
    dots = np.abs(np.sum(data[:, 7:11].astype(np.float64) * qu, axis=1) /
                  np.linalg.norm(qu, axis=1) / np.linalg.norm(data[:, 7:11].astype(np.float64), axis=1))
    ok(dots.min() >= 1 - 1e-6, "%s: the same rotations as the source without flips (min |dot| %.9f)" % (name, dots.min()))
    ok(np.abs(np.linalg.norm(data[:-1, 7:11], axis=1) - 1).max() <= 4e-7, "%s: slerp output is unit" % name)
    v = g_out["pose/valid"][()]
    vref = fast_ref.valid(t, g, int(gap_ms * 1000000))
    ok(np.array_equal(vref[:300], ref_ops.valid(tl, gl, int(gap_ms * 1000000))),
       "%s: the vectorised valid reference equals ref_ops on the first 300 steps" % name)
    ok(np.array_equal(v, vref), "%s: valid flags for max_gap_ms %g equal the reference" % (name, gap_ms),
       np.argwhere(v != vref)[:5])
    ok(int((v == 0).sum()) >= n_gap_steps_min,
       "%s: %d steps inside gaps longer than %g ms are flagged" % (name, int((v == 0).sum()), gap_ms))
    ref = fast_ref.nearest(t, pose, g)
    ok(np.array_equal(ref[:300], ref_ops.resample("nearest", tl, pose.astype(np.float32), gl)),
       "%s: the vectorised nearest reference equals ref_ops on the first 300 steps" % name)
    ok(np.array_equal(g_out["pose_nearest/data"][()], ref), "%s: nearest equals the reference" % name)


D = tmpdir()

src, ep = convert(D, "euroc", make_raw.make_euroc, 100, 10, "wxyz")
_, rows = make_raw.read_euroc()
flips = int((np.sum(rows[1:, 3:7] * rows[:-1, 3:7], axis=1) < 0).sum())
ok(flips == 8 and len(src["t"]) == 16702, "EuRoC: 16702 rows with %d sign flips between neighbours" % flips)
ok(src["t"][0] == 1403715524907143168, "EuRoC: the 19-digit timestamps are kept exactly as int64 ns")
check("euroc", src["t"], src["joint_pos"], src["base_quat"], src["base_quat"], ep, 100, 10, 0)

src, ep = convert(D, "tum", make_raw.make_tum, 30, 50, "xyzw")
t_ns = np.array([_llround(float(s) * 1e9) for s in src["t_s"]], dtype=np.int64)
_, rows = make_raw.read_tum()
check("tum", t_ns, src["joint_pos"], src["base_quat"], rows[:, 3:7], ep, 30, 50, 2)
dt = np.diff(t_ns)
ok(dt.max() > 110000000 and (dt > 50000000).sum() == 1, "TUM: one gap over 50 ms (%.1f ms)" % (dt.max() / 1e6))
shutil.rmtree(D)
done()
