#!/usr/bin/python3
"""make_seeds.py DIR — writes the seed corpora (committed): DIR/corpus-reader/, small robocache-raw
files written with h5py for fuzz_reader, and DIR/corpus-episode/, episode descriptions in
fuzz_episode.c's byte format, each valid or one step from valid, so that mutations start close to
what the reader accepts.  Rerun only to change the seeds."""
import os
import struct
import sys

import h5py
import numpy as np

LAYOUT = (("joint_pos", 7), ("joint_vel", 7), ("imu", 6), ("base_quat", 4), ("gripper", 1),
          ("camera_features", 32), ("action", 7))


def write(path, n=3, units="ns", t_dtype=np.int64, cloud_points=4, data_dtype=np.float32):
    with h5py.File(path, "w", libver=("earliest", "v108")) as f:
        g = f.create_group("/episodes/e0")
        t = (np.arange(n) * 10 + 1).astype(t_dtype)
        for name, cols in LAYOUT:
            s = g.create_group(name)
            s.create_dataset("data", data=(np.arange(n * cols).reshape(n, cols) / 3.0).astype(data_dtype))
            s.create_dataset("t", data=t).attrs["units"] = units
        c = g.create_group("lidar")
        c.create_dataset("points", data=np.ones((cloud_points, 4), dtype=np.float32))
        c.create_dataset("offsets", data=np.array([0] + [cloud_points] * n, dtype=np.int64))
        c.create_dataset("t", data=t).attrs["units"] = units


def episode_bytes(n=5, t_step=10, cloud_points=6, units=0):
    """fuzz_episode's format: per layout stream (in layout order) flags, rows, then each dataset
    as its type byte, its values and a units byte (see put_stream and put_dataset)."""
    b = bytearray()
    t = b"".join(struct.pack("<q", 1 + i * t_step) for i in range(n))
    for _, cols in LAYOUT:
        b += bytes([0, n, 0]) + b"".join(struct.pack("<f", (i % 7) / 4.0) for i in range(n * cols)) + b"\0"
        b += t + bytes([units])
    b += bytes([0, n, cloud_points]) + t + bytes([units])
    b += bytes([2]) + b"".join(struct.pack("<q", min(i, 1) * cloud_points) for i in range(n + 1)) + b"\0"
    b += bytes([0]) + b"".join(struct.pack("<f", i / 8.0) for i in range(cloud_points * 4)) + b"\0"
    return bytes(b)


def main():
    out = sys.argv[1]
    reader = os.path.join(out, "corpus-reader")
    os.makedirs(reader, exist_ok=True)
    write(os.path.join(reader, "valid-ns.h5"))
    write(os.path.join(reader, "valid-seconds-f64.h5"), units="s", t_dtype=np.float64, data_dtype=np.float64)
    write(os.path.join(reader, "valid-empty-cloud.h5"), cloud_points=0, data_dtype=np.int16)
    write(os.path.join(reader, "one-sample.h5"), n=1, units="ms")
    episode = os.path.join(out, "corpus-episode")
    os.makedirs(episode, exist_ok=True)
    for name, data in (("valid", episode_bytes()), ("valid-ms", episode_bytes(units=2)),
                       ("duplicate-t", episode_bytes(t_step=0)), ("no-points", episode_bytes(cloud_points=0))):
        with open(os.path.join(episode, name + ".bin"), "wb") as f:
            f.write(data)


main()
