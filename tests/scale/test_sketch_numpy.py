# test_sketch_numpy.py — the manifest's quantiles against numpy.quantile itself on adversarial
# columns written into the input (heavy tails, Cauchy, all-equal, subnormals, +-0, two values,
# integers, every magnitude, all -0, values straddling 0), as stored float32 and bfloat16: within
# the bound docs/FORMAT.md gives the sketch, min and max exact; 3 tasks + merge-manifests give the
# same statistics bit for bit.
import json
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
from e2e_common import done, ok, rc, sketch_bound, tmpdir  # noqa: E402

SPEC = """version: 1
input: {{dir: raw, layout: robocache-raw}}
output: {{dir: {out}, shard_max_episodes: 2}}
timeline: {{rate_hz: 30, span: {{stream: camera_features}}}}
stages:
  - resample: {{name: feat, stream: camera_features, method: previous}}
  - resample: {{name: feat_bf16, stream: camera_features, method: previous, dtype: bfloat16}}
stats: true
"""

D = tmpdir()
raw = os.path.join(D, "raw")
code, _, err = rc("synth", raw, "--preset", "tiny", "--episodes", "5", "--seconds", "6", "--seed", "3")
ok(code == 0, "synth 5 episodes", err)
rng = np.random.default_rng(23)


def adversarial(n):
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    u = rng.random(n)
    sub = (rng.integers(1, 1 << 23, n, dtype=np.uint32) | np.where(sign < 0, 1 << 31, 0).astype(np.uint32))
    cols = [
        sign * (1 - u) ** -1.5,                                  # heavy-tailed (Pareto)
        np.tan(np.pi * (u - 0.5)),                               # Cauchy
        np.full(n, 3.7),                                         # all equal
        sub.view(np.float32).astype(np.float64),                 # subnormals
        np.where(u < 0.4, -0.0, np.where(u < 0.8, 0.0, sign * 1e-30 * u)),  # +-0 and tiny
        np.where(u < 0.3, -1.5, 1e6),                            # two values
        np.floor(2001 * u) - 1000,                               # integer-valued
        sign * 10.0 ** (76 * u - 38),                            # every magnitude
        np.full(n, -0.0),                                        # all -0
        2 * u - 1,                                               # straddling 0
    ]
    x = np.stack(cols + [rng.normal(0, 10.0 ** (k % 7 - 3), n) for k in range(32 - len(cols))], axis=1)
    return x.astype(np.float32)


for fn in sorted(os.listdir(raw)):
    with h5py.File(os.path.join(raw, fn), "r+") as f:
        for ep in f["episodes"]:
            d = f["episodes"][ep]["camera_features"]["data"]
            d[...] = adversarial(d.shape[0])
spec = os.path.join(D, "spec.yaml")


def run(out, *args):
    with open(spec, "w") as f:
        f.write(SPEC.format(out=out))
    p = subprocess.run([os.environ["RC_BIN"], "run", spec, "--progress", "never"] + list(args), cwd=D,
                       capture_output=True, text=True)
    return p.returncode, p.stderr


code, err = run("one")
ok(code == 0, "one task converts the adversarial columns", err)
with open(os.path.join(D, "one", "manifest.json")) as f:
    man = json.load(f)
os.environ.setdefault("HDF5_PLUGIN_PATH", "")
rows = {"feat": [], "feat_bf16": []}
for e in man["episodes"]:
    with h5py.File(os.path.join(D, "one", e["shard"]), "r") as f:
        g = f["episodes"][e["id"]]
        rows["feat"].append(g["feat"]["data"][()].astype(np.float64))
        bits = g["feat_bf16"]["data"][()].view(np.uint16).astype(np.uint32) << 16
        rows["feat_bf16"].append(bits.view(np.float32).astype(np.float64))
names = ["Pareto", "Cauchy", "all-equal", "subnormal", "+-0 and tiny", "two-valued", "integer", "all magnitudes",
         "all -0", "straddling 0"]
for out in ("feat", "feat_bf16"):
    x = np.concatenate(rows[out])
    st = man["stats"][out]
    for j in range(x.shape[1]):
        col = x[:, j]
        good = st["count"][j] == len(col) and st["min"][j] == col.min() and st["max"][j] == col.max()
        why = []
        for p, name in ((0.01, "q01"), (0.1, "q10"), (0.5, "q50"), (0.9, "q90"), (0.99, "q99")):
            want = np.quantile(col, p)
            if not abs(st[name][j] - want) <= sketch_bound(col, p):
                good = False
                why.append("%s %r, numpy %r, bound %.3g" % (name, st[name][j], want, sketch_bound(col, p)))
        if j < len(names) or not good:
            ok(good, "%s column %d (%s): quantiles within the sketch's bound of numpy.quantile, min and max exact"
               % (out, j, names[j] if j < len(names) else "normal"), "; ".join(why))
    ok(all(st["constant"][j] == bool(x[:, j].min() == x[:, j].max()) for j in range(x.shape[1])),
       "%s: exactly the all-equal columns are flagged constant" % out)

res = [run("three", "--shard", "%d/3" % i) for i in range(3)]
code, _, err = rc("merge-manifests", os.path.join(D, "three"))
merged = {}
if code == 0:
    with open(os.path.join(D, "three", "manifest.json")) as f:
        merged = json.load(f)
ok(all(c == 0 for c, _ in res) and code == 0 and merged.get("stats") == man["stats"],
   "3 tasks + merge-manifests: the same statistics bit for bit", err + "".join(e for _, e in res))
done()
