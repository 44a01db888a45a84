# test_open_inputs.py — a user's own raw logs, with no layout file: streams named and sized as
# the robot has them (the EuRoC V1_02 pose with its own int64 ns timestamps and its quaternion
# marked by the stream attribute quaternion = "wxyz", a 6-joint float64 arm at 100 Hz, a
# 16-column float32 tactile pad at 150 Hz, int32 wheel ticks, a 5-column cloud made from the
# KITTI sweep, a uint8 camera), one episode in a .hdf5 file and one in a .h5 file found by the
# default input pattern.  Every output is checked against a numpy reference computed here from
# the arrays written (fast_ref.py: the spec's resample in vectorised numpy): linear, nearest and
# previous bit for bit, slerp within 5e-7 of a float64 slerp, camera frames and voxel counts
# exactly.  A second run shifts two streams with offset_ms (negative, and a decimal of whole
# ns) and is checked against the reference on the shifted times, span included.
import os
import shutil
import sys

import h5py
import numpy as np

SRC = os.environ["RC_SRCDIR"]
sys.path.insert(0, os.path.join(SRC, "tests", "e2e"))
sys.path.insert(0, os.path.join(SRC, "tests", "ops"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import done, grid, ok, rc, shard_episodes, tmpdir  # noqa: E402
import fast_ref  # noqa: E402
import make_raw  # noqa: E402

RANGE = [[0, 70.4], [-40, 40], [-3, 1]]
VOX = [0.5, 0.5, 0.5]
SPEC = """version: 1
input: {{dir: {inp}}}
output: {{dir: {out}}}
timeline: {{rate_hz: 50}}
stages:
  - fuse:
      name: state
      streams:
        - {{name: pose, method: linear}}
        - {{name: arm_joints, method: linear{arm_off}}}
        - {{name: tactile, method: nearest}}
        - {{name: wheel_ticks, method: previous{tick_off}}}
  - resample: {{name: orientation, stream: orientation, method: slerp}}
  - resample: {{name: cam, stream: wrist_cam, method: nearest}}
  - voxelize: {{name: occ, stream: lidar_front, range: {rng}, voxel_size: {vox}, mode: count}}
"""


def series(g, name, data, t, attrs=None):
    s = g.create_group(name)
    s.create_dataset("data", data=data)
    s.create_dataset("t", data=t).attrs["units"] = "ns"
    for k, v in (attrs or {}).items():
        s.attrs[k] = v


def rate_times(t0, rate, first, last):
    k = np.arange(int((last - first) * rate / 1e9) + 1)
    return (t0 + first + np.round(k * 1e9 / rate)).astype(np.int64)


def make_episode(path, eid, rows, seed):
    """Writes episode eid; returns {stream: (t, data)} as written."""
    t_pose, pose = rows
    t0 = int(t_pose[0])
    span = int(t_pose[-1] - t_pose[0])
    rng = np.random.default_rng(seed)
    src = {"pose": (t_pose, pose[:, 0:7]), "orientation": (t_pose, pose[:, 3:7])}
    t = rate_times(t0, 100, 3000000, span - 40000000)
    src["arm_joints"] = (t, np.cumsum(rng.normal(0, 0.01, size=(len(t), 6)), axis=0))
    t = rate_times(t0, 150, 1000000, span - 20000000)
    src["tactile"] = (t, rng.normal(size=(len(t), 16)).astype(np.float32))
    t = rate_times(t0, 40, 0, span)
    src["wheel_ticks"] = (t, np.cumsum(rng.integers(0, 50, size=(len(t), 2)), axis=0).astype(np.int32))
    t = rate_times(t0, 10, 5000000, span)
    src["wrist_cam"] = (t, rng.integers(0, 256, size=(len(t), 12, 16, 3), dtype=np.uint8))
    pts = make_raw.read_kitti()
    ring = (np.arange(len(pts)) % 64).astype(np.float32)[:, None]
    cloud = np.hstack([pts, ring])
    offsets = np.array([0, 6000, 11000, len(cloud)], dtype=np.int64)
    mode = "a" if os.path.exists(path) else "w"
    with h5py.File(path, mode) as f:
        g = f.create_group("episodes/" + eid)
        series(g, "pose", src["pose"][1], t_pose)
        series(g, "orientation", src["orientation"][1], t_pose, {"quaternion": "wxyz"})
        series(g, "arm_joints", src["arm_joints"][1], src["arm_joints"][0],
               {"names": np.array([b"shoulder_pan", b"shoulder_lift", b"elbow", b"wrist_1", b"wrist_2", b"wrist_3"])})
        for name in ("tactile", "wheel_ticks", "wrist_cam"):
            series(g, name, src[name][1], src[name][0])
        c = g.create_group("lidar_front")
        c.create_dataset("points", data=cloud)
        c.create_dataset("offsets", data=offsets)
        c.create_dataset("t", data=t0 + np.array([0, 100000000, 200000000], dtype=np.int64)).attrs["units"] = "ns"
    src["lidar_front"] = (offsets, cloud)
    return src


def voxel_counts(cloud, offsets):
    """Dense count grid per frame [F, nx, ny, nz] (docs/SPEC.md §4: float32 subtract, divide, floor)."""
    n = [int(np.floor((RANGE[a][1] - RANGE[a][0]) / VOX[a] + 0.5)) for a in range(3)]
    lo = np.array([r[0] for r in RANGE], dtype=np.float32)
    sz = np.array(VOX, dtype=np.float32)
    out = np.zeros([len(offsets) - 1] + n, dtype=np.int32)
    for fr in range(len(offsets) - 1):
        p = cloud[offsets[fr]:offsets[fr + 1], 0:3].astype(np.float32)
        i = np.floor((p - lo) / sz).astype(np.int64)
        keep = np.all((i >= 0) & (i < np.array(n)), axis=1)
        np.add.at(out[fr], tuple(i[keep].T), 1)
    return out


def check(name, src, ep, off):
    """Checks episode group ep against src; off = {stream: offset ns}."""
    sh = {k: (v[0] + off.get(k, 0), v[1]) for k, v in src.items() if k != "lidar_front"}
    span_of = ("pose", "arm_joints", "tactile", "wheel_ticks", "orientation", "wrist_cam")
    g = grid(max(int(sh[k][0][0]) for k in span_of), min(int(sh[k][0][-1]) for k in span_of), 50)
    ok(np.array_equal(ep["state/t"][()], g), "%s: %d steps at 50 Hz over the intersection of the (shifted) spans"
       % (name, len(g)))
    data = ep["state/data"][()]
    ok(data.shape == (len(g), 7 + 6 + 16 + 2), "%s: state is [T, 7 + 6 + 16 + 2 = 31]" % name, data.shape)
    col = 0
    for stream, fn in (("pose", fast_ref.linear), ("arm_joints", fast_ref.linear), ("tactile", fast_ref.nearest),
                       ("wheel_ticks", fast_ref.previous)):
        t, x = sh[stream]
        ref = fn(t, x.astype(np.float32), g)
        w = ref.shape[1]
        ok(np.array_equal(data[:, col:col + w], ref), "%s: %s (%d columns, %s) equals the reference bit for bit"
           % (name, stream, w, x.dtype), np.argwhere(data[:, col:col + w] != ref)[:5])
        col += w
    t, q = sh["orientation"]
    qref = fast_ref.slerp(t, q.astype(np.float32).astype(np.float64), g)
    e = np.abs(ep["orientation/data"][()] - qref).max()
    ok(e <= 5e-7, "%s: orientation slerp (order wxyz from the stream attribute) within 5e-7 (max %.2g)" % (name, e))
    t, frames = sh["wrist_cam"]
    idx = fast_ref.nearest(t, np.arange(len(t), dtype=np.float32)[:, None], g)[:, 0].astype(np.int64)
    ok(np.array_equal(ep["cam/data"][()], frames[idx]), "%s: camera frames are the nearest stored ones, uint8" % name)
    offsets, cloud = src["lidar_front"]
    got = ep["occ/data"][()]
    ref = voxel_counts(cloud, offsets)
    ok(got.shape == ref.shape and np.array_equal(got, ref),
       "%s: the 5-column cloud's voxel counts equal the reference (%d points kept)" % (name, int(ref.sum())),
       (got.shape, ref.shape))


def run(D, name, inp, arm_off="", tick_off=""):
    out = os.path.join(D, name)
    spec = os.path.join(D, name + ".yaml")
    with open(spec, "w") as f:
        f.write(SPEC.format(inp=inp, out=out, rng=RANGE, vox=VOX, arm_off=arm_off, tick_off=tick_off))
    code, vout, err = rc("validate", spec)
    ok(code == 0 and "streams checked against " in vout, "%s: validate checks the streams in the first input file"
       % name, vout + err)
    code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
    ok(code == 0, "%s converts (exit 0)" % name, err)
    return shard_episodes(out) if code == 0 else {}


D = tmpdir()
inp = os.path.join(D, "logs")
os.makedirs(inp)
t_all, rows = make_raw.read_euroc()
src = {"rig_a": make_episode(os.path.join(inp, "rig_a.hdf5"), "rig_a", (t_all[:2000], rows[:2000]), 1),
       "rig_b": make_episode(os.path.join(inp, "rig_b.h5"), "rig_b", (t_all[2000:3500], rows[2000:3500]), 2)}
eps = run(D, "out", inp)
ok(sorted(eps) == ["rig_a", "rig_b"], "the .hdf5 and the .h5 file are both found by the default pattern",
   sorted(eps))
for eid in sorted(eps):
    check(eid, src[eid], eps[eid], {})

# latency offsets: -12.5 ms on the arm, 3.000001 ms on the ticks (whole ns, not via a double)
eps = run(D, "shifted", inp, arm_off=", offset_ms: -12.5", tick_off=", offset_ms: 3.000001")
for eid in sorted(eps):
    check(eid + " (offset_ms)", src[eid], eps[eid], {"arm_joints": -12500000, "wheel_ticks": 3000001})
shutil.rmtree(D)
done()
