#!/usr/bin/python3
"""check_schema.py — synth's output checked with h5py against the robocache-raw layout as
written down in docs/INPUT.md (the table below is typed in from it, not read from our code):
every stream present with its dtype, shape and units; timestamps strictly increasing at their
nominal rates; own start times, jitter, drops and long gaps; unit quaternions with sign flips;
joint velocities that match the positions; a 0/1 gripper; LiDAR sweeps within the preset's
point range, with points out of any sensible range.  Prints TAP."""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

# stream: (columns, data dtype, t dtype, units, rate Hz)
LAYOUT = {
    "joint_pos": (7, "float64", "int64", "ns", 500),
    "joint_vel": (7, "float32", "int64", "us", 500),
    "imu": (6, "float32", "float64", "s", 200),
    "base_quat": (4, "float32", "int64", "ns", 100),
    "gripper": (1, "uint8", "int64", "ms", 10),
    "camera_features": (32, "float32", "int64", "ns", 30),
    "action": (7, "float32", "int64", "ns", 50),
    "lidar": (4, "float32", "int64", "ns", 10),
}
NS = {"ns": 1, "us": 1000, "ms": 1000000}

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok  # noqa: E402


def units_of(d):
    u = d.attrs.get("units")
    return u.decode() if isinstance(u, bytes) else u


def to_ns(d):
    u = units_of(d)
    v = d[()]
    if d.dtype == np.float64:
        return np.array([int(round(x * 1e9)) for x in v], dtype=np.int64)  # exact halves aside
    return v.astype(np.int64) * NS[u] if u != "s" else v.astype(np.int64) * 10**9


def synth(out, *args):
    r = subprocess.run([os.environ["RC_BIN"], "synth", out, *args], capture_output=True, text=True)
    ok(r.returncode == 0, "synth %s" % " ".join(args), r.stderr)


def check_run(out, seconds, pts_range, want_ids, label):
    files = sorted(f for f in os.listdir(out) if f.endswith(".h5"))
    ids, starts, gaps, drops, flips, grip = [], [], [], 0, 0, set()
    far = below = 0
    problems = []
    for fn in files:
        with h5py.File(os.path.join(out, fn), "r") as f:
            eps = f["episodes"]
            for ep in sorted(eps):
                ids.append(ep)
                g = eps[ep]
                if not all(isinstance(g.attrs.get(a), (bytes, str)) for a in ("robot", "task")):
                    problems.append("%s: robot/task attributes missing" % ep)
                ok(sorted(g.keys()) == sorted(LAYOUT), "%s %s: exactly the 8 layout streams" % (label, ep),
                   sorted(g.keys()))
                ep_starts = []
                for name, (cols, dtype, tdtype, units, rate) in LAYOUT.items():
                    s = g[name]
                    cloud = name == "lidar"
                    data = s["points" if cloud else "data"]
                    t = s["t"]
                    rows = len(t)
                    if data.dtype != np.dtype(dtype) or data.ndim != 2 or data.shape[1] != cols:
                        problems.append("%s/%s data %s %s" % (ep, name, data.dtype, data.shape))
                    if t.dtype != np.dtype(tdtype) or t.ndim != 1 or units_of(t) != units:
                        problems.append("%s/%s t %s %s" % (ep, name, t.dtype, units_of(t)))
                    if not cloud and data.shape[0] != rows:
                        problems.append("%s/%s: %d rows, %d times" % (ep, name, data.shape[0], rows))
                    tn = to_ns(t)
                    dt = np.diff(tn)
                    if rows < 2 or (dt <= 0).any():
                        problems.append("%s/%s: times not strictly increasing" % (ep, name))
                        continue
                    period = 1e9 / rate
                    med = np.median(dt)
                    if abs(med - period) > 0.05 * period:
                        problems.append("%s/%s: median interval %g ns, expected %g" % (ep, name, med, period))
                    if rows > seconds * rate + 1 or rows < 0.5 * seconds * rate:
                        problems.append("%s/%s: %d samples in %g s" % (ep, name, rows, seconds))
                    if np.all(dt == dt[0]):
                        problems.append("%s/%s: no jitter" % (ep, name))
                    if rate >= 30:  # at 10 Hz a late sample alone spans over 100 ms
                        gaps.append(dt.max())
                    drops += int(((dt > 1.5 * period) & (dt < 2.5 * period)).sum())
                    ep_starts.append(tn[0])
                    x = data[()]
                    if name == "base_quat":
                        norm = np.linalg.norm(x.astype(np.float64), axis=1)
                        if np.abs(norm - 1).max() > 1e-5:
                            problems.append("%s/base_quat: not unit (%g)" % (ep, np.abs(norm - 1).max()))
                        flips += int((np.sum(x[1:] * x[:-1], axis=1) < 0).sum())
                    if name == "gripper":
                        grip |= set(np.unique(x).tolist())
                    if cloud:
                        off = s["offsets"][()]
                        per = np.diff(off)
                        if off.dtype != np.int64 or len(off) != rows + 1 or off[0] != 0 or off[-1] != len(x):
                            problems.append("%s/lidar offsets do not cover the points" % ep)
                        if per.min() < pts_range[0] or per.max() > pts_range[1]:
                            problems.append("%s/lidar: %d..%d points per sweep" % (ep, per.min(), per.max()))
                        r = np.linalg.norm(x[:, :2], axis=1)
                        far += int((r > 100).sum())
                        below += int((x[:, 2] < -3).sum())
                        if not (0 <= x[:, 3]).all() or not (x[:, 3] <= 1).all():
                            problems.append("%s/lidar: intensity outside [0, 1]" % ep)
                    if not np.isfinite(x).all():
                        problems.append("%s/%s: non-finite data" % (ep, name))
                starts.append(len(set(ep_starts)))
                # Velocities agree with positions: central differences over 20 ms vs joint_vel.
                tp, qp = to_ns(g["joint_pos/t"]) * 1e-9, g["joint_pos/data"][()]
                tv, qv = to_ns(g["joint_vel/t"]) * 1e-9, g["joint_vel/data"][()]
                k = 5
                span = tp[2 * k:] - tp[:-2 * k]
                use = span < 0.03
                fd = (qp[2 * k:] - qp[:-2 * k]) / span[:, None]
                mid = tp[k:-k]
                err = [np.abs(fd[use, j] - np.interp(mid[use], tv, qv[:, j])) for j in range(7)]
                med_err = max(np.median(e) for e in err)
                ok(med_err < 0.05, "%s %s: joint_vel is the derivative of joint_pos (median error %.4f)"
                   % (label, ep, med_err))
    ok(ids == want_ids, "%s: episode ids %s" % (label, want_ids), ids)
    ok(not problems, "%s: dtypes, shapes, units, rates, offsets, points per sweep" % label, problems[:5])
    ok(all(c == len(LAYOUT) for c in starts), "%s: every stream starts at its own time" % label, starts)
    ok(drops > 0, "%s: some samples dropped (%d)" % (label, drops))
    ok(max(gaps) > 100e6, "%s: a gap longer than 100 ms in a stream of 30 Hz or more (%.0f ms)" % (label, max(gaps) / 1e6))
    ok(flips > 0, "%s: quaternion sign flips between consecutive samples (%d)" % (label, flips))
    ok(grip == {0, 1}, "%s: gripper is 0/1 and takes both values" % label, grip)
    ok(far > 0 and below > 0, "%s: LiDAR points out of range (%d beyond 100 m, %d below z = -3)"
       % (label, far, below))


with tempfile.TemporaryDirectory() as tmp:
    synth(os.path.join(tmp, "tiny"), "--preset", "tiny", "--episodes", "3", "--seed", "3")
    check_run(os.path.join(tmp, "tiny"), 3.0, (2000, 4000), ["ep-000000", "ep-000001", "ep-000002"], "tiny")
    synth(os.path.join(tmp, "demo"), "--preset", "demo", "--episodes", "2", "--seconds", "2.5", "--seed", "4")
    check_run(os.path.join(tmp, "demo"), 2.5, (30000, 120000), ["ep-000000", "ep-000001"], "demo")

done()
