# test_discover.py — streams found in the input file rather than listed in a layout: a robomimic
# file with two robots, a custom obs key, an int16 key, a custom dataset beside actions and a
# camera converts with the stock layout at its own rate with method nearest, every value equal
# to the source; a layout given by path beside the spec (input.layout: ./my_layout.yaml) with its
# own rate and quaternion order, the built-in layouts still there; the default pattern finds
# .hdf5, and HDF5 files under another extension are named with the pattern to set; validate
# reports every stream error at once at its line, naming the file it looked in and the streams
# that file has, or says which checks it deferred; run reports a stream one episode lacks as
# exit 2 naming the file, the episode and the streams it has.
import os
import shutil
import sys

import h5py
import numpy as np

SRC = os.environ["RC_SRCDIR"]
sys.path.insert(0, os.path.join(SRC, "tests", "e2e"))
from e2e_common import done, ok, rc, shard_episodes, tmpdir  # noqa: E402

KEYS = {"robot0_eef_pos": 3, "robot0_eef_quat": 4, "robot0_joint_pos": 7, "robot1_eef_pos": 3,
        "robot1_eef_quat": 4, "robot1_joint_pos": 6, "tactile_left": 12}


def make_demos(path, lengths, drop=None):
    """A robomimic file; returns {demo: {stream: array}} as written (obs keys by key name)."""
    src = {}
    with h5py.File(path, "w") as f:
        for i, S in enumerate(lengths):
            rng = np.random.default_rng(i)
            d = "demo_%d" % i
            g = f.create_group("data/" + d)
            s = {}
            for k, c in KEYS.items():
                s[k] = rng.normal(size=(S, c))
                if k.endswith("_quat"):  # unit quaternions, as slerp requires (docs/SPEC.md §4)
                    s[k] /= np.linalg.norm(s[k], axis=1, keepdims=True)
            s["gripper_state"] = rng.integers(-300, 300, size=(S, 2)).astype(np.int16)
            s["agentview_image"] = rng.integers(0, 256, size=(S, 8, 10, 3), dtype=np.uint8)
            for k, v in s.items():
                if k != drop or i != 1:
                    g["obs/" + k] = v
            s["actions"] = rng.uniform(-1, 1, size=(S, 14))
            s["joint_cmd"] = rng.normal(size=(S, 13)).astype(np.float32)
            s["rewards"] = rng.uniform(size=S)
            g["actions"], g["joint_cmd"], g["rewards"] = s["actions"], s["joint_cmd"], s["rewards"]
            g["next_obs/robot0_eef_pos"] = s["robot0_eef_pos"]  # not a stream: next_obs is not read
            src[d] = s
    return src


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


D = tmpdir()
env_schema = os.environ.pop("RC_SCHEMA_DIR", None)  # nobody needs it: the built-in layouts are found
inp = os.path.join(D, "in")
os.makedirs(inp)
src = make_demos(os.path.join(inp, "two_arm.hdf5"), [30, 41])
series = list(KEYS) + ["gripper_state", "actions", "joint_cmd", "rewards"]
spec = os.path.join(D, "two_arm.yaml")
write(spec, "version: 1\ninput: {dir: in, layout: robomimic}\noutput: {dir: out}\ntimeline: {rate_hz: 20}\n"
      "stages:\n  - fuse:\n      name: all\n      streams:\n" +
      "".join("        - {name: %s, method: nearest}\n" % k for k in series) +
      "  - resample: {name: cam, stream: agentview_image, method: nearest}\n")
code, out, err = rc("validate", spec)
ok(code == 0 and "streams checked against %s/two_arm.hdf5 (episode demo_0)" % inp in out,
   "validate: the streams of robot0, robot1, a custom key and a custom dataset are found in the file", out + err)
code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
ok(code == 0, "two robots and custom keys convert with the stock robomimic layout and the default pattern (.hdf5)",
   err)
eps = shard_episodes(os.path.join(D, "out")) if code == 0 else {}
ok(sorted(eps) == ["demo_0", "demo_1"], "both demos converted", sorted(eps))
for d, s in sorted(src.items()):
    if d not in eps:
        continue
    data = eps[d]["all/data"][()]
    col = 0
    same = True
    for k in series:
        v = s[k].reshape(len(s[k]), -1).astype(np.float32)
        same &= data.shape[0] == len(v) and np.array_equal(data[:, col:col + v.shape[1]], v)
        col += v.shape[1]
    ok(same and data.shape[1] == col, "%s: every value of %d series (%d columns, int16 included) equals the source"
       % (d, len(series), col))
    ok(np.array_equal(eps[d]["all/t"][()], np.arange(len(data), dtype=np.int64) * 50000000), "%s: 50 ms steps" % d)
    ok(np.array_equal(eps[d]["cam/data"][()], s["agentview_image"]), "%s: the camera frames as stored" % d)

# run: a stream one episode lacks is bad input (exit 2) naming the file, episode and its streams
bad = os.path.join(D, "bad")
os.makedirs(bad)
make_demos(os.path.join(bad, "two_arm.hdf5"), [30, 41], drop="tactile_left")
code, _, err = rc("run", spec, "--input", bad, "--output", os.path.join(D, "bad-out"), "--backend", "cpu",
                  "--progress", "never")
ok(code == 2 and "two_arm.hdf5: episode demo_1: /data/demo_1: expected stream 'tactile_left', not found (streams "
   "of this episode: agentview_image, gripper_state, robot0_eef_pos," in err,
   "run: a stream demo_1 lacks is exit 2 naming file, episode and the streams it has", err)

# a stream that is a series in the first file and images in another: exit 2 naming both kinds
mixed = os.path.join(D, "mixed")
os.makedirs(mixed)
shutil.copy(os.path.join(inp, "two_arm.hdf5"), os.path.join(mixed, "a.hdf5"))
make_demos(os.path.join(mixed, "b.hdf5"), [12])
with h5py.File(os.path.join(mixed, "b.hdf5"), "a") as f:
    f.move("data/demo_0", "data/demo_7")  # episode ids are unique over the input
    del f["data/demo_7/obs/tactile_left"]
    f["data/demo_7/obs/tactile_left"] = np.zeros((12, 4, 4, 3), dtype=np.uint8)
code, _, err = rc("run", spec, "--input", mixed, "--output", os.path.join(D, "mixed-out"), "--backend", "cpu",
                  "--progress", "never")
ok(code == 2 and "b.hdf5: episode demo_7: /data/demo_7/obs/tactile_left: expected stream 'tactile_left' to be a "
   "series (as in the first input file), found an image" in err,
   "run: a stream of another kind than in the first file is exit 2 naming both", err)

# validate: every stream error at once, at its line, naming the file looked in and its streams
write(os.path.join(D, "errs.yaml"), """version: 1
input: {dir: in, layout: robomimic}
output: {dir: out}
timeline: {rate_hz: 20}
stages:
  - fuse: {name: a, streams: [{name: robot2_eef_pos, method: linear}, {name: agentview_image, method: nearest}]}
  - resample: {name: q, stream: robot1_joint_pos, method: slerp}
  - resample: {name: q1, stream: robot1_eef_quat, method: slerp, order: wxyz}
""")
code, _, err = rc("validate", os.path.join(D, "errs.yaml"))
lines = [x for x in err.splitlines() if x.startswith("robocache-convert: error: ")]
want = ["errs.yaml:6:38: key 'stages[0].fuse.streams[0].name': stream 'robot2_eef_pos' is not in episode demo_0 of "
        "%s/two_arm.hdf5 (streams: agentview_image, gripper_state, robot0_eef_pos, robot0_eef_quat, robot0_joint_pos, "
        "robot1_eef_pos, robot1_eef_quat, robot1_joint_pos, tactile_left, actions, joint_cmd, rewards)" % inp,
        "errs.yaml:6:78: key 'stages[0].fuse.streams[1].name': stream 'agentview_image' is an image; a fuse needs "
        "time series",
        "errs.yaml:7:59: key 'stages[1].resample.method': method slerp needs a quaternion, a series of 4 columns; "
        "stream 'robot1_joint_pos' has 6 columns in %s/two_arm.hdf5" % inp,
        "errs.yaml:8:73: key 'stages[2].resample.order': layout robomimic declares stream 'robot1_eef_quat' in order "
        "xyzw, found order wxyz"]
ok(code == 1 and len(lines) == 4 and all(w in x for w, x in zip(want, lines)) and "errs.yaml: 4 errors" in err,
   "validate: four stream errors at once, each at its line", err)

# validate with no input at hand: says which checks it deferred
write(os.path.join(D, "later.yaml"), "version: 1\ninput: {dir: not-yet, layout: robomimic}\noutput: {dir: out}\n"
      "timeline: {rate_hz: 20}\nstages:\n  - fuse: {name: a, streams: [{name: wrist_ft, method: linear}, "
      "{name: robot0_eef_quat, method: slerp}]}\n")
code, out, err = rc("validate", os.path.join(D, "later.yaml"))
ok(code == 0 and "stream checks deferred to the run: cannot open input folder '%s/not-yet'" % D in out and
   "streams 'wrist_ft', 'robot0_eef_quat' not checked" in out, "validate without input says what it deferred",
   out + err)

# a layout by path, beside the spec: its own rate and a quaternion order; the built-ins stay
cfg = os.path.join(D, "cfg")
os.makedirs(os.path.join(cfg, "layouts"))
write(os.path.join(cfg, "layouts", "my_arm.yaml"),
      "# my_arm.yaml: our arm's demos, recorded at 10 Hz\nformat: robomimic\nrate_hz: 10\nstreams:\n"
      "  robot1_joint_pos: {columns: 6}\n  wrist_quat: {quaternion: wxyz, path: obs/robot0_eef_quat}\n")
write(os.path.join(cfg, "by_path.yaml"), "version: 1\ninput: {dir: ../in, layout: ./layouts/my_arm.yaml}\n"
      "output: {dir: ../path-out}\ntimeline: {rate_hz: 10}\nstages:\n"
      "  - resample: {name: q, stream: wrist_quat, method: slerp}\n"
      "  - resample: {name: j, stream: robot1_joint_pos, method: nearest}\n")
code, _, err = rc("run", os.path.join(cfg, "by_path.yaml"), "--backend", "cpu", "--progress", "never", cwd=D)
eps = shard_episodes(os.path.join(D, "path-out")) if code == 0 else {}
q = src["demo_0"]["robot0_eef_quat"].astype(np.float32)
qn = q / np.linalg.norm(q.astype(np.float64), axis=1, keepdims=True)
got = eps["demo_0"]["q/data"][()] if "demo_0" in eps else None
ok(code == 0 and np.array_equal(eps["demo_0"]["q/t"][()], np.arange(30, dtype=np.int64) * 100000000) and
   np.abs(got[:-1] - qn[:-1]).max() <= 2e-7 and np.array_equal(got[-1], q[-1]) and  # the last sample is held
   np.array_equal(eps["demo_0"]["j/data"][()],
                                                     src["demo_0"]["robot1_joint_pos"].astype(np.float32)),
   "input.layout ./layouts/my_arm.yaml (relative to the spec): 10 Hz, wrist_quat renamed from its path, wxyz", err)
write(os.path.join(cfg, "conflict.yaml"), "version: 1\ninput: {dir: ../in, layout: layouts/my_arm.yaml}\n"
      "output: {dir: ../c-out}\ntimeline: {rate_hz: 10}\nstages:\n"
      "  - resample: {name: q, stream: wrist_quat, method: slerp, order: xyzw}\n"
      "  - resample: {name: r, stream: robot0_eef_quat, method: nearest}\n")
code, _, err = rc("validate", os.path.join(cfg, "conflict.yaml"))
ok(code == 1 and "layout my_arm declares stream 'wrist_quat' in order wxyz, found order xyzw" in err and
   "robot0_eef_quat" in err, "the layout file's order holds; its rename leaves no stream robot0_eef_quat", err)
write(os.path.join(cfg, "missing.yaml"), "version: 1\ninput: {dir: ../in, layout: ./nope.yaml}\n"
      "output: {dir: out}\ntimeline: {rate_hz: 10}\nstages:\n  - resample: {name: q, stream: x, method: linear}\n")
code, _, err = rc("validate", os.path.join(cfg, "missing.yaml"))
ok(code == 1 and "missing.yaml:2:29: key 'input.layout': layout file %s/./nope.yaml: cannot open" % cfg in err,
   "a layout path that is not there is a spec error at input.layout naming the file", err)
code, _, err = rc("validate", spec)
ok(code == 0, "with a layout by path in use elsewhere, the built-in robomimic layout still loads", err)

# HDF5 files under another extension: named, with the pattern to set
odd = os.path.join(D, "odd")
os.makedirs(odd)
shutil.copy(os.path.join(inp, "two_arm.hdf5"), os.path.join(odd, "session1.mat"))
code, _, err = rc("run", spec, "--input", odd, "--output", os.path.join(D, "odd-out"), "--backend", "cpu",
                  "--progress", "never")
ok(code == 2 and "expected input files matching *.h5, *.hdf5 or *.hdf (the default input.pattern) under this folder, "
   "found none; 1 HDF5 file under another name, e.g. %s/session1.mat: set input.pattern: \"*.mat\"" % odd in err,
   "a folder of HDF5 files named *.mat: exit 2 naming one and the pattern to set", err)
if env_schema is not None:
    os.environ["RC_SCHEMA_DIR"] = env_schema
shutil.rmtree(D)
done()
