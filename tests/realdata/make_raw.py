"""make_raw.py — turns the real public trajectories and LiDAR sweep of $RC_SHARED_DATA (see its
README) into robocache-raw input files (docs/INPUT.md), for the real-data tests.  Each function
returns what it stored, as the tests' independent source of truth.

  EuRoC V1_02 ground truth (CSV, int64 ns, quaternion w first): episode euroc_V102 with
    joint_pos [S, 7] = the pose row x y z qw qx qy qz, base_quat [S, 4] = qw qx qy qz, t int64 ns.
  TUM fr1/xyz ground truth (float seconds, quaternion w last): episode tum_fr1_xyz with
    joint_pos [S, 7] = tx ty tz qx qy qz qw, base_quat [S, 4] = qx qy qz qw with every fifth
    quaternion negated (the same rotation, the other sign), t float64 seconds (units "s").
  KITTI 000008 velodyne sweep (float32 x y z intensity): episode kitti_000008 with lidar one
    frame, points [P, 4], offsets [0, P], t [0] ns."""
import os

import h5py
import numpy as np


def data_dir():
    return os.environ.get("RC_SHARED_DATA", "../shared/data")


def _series(g, name, data, t, units):
    s = g.create_group(name)
    s.create_dataset("data", data=data)
    ds = s.create_dataset("t", data=t)
    ds.attrs["units"] = units


def read_euroc():
    """(t int64 ns [S], rows float64 [S, 16]) of the CSV; timestamps parsed as integers."""
    t, rows = [], []
    with open(os.path.join(data_dir(), "euroc_V102_groundtruth.csv")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.strip().split(",")
            t.append(int(parts[0]))
            rows.append([float(v) for v in parts[1:]])
    return np.array(t, dtype=np.int64), np.array(rows, dtype=np.float64)


def make_euroc(path):
    t, rows = read_euroc()
    pose = rows[:, 0:7]
    with h5py.File(path, "w") as f:
        g = f.create_group("episodes/euroc_V102")
        _series(g, "joint_pos", pose, t, "ns")
        _series(g, "base_quat", rows[:, 3:7], t, "ns")
    return {"t": t, "joint_pos": pose, "base_quat": rows[:, 3:7]}


def read_tum():
    """(t float64 seconds [S], rows float64 [S, 7])."""
    a = np.loadtxt(os.path.join(data_dir(), "tum_freiburg1_xyz-groundtruth.txt"), comments="#", dtype=np.float64)
    return a[:, 0], a[:, 1:8]


def make_tum(path):
    t, rows = read_tum()
    quat = rows[:, 3:7].copy()
    quat[::5] *= -1.0
    with h5py.File(path, "w") as f:
        g = f.create_group("episodes/tum_fr1_xyz")
        _series(g, "joint_pos", rows, t, "s")
        _series(g, "base_quat", quat, t, "s")
    return {"t_s": t, "joint_pos": rows, "base_quat": quat}


def read_kitti():
    return np.fromfile(os.path.join(data_dir(), "kitti_000008.bin"), dtype="<f4").reshape(-1, 4)


def make_kitti(path):
    pts = read_kitti()
    with h5py.File(path, "w") as f:
        g = f.create_group("episodes/kitti_000008/lidar")
        g.create_dataset("points", data=pts)
        g.create_dataset("offsets", data=np.array([0, len(pts)], dtype=np.int64))
        ds = g.create_dataset("t", data=np.array([0], dtype=np.int64))
        ds.attrs["units"] = "ns"
    return {"points": pts}
