# test_determinism.py — the same spec and input give the same content: per-episode content
# digests (manifest content_sha256, compared by episode id) and `verify` agree across a rerun,
# --threads 1 and 2, shard_max_episodes 1 and 3 (other shard counts), zstd levels 3 and 9 (other
# file bytes) and renamed, reordered input files (other episode order).  The digests are first checked against an independent h5py
# recomputation (docs/FORMAT.md), and verify must catch a deliberate edit and a missing episode.
import atexit
import filecmp
import hashlib
import json
import os
import shutil
import struct
import sys

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

SPEC = """version: 1
input:
  dir: raw
output:
  dir: out
  shard_max_episodes: {per_shard}
  compression: {{codec: zstd, level: {level}}}
  split: {{val_fraction: 0.4, seed: 3}}
timeline: {{rate_hz: 40, span: union}}
stages:
  - fuse:
      name: observation
      dtype: bfloat16
      max_gap_ms: 40
      streams:
        - {{name: joint_pos, method: linear}}
        - {{name: base_quat, method: slerp}}
        - {{name: imu, method: nearest}}
  - resample: {{name: action, stream: action, method: linear, dtype: float16}}
  - voxelize:
      name: grid
      stream: lidar
      range: [[-12, 12], [-12, 12], [-2, 2]]
      voxel_size: [3, 3, 2]
      mode: mean
      layout: sparse
stats: true
"""

base = tmpdir()
atexit.register(shutil.rmtree, base, True)
raw = os.path.join(base, "raw")
code, _, err = rc("-q", "synth", raw, "--preset", "tiny", "--seed", "11", "--episodes", "5", "--seconds", "1.5")
ok(code == 0, "synth: 5 episodes in 3 files", err)


def spec(per_shard, level):
    path = os.path.join(base, "spec-%d-%d.yaml" % (per_shard, level))
    with open(path, "w") as f:
        f.write(SPEC.format(per_shard=per_shard, level=level))
    return path


def run(name, per_shard=3, threads=1, inp=raw, level=3):
    out = os.path.join(base, name)
    code, _, err = rc("-q", "run", spec(per_shard, level), "--input", inp, "--output", out, "--backend", "cpu",
                      "--threads", threads)
    ok(code == 0, "run %s (shard_max_episodes %d, --threads %d, zstd level %d)" % (name, per_shard, threads, level),
       err)
    return out


def manifest(out):
    with open(os.path.join(out, "manifest.json")) as f:
        return json.load(f)


def digests(out):
    return {e["id"]: e["content_sha256"] for e in manifest(out)["episodes"]}


def content_sha256(episode):
    """docs/FORMAT.md's digest, restated with h5py."""
    paths = []
    episode.visititems(lambda n, o: paths.append(n) if isinstance(o, h5py.Dataset) else None)
    h = hashlib.sha256()
    for rel in sorted(paths, key=str.encode):
        ds = episode[rel]
        name = "bfloat16" if ds.attrs.get("dtype") == b"bfloat16" else ds.dtype.name
        h.update(rel.encode() + b"\0" + name.encode() + b"\0")
        h.update(struct.pack("<Q", ds.ndim) + b"".join(struct.pack("<Q", d) for d in ds.shape))
        h.update(hashlib.sha256(np.ascontiguousarray(ds[()]).tobytes()).digest())
    return h.hexdigest()


ref = run("ref")
ref_d = digests(ref)
ok(sorted(ref_d) == ["ep-%06d" % i for i in range(5)], "reference run holds the 5 episodes", ref_d)
recomputed = {}
for s in manifest(ref)["shards"]:
    with h5py.File(os.path.join(ref, s["name"]), "r") as f:
        for eid, g in f["episodes"].items():
            recomputed[eid] = content_sha256(g)
ok(recomputed == ref_d, "manifest digests equal an independent h5py recomputation", (recomputed, ref_d))

# Input files renamed and copied in another order, one in a subfolder: the sorted paths now put
# raw-00002.h5 first (a.h5) and raw-00000.h5 last (sub/b.h5), and the directory order differs too.
moved = os.path.join(base, "moved")
os.makedirs(os.path.join(moved, "sub"))
for src, dst in [("raw-00001.h5", "c.h5"), ("raw-00000.h5", "sub/b.h5"), ("raw-00002.h5", "a.h5")]:
    shutil.copyfile(os.path.join(raw, src), os.path.join(moved, dst))

variants = [
    ("rerun", run("rerun")),
    ("--threads 2", run("threads2", threads=2)),
    ("shard_max_episodes 1", run("pershard1", per_shard=1)),
    ("renamed input", run("moved-out", inp=moved)),
    ("zstd level 9", run("level9", level=9)),
]
ok(len(manifest(ref)["shards"]) == 2 and len(manifest(dict(variants)["shard_max_episodes 1"])["shards"]) == 5,
   "shard_max_episodes 3 and 1 give 2 and 5 shards")
order = [e["id"] for e in manifest(dict(variants)["renamed input"])["episodes"]]
ok(order == ["ep-000004", "ep-000002", "ep-000003", "ep-000000", "ep-000001"],
   "renamed input converts in the new path order", order)
for what, out in variants:
    ok(digests(out) == ref_d, "%s: same content digest for every episode id" % what, (digests(out), ref_d))
    code, o, e = rc("verify", out, ref)
    ok(code == 0, "%s: verify finds it equal to the reference (exit 0)" % what, o + e)
rerun = dict(variants)["rerun"]
same_bytes = all(filecmp.cmp(os.path.join(ref, s["name"]), os.path.join(rerun, s["name"]), shallow=False)
                 for s in manifest(ref)["shards"])
ok(same_bytes, "rerun: the shard files are byte-identical")
level9 = dict(variants)["zstd level 9"]
ok(not filecmp.cmp(os.path.join(ref, "shard-00000.h5"), os.path.join(level9, "shard-00000.h5"), shallow=False),
   "zstd level 9: the shard bytes differ (the content does not, above)")

# A deliberate change must be caught: one bfloat16 value of ep-000003 moved by one of its ulps.
changed = os.path.join(base, "changed")
shutil.copytree(ref, changed)
shard = [e["shard"] for e in manifest(changed)["episodes"] if e["id"] == "ep-000003"][0]
with h5py.File(os.path.join(changed, shard), "r+") as f:
    ds = f["episodes/ep-000003/observation/data"]
    a = ds[()]
    a[2, 3] += 1
    ds[...] = a
code, o, e = rc("verify", changed, ref)
ok(code == 5, "an edited value: verify exits 5", o + e)
ok("episode ep-000003: observation/data: 1 of" in o and "1 ulp" in o, "the line names episode, dataset and 1 ulp", o)

missing = os.path.join(base, "missing")
shutil.copytree(ref, missing)
m = manifest(missing)
shard = [e["shard"] for e in m["episodes"] if e["id"] == "ep-000001"][0]
with h5py.File(os.path.join(missing, shard), "r+") as f:
    del f["episodes/ep-000001"]
m["episodes"] = [e for e in m["episodes"] if e["id"] != "ep-000001"]
with open(os.path.join(missing, "manifest.json"), "w") as f:
    json.dump(m, f)
code, o, e = rc("verify", missing, ref)
ok(code == 5 and "episode ep-000001: missing: golden has it, output does not" in o, "a deleted episode: exit 5", o + e)
done()
