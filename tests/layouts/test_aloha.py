# test_aloha.py — the aloha layout end to end: episode files made to the published layout by
# make_layouts.py are converted, and every output value is checked against the source read
# independently with h5py/numpy: at the layout's 50 Hz every method gives the stored rows
# (float32), at 100 Hz linear follows tests/ops/ref_ops.py exactly, input.rate_hz replaces the
# 50 Hz; one episode per file named after the file; malformed files fail with exit 2 naming the
# HDF5 path.  (Camera images are in the files but not read in this version.)
import json
import os
import shutil
import sys

import h5py
import numpy as np

SRC = os.environ["RC_SRCDIR"]
sys.path.insert(0, os.path.join(SRC, "tests", "e2e"))
sys.path.insert(0, os.path.join(SRC, "tests", "ops"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402
import ref_ops  # noqa: E402
from make_layouts import make_aloha  # noqa: E402

SPEC = """version: 1
input: {{dir: {inp}, pattern: "*.hdf5", layout: aloha{extra}}}
output: {{dir: {out}}}
timeline: {{rate_hz: {rate}}}
stages:
  - fuse:
      name: obs
      max_gap_ms: 30
      streams:
        - {{name: qpos, method: linear}}
        - {{name: qvel, method: nearest}}
        - {{name: effort, method: previous}}
  - resample: {{name: action, stream: action, method: linear}}
"""


def run(D, name, inp, extra="", rate=50):
    out = os.path.join(D, name)
    spec = os.path.join(D, name + ".yaml")
    with open(spec, "w") as f:
        f.write(SPEC.format(inp=inp, out=out, extra=extra, rate=rate))
    code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
    return code, err, out


def episodes(out):
    man = json.load(open(os.path.join(out, "manifest.json")))
    eps = {}
    for sh in sorted(x for x in os.listdir(out) if x.endswith(".h5")):
        f = h5py.File(os.path.join(out, sh), "r")
        for eid in f["episodes"]:
            eps[eid] = f["episodes"][eid]
    return [e["id"] for e in man["episodes"]], eps


D = tmpdir()
inp = os.path.join(D, "in")
os.makedirs(os.path.join(inp, "day2"))
files = {"episode_0": (30, 14), "episode_1": (45, 14), "day2/episode_7": (12, 7)}
src = {}
for name, (S, joints) in files.items():
    src[os.path.basename(name)] = make_aloha(os.path.join(inp, name + ".hdf5"), S, seed=S, joints=joints)

code, err, out = run(D, "a50", inp)
ok(code == 0, "aloha at 50 Hz converts (exit 0)", err)
ids, eps = episodes(out)
ok(ids == ["episode_7", "episode_0", "episode_1"], "one episode per file, named after it, in path order", ids)
for eid, a in src.items():
    g = eps[eid]
    S, J = a["action"].shape
    ok(np.array_equal(g["obs/t"][()], np.arange(S, dtype=np.int64) * 20000000), "%s: t[i] = i * 20 ms" % eid)
    want = np.concatenate([a["observations/qpos"], a["observations/qvel"], a["observations/effort"]],
                          axis=1).astype(np.float32)
    ok(np.array_equal(g["obs/data"][()], want), "%s: obs = qpos|qvel|effort rows as float32 (%d columns)" % (eid, 3 * J))
    ok(np.array_equal(g["action/data"][()], a["action"].astype(np.float32)), "%s: action rows" % eid)
    ok(np.all(g["obs/valid"][()] == 1), "%s: 20 ms steps are inside max_gap_ms 30" % eid)
    ok(g.attrs["source_group"] in (b"/", "/"), "%s: source_group is the file root" % eid)

code, err, out = run(D, "a100", inp, rate=100)
ok(code == 0, "aloha on a 100 Hz timeline converts", err)
ids, eps = episodes(out)
for eid, a in src.items():
    S = a["action"].shape[0]
    t = [i * 20000000 for i in range(S)]
    grid = [k * 10000000 for k in range(2 * S - 1)]
    g = eps[eid]
    ok(list(g["obs/t"][()]) == grid, "%s: %d steps of 10 ms" % (eid, len(grid)))
    J = a["action"].shape[1]
    obs = g["obs/data"][()]
    for j, (key, m) in enumerate([("qpos", "linear"), ("qvel", "nearest"), ("effort", "previous")]):
        ref = ref_ops.resample(m, t, a["observations/" + key].astype(np.float32), grid)
        ok(np.array_equal(obs[:, j * J:(j + 1) * J], ref), "%s: %s %s equals the exact reference" % (eid, key, m))
    ref = ref_ops.resample("linear", t, a["action"].astype(np.float32), grid)
    ok(np.array_equal(g["action/data"][()], ref), "%s: action linear equals the exact reference" % eid)

code, err, out = run(D, "a25", inp, extra=", rate_hz: 25", rate=25)
ids, eps = episodes(out) if code == 0 else ([], {})
ok(code == 0 and np.array_equal(eps["episode_0"]["obs/t"][()], np.arange(30, dtype=np.int64) * 40000000),
   "input.rate_hz 25 puts the samples 40 ms apart", err)
t40 = [i * 40000000 for i in range(30)]
vref = ref_ops.valid(t40, t40, 30000000)
ok(code == 0 and vref[:-1].max() == 0 and np.array_equal(eps["episode_0"]["obs/valid"][()], vref),
   "... and steps inside the 40 ms gaps (past max_gap_ms 30) get valid 0", eps["episode_0"]["obs/valid"][()])

dup = os.path.join(D, "dup")
os.makedirs(os.path.join(dup, "b"))
shutil.copy(os.path.join(inp, "episode_0.hdf5"), dup)
shutil.copy(os.path.join(inp, "episode_0.hdf5"), os.path.join(dup, "b"))
code, err, _ = run(D, "adup", dup)
ok(code == 2 and "episode_0" in err, "two files of one name give one episode id twice: exit 2", err)


def bad_case(name, edit, expect):
    d = os.path.join(D, "bad-" + name)
    os.makedirs(d)
    p = os.path.join(d, "episode_3.hdf5")
    make_aloha(p, 10, seed=4)
    with h5py.File(p, "a") as f:
        edit(f)
    code, err, _ = run(D, "out-" + name, d)
    ok(code == 2 and expect in err, "malformed (%s): exit 2 with '%s'" % (name, expect), "exit %d: %s" % (code, err))


def replace(f, path, value):
    del f[path]
    f[path] = value


bad_case("no-qpos", lambda f: f.__delitem__("observations/qpos"),
         "episode_3.hdf5: episode episode_3: /observations/qpos: expected dataset 'observations/qpos'")
bad_case("no-observations", lambda f: f.move("observations", "obs"), "/observations/qpos: expected dataset")
bad_case("qpos-3d", lambda f: replace(f, "observations/qpos", np.zeros((10, 2, 7))),
         "/observations/qpos: expected a 2-D dataset")
bad_case("action-inf", lambda f: f["action"].__setitem__((4, 0), np.inf),
         "/action: expected finite values, found inf at row 4, column 0")
bad_case("empty-effort", lambda f: replace(f, "observations/effort", np.zeros((0, 14))),
         "/observations/effort: expected at least one sample")
with open(os.path.join(D, "notes.hdf5"), "w") as f:
    f.write("not hdf5\n")
os.makedirs(os.path.join(D, "bad-text"))
shutil.move(os.path.join(D, "notes.hdf5"), os.path.join(D, "bad-text", "notes.hdf5"))
code, err, _ = run(D, "out-text", os.path.join(D, "bad-text"))
ok(code == 2 and "expected an HDF5 file" in err, "a text file named .hdf5: exit 2", err)
shutil.rmtree(D)
done()
