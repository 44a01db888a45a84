#!/usr/bin/env python3
# test_describe.py — every output describes itself (docs/FORMAT.md, "Output attributes"): kind
# and rate_hz on each output group, units on each t, column names and their sources on fuse and
# resample data (from the input's `names` attribute, else "<stream>[<i>]"), the grid of voxel
# outputs; the manifest's fps, features and column-named stats; and the split rule's exception
# (never an empty train split with two or more episodes), also across tasks and merge-manifests.
import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import done, ok, rc  # noqa: E402

SPEC = """version: 1
input: {{dir: raw, layout: robocache-raw}}
output: {{dir: {out}, shard_max_episodes: 2, split: {{val_fraction: {frac}, seed: {seed}}}}}
timeline: {{rate_hz: 25}}
stages:
  - fuse:
      name: observation
      max_gap_ms: 200
      streams: [{{name: joint_pos, method: linear}}, {{name: gripper, method: previous}},
                {{name: base_quat, method: slerp}}]
  - resample: {{name: action, stream: action, method: linear, dtype: bfloat16}}
  - resample: {{name: history, stream: imu, method: window, window: 3}}
  - voxelize:
      name: grid
      stream: lidar
      range: [[-8, 8], [-4, 4], [-2, 2]]
      voxel_size: [2, 1, 4]
      mode: count
      layout: dense
  - voxelize:
      name: sparse
      stream: lidar
      range: [[-6, 6], [-6, 6], [-2, 2]]
      voxel_size: [2, 2, 2]
      mode: mean
      layout: sparse
stats: true
"""
JOINTS = ["shoulder_pan", "shoulder_lift", "elbow", "wrist_1", "wrist_2", "wrist_3", "wrist_roll"]


def text(v):
    return v.decode() if isinstance(v, bytes) else v


def split_value(eid, seed):
    d = hashlib.sha256(struct.pack("<Q", seed) + eid.encode()).digest()
    return struct.unpack("<Q", d[:8])[0] / 2.0 ** 64


D = tempfile.mkdtemp(prefix="rc-test-describe.")
try:
    code, _, err = rc("synth", os.path.join(D, "raw"), "--preset", "tiny", "--episodes", "3", "--seconds", "2",
                      "--seed", "5", cwd=D)
    ok(code == 0, "synth 3 episodes", err)
    raw_files = sorted(os.listdir(os.path.join(D, "raw")))
    for fn in raw_files:
        with h5py.File(os.path.join(D, "raw", fn), "r+") as f:
            for ep in f["episodes"]:
                # fixed-length names on joint_pos (numpy bytes), variable-length on the lidar points
                f["episodes"][ep]["joint_pos"]["data"].attrs["names"] = np.array([j.encode() for j in JOINTS])
                f["episodes"][ep]["lidar"]["points"].attrs["names"] = ["x", "y", "z", "intensity"]
                f["episodes"][ep]["imu"]["data"].attrs["names"] = ["only", "two"]  # wrong count: ignored

    def run(out, frac, seed, *extra):
        with open(os.path.join(D, out + ".yaml"), "w") as f:
            f.write(SPEC.format(out=out, frac=frac, seed=seed))
        code, _, err = rc("run", out + ".yaml", "--progress", "never", *extra, cwd=D)
        return code, err

    code, err = run("out", 0.5, 1)
    ok(code == 0, "run with fuse, bfloat16 resample, window resample, dense and sparse voxels", err)
    ok("attribute 'names' is not a 1-D list of strings, one per column" in err and "/imu/data" in err,
       "a names attribute of the wrong length is ignored with a warning naming where", err)
    man = json.load(open(os.path.join(D, "out", "manifest.json")))
    e0 = man["episodes"][0]
    with h5py.File(os.path.join(D, "out", e0["shard"]), "r") as f:
        g = f["episodes"][e0["id"]]
        kinds = {k: text(g[k].attrs.get("kind")) for k in g}
        ok(kinds == {"observation": "fuse", "action": "resample", "history": "window", "grid": "voxelize",
                     "sparse": "voxelize"}, "kind on every output group", kinds)
        ok(all(g[k].attrs["rate_hz"] == 25.0 for k in ("observation", "action", "history")),
           "rate_hz on timeline outputs is the timeline's rate")
        t = g["grid/t"][()]
        want = (len(t) - 1) * 1e9 / (t[-1] - t[0])
        ok(abs(g["grid"].attrs["rate_hz"] - want) < 1e-9 * want, "voxel rate_hz is the cloud's mean frame rate")
        ok(all(text(g[k]["t"].attrs.get("units")) == "ns" for k in g), "units = ns on every t")
        d = g["observation/data"]
        names = [text(x) for x in d.attrs["names"]]
        ok(names == JOINTS + ["gripper[0]"] + ["base_quat[%d]" % i for i in range(4)] and len(names) == d.shape[1],
           "fuse column names: the input's names attribute, else <stream>[<i>]", names)
        ok([text(x) for x in d.attrs["source_streams"]] == ["joint_pos"] * 7 + ["gripper"] + ["base_quat"] * 4
           and list(d.attrs["source_columns"]) == list(range(7)) + [0] + list(range(4)),
           "every fused column traces to its stream and source column")
        ok([text(x) for x in g["history/data"].attrs["names"]] == ["imu[%d]" % i for i in range(6)]
           and g["history/data"].shape[2] == 6, "window output: one name per column of its last axis")
        ok([text(x) for x in g["action/data"].attrs["names"]] == ["action[%d]" % i for i in range(7)],
           "resample column names")
        gr = g["grid"]
        ok(np.array_equal(gr.attrs["range"], [[-8, 8], [-4, 4], [-2, 2]]) and
           np.array_equal(gr.attrs["voxel_size"], [2, 1, 4]) and list(gr.attrs["dims"]) == [8, 8, 1] and
           list(gr.attrs["dims"]) == list(gr["data"].shape[1:4]) and text(gr.attrs["mode"]) == "count" and
           text(gr.attrs["layout"]) == "dense" and text(gr.attrs["coord_order"]) == "xyz",
           "dense voxel output: range, voxel_size, dims (= the grid's shape), mode, layout, axes",
           dict(gr.attrs))
        sp = g["sparse"]
        ok(text(sp.attrs["layout"]) == "sparse" and text(sp.attrs["coord_order"]) == "zyx" and
           list(sp.attrs["dims"]) == [6, 6, 2] and text(sp.attrs["mode"]) == "mean" and
           [text(x) for x in sp.attrs["point_columns"]] == ["x", "y", "z", "intensity"] and
           int(sp["coords"][()][:, 0].max(initial=0)) < 2,
           "sparse voxel output: coords in z, y, x order, point columns from the input's names", dict(sp.attrs))
        ok(not [k for k in f.attrs if k not in ("format", "format_version", "tool_version", "spec_sha256",
                                                "backend", "created_from")], "root attributes unchanged")
        feats = man["features"]
        ok(list(feats) == sorted(feats) and set(feats) == set(kinds), "manifest features: one per output")
        ok(feats["observation"] == {"kind": "fuse", "dtype": "float32", "shape": [12], "names": names, "rate_hz": 25}
           and feats["action"]["dtype"] == "bfloat16" and feats["history"]["shape"] == [3, 6]
           and feats["grid"]["dtype"] == "uint32" and feats["grid"]["shape"] == [8, 8, 1]
           and feats["sparse"]["dtype"] is None and feats["sparse"]["names"] is None,
           "feature dtype, shape per step, names, rate_hz and kind match the shard", feats)
        ok(man["fps"] == 25, "manifest fps is the timeline's rate")
        ok(man["stats"]["observation"]["names"] == names and man["stats"]["action"]["names"][0] == "action[0]",
           "stats name their columns")

    code, err = run("out", 0.5, 1, "--resume")
    again = json.load(open(os.path.join(D, "out", "manifest.json")))
    ok(code == 0 and again["features"] == man["features"] and again["fps"] == 25 and again["stats"] == man["stats"],
       "--resume with every shard kept lists the same features and stats", err)

    # --- the split never leaves train empty -----------------------------------------------------
    ids = [e["id"] for e in man["episodes"]]
    code, err = run("allval", 0.999, 3)
    m = json.load(open(os.path.join(D, "allval", "manifest.json")))
    vals = {i: split_value(i, 3) for i in ids}
    best = max(ids, key=lambda i: (vals[i], [-ord(c) for c in i]))
    ok(code == 0 and all(v < 0.999 for v in vals.values()), "every episode's value is below 0.999", vals)
    ok([e["split"] for e in m["episodes"]] == ["train" if e["id"] == best else "val" for e in m["episodes"]],
       "val_fraction 0.999 with 3 episodes: the one with the largest value goes to train", m["episodes"])
    ok(m["empty_splits"] == [] and min(m["stats"]["observation"]["train"]["count"]) > 0,
       "train statistics are not empty")
    ok(m["stats"]["observation"]["val"]["count"][0] + m["stats"]["observation"]["train"]["count"][0]
       == m["stats"]["observation"]["count"][0], "the moved episode's statistics count in train only")
    code0, err0 = run("shardA", 0.999, 3, "--shard", "0/2")
    code1, err1 = run("shardA", 0.999, 3, "--shard", "1/2")
    code2, _, err2 = rc("merge-manifests", "shardA", cwd=D)
    mm = json.load(open(os.path.join(D, "shardA", "manifest.json"))) if code2 == 0 else {"episodes": []}
    ok(code0 == code1 == code2 == 0 and
       [(e["id"], e["split"]) for e in mm["episodes"]] == [(e["id"], e["split"]) for e in m["episodes"]] and
       mm["stats"] == m["stats"], "two tasks and merge-manifests pick the same train episode and statistics",
       err0 + err1 + err2)
    code, err = run("noval", 0.01, 3)
    m = json.load(open(os.path.join(D, "noval", "manifest.json")))
    ok(all(e["split"] == "train" for e in m["episodes"]) and m["empty_splits"] == ["val"] and
       "the val split is empty" in err, "an empty val split is stated in the manifest and the run's summary", err)
    code, err = run("zero", 0, 3)
    m = json.load(open(os.path.join(D, "zero", "manifest.json")))
    ok(m["empty_splits"] == ["val"] and "split is empty" not in err,
       "val_fraction 0: val is empty by request (stated in the manifest, no warning)", err)
    os.makedirs(os.path.join(D, "one"))
    shutil.copy(os.path.join(D, "raw", raw_files[0]), os.path.join(D, "one"))
    with h5py.File(os.path.join(D, "one", raw_files[0]), "r+") as f:
        for ep in list(f["episodes"])[1:]:
            del f["episodes"][ep]
    with open(os.path.join(D, "single.yaml"), "w") as f:
        f.write(SPEC.format(out="single", frac=0.999, seed=3).replace("dir: raw,", "dir: one,"))
    code, _, err = rc("run", "single.yaml", "--progress", "never", cwd=D)
    m = json.load(open(os.path.join(D, "single", "manifest.json")))
    ok(code == 0 and len(m["episodes"]) == 1 and m["empty_splits"] == ["train"] and "the train split is empty" in err,
       "one episode may be val: the empty train split is stated", err)
finally:
    shutil.rmtree(D)
done()
