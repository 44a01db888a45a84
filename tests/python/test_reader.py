#!/usr/bin/env python3
# test_reader.py — the shipped reader package `robocache` (python/robocache) against h5py reads
# of the same shards: robocache.open's episodes, splits, features and stats; Dataset items per
# step and per window (stride, padding, valid masks, normalisation); and, when torch is
# installed, a DataLoader with 2 worker processes returning exactly the dataset's items.
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "python"))
import robocache  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import bail, done, ok  # noqa: E402


SPEC = """version: 1
input: {dir: raw, layout: robocache-raw}
output: {dir: out, shard_max_episodes: 2, split: {val_fraction: 0.25, seed: 3}}
timeline: {rate_hz: 50, span: union}
stages:
  - fuse:
      name: observation
      max_gap_ms: 100
      streams: [{name: joint_pos, method: linear}, {name: base_quat, method: slerp}]
  - resample: {name: action, stream: action, method: linear, dtype: bfloat16}
stats: true
"""

rc = os.environ["RC_BIN"]
tmp = tempfile.mkdtemp(prefix="rc-test-reader.")
try:
    subprocess.run([rc, "synth", os.path.join(tmp, "raw"), "--preset", "tiny", "--episodes", "5",
                    "--seconds", "2", "--seed", "4"], check=True, capture_output=True)
    with open(os.path.join(tmp, "spec.yaml"), "w") as f:
        f.write(SPEC)
    r = subprocess.run([rc, "run", os.path.join(tmp, "spec.yaml")], capture_output=True, text=True)
    if r.returncode:
        bail("run failed: " + r.stderr)
    root = os.path.join(tmp, "out")
    with open(os.path.join(root, "manifest.json")) as f:
        man = json.load(f)

    def direct(e, key):
        """An independent read of one output: h5py on the shard, bfloat16 widened by hand."""
        with h5py.File(os.path.join(root, e["shard"]), "r") as f:
            g = f["episodes"][e["id"]][key]
            data = g["data"][()]
            if g["data"].attrs.get("dtype") == b"bfloat16":
                data = (data.astype(np.uint32) << 16).view(np.float32)
            valid = g["valid"][()] != 0 if "valid" in g else np.ones(len(data), bool)
            return data, valid

    # --- robocache.open -----------------------------------------------------------------
    st = robocache.open(root)
    ok([e["id"] for e in st.episodes] == [e["id"] for e in man["episodes"]], "open: the manifest's episodes")
    want = {}
    for e in man["episodes"]:
        want.setdefault(e["split"], []).append(e["id"])
    ok(st.splits == want and set(want) == {"train", "val"}, "open: splits by the manifest's split field",
       (st.splits, want))
    ok(set(st.features) == {"observation", "action"}, "open: one feature per output", st.features)
    ok(st.features["observation"]["dtype"] == "float32" and st.features["observation"]["shape"] == [11]
       and st.features["action"]["dtype"] == "bfloat16" and st.features["action"]["shape"] == [7],
       "open: feature dtype and shape per step", st.features)
    ok(st.stats == man["stats"] and "observation" in st.stats, "open: the manifest's stats")
    e0 = st.episodes[0]
    d, v = direct(e0, "observation")
    got = st.read(e0["id"], "observation")
    ok(np.array_equal(got["data"], d) and np.array_equal(got["valid"] != 0, v) and len(got["t"]) == len(d),
       "read: data, valid and t of one output equal h5py's")
    ok(got["t"].dtype == np.int64, "read: t is int64 ns")

    # --- Dataset, one item per step ------------------------------------------------------
    train = [e for e in man["episodes"] if e["split"] == "train"]
    ds = robocache.Dataset(root, split="train", keys=["observation", "action"])
    ok(len(ds) == sum(e["steps"] for e in train), "Dataset: one item per step of the train split",
       (len(ds), [e["steps"] for e in train]))
    flat = []
    for e in train:
        od, ov = direct(e, "observation")
        ad, _ = direct(e, "action")
        flat += [(od[i], ov[i], ad[i]) for i in range(e["steps"])]
    same = all(np.array_equal(ds[i]["observation"], flat[i][0]) and ds[i]["observation_valid"] == flat[i][1]
               and np.array_equal(ds[i]["action"], flat[i][2]) and ds[i]["action_valid"] for i in range(len(ds)))
    ok(same, "Dataset: every step's arrays and valid flags equal h5py's")
    it = ds[0]
    ok(sorted(it) == ["action", "action_valid", "observation", "observation_valid"]
       and it["observation"].shape == (11,) and it["action"].dtype == np.float32
       and it["observation_valid"].dtype == np.bool_, "Dataset: item keys, shapes and dtypes (bfloat16 as float32)")
    ok(any(not f[1] for f in flat), "the fixture has invalid fuse steps (the valid mask is exercised)")
    ok(ds[-1]["observation"].shape == (11,), "Dataset: negative index")
    try:
        ds[len(ds)]
        ok(False, "Dataset: index past the end raises IndexError")
    except IndexError:
        ok(True, "Dataset: index past the end raises IndexError")
    try:
        robocache.Dataset(root, keys=["nope"])
        ok(False, "Dataset: an unknown key is refused")
    except KeyError as ex:
        ok("nope" in str(ex) and "observation" in str(ex), "Dataset: an unknown key is refused, naming the outputs")
    ok(len(robocache.Dataset(root, split="val")) == sum(e["steps"] for e in man["episodes"] if e["split"] == "val"),
       "Dataset: the val split")
    ok(len(robocache.Dataset(root, split=None)) == sum(e["steps"] for e in man["episodes"]), "Dataset: split=None is all")

    # --- windows and stride --------------------------------------------------------------
    W, S = 8, 5
    dw = robocache.Dataset(root, split="train", keys=["observation"], window=W, stride=S)
    ref = []
    for e in train:
        od, ov = direct(e, "observation")
        ref += [(od[s:s + W], ov[s:s + W]) for s in range(0, e["steps"] - W + 1, S)]
    ok(len(dw) == len(ref), "window: (T - W) // stride + 1 items per episode", (len(dw), len(ref)))
    ok(all(np.array_equal(dw[i]["observation"], ref[i][0]) and np.array_equal(dw[i]["observation_valid"], ref[i][1])
           for i in range(len(dw))), "window: each item is W consecutive rows and their valid flags")
    big = max(e["steps"] for e in man["episodes"]) + 3
    dp = robocache.Dataset(root, split="train", keys=["observation"], window=big)
    od, ov = direct(train[0], "observation")
    T = train[0]["steps"]
    ok(len(dp) == len(train) and dp[0]["observation"].shape == (big, 11)
       and np.array_equal(dp[0]["observation"][:T], od) and not dp[0]["observation"][T:].any()
       and np.array_equal(dp[0]["observation_valid"][:T], ov) and not dp[0]["observation_valid"][T:].any(),
       "window longer than an episode: one zero-padded item, padding not valid")

    # --- normalisation -------------------------------------------------------------------
    dn = robocache.Dataset(root, split="train", keys=["observation", "action"], normalize=True)
    sto = man["stats"]["observation"]["train"]
    mean = np.array(sto["mean"], np.float32)
    std = np.array(sto["std"], np.float32)
    std = np.where(std > 0, std, 1)
    ok(np.allclose(dn[3]["observation"], (flat[3][0] - mean) / std, rtol=0, atol=1e-6),
       "normalize: (x - mean) / std with the train split's statistics")
    vals = np.stack([dn[i]["observation"] for i in range(len(dn)) if flat[i][1]])
    ok(np.allclose(vals.mean(axis=0), 0, atol=1e-4), "normalize: valid train rows have mean 0")

    # --- pickling and worker processes ---------------------------------------------------
    import pickle
    ds[0]  # opens files in this process
    clone = pickle.loads(pickle.dumps(ds))
    ok(clone._files == {} and np.array_equal(clone[5]["observation"], ds[5]["observation"]),
       "Dataset pickles without its open files and reads again")
    try:
        import torch
        from torch.utils.data import DataLoader
    except ImportError:
        torch = None
        print("# torch not installed: DataLoader checks skipped")
    if torch is not None:
        loader = DataLoader(ds, batch_size=7, shuffle=False, num_workers=2)
        batches = list(loader)
        obs = torch.cat([b["observation"] for b in batches]).numpy()
        val = torch.cat([b["observation_valid"] for b in batches]).numpy()
        ok(obs.shape == (len(ds), 11) and np.array_equal(obs, np.stack([f[0] for f in flat]))
           and np.array_equal(val, np.array([f[1] for f in flat])),
           "DataLoader (2 workers): every item once, equal to h5py's rows")
        wl = DataLoader(dw, batch_size=4, shuffle=True, num_workers=2)
        b = next(iter(wl))
        ok(b["observation"].shape == (4, W, 11) and b["observation_valid"].dtype == torch.bool,
           "DataLoader (2 workers, shuffled windows): batch shapes")
finally:
    shutil.rmtree(tmp)
done()
