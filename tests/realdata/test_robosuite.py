# test_robosuite.py — the real robosuite v1.0 demonstration (Lift, Panda, one demo of 412 steps)
# converted with the robosuite layout, every output value checked against the file read here
# with h5py: times from states column 0 (float seconds -> int64 ns, llround(s * 1e9)); on the
# file's own 20 Hz grid `nearest` and `previous` give exactly the stored rows as float32, and at
# 50 Hz `linear` equals the spec's arithmetic (fast_ref.py) bit for bit.  Also: a copy with a
# second demo, demo_10, comes after demo_2; broken copies fail with exit 2 naming the HDF5 path.
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
from e2e_common import _llround, done, grid, ok, rc, tmpdir  # noqa: E402
import fast_ref  # noqa: E402

REAL = os.path.join(os.environ.get("RC_SHARED_DATA", "../shared/data"), "robosuite_v1.0_lift_panda_demo.hdf5")
SPEC = """version: 1
input: {{dir: {inp}, pattern: "*.hdf5", layout: robosuite}}
output: {{dir: {out}}}
timeline: {{rate_hz: {rate}, span: {{stream: states}}}}
stages:
  - fuse:
      name: obs
      max_gap_ms: 60
      streams:
        - {{name: states, method: {m}}}
        - {{name: joint_torques, method: {m}}}
  - resample: {{name: action, stream: actions, method: {am}}}
"""


def run(D, name, inp, rate, m, am):
    out = os.path.join(D, name)
    spec = os.path.join(D, name + ".yaml")
    with open(spec, "w") as f:
        f.write(SPEC.format(inp=inp, out=out, rate=rate, m=m, am=am))
    code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
    return code, err, out


D = tmpdir()
inp = os.path.join(D, "in")
os.makedirs(inp)
shutil.copy(REAL, inp)
with h5py.File(REAL, "r") as f:
    demo = f["data/demo_1"]
    states, actions, torques = demo["states"][()], demo["actions"][()], demo["joint_torques"][()]
    ok(f["data"].attrs["env"] in ("Lift", b"Lift") and "env_info" in f["data"].attrs,
       "the real file: /data attributes env (Lift) and env_info")
ok(states.shape == (412, 32) and actions.shape == (412, 7) and torques.shape == (412, 7) and states.dtype == np.float64,
   "the real file: demo_1 states [412, 32], actions and joint_torques [412, 7], float64")
t = np.array([_llround(float(s) * 1e9) for s in states[:, 0]], dtype=np.int64)
ok(np.all(np.diff(t) > 0) and abs(t[0] - 52000000) < 1000, "sim time column: strictly increasing from 0.052 s")

for m, am in (("nearest", "previous"), ("previous", "nearest")):
    code, err, out = run(D, "r20-" + m, inp, 20, m, am)
    ok(code == 0, "robosuite at 20 Hz with %s/%s converts (exit 0)" % (m, am), err)
    f = h5py.File(os.path.join(out, "shard-00000.h5"), "r")
    ok(list(f["episodes"]) == ["demo_1"], "one episode, demo_1")
    g = f["episodes/demo_1"]
    gr = grid(int(t[0]), int(t[-1]), 20)
    ok(np.array_equal(g["obs/t"][()], gr) and len(gr) == 412, "obs/t: 412 steps of 50 ms from the first sim time")
    obs = g["obs/data"][()]
    want = np.concatenate([states, torques], axis=1).astype(np.float32)
    ok(obs.shape == (412, 39) and np.array_equal(obs, want),
       "%s: every obs value equals the stored states | joint_torques as float32" % m,
       np.argwhere(obs != want)[:5])
    ok(np.array_equal(g["action/data"][()], actions.astype(np.float32)), "%s: every action equals the source" % am)
    ok(np.all(g["obs/valid"][()] == 1), "50 ms steps are inside max_gap_ms 60")
    attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
    ok(attrs["source_group"] == "/data/demo_1" and attrs["source_file"].endswith("robosuite_v1.0_lift_panda_demo.hdf5")
       and attrs["steps"] == 412, "episode attributes name the source file and /data/demo_1", attrs)

code, err, out = run(D, "r50", inp, 50, "linear", "linear")
ok(code == 0, "robosuite at 50 Hz with linear converts", err)
g = h5py.File(os.path.join(out, "shard-00000.h5"), "r")["episodes/demo_1"]
gr = grid(int(t[0]), int(t[-1]), 50)
ok(np.array_equal(g["obs/t"][()], gr), "%d steps of 20 ms" % len(gr))
ref = fast_ref.linear(t, np.concatenate([states, torques], axis=1), gr)
ok(np.array_equal(g["obs/data"][()], ref), "linear obs equals the spec's arithmetic bit for bit")
ok(np.array_equal(g["action/data"][()], fast_ref.linear(t, actions, gr)), "linear actions equal it too")

# a second and a tenth demo: numeric order; a broken demo names its path
two = os.path.join(D, "two")
os.makedirs(two)
p = os.path.join(two, "demo.hdf5")
shutil.copy(REAL, p)
os.chmod(p, 0o644)
with h5py.File(p, "a") as f:
    f.copy("data/demo_1", "data/demo_10")
    f.copy("data/demo_1", "data/demo_2")
code, err, out = run(D, "rtwo", two, 20, "nearest", "previous")
ids = [e["id"] for e in json.load(open(os.path.join(out, "manifest.json")))["episodes"]] if code == 0 else []
ok(ids == ["demo_1", "demo_2", "demo_10"], "demos in numeric order: demo_1, demo_2, demo_10", ids)


def bad_case(name, edit, expect):
    d = os.path.join(D, "bad-" + name)
    os.makedirs(d)
    q = os.path.join(d, "demo.hdf5")
    shutil.copy(REAL, q)
    os.chmod(q, 0o644)
    with h5py.File(q, "a") as f:
        edit(f["data/demo_1"])
    code, err, _ = run(D, "out-" + name, d, 20, "nearest", "previous")
    ok(code == 2 and expect in err, "malformed (%s): exit 2 with '%s'" % (name, expect), "exit %d: %s" % (code, err))


def set_states(g, a):
    del g["states"]
    g["states"] = a


s2 = states.copy()
s2[100, 0] = s2[99, 0]
bad_case("time-repeats", lambda g: set_states(g, s2),
         "/data/demo_1/states: expected strictly increasing timestamps, found a duplicate at index 100")
s3 = states.copy()
s3[7, 0] = np.nan
bad_case("time-nan", lambda g: set_states(g, s3), "/data/demo_1/states: expected finite timestamps, found nan at index 7")
bad_case("short-actions", lambda g: g.__setitem__("actions_short", actions[:400]) or g.move("actions_short", "x") or
         (g.__delitem__("actions"), g.move("x", "actions")),
         "/data/demo_1/actions: expected 412 rows (one per time step of the time column), found 400")
bad_case("no-states", lambda g: g.move("states", "state"),
         "/data/demo_1: expected the time stream 'states' (layout robosuite), not found")
bad_case("int-states", lambda g: set_states(g, np.arange(412 * 3).reshape(412, 3)),
         "/data/demo_1/states: expected float seconds in column 0, found dtype int64")
shutil.rmtree(D)
done()
