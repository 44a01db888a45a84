# test_aloha.py — the aloha layout end to end: episode files made to the published layout by
# make_layouts.py are converted, and every output value is checked against the source read
# independently with h5py/numpy: at the layout's 50 Hz every method gives the stored rows
# (float32), at 100 Hz linear follows tests/ops/ref_ops.py exactly, input.rate_hz replaces the
# 50 Hz; one episode per file named after the file; camera images go through resample `nearest`
# as uint8 frames copied from the nearest stored frame (one 640x480 frame per chunk); image
# misuse in a spec is exit 1; malformed files fail with exit 2 naming the HDF5 path; the outputs
# carry their kind, rate and column names (a dataset's names attribute, else <stream>[<i>]).
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
  - resample: {{name: cam_high, stream: cam_high, method: nearest}}
  - resample: {{name: wrist, streams: [{{name: cam_left_wrist, method: nearest}}]}}
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
    with h5py.File(os.path.join(inp, name + ".hdf5"), "r+") as f:  # column names on one stream's dataset
        f["observations/qvel"].attrs["names"] = ["v%d" % i for i in range(joints)]

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
    names = [x.decode() for x in g["obs/data"].attrs["names"]]
    ok(names == ["qpos[%d]" % i for i in range(J)] + ["v%d" % i for i in range(J)] + ["effort[%d]" % i for i in range(J)],
       "%s: obs column names: the dataset's names attribute where it has one, else <stream>[<i>]" % eid, names)
    ok(all(g[k].attrs["kind"] == b"image" and g[k].attrs["rate_hz"] == 50 and g[k + "/t"].attrs["units"] == b"ns"
           and "names" not in g[k + "/data"].attrs for k in ("cam_high", "wrist")),
       "%s: image outputs: kind image, rate_hz, t in ns, no column names" % eid)

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

def nearest_rows(t, g):
    """Index of the stored frame nearest to each grid time (docs/SPEC.md §4; ties to the earlier)."""
    rows = []
    for tk in g:
        if tk <= t[0]:
            rows.append(0)
            continue
        if tk >= t[-1]:
            rows.append(len(t) - 1)
            continue
        i = max(j for j in range(len(t)) if t[j] <= tk)
        rows.append(i + 1 if t[i + 1] - tk < tk - t[i] else i)
    return rows


for name, eps_at, step in (("a50", None, 20000000), ("a100", eps, 10000000)):
    if eps_at is None:
        eps_at = episodes(os.path.join(D, "a50"))[1]
    for eid, a in src.items():
        S = a["action"].shape[0]
        t = [i * 20000000 for i in range(S)]
        g = list(eps_at[eid]["obs/t"][()])
        rows = nearest_rows(t, g)
        for out_name, cam in (("cam_high", "cam_high"), ("wrist", "cam_left_wrist")):
            ds = eps_at[eid][out_name + "/data"]
            want = a["observations/images/" + cam][rows]
            ok(ds.dtype == np.uint8 and ds.shape == want.shape and np.array_equal(ds[()], want),
               "%s %s: %s frames are the nearest stored frames, uint8 %s" % (name, eid, out_name, list(want.shape)))
        ok(list(eps_at[eid]["cam_high/t"][()]) == g, "%s %s: cam_high/t is the timeline" % (name, eid))

big = os.path.join(D, "big")
os.makedirs(big)
a = make_aloha(os.path.join(big, "episode_9.hdf5"), 4, seed=9, hw=(480, 640))
code, err, out = run(D, "abig", big)
ids, eps = episodes(out) if code == 0 else ([], {})
ds = eps["episode_9"]["cam_high/data"] if code == 0 else None
ok(ds is not None and ds.chunks == (1, 480, 640, 3) and np.array_equal(ds[()], a["observations/images/cam_high"]),
   "640x480 camera frames: one frame per chunk, values unchanged", err)

for spec_name, expect in (("aloha_fuse_image.yaml", "stream 'cam_high' is an image; a fuse needs time series"),
                          ("aloha_linear_image.yaml",
                           "stream 'cam_left_wrist' is an image: method nearest keeps its frames unchanged, found method linear")):
    # beside the input folder in/, so validate checks the streams' kinds in its first file
    shutil.copy(os.path.join(SRC, "tests", "layouts", "specs", spec_name), D)
    code, _, err = rc("validate", os.path.join(D, spec_name))
    ok(code == 1 and expect in err, "validate %s: exit 1 with '%s'" % (spec_name, expect), err)

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
         "episode_3.hdf5: episode episode_3: /: expected stream 'qpos', not found (streams of this episode: effort, "
         "qvel, cam_high, cam_left_wrist, action)")
bad_case("no-observations", lambda f: f.move("observations", "obs"),
         "expected stream 'qpos', not found (streams of this episode: action)")
bad_case("qpos-3d", lambda f: replace(f, "observations/qpos", np.zeros((10, 2, 7))),
         "/observations/qpos: expected a 2-D dataset")
bad_case("action-inf", lambda f: f["action"].__setitem__((4, 0), np.inf),
         "/action: expected finite values, found inf at row 4, column 0")
bad_case("empty-effort", lambda f: replace(f, "observations/effort", np.zeros((0, 14))),
         "/observations/effort: expected at least one sample")
bad_case("no-cam", lambda f: f.__delitem__("observations/images/cam_high"),
         "/: expected stream 'cam_high', not found (streams of this episode: effort, qpos, qvel, cam_left_wrist, action)")
bad_case("float-images", lambda f: replace(f, "observations/images/cam_left_wrist", np.zeros((10, 4, 4, 3))),
         "/observations/images/cam_left_wrist: expected images of dtype uint8, found float64")
bad_case("gray-images", lambda f: replace(f, "observations/images/cam_high", np.zeros((10, 4, 4), dtype=np.uint8)),
         "/observations/images/cam_high: expected a 4-D dataset (uint8 images [S, H, W, C]), found shape [10, 4, 4]")
# any channel count: an RGBA camera converts, its frames unchanged
d = os.path.join(D, "rgba")
os.makedirs(d)
make_aloha(os.path.join(d, "episode_3.hdf5"), 10, seed=4)
with h5py.File(os.path.join(d, "episode_3.hdf5"), "a") as f:
    rgba = np.random.default_rng(5).integers(0, 256, size=(10, 4, 4, 4), dtype=np.uint8)
    replace(f, "observations/images/cam_high", rgba)
code, err, out = run(D, "out-rgba", d)
ids, eps = episodes(out) if code == 0 else ([], {})
ok(code == 0 and np.array_equal(eps["episode_3"]["cam_high/data"][()], rgba),
   "a 4-channel camera converts with its frames unchanged", err)
with open(os.path.join(D, "notes.hdf5"), "w") as f:
    f.write("not hdf5\n")
os.makedirs(os.path.join(D, "bad-text"))
shutil.move(os.path.join(D, "notes.hdf5"), os.path.join(D, "bad-text", "notes.hdf5"))
code, err, _ = run(D, "out-text", os.path.join(D, "bad-text"))
ok(code == 2 and "expected an HDF5 file" in err, "a text file named .hdf5: exit 2", err)
shutil.rmtree(D)
done()
