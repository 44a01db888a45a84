# test_robomimic.py — the robomimic layout end to end: files made to the published layout by
# make_layouts.py are converted, and every output value is checked against the source read
# independently with h5py/numpy: at the layout's 20 Hz every method gives the stored rows
# (float32), with input.rate_hz 10 the linear and slerp values follow tests/ops/ref_ops.py; demos
# come in numeric order (demo_10 after demo_9); input.filter_key keeps the /mask/<key> demos;
# malformed files fail with exit 2 and a message naming the HDF5 path.
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
from make_layouts import make_robomimic  # noqa: E402

SPEC = """version: 1
input: {{dir: {inp}, pattern: "*.hdf5", layout: robomimic{extra}}}
output: {{dir: {out}, shard_max_episodes: 5}}
timeline: {{rate_hz: {rate}}}
stages:
  - fuse:
      name: obs
      streams:
        - {{name: robot0_eef_pos, method: linear}}
        - {{name: robot0_eef_quat, method: slerp}}
        - {{name: robot0_gripper_qpos, method: previous}}
        - {{name: object, method: nearest}}
        - {{name: rewards, method: previous}}
  - resample: {{name: action, stream: actions, method: linear}}
"""
FUSED = ["obs/robot0_eef_pos", "obs/robot0_eef_quat", "obs/robot0_gripper_qpos", "obs/object", "rewards"]


def run(D, name, inp, extra="", rate=20):
    out = os.path.join(D, name)
    spec = os.path.join(D, name + ".yaml")
    with open(spec, "w") as f:
        f.write(SPEC.format(inp=inp, out=out, extra=extra, rate=rate))
    code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
    return code, err, out


def episodes(out):
    """{id: h5py group} over every shard of out, and the manifest's id order."""
    man = json.load(open(os.path.join(out, "manifest.json")))
    eps = {}
    for sh in sorted(x for x in os.listdir(out) if x.endswith(".h5")):
        f = h5py.File(os.path.join(out, sh), "r")
        for eid in f["episodes"]:
            eps[eid] = f["episodes"][eid]
    return [e["id"] for e in man["episodes"]], eps


D = tmpdir()
inp = os.path.join(D, "in")
os.makedirs(inp)
lengths = [7, 12, 5, 9, 20, 6, 11, 8, 15, 10, 13, 4]
train = ["demo_0", "demo_2", "demo_3", "demo_5", "demo_7", "demo_10", "demo_11", "demo_8"]
valid = [d for d in ("demo_%d" % i for i in range(12)) if d not in train]
demos = make_robomimic(os.path.join(inp, "lift.hdf5"), lengths, seed=3, masks={"train": train, "valid": valid})
numeric = ["demo_%d" % i for i in range(12)]

# --- at the layout's own rate: the grid is the sample times, every output is a stored row ---
code, err, out = run(D, "r20", inp)
ok(code == 0, "robomimic at 20 Hz converts (exit 0)", err)
ids, eps = episodes(out)
ok(ids == numeric, "demos in numeric order, demo_10 after demo_9", ids)
for eid in numeric:
    src = demos[eid]
    S = lengths[int(eid.split("_")[1])]
    g = eps.get(eid)
    if not ok(g is not None, "%s written" % eid):
        continue
    t = g["obs/t"][()]
    ok(np.array_equal(t, np.arange(S, dtype=np.int64) * 50000000), "%s: t[i] = i * 50 ms, %d steps" % (eid, S), t)
    obs = g["obs/data"][()]
    col = 0
    for key in FUSED:
        a = src[key].reshape(S, -1)
        w = a.shape[1]
        got = obs[:, col:col + w]
        if key.endswith("quat"):
            ok(np.abs(got - a.astype(np.float32)).max() <= 2e-7,
               "%s: %s slerp at the samples gives the stored quaternions (x,y,z,w)" % (eid, key),
               np.abs(got - a.astype(np.float32)).max())
        else:
            ok(np.array_equal(got, a.astype(np.float32)), "%s: %s equals the source rows as float32" % (eid, key))
        col += w
    ok(col == obs.shape[1], "%s: obs has the %d columns of the fused keys" % (eid, col), obs.shape)
    ok(np.array_equal(g["action/data"][()], src["actions"].astype(np.float32)), "%s: actions equal the source" % eid)
    ok(np.all(g["obs/valid"][()] == 1), "%s: every step valid" % eid)
    ok(g.attrs["source_group"] in (("/data/" + eid).encode(), "/data/" + eid), "%s: source_group /data/%s" % (eid, eid))

# --- input.rate_hz overrides the 20 Hz: samples 100 ms apart on a 50 ms grid ---
code, err, out = run(D, "r10", inp, extra=", rate_hz: 10")
ok(code == 0, "robomimic with input.rate_hz 10 converts", err)
ids, eps = episodes(out)
for eid in ("demo_4", "demo_11"):
    src = demos[eid]
    S = lengths[int(eid.split("_")[1])]
    t = [i * 100000000 for i in range(S)]
    grid = [k * 50000000 for k in range(2 * S - 1)]
    g = eps[eid]
    ok(list(g["obs/t"][()]) == grid, "%s: %d steps at 50 ms over samples 100 ms apart" % (eid, 2 * S - 1))
    obs = g["obs/data"][()]
    ref = ref_ops.resample("linear", t, src["obs/robot0_eef_pos"].astype(np.float32), grid)
    ok(np.array_equal(obs[:, 0:3], ref), "%s: robot0_eef_pos linear equals the exact reference" % eid)
    q = src["obs/robot0_eef_quat"].astype(np.float32).astype(np.float64)
    qref = np.array([ref_ops.slerp(q[k // 2], q[min(k // 2 + 1, S - 1)], 0.5 if k % 2 else 0.0)
                     for k in range(2 * S - 1)])
    err_q = np.abs(obs[:, 3:7] - qref).max()
    ok(err_q <= 1e-6, "%s: slerp in x,y,z,w order across sign flips matches float64 slerp (%.2g)" % (eid, err_q))
    ref = ref_ops.resample("previous", t, src["obs/robot0_gripper_qpos"].astype(np.float32), grid)
    ok(np.array_equal(obs[:, 7:9], ref), "%s: gripper previous equals the reference" % eid)
    ref = ref_ops.resample("linear", t, src["actions"].astype(np.float32), grid)
    ok(np.array_equal(g["action/data"][()], ref), "%s: actions linear equal the exact reference" % eid)

# --- filter keys ---
code, err, out = run(D, "rtrain", inp, extra=", filter_key: train")
ok(code == 0, "filter_key train converts", err)
ids, eps = episodes(out) if code == 0 else ([], {})
ok(ids == sorted(train, key=lambda s: int(s.split("_")[1])), "filter_key train keeps its demos, in numeric order",
   ids)
code, err, out = run(D, "rvalid", inp, extra=", filter_key: valid")
ids, eps = episodes(out) if code == 0 else ([], {})
ok(code == 0 and ids == valid, "filter_key valid keeps the others", ids)
code, err, out = run(D, "rnope", inp, extra=", filter_key: nope")
ok(code == 2 and "expected filter key 'nope' under /mask, not found (keys: train, valid)" in err,
   "an unknown filter key is exit 2 listing the keys", err)

# --- malformed files: exit 2, the message names the path and what was expected ---
def bad_case(name, edit, expect, extra=""):
    d = os.path.join(D, "bad-" + name)
    os.makedirs(d)
    p = os.path.join(d, "x.hdf5")
    make_robomimic(p, [6, 7], seed=9, masks={"train": ["demo_0"]})
    with h5py.File(p, "a") as f:
        edit(f)
    code, err, _ = run(D, "out-" + name, d, extra=extra)
    ok(code == 2 and expect in err, "malformed (%s): exit 2 with '%s'" % (name, expect), "exit %d: %s" % (code, err))


def replace(f, path, value):
    del f[path]
    f[path] = value


bad_case("no-data", lambda f: f.move("data", "demos"), "expected group /data holding demo_N groups, not found")
bad_case("quat-cols", lambda f: replace(f, "data/demo_1/obs/robot0_eef_quat", np.zeros((7, 3))),
         "/data/demo_1/obs/robot0_eef_quat: expected 4 columns (as the layout says), found 3")
bad_case("no-object", lambda f: f.__delitem__("data/demo_0/obs/object"),
         "/data/demo_0: expected stream 'object', not found (streams of this episode: robot0_eef_pos, robot0_eef_quat, "
         "robot0_gripper_qpos, robot0_joint_pos, actions, dones, rewards, states)")
bad_case("nan", lambda f: f["data/demo_0/actions"].__setitem__((2, 3), np.nan),
         "/data/demo_0/actions: expected finite values, found nan at row 2, column 3")
bad_case("string-actions", lambda f: replace(f, "data/demo_0/actions", np.array([b"a"] * 6)),
         "/data/demo_0/actions: expected a numeric (integer or float) dtype, found string")
bad_case("mask-missing-demo", lambda f: replace(f, "mask/train", np.array([b"demo_0", b"demo_99"])),
         "/mask/train: expected every listed demo under /data, found no /data/demo_99", extra=", filter_key: train")
bad_case("demo-is-dataset", lambda f: f["data"].create_dataset("demo_2", data=np.zeros(3)),
         "/data/demo_2: expected an episode group")

# --- images: agentview_image through resample nearest, uint8 frames as stored ---
img_in = os.path.join(D, "img")
os.makedirs(img_in)
idemos = make_robomimic(os.path.join(img_in, "can.hdf5"), [6, 9], seed=5, image_hw=(84, 84))
spec = os.path.join(D, "img.yaml")
with open(spec, "w") as f:
    f.write("version: 1\ninput: {dir: %s, pattern: '*.hdf5', layout: robomimic}\noutput: {dir: %s}\n"
            "timeline: {rate_hz: 40}\nstages:\n  - resample: {name: eef, stream: robot0_eef_pos, method: linear}\n"
            "  - resample: {name: agentview, stream: agentview_image, method: nearest}\nstats: true\n"
            % (img_in, os.path.join(D, "img-out")))
code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
ok(code == 0, "robomimic with agentview_image converts", err)
if code == 0:
    ids, eps = episodes(os.path.join(D, "img-out"))
    for eid in ids:
        S = idemos[eid]["obs/agentview_image"].shape[0]
        rows = [k // 2 for k in range(2 * S - 1)]  # 25 ms steps over 50 ms frames: ties go to the earlier
        ds = eps[eid]["agentview/data"]
        ok(ds.dtype == np.uint8 and np.array_equal(ds[()], idemos[eid]["obs/agentview_image"][rows]),
           "%s: agentview frames are the nearest stored ones, uint8 [%d, 84, 84, 3]" % (eid, 2 * S - 1))
    man = json.load(open(os.path.join(D, "img-out", "manifest.json")))
    ok(sorted(man["stats"]) == ["eef"], "statistics for the series output only, not the images", man["stats"].keys())

# beside in/, so validate looks in its first file
shutil.copy(os.path.join(SRC, "tests", "layouts", "specs", "robomimic_bad_stream.yaml"), D)
code, _, err = rc("validate", os.path.join(D, "robomimic_bad_stream.yaml"))
ok(code == 1 and "robomimic_bad_stream.yaml:7:35: key 'stages[0].resample.stream': stream 'robot1_eef_pos' is not in "
   "episode demo_0 of " in err and "in/lift.hdf5 (streams: object, robot0_eef_pos, robot0_eef_quat," in err,
   "validate: a stream the first input file lacks is exit 1 at its line, naming the file and its streams", err)
shutil.rmtree(D)
done()
