#!/usr/bin/env python3
# test_formats.py — output.format (docs/FORMAT.md, "Other layouts"): one spec converted as
# robocache and as robomimic holds the same decoded content (verify, and h5py side by side);
# the robomimic shards read as robomimic's SequenceDataset reads them (its loading steps are
# mirrored below: demos sorted by int(name[5:]), mask/<split> decoded as UTF-8, num_samples,
# obs/<k>, next_obs/<k>, actions); --resume and sharded tasks with merge-manifests work on it;
# the spec rejects actions without robomimic; the Python reader refuses the layout clearly.
import json
import os
import shutil
import sys

import h5py
import numpy as np
import zarr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "python"))
import robocache  # noqa: E402  (the shipped reader: reads the robocache layout, with its zstd filter)

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "verify"))
from verify_common import SPEC  # noqa: E402  (outputs of every element type: fuse, float16, bfloat16, voxels)

STAGES = SPEC[SPEC.index("timeline:"):]


def spec(base, name, fmt, extra=""):
    path = os.path.join(base, name + ".yaml")
    with open(path, "w") as f:
        f.write("version: 1\ninput: {dir: raw}\noutput:\n  dir: %s\n  format: %s\n%s"
                "  shard_max_episodes: 2\n  split: {val_fraction: 0.5, seed: 17}\n%s"
                % (name, fmt, extra, STAGES))
    return path


def run(*args):
    code, out, err = rc("-q", *args)
    return code, err


def load_robomimic(path):
    """What robomimic's SequenceDataset reads of one file, by its own steps."""
    f = h5py.File(path, "r", swmr=True)
    demos = sorted(f["data"].keys(), key=lambda x: int(x[5:]))
    masks = {k: [e.decode("utf-8") for e in np.array(f["mask/" + k][:])] for k in ("train", "valid")}
    env = json.loads(f["data"].attrs["env_args"])
    episodes = {}
    for ep in demos:
        g = f["data/" + ep]
        n = int(g.attrs["num_samples"])
        obs_keys = list(g["obs"].keys())
        episodes[ep] = {"n": n, "id": g.attrs["episode_id"].decode(),
                        "obs": {k: g["obs/" + k][()] for k in obs_keys},
                        "next_obs": {k: g["next_obs/" + k][()] for k in obs_keys},
                        "actions": g["actions"][()].astype("float32")}
    return f, demos, masks, env, episodes


def zarr_checks(base, rc_dir):
    """output.format zarr: zarr.open reads every store, equal to the robocache output."""
    z = spec(base, "zarr", "zarr")
    code, err = run("run", z, "--backend", "cpu")
    ok(code == 0, "run zarr.yaml", err)
    zdir = os.path.join(base, "zarr")
    code, out, err = rc("verify", rc_dir, zdir)
    ok(code == 0 and "equal: 3 episodes" in out, "verify: robocache and zarr of one spec are equal", out + err)
    code, out, err = rc("verify", os.path.join(base, "mimic"), zdir)
    ok(code == 0, "verify: robomimic and zarr of one spec are equal", out + err)
    ok(not [n for n in os.listdir(zdir) if ".tmp." in n], "no temporary store is left")
    mz = json.load(open(os.path.join(zdir, "manifest.json")))
    ma = json.load(open(os.path.join(rc_dir, "manifest.json")))
    ok([e["content_sha256"] for e in mz["episodes"]] == [e["content_sha256"] for e in ma["episodes"]],
       "content_sha256 of every episode is the same as in the robocache layout")
    ok(mz["features"] == ma["features"] and mz["stats"] == ma["stats"] and mz["fps"] == ma["fps"],
       "features, fps and stats in the manifest are the same as in the robocache layout")
    ok(all(s["bytes"] > 0 for s in mz["shards"]), "the manifest counts each store's chunk bytes", mz["shards"])
    src = robocache.open(rc_dir)
    shards = sorted({e["shard"] for e in mz["episodes"]})
    ok(shards == ["shard-00000.zarr", "shard-00001.zarr"], "one store per shard, named shard-NNNNN.zarr", shards)
    for shard in shards:
        root = zarr.open(os.path.join(zdir, shard), mode="r")
        ids = [e["id"] for e in mz["episodes"] if e["shard"] == shard]
        steps = [e["steps"] for e in mz["episodes"] if e["shard"] == shard]
        ends = root["meta/episode_ends"][:]
        ok(ends.dtype == np.int64 and list(ends) == list(np.cumsum(steps)),
           "%s: meta/episode_ends is the cumulative steps, int64" % shard, ends)
        names = list(root["data/observation"].attrs["names"])
        ok(names == ma["features"]["observation"]["names"] and
           root["robocache/observation"].attrs["kind"] == "fuse",
           "%s: the output attributes are in the .zattrs (names on data/observation, kind on its group)" % shard)
        keys = sorted(root["data"].array_keys())
        ok(keys == ["action_bf16", "action_half", "observation"], "%s: data/<output> for each time-first output" % shard,
           keys)
        for k in keys:
            arr = root["data"][k]
            want = np.concatenate([h5py.File(src.shard_path(i), "r")["episodes"][i][k]["data"][()] for i in ids])
            ok(arr.compressor.codec_id == "zstd" and arr.shape[0] == ends[-1] and
               np.array_equal(arr[:], want), "%s: data/%s equals the robocache data (zstd chunks)" % (shard, k))
        for k in ("observation/t", "observation/valid", "grid/coords", "grid/offsets", "grid/values", "grid/t"):
            stage, name = k.split("/")
            want = np.concatenate([h5py.File(src.shard_path(i), "r")["episodes"][i][stage][name][()] for i in ids])
            ok(np.array_equal(root["robocache/" + k][:], want), "%s: robocache/%s equals the robocache data" % (shard, k))

    # read back by our own tools: inspect, and damaged stores refused with the file named
    store = os.path.join(zdir, shards[0])
    code, out, err = rc("inspect", store)
    ok(code == 0 and "content_sha256 ok" in out and "robocache-zarr" in out, "inspect reads a zarr store", out + err)
    bad = os.path.join(base, "zbad")
    shutil.copytree(zdir, bad)
    chunk = os.path.join(bad, shards[0], "data", "observation", "0.0")
    with open(chunk, "r+b") as f:
        f.truncate(os.path.getsize(chunk) // 2)
    code, out, err = rc("verify", rc_dir, bad)
    ok(code != 0 and "data/observation/0.0" in err, "verify refuses a truncated chunk, naming it", out + err)
    shutil.rmtree(bad)
    shutil.copytree(zdir, bad)
    attrs = os.path.join(bad, shards[0], ".zattrs")
    meta = json.load(open(attrs))
    meta["datasets"][0]["rows"][0] += 1
    json.dump(meta, open(attrs, "w"))
    code, out, err = rc("verify", rc_dir, bad)
    ok(code != 0 and "expected" in err and "rows" in err, "verify refuses rows that disagree with the array's shape",
       out + err)
    shutil.rmtree(bad)
    shutil.copytree(zdir, bad)
    os.remove(chunk)
    os.symlink("/etc/passwd", chunk)
    code, out, err = rc("verify", rc_dir, bad)
    ok(code != 0 and "0.0" in err, "verify does not follow a symbolic link out of the store", out + err)

    # --resume: a removed store is written again
    last = os.path.join(zdir, shards[-1])
    shutil.rmtree(last)
    code, err = run("run", z, "--backend", "cpu", "--resume")
    ok(code == 0 and os.path.isdir(last), "--resume on a zarr output writes the missing store", err)
    code, out, err = rc("verify", rc_dir, zdir)
    ok(code == 0, "the resumed zarr output equals the robocache one", out + err)
    code, err = run("run", z, "--backend", "cpu")
    ok(code != 0 and "--force" in err, "a second run without --force is refused", err)
    code, err = run("run", z, "--backend", "cpu", "--force")
    ok(code == 0 and sorted(n for n in os.listdir(zdir) if n.startswith("shard")) == shards,
       "--force replaces the stores", err)

    # two Slurm-style tasks, then merge-manifests
    z2 = spec(base, "zarr2", "zarr")
    for k in (0, 1):
        code, err = run("run", z2, "--backend", "cpu", "--shard", "%d/2" % k)
        ok(code == 0, "task %d/2 of a zarr run" % k, err)
    code, _, err = rc("-q", "merge-manifests", os.path.join(base, "zarr2"))
    ok(code == 0, "merge-manifests of zarr tasks", err)
    code, out, err = rc("verify", rc_dir, os.path.join(base, "zarr2"))
    ok(code == 0 and "equal: 3 episodes" in out, "the merged zarr tasks equal the robocache output", out + err)
    names = sorted(n for n in os.listdir(os.path.join(base, "zarr2")) if n.startswith("shard"))
    ok(names and all(n.startswith("shard-t000") and n.endswith(".zarr") for n in names),
       "task stores are named shard-tIIII-KKKKK.zarr", names)
    ok(all(zarr.open(os.path.join(base, "zarr2", n), mode="r")["meta/episode_ends"].shape[0] >= 1 for n in names),
       "every task store opens with zarr")


def main():
    base = tmpdir()
    code, _, err = rc("-q", "synth", os.path.join(base, "raw"), "--preset", "tiny", "--seed", "3",
                      "--episodes", "3", "--seconds", "1.5")
    ok(code == 0, "synth", err)
    a = spec(base, "rc", "robocache")
    b = spec(base, "mimic", "robomimic", "  actions: action_half\n")
    for p in (a, b):
        code, err = run("run", p, "--backend", "cpu")
        ok(code == 0, "run %s" % os.path.basename(p), err)
    rc_dir, mimic_dir = os.path.join(base, "rc"), os.path.join(base, "mimic")
    code, out, err = rc("verify", rc_dir, mimic_dir)
    ok(code == 0 and "equal: 3 episodes" in out, "verify: robocache and robomimic of one spec are equal",
       out + err)
    ma = json.load(open(os.path.join(rc_dir, "manifest.json")))
    mb = json.load(open(os.path.join(mimic_dir, "manifest.json")))
    ok([e["content_sha256"] for e in ma["episodes"]] == [e["content_sha256"] for e in mb["episodes"]],
       "content_sha256 of every episode is the same in both layouts")
    ok(ma["features"] == mb["features"] and ma["stats"] == mb["stats"],
       "features and stats in the manifest are the same in both layouts")

    split = {e["id"]: e["split"] for e in mb["episodes"]}
    seen = 0
    for shard in sorted({e["shard"] for e in mb["episodes"]}):
        f, demos, masks, env, eps = load_robomimic(os.path.join(mimic_dir, shard))
        ok(demos == ["demo_%d" % i for i in range(len(demos))], "%s: demos demo_0.. (%d)" % (shard, len(demos)))
        ok(sorted(masks["train"] + masks["valid"], key=lambda x: int(x[5:])) == demos,
           "%s: mask/train and mask/valid cover every demo once" % shard)
        ok(all(split[eps[d]["id"]] == ("val" if d in masks["valid"] else "train") for d in demos),
           "%s: the masks are the manifest's split" % shard)
        ok(int(f["data"].attrs["total"]) == sum(e["n"] for e in eps.values()), "%s: total = sum of num_samples" % shard)
        ok(isinstance(env, dict) and "env_name" in env, "%s: env_args is a JSON object" % shard)
        with h5py.File(os.path.join(rc_dir, shard), "r") as g:
            for d in demos:
                e = eps[d]
                src = g["episodes"][e["id"]]
                same = all(np.array_equal(e["obs"][k], src[k]["data"][()]) for k in e["obs"])
                ok(same and sorted(e["obs"]) == ["action_bf16", "action_half", "observation"],
                   "%s %s: obs/<output> equals the robocache data" % (shard, d))
                nxt = all(np.array_equal(e["next_obs"][k][:-1], e["obs"][k][1:]) and
                          np.array_equal(e["next_obs"][k][-1], e["obs"][k][-1]) for k in e["obs"])
                ok(nxt, "%s %s: next_obs is obs one step ahead, the last row repeated" % (shard, d))
                ok(np.array_equal(e["actions"], src["action_half"]["data"][()].astype("float32")) and
                   e["n"] == len(e["actions"]) == int(src.attrs["steps"]),
                   "%s %s: actions is output action_half, num_samples rows" % (shard, d))
                ok(f["data/%s/robocache/observation" % d].attrs["kind"] == b"fuse",
                   "%s %s: the output attributes are under robocache/" % (shard, d))
                seen += 1
        f.close()
    ok(seen == 3, "all 3 episodes read the robomimic way")

    # --resume: remove the last shard, rerun, the output is whole again
    last = os.path.join(mimic_dir, mb["shards"][-1]["name"] if isinstance(mb["shards"][-1], dict)
                        else mb["shards"][-1])
    os.remove(last)
    code, err = run("run", b, "--backend", "cpu", "--resume")
    ok(code == 0, "--resume on a robomimic output", err)
    code, out, err = rc("verify", rc_dir, mimic_dir)
    ok(code == 0, "the resumed robomimic output equals the robocache one", out + err)

    # two Slurm-style tasks, then merge-manifests
    b2 = spec(base, "mimic2", "robomimic", "  actions: action_half\n")
    for k in (0, 1):
        code, err = run("run", b2, "--backend", "cpu", "--shard", "%d/2" % k)
        ok(code == 0, "task %d/2 of a robomimic run" % k, err)
    code, _, err = rc("-q", "merge-manifests", os.path.join(base, "mimic2"))
    ok(code == 0, "merge-manifests of robomimic tasks", err)
    code, out, err = rc("verify", rc_dir, os.path.join(base, "mimic2"))
    ok(code == 0, "the merged robomimic tasks equal the robocache output", out + err)

    zarr_checks(base, rc_dir)

    bad = spec(base, "bad", "robocache", "  actions: action_half\n")
    code, err = run("validate", bad)
    ok(code != 0 and "output.actions" in err and "robomimic" in err, "actions without format robomimic is refused", err)
    bad = spec(base, "bad2", "robomimic", "  actions: grid\n")
    code, err = run("validate", bad)
    ok(code != 0 and "output.actions" in err, "actions naming a voxelize stage is refused", err)

    for out, name in ((mimic_dir, "robomimic"), (os.path.join(base, "zarr"), "zarr")):
        try:
            robocache.open(out)
            ok(False, "the Python reader refuses a %s output" % name)
        except ValueError as e:
            ok(name in str(e), "the Python reader refuses a %s output, naming it" % name, str(e))
    shutil.rmtree(base, ignore_errors=True)
    done()


main()
