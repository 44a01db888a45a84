# test_shard_merge.py — sharded runs (docs/SLURM.md): 4 tasks via --shard i/4 and the Slurm
# variables, then merge-manifests, must equal one task (same episodes in input order, same content
# digests, statistics bit for bit); the partition is the documented greedy by stored size,
# recomputed here with h5py; statistics equal numpy over the valid rows read back from the shards
# (quantiles within the sketch's documented bound; `stats: {quantiles: exact}` equal to numpy's, and
# mergeable bit for bit too); tasks never touch each other's files; tasks with no episodes still
# write their manifest.
import fractions
import json
import math
import os
import shutil
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
from e2e_common import done, ok, rc, sketch_bound, tmpdir  # noqa: E402

SPEC = """version: 1
input: {{dir: raw, pattern: "*.h5", layout: robocache-raw}}
output:
  dir: {out}
  shard_max_episodes: 2
  compression: {{codec: zstd, level: 3}}
  split: {{val_fraction: 0.4, seed: 17}}
on_error: fail
timeline: {{rate_hz: 50, span: intersection}}
stages:
  - fuse:
      name: observation
      dtype: float32
      max_gap_ms: 120
      streams:
        - {{name: joint_pos, method: linear}}
        - {{name: gripper, method: previous}}
  - resample: {{name: action, stream: action, method: linear, dtype: float16}}
stats: true
"""

D = tmpdir()
raw = os.path.join(D, "raw")
code, _, err = rc("synth", raw, "--preset", "tiny", "--episodes", "11", "--seconds", "2", "--seed", "9")
ok(code == 0, "synth 11 episodes", err)
files = sorted(os.listdir(raw), key=str.encode)
for fn in files:  # a constant input column: the gripper holds one value everywhere, and is named
    with h5py.File(os.path.join(raw, fn), "r+") as f:
        for ep in f["episodes"]:
            g = f["episodes"][ep]["gripper"]["data"]
            g[...] = 0.25
            g.attrs["names"] = ["gripper_width"]  # a variable-length string list, as h5py writes it
spec = os.path.join(D, "spec.yaml")
with open(spec, "w") as f:
    f.write(SPEC.format(out="single"))


def run(*args, env=None):
    import subprocess
    e = dict(os.environ)
    for k in list(e):
        if k.startswith("SLURM_"):
            del e[k]
    e.update(env or {})
    p = subprocess.run([os.environ["RC_BIN"], "run", spec, "--progress", "never"] + list(args), cwd=D, env=e,
                       capture_output=True, text=True)
    return p.returncode, p.stderr


def load(path):
    with open(path) as f:
        return json.load(f)


code, err1 = run()
ok(code == 0, "single-task run", err1)
ok("output 'observation' column 7 (gripper_width) is constant" in err1,
   "a constant column is warned about on stderr, by its input name", err1)
single = load(os.path.join(D, "single", "manifest.json"))

multi = os.path.join(D, "multi")
codes = []
for i in range(4):
    if i == 1:  # task 1 from the Slurm array variables, the others from --shard
        codes.append(run("--output", "multi", env={"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4",
                                                   "SLURM_PROCID": "0", "SLURM_NTASKS": "1"}))
    else:
        codes.append(run("--output", "multi", "--shard", "%d/4" % i))
ok(all(c == 0 for c, _ in codes), "4 tasks run", "\n".join(e for _, e in codes))
names = sorted(os.listdir(multi))
own = all(n.startswith(("shard-t000%d-" % i, "manifest-t000%d-of-0004.json" % i, "stats-t000%d-of-0004.bin" % i))
          for n in names for i in [int(n.split("-t")[1][:4])] if "-t" in n)
ok(own and "manifest.json" not in names and not [n for n in names if ".tmp." in n],
   "each task writes only its own names (shard-tIIII-*, manifest-tIIII-of-0004.json, its state)", names)
tasks = [load(os.path.join(multi, "manifest-t%04d-of-0004.json" % i)) for i in range(4)]
ok(tasks[1]["task"]["source"] == "SLURM_ARRAY_TASK_ID" and tasks[0]["task"]["source"] == "--shard",
   "the task manifests say where the task index came from")

# The partition, recomputed: episodes in input order with their stored bytes, sorted by (bytes
# descending, input order), each to the least-loaded task (ties: lowest index).
units = []
for fn in files:
    with h5py.File(os.path.join(raw, fn), "r") as f:
        for ep in sorted(f["episodes"], key=str.encode):
            size = []
            f["episodes"][ep].visititems(lambda n, o: size.append(o.id.get_storage_size())
                                         if isinstance(o, h5py.Dataset) else None)
            units.append((os.path.join(raw, fn), ep, sum(size)))
order = sorted(range(len(units)), key=lambda i: (-units[i][2], i))
load_ = [0] * 4
want = {}
for i in order:
    t = min(range(4), key=lambda k: (load_[k], k))
    want[units[i][:2]] = t
    load_[t] += units[i][2]
got = {(f, e): t["task"]["index"] for t in tasks for f, e in t["task"]["assigned"]}
ok(got == want, "the partition is the documented greedy by stored size", (got, want))
ok(max(load_) - min(load_) <= max(u[2] for u in units), "task loads differ by at most one episode's bytes", load_)
ok(all(t["task"]["plan_sha256"] == tasks[0]["task"]["plan_sha256"] and t["task"]["episodes_total"] == 11
       for t in tasks), "every task computed the same plan")

code, _, err = rc("merge-manifests", multi)
ok(code == 0, "merge-manifests exits 0", err)
merged = load(os.path.join(multi, "manifest.json"))


def ep_key(e):
    return (e["id"], e["split"], e["steps"], e["content_sha256"], e["source_file"])


ok([ep_key(e) for e in merged["episodes"]] == [ep_key(e) for e in single["episodes"]],
   "merged episodes equal one task's, in input order, with the same digests and splits")
ok(merged["stats"] == single["stats"], "merged statistics equal one task's bit for bit (quantiles included)")
ok(merged["features"] == single["features"] and merged["fps"] == single["fps"] == 50
   and merged["empty_splits"] == single["empty_splits"] == [],
   "merged features, fps and empty_splits equal one task's")
ok(single["stats"]["observation"]["names"][7] == "gripper_width"
   and single["features"]["observation"]["names"] == single["stats"]["observation"]["names"],
   "stats carry the column names of their feature")
ok(all(merged[k] == single[k] for k in ("format", "format_version", "tool_version", "backend", "spec_sha256",
                                         "skipped")) and "task" not in merged, "merged header equals one task's")
shard_names = [s["name"] for t in tasks for s in t["shards"]]
ok([s["name"] for s in merged["shards"]] == shard_names and
   sum(s["episodes"] for s in merged["shards"]) == 11 and
   all(os.path.exists(os.path.join(multi, n)) for n in shard_names), "merged manifest lists every task's shards")

# The statistics against numpy over the valid rows read back from the shards.
os.environ.setdefault("HDF5_PLUGIN_PATH", "")
rows = {"observation": {"train": [], "val": []}, "action": {"train": [], "val": []}}
for e in single["episodes"]:
    with h5py.File(os.path.join(D, "single", e["shard"]), "r") as f:
        g = f["episodes"][e["id"]]
        v = g["observation"]["valid"][()].astype(bool)
        rows["observation"][e["split"]].append(g["observation"]["data"][()][v].astype(np.float64))
        rows["action"][e["split"]].append(g["action"]["data"][()].astype(np.float64))


def check_stats(st, x, what, exact_q=False):
    n = x.shape[0]
    good = st["count"] == [n] * x.shape[1]
    for j in range(x.shape[1]):
        col = x[:, j]
        good &= st["mean"][j] == math.fsum(col) / n
        exact = fractions.Fraction(0)
        s = sum(fractions.Fraction(v) for v in col)
        exact = sum((fractions.Fraction(v) - s / n) ** 2 for v in col) / n
        good &= abs(st["std"][j] - math.sqrt(float(exact))) <= 4 * np.spacing(max(st["std"][j], 1e-300))
        good &= st["min"][j] == col.min() and st["max"][j] == col.max()
        for q, name in ((0.01, "q01"), (0.1, "q10"), (0.5, "q50"), (0.9, "q90"), (0.99, "q99")):
            want = np.quantile(col, q)
            fine = st[name][j] == want if exact_q else abs(st[name][j] - want) <= sketch_bound(col, q)
            if not fine:
                print("# column %d %s: %r, numpy %r" % (j, name, st[name][j], want))
            good &= fine
        good &= st["constant"][j] == bool(col.min() == col.max())
    return ok(good, what, json.dumps({k: st[k][:3] for k in st if isinstance(st[k], list)}))


n_valid = sum(len(x) for x in rows["observation"]["train"] + rows["observation"]["val"])
ok(0 < n_valid < sum(e["steps"] for e in single["episodes"]), "the fuse mask leaves out some steps (%d valid)" % n_valid)
for out in ("observation", "action"):
    allx = np.concatenate(rows[out]["train"] + rows[out]["val"])
    check_stats(single["stats"][out], allx, "%s: count, mean (exact sum), std, min, max, quantiles = numpy" % out)
    for split in ("train", "val"):
        check_stats(single["stats"][out][split], np.concatenate(rows[out][split]),
                    "%s: the %s split's statistics = numpy over its episodes" % (out, split))
ok(single["stats"]["observation"]["constant"][7] and single["stats"]["observation"]["std"][7] == 0.0,
   "the constant column is flagged with std 0")

# Exact quantiles on request: numpy's to the bit, and 3 tasks + merge equal one task.
with open(spec, "w") as f:
    f.write(SPEC.format(out="exact1").replace("stats: true", "stats: {quantiles: exact}"))
code, err = run()
res = [run("--output", "exact3", "--shard", "%d/3" % i) for i in range(3)]
code_m, _, err_m = rc("merge-manifests", os.path.join(D, "exact3"))
ex1 = load(os.path.join(D, "exact1", "manifest.json")) if code == 0 else {"stats": {}}
ex3 = load(os.path.join(D, "exact3", "manifest.json")) if code_m == 0 else {}
ok(code == 0 and all(c == 0 for c, _ in res) and code_m == 0 and ex3["stats"] == ex1["stats"],
   "stats: {quantiles: exact}: 3 tasks + merge equal one task bit for bit", err + err_m)
for out in ("observation", "action"):
    allx = np.concatenate(rows[out]["train"] + rows[out]["val"])
    if out in ex1["stats"]:
        check_stats(ex1["stats"][out], allx, "%s: exact quantiles equal numpy.quantile" % out, exact_q=True)
    else:
        ok(False, "%s: exact quantiles equal numpy.quantile" % out)
# ... checked against the memory budget before the run: over it, exit 1 with the estimate, nothing written.
code, err = run("--output", "exact_over", "--memory", "100000")
ok(code == 1 and "exact quantiles would hold up to" in err and "over the memory budget of 100000 bytes" in err and
   "stats.quantiles" in err and not os.path.exists(os.path.join(D, "exact_over")),
   "exact quantiles over the memory budget fail before the run with the estimate (exit 1, no output)", err)
est = [int(w) for w in err.split("hold up to ")[1].split()[:1]] if "hold up to " in err else [0]
ok(est[0] == 64 * (8 + 7) * sum(e["steps"] for e in single["episodes"]),
   "the estimate is 64 bytes per value, every grid step of the 8 + 7 columns (%d bytes)" % est[0])
with open(spec, "w") as f:
    f.write(SPEC.format(out="single"))

ids = {s: {e["id"] for e in single["episodes"] if e["split"] == s} for s in ("train", "val")}
ok(ids["train"] and ids["val"] and not ids["train"] & ids["val"], "train and val are disjoint and both non-empty")

# Isolation: rerunning task 1 with --force leaves the other tasks' files alone.
before = {n: (os.stat(os.path.join(multi, n)).st_mtime_ns, open(os.path.join(multi, n), "rb").read())
          for n in os.listdir(multi) if "-t0001-" not in n}
code, err = run("--output", "multi", "--shard", "1/4", "--force")
after = {n: (os.stat(os.path.join(multi, n)).st_mtime_ns, open(os.path.join(multi, n), "rb").read())
         for n in os.listdir(multi) if "-t0001-" not in n}
ok(code == 0 and before == after, "task 1 with --force touches no other task's file", err)
code, err = run("--output", "multi", "--shard", "2/4")
ok(code == 1 and "already holds a conversion (" in err and "-t0002-" in err,
   "a task refuses its own earlier files without --force", err)
code, err = run("--output", "multi", "--shard", "2/5")
ok(code == 1 and "shard-t0002-" in err, "task 2 of another task count refuses task 2's shards too", err)

# More tasks than episodes: the empty tasks still write their manifest; merge still equals one task.
many = os.path.join(D, "many")
res = [run("--output", "many", "--shard", "%d/13" % i) for i in range(13)]
ok(all(c == 0 for c, _ in res) and len([n for n in os.listdir(many) if n.startswith("manifest-t")]) == 13,
   "13 tasks for 11 episodes all succeed, each with a task manifest", "\n".join(e for _, e in res))
empty = [load(os.path.join(many, "manifest-t%04d-of-0013.json" % i)) for i in range(13)]
ok(sum(1 for t in empty if not t["episodes"] and not t["shards"] and not t["task"]["assigned"]) == 2,
   "two tasks got no episode and wrote an empty manifest")
code, _, err = rc("merge-manifests", many)
m13 = load(os.path.join(many, "manifest.json")) if code == 0 else {}
ok(code == 0 and [ep_key(e) for e in m13["episodes"]] == [ep_key(e) for e in single["episodes"]] and
   m13["stats"] == single["stats"], "13 tasks + merge = one task", err)

# on_error: skip with a bad episode and an unreadable file: 3 tasks + merge list the same skips.
bad = os.path.join(D, "rawbad")
shutil.copytree(raw, bad)
with h5py.File(os.path.join(bad, files[1]), "r+") as f:
    ep = sorted(f["episodes"], key=str.encode)[0]
    t = f["episodes"][ep]["joint_pos"]["t"]
    a = t[()]
    a[5] = a[4]
    t[...] = a
with open(os.path.join(bad, files[3]), "wb") as f:
    f.write(b"not an HDF5 file")
with open(spec, "w") as f:
    f.write(SPEC.format(out="skip1").replace("dir: raw,", "dir: rawbad,").replace("on_error: fail", "on_error: skip"))
code, err = run()
res = [run("--output", "skip3", "--shard", "%d/3" % i) for i in range(3)]
code_m, _, err_m = rc("merge-manifests", os.path.join(D, "skip3"))
s1 = load(os.path.join(D, "skip1", "manifest.json"))
s3 = load(os.path.join(D, "skip3", "manifest.json")) if code_m == 0 else {}
ok(code == 0 and all(c == 0 for c, _ in res) and code_m == 0 and len(s1["skipped"]) == 2 and
   [s["episode"] for s in s1["skipped"]] == [ep, "*"] and s3["skipped"] == s1["skipped"] and
   [ep_key(e) for e in s3["episodes"]] == [ep_key(e) for e in s1["episodes"]] and s3["stats"] == s1["stats"],
   "on_error: skip: 3 tasks + merge skip the same episode and file, with the same reasons, as one task",
   err + err_m + json.dumps(s1.get("skipped")) + json.dumps(s3.get("skipped")))
done()
