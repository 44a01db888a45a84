#!/usr/bin/python3
"""make_bad_inputs.py OUTDIR — writes, with h5py (independently of our C writer), one small
robocache-raw file that is valid (good.h5, with hand-picked values of several dtypes and units)
and one file per malformed case, each damaging exactly one thing of good.h5's content.
Also writes OUTDIR/cases.tsv: file, stage (open|read), HDF5 path the error must name ("-" for
none), and a substring the message must contain.  tests/reader/read_bad.c checks each."""
import os
import sys

import h5py
import numpy as np

EP = "ep-000000"
G = "/episodes/" + EP
N = 5
SERIES = [("joint_pos", 7), ("joint_vel", 7), ("imu", 6), ("base_quat", 4), ("gripper", 1),
          ("camera_features", 32), ("action", 7)]


def good_streams():
    """stream -> {dataset name: (array, units or None)}; the values read_bad.c expects."""
    s = {}
    for name, cols in SERIES:
        data = (np.arange(N * cols, dtype=np.float32).reshape(N, cols) - 3.0) / 4.0
        t = np.arange(N, dtype=np.int64) * 1000 + 7
        s[name] = {"data": (data, None), "t": (t, "ns")}
    s["joint_pos"]["data"] = ((np.arange(N * 7).reshape(N, 7) - 3).astype(np.int16), None)
    s["joint_vel"]["data"] = (s["joint_vel"]["data"][0].astype(np.float64), None)
    s["joint_vel"]["t"] = (np.array([1, 2, 3, 4, 5], dtype=np.int64), "us")
    s["imu"]["t"] = (np.array([0.5, 0.75, 1.0, 1.25, 1.5]), "s")
    # t * 1e9 is exactly x.5 for each of these doubles: llround takes halves away from zero.
    s["camera_features"]["t"] = (np.array([-2.5e-9, -0.5e-9, 0.5e-9, 2.5e-9, 1.0000000005]), "s")
    s["base_quat"]["t"] = (np.array([1, 2, 3, 4, 5], dtype=np.int64), "s")
    s["gripper"]["data"] = (np.array([[0], [1], [1], [0], [1]], dtype=np.uint8), None)
    s["gripper"]["t"] = (np.array([10, 20, 30, 40, 50], dtype=np.int64), "ms")
    pts = np.arange(6 * 4, dtype=np.float32).reshape(6, 4) / 2.0
    s["lidar"] = {"points": (pts, None), "offsets": (np.array([0, 2, 2, 6], dtype=np.int64), None),
                  "t": (np.array([100, 200, 300], dtype=np.int64), "ns")}
    return s


def write(path, streams, post=None):
    with h5py.File(path, "w") as f:
        g = f.create_group(G)
        g.attrs["robot"] = "h5py-test"
        for name, dsets in streams.items():
            sg = g.create_group(name)
            for dname, (arr, units) in dsets.items():
                d = sg.create_dataset(dname, data=arr)
                if units is not None:
                    d.attrs["units"] = units
        if post:
            post(f)


IMU_NAMES = ["ax", "ay", "az", "gx", "gy", "gz"]


def name_columns(f):
    """good.h5's column names: imu as variable-length strings, gripper as a fixed-length one."""
    f[G + "/imu"].attrs["names"] = IMU_NAMES
    f[G + "/gripper"].attrs["names"] = np.array([b"closed"], dtype="S6")


def set_attr(path, key, value):
    return lambda f: f[path].attrs.__setitem__(key, value)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "good.h5"), good_streams(), name_columns)
    cases = []

    def case(name, stage, path, expect, damage=None, post=None):
        s = good_streams()
        if damage:
            damage(s)
        write(os.path.join(out, name + ".h5"), s, post)
        cases.append((name + ".h5", stage, path, expect))

    def setd(stream, dname, arr, units=None):
        return lambda s: s[stream].__setitem__(dname, (arr, units))

    def t_ns(values):
        return np.array(values, dtype=np.int64)

    case("duplicate_t", "read", G + "/joint_pos/t", "t[1] = 1007 ns, t[2] = 1007 ns",
         setd("joint_pos", "t", t_ns([7, 1007, 1007, 3007, 4007]), "ns"))
    case("decreasing_t", "read", G + "/imu/t", "a decrease at index 2",
         setd("imu", "t", np.array([0.5, 0.75, 0.7, 1.25, 1.5]), "s"))
    nan = good_streams()["camera_features"]["data"][0].copy()
    nan[2, 3] = np.nan
    case("nan_data", "read", G + "/camera_features/data", "expected finite values, found nan at row 2, column 3",
         setd("camera_features", "data", nan))
    inf64 = good_streams()["joint_vel"]["data"][0].copy()
    inf64[4, 6] = -np.inf
    case("inf_data_float64", "read", G + "/joint_vel/data", "found -inf at row 4, column 6",
         setd("joint_vel", "data", inf64))
    case("inf_float_t", "read", G + "/imu/t", "expected finite timestamps, found inf at index 3",
         setd("imu", "t", np.array([0.5, 0.75, 1.0, np.inf, 1.5]), "s"))
    case("missing_units", "read", G + "/action/t", "expected attribute 'units'",
         setd("action", "t", t_ns([1, 2, 3, 4, 5])))
    case("unknown_units", "read", G + "/action/t", 'found "sec"',
         setd("action", "t", t_ns([1, 2, 3, 4, 5]), "sec"))
    case("float_t_not_seconds", "read", G + "/imu/t", 'expected units "s" for float64 timestamps, found "ms"',
         setd("imu", "t", np.array([1.0, 2.0, 3.0, 4.0, 5.0]), "ms"))
    case("int32_t", "read", G + "/action/t", "found int32",
         setd("action", "t", np.array([1, 2, 3, 4, 5], dtype=np.int32), "ns"))
    case("t_overflow", "read", G + "/base_quat/t", "within int64 nanoseconds",
         setd("base_quat", "t", t_ns([1, 2, 3, 4, 10**10]), "s"))
    case("quaternion_order", "read", G + "/base_quat", "expected attribute 'quaternion' \"wxyz\" or \"xyzw\", "
         "found \"zyxw\"", post=set_attr(G + "/base_quat", "quaternion", "zyxw"))
    case("quaternion_width", "read", G + "/imu", "attribute quaternion: expected a series of 4 columns, found a "
         "series of 6 columns", post=set_attr(G + "/imu", "quaternion", "wxyz"))
    case("shape_mismatch", "read", G + "/action/data", "expected a 2-D dataset",
         setd("action", "data", np.zeros(N * 7, dtype=np.float32)))
    case("wrong_columns", "read", G + "/joint_vel/data", "expected 7 columns (as the layout says), found 6",
         setd("joint_vel", "data", np.zeros((N, 6), dtype=np.float32)))
    case("missing_stream", "read", G + "/gripper", "expected stream 'gripper'",
         lambda s: s.pop("gripper"))
    case("missing_dataset", "read", G + "/base_quat/data", "expected dataset 'data'",
         lambda s: s["base_quat"].pop("data"))
    case("string_dtype", "read", G + "/gripper/data", "found string",
         setd("gripper", "data", np.array([[b"open"], [b"shut"], [b"open"], [b"shut"], [b"open"]])))
    comp = np.zeros((N, 1), dtype=[("a", "<f4"), ("b", "<i4")])
    case("compound_dtype", "read", G + "/gripper/data", "found compound", setd("gripper", "data", comp))
    case("float32_overflow", "read", G + "/joint_vel/data", "within float32 range",
         setd("joint_vel", "data", np.full((N, 7), 1e300)))

    def empty(s):
        s["base_quat"]["data"] = (np.zeros((0, 4), dtype=np.float32), None)
        s["base_quat"]["t"] = (np.zeros(0, dtype=np.int64), "ns")
    case("empty_stream", "read", G + "/base_quat/data", "found an empty dataset", empty)

    def no_frames(s):
        s["lidar"]["t"] = (np.zeros(0, dtype=np.int64), "ns")
        s["lidar"]["offsets"] = (t_ns([0]), None)
        s["lidar"]["points"] = (np.zeros((0, 4), dtype=np.float32), None)
    case("empty_cloud", "read", G + "/lidar/t", "found an empty dataset", no_frames)
    case("t_length_mismatch", "read", G + "/joint_pos/t", "expected 5 timestamps (one per data row), found 4",
         setd("joint_pos", "t", t_ns([1, 2, 3, 4]), "ns"))
    case("offsets_not_covering", "read", G + "/lidar/offsets", "(offsets[3] = 6), found 5",
         setd("lidar", "offsets", t_ns([0, 2, 2, 5])))
    case("offsets_wrong_length", "read", G + "/lidar/offsets", "expected 4 offsets",
         setd("lidar", "offsets", t_ns([0, 2, 6])))
    case("offsets_not_zero", "read", G + "/lidar/offsets", "expected offsets[0] = 0, found 1",
         setd("lidar", "offsets", t_ns([1, 2, 2, 6])))
    case("offsets_decreasing", "read", G + "/lidar/offsets", "offsets[1] = 3 > offsets[2] = 2",
         setd("lidar", "offsets", t_ns([0, 3, 2, 6])))
    case("points_two_columns", "read", G + "/lidar/points", "expected at least 3 columns",
         setd("lidar", "points", np.zeros((6, 2), dtype=np.float32)))
    def replace_with_dataset(where):
        def post(f):
            del f[where]
            f[where] = np.zeros(3)
        return post
    case("no_episodes_group", "open", "/episodes", "expected group /episodes (layout robocache-raw), not found",
         post=lambda f: f.move("/episodes", "/other"))
    case("episodes_not_group", "open", "/episodes", "found another kind of object",
         post=replace_with_dataset("/episodes"))
    case("episode_not_group", "read", G, "expected an episode group", post=replace_with_dataset(G))
    case("stream_not_group", "read", G + "/imu", "expected stream 'imu' to be a group",
         post=replace_with_dataset(G + "/imu"))
    case("t_not_dataset", "read", G + "/action/t", "found another kind of object",
         post=lambda f: (f.__delitem__(G + "/action/t"), f.create_group(G + "/action/t")))
    with open(os.path.join(out, "not_hdf5.h5"), "w") as f:
        f.write("robot log, but not HDF5\n")
    cases.append(("not_hdf5.h5", "open", "-", "expected an HDF5 file"))

    with open(os.path.join(out, "cases.tsv"), "w") as f:
        for c in cases:
            f.write("\t".join(c) + "\n")


main()
