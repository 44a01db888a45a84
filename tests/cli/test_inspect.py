#!/usr/bin/env python3
# test_inspect.py — `inspect SHARD --json` and `inspect DIR [--json]`, checked against the files
# themselves: the shard's attributes, episodes and datasets as h5py reads them and the same
# digests as the text output; the folder summary against manifest.json (episodes per split,
# steps, shards and whether each is there, statistics); the exit 3 cases (a shard missing, no
# manifest, only task manifests, with the hint to merge them).
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok  # noqa: E402


RC = os.environ["RC_BIN"]


def rc(*args):
    p = subprocess.run([RC] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


tmp = tempfile.mkdtemp(prefix="rc-inspect.")
os.chdir(tmp)
subprocess.run([RC, "synth", "raw", "--preset", "tiny", "--episodes", "5", "--seconds", "2", "--seed", "9"],
               check=True, capture_output=True)
spec = """version: 1
input: {dir: raw, layout: robocache-raw}
output: {dir: %s, shard_max_episodes: 2, split: {val_fraction: 0.4, seed: 2}}
timeline: {rate_hz: 50}
stages:
  - fuse: {name: observation, streams: [{name: joint_pos, method: linear}, {name: gripper, method: previous}]}
  - resample: {name: action, stream: action, method: linear}
stats: true
"""
with open("p.yaml", "w") as f:
    f.write(spec % "train")
subprocess.run([RC, "run", "p.yaml"], check=True, capture_output=True)

# inspect SHARD --json against h5py and the text output
code, out, err = rc("inspect", "train/shard-00000.h5", "--json")
doc = json.loads(out) if code == 0 else None
ok(doc is not None, "inspect SHARD --json exits 0 with one JSON object", err)
with h5py.File("train/shard-00000.h5", "r") as f:
    ok(doc["format"] == f.attrs["format"].decode() and doc["spec_sha256"] == f.attrs["spec_sha256"].decode()
       and doc["pipeline"] == f["meta/pipeline"][()].decode(), "root attributes and the whole pipeline text")
    ids = sorted(f["episodes"])
    ok([e["id"] for e in doc["episodes"]] == ids, "the shard's episodes, in order: %s" % ids)
    same = True
    for e in doc["episodes"]:
        g = f["episodes"][e["id"]]
        same &= e["steps"] == int(g.attrs["steps"]) and e["content_sha256"] == g.attrs["content_sha256"].decode()
        same &= e["content_sha256_ok"] is True and e["content_sha256_computed"] == e["content_sha256"]
        paths = []
        g.visititems(lambda name, o: paths.append(name) if isinstance(o, h5py.Dataset) else None)
        same &= sorted(d["path"] for d in e["datasets"]) == sorted(paths)
        for d in e["datasets"]:
            ds = g[d["path"]]
            same &= list(ds.shape) == d["shape"] and list(ds.chunks) == d["chunks"] and d["filter_id"] == 32015
    ok(same, "steps, digests, dataset paths, shapes, chunks and filter equal the file's")
code, text, _ = rc("inspect", "train/shard-00000.h5")
ok(all(("sha256 " + d["sha256"]) in text for e in doc["episodes"] for d in e["datasets"]),
   "the JSON's dataset digests are the text output's")

# inspect DIR against the manifest
with open("train/manifest.json") as f:
    m = json.load(f)
code, out, err = rc("inspect", "train", "--json")
s = json.loads(out) if code == 0 else None
ok(s is not None, "inspect DIR --json exits 0", err)
splits = [e["split"] for e in m["episodes"]]
ok((s["episodes"], s["train"], s["val"]) == (len(splits), splits.count("train"), splits.count("val"))
   and s["steps"] == sum(e["steps"] for e in m["episodes"]) and s["skipped"] == len(m["skipped"]),
   "episodes %d (train %d, val %d) and steps as the manifest says" % (s["episodes"], s["train"], s["val"]))
ok([x["name"] for x in s["shards"]] == [x["name"] for x in m["shards"]] and all(x["present"] for x in s["shards"])
   and sorted(s["stats"]) == sorted(m["stats"]), "shards (all present) and outputs with statistics")
code, out, err = rc("inspect", "train")
ok(code == 0 and "episodes: %d (train %d, val %d)" % (s["episodes"], s["train"], s["val"]) in out
   and "shards: %d" % len(m["shards"]) in out, "inspect DIR prints the same summary", out + err)

os.remove("train/" + m["shards"][-1]["name"])
code, out, err = rc("inspect", "train")
ok(code == 3 and "MISSING" in out and "1 shard of the manifest missing" in err, "a missing shard: exit 3", out + err)
os.makedirs("empty")
code, out, err = rc("inspect", "empty")
ok(code == 3 and "no manifest.json" in err and "merge-manifests" not in err, "no manifest: exit 3", err)
with open("p2.yaml", "w") as f:
    f.write(spec % "tasks")
subprocess.run([RC, "run", "p2.yaml", "--shard", "0/2"], check=True, capture_output=True)
code, out, err = rc("inspect", "tasks")
ok(code == 3 and "merge-manifests" in err, "only task manifests: exit 3 and the merge hint", err)

shutil.rmtree(tmp)
done()
