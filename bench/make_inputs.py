#!/usr/bin/env python3
"""make_inputs.py - the benchmark's inputs as users have them (issue 18), made with h5py:

  make_inputs.py gzip SRC_DIR DST_DIR
      every *.h5 of SRC_DIR (robocache-raw, e.g. `robocache-convert synth`) rewritten with each
      dataset chunked by h5py's own choice and gzip level 4, as robomimic and LeRobot HDF5
      exports are; attributes copied.  The values are unchanged.
  make_inputs.py robomimic DST_FILE [--demos N] [--seed K] [--gzip]
      a robomimic-like low-dimensional dataset: N demos (default 2000) of 40-160 steps under
      /data/demo_N, each with actions, rewards, dones, states and the eleven low-dimensional obs/ keys of
      robomimic's layout (float64, as
      robomimic stores them), /mask/train and /mask/valid.  Thousands of small datasets: the
      per-dataset cost of a reader dominates."""
import argparse
import glob
import os

import h5py
import numpy as np


def gzip_copy(src_dir, dst_dir):
    os.makedirs(dst_dir, exist_ok=True)
    for src in sorted(glob.glob(os.path.join(src_dir, "*.h5"))):
        dst = os.path.join(dst_dir, os.path.basename(src))
        with h5py.File(src, "r") as fi, h5py.File(dst, "w") as fo:
            fo.attrs.update(fi.attrs)

            def copy(name, obj):
                if isinstance(obj, h5py.Group):
                    fo.require_group(name).attrs.update(obj.attrs)
                    return
                data = obj[()]
                chunks = True if data.ndim and data.size else None
                d = fo.create_dataset(name, data=data, chunks=chunks,
                                      compression="gzip" if chunks else None,
                                      compression_opts=4 if chunks else None)
                d.attrs.update(obj.attrs)

            fi.visititems(copy)
        print(f"gzip: {dst} ({os.path.getsize(dst)} bytes, from {os.path.getsize(src)})")


OBS = {"robot0_eef_pos": 3, "robot0_eef_quat": 4, "robot0_eef_vel_lin": 3, "robot0_eef_vel_ang": 3,
       "robot0_gripper_qpos": 2, "robot0_gripper_qvel": 2, "robot0_joint_pos": 7,
       "robot0_joint_pos_cos": 7, "robot0_joint_pos_sin": 7, "robot0_joint_vel": 7, "object": 10}


def robomimic(dst, demos, seed, gz):
    rng = np.random.default_rng(seed)
    kw = {"compression": "gzip", "compression_opts": 4} if gz else {}
    names = []
    os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
    with h5py.File(dst, "w") as f:
        data = f.create_group("data")
        data.attrs["env_args"] = '{"env_name": "Lift", "type": 1, "env_kwargs": {}}'
        total = 0
        for i in range(demos):
            n = int(rng.integers(40, 161))
            g = data.create_group(f"demo_{i}")
            g.attrs["num_samples"] = n
            walk = lambda d: np.cumsum(rng.normal(scale=0.01, size=(n, d)), axis=0)
            g.create_dataset("actions", data=np.clip(rng.normal(size=(n, 7)), -1, 1), **kw)
            g.create_dataset("rewards", data=(np.arange(n) == n - 1).astype("f8"), **kw)
            g.create_dataset("dones", data=(np.arange(n) == n - 1).astype("i8"), **kw)
            g.create_dataset("states", data=walk(32), **kw)
            obs = g.create_group("obs")
            for key, d in OBS.items():
                v = walk(d)
                if key.endswith("quat"):
                    v = rng.normal(size=(n, 4)) * 0.01 + [0, 0, 0, 1]
                    v /= np.linalg.norm(v, axis=1, keepdims=True)
                obs.create_dataset(key, data=v, **kw)
            names.append(f"demo_{i}")
            total += n
        data.attrs["total"] = total
        mask = f.create_group("mask")
        cut = demos - demos // 10
        mask.create_dataset("train", data=np.array(names[:cut], dtype="S"))
        mask.create_dataset("valid", data=np.array(names[cut:], dtype="S"))
    print(f"robomimic: {dst} ({demos} demos, {total} steps, {os.path.getsize(dst)} bytes)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    g = sub.add_parser("gzip")
    g.add_argument("src_dir")
    g.add_argument("dst_dir")
    r = sub.add_parser("robomimic")
    r.add_argument("dst_file")
    r.add_argument("--demos", type=int, default=2000)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--gzip", action="store_true")
    a = ap.parse_args()
    if a.what == "gzip":
        gzip_copy(a.src_dir, a.dst_dir)
    else:
        robomimic(a.dst_file, a.demos, a.seed, a.gzip)


if __name__ == "__main__":
    main()
