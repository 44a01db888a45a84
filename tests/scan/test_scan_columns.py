"""test_scan_columns.py — `scan` names columns as the outputs do (docs/FORMAT.md "Output
attributes"): each series and cloud stream's columns by the input's `names` attribute, else
`<stream>[<i>]`, on the terminal (at most 16 names, then a count) and in the JSON (`columns`,
`names`); and `scan` reports what `run` refuses in a slerp stream (rows that are not unit
quaternions, docs/SPEC.md §4) with the same message and exit code as `run`."""
import json
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402

D = tmpdir()
raw = os.path.join(D, "raw")
code, _, err = rc("synth", raw, "--preset", "tiny", "--episodes", "2", "--seconds", "1")
ok(code == 0, "synth 2 tiny episodes", err)
JOINTS = ["shoulder_pan", "shoulder_lift", "elbow", "wrist_1", "wrist_2", "wrist_3", "gripper_width"]
CAMERA = ["feature_%02d" % i for i in range(32)]
files = sorted(os.path.join(raw, f) for f in os.listdir(raw))
for path in files:
    with h5py.File(path, "r+") as f:
        for eid in f["episodes"]:
            g = f["episodes"][eid]
            g["joint_pos"]["data"].attrs["names"] = np.array(JOINTS, dtype="S")
            g["camera_features"]["data"].attrs["names"] = np.array(CAMERA, dtype="S")

code, out, err = rc("scan", raw, "--json", "-")
doc = json.loads(out) if code == 0 else None
ok(doc is not None, "scan of the named folder exits 0 with JSON", err)
streams = {s["name"]: s for s in doc["scanned"][0]["streams"]} if doc else {}
ok(streams.get("joint_pos", {}).get("columns") == 7 and streams["joint_pos"].get("names") == JOINTS,
   "JSON: joint_pos has 7 columns named by its names attribute", streams.get("joint_pos"))
ok(streams.get("camera_features", {}).get("names") == CAMERA, "JSON: all 32 names of camera_features",
   streams.get("camera_features"))
ok(streams.get("action", {}).get("columns") == 7 and streams["action"].get("names") is None,
   "JSON: a stream without names has its column count and names null", streams.get("action"))
ok(streams.get("lidar", {}).get("columns") == 4, "JSON: a cloud's point columns are counted", streams.get("lidar"))
lines = err.splitlines()
ok("  joint_pos: 7 columns: " + ", ".join(JOINTS) in lines, "the text lists joint_pos's columns by name",
   "\n".join(lines[-12:]))
ok("  camera_features: 32 columns: " + ", ".join(CAMERA[:16]) + ", ... (16 more)" in lines,
   "the text lists 16 names and counts the rest", "\n".join(lines[-12:]))
ok("  action: 7 columns: action[0] .. action[6] (no names attribute)" in lines
   and "  gripper: 1 column: gripper[0] (no names attribute)" in lines,
   "a stream without names is listed as the outputs name it, <stream>[<i>]", "\n".join(lines[-12:]))

# A fuse output names its columns the same way (the warning of a constant column too).
with open(os.path.join(D, "fuse.yaml"), "w") as f:
    f.write("version: 1\ninput: {dir: raw, layout: robocache-raw}\noutput: {dir: out}\n"
            "timeline: {rate_hz: 50}\nstages:\n"
            "  - fuse: {name: obs, streams: [{name: joint_pos, method: previous}, {name: action, method: linear}]}\n")
code, _, err = rc("run", os.path.join(D, "fuse.yaml"))
shard = os.path.join(D, "out", "shard-00000.h5")
names = []
if code == 0:
    with h5py.File(shard, "r") as f:
        ep = f["episodes"][sorted(f["episodes"])[0]]
        names = [n.decode() if isinstance(n, bytes) else n for n in ep["obs"]["data"].attrs["names"]]
ok(names == JOINTS + ["action[%d]" % i for i in range(7)], "the shard's names attribute matches what scan lists",
   err + repr(names))

# ---- a slerp stream that is not unit quaternions: scan says what run will refuse ----
with h5py.File(files[0], "r+") as f:
    eid = sorted(f["episodes"])[0]
    q = f["episodes"][eid]["base_quat"]["data"]
    rows = q[()]
    rows[[2, 5]] = 0
    q[...] = rows
with open(os.path.join(D, "quat.yaml"), "w") as f:
    f.write("version: 1\ninput: {dir: raw, layout: robocache-raw}\noutput: {dir: qout}\n"
            "timeline: {rate_hz: 50}\nstages:\n  - resample: {name: orient, stream: base_quat, method: slerp}\n")
why = "stage 'orient' resamples stream 'base_quat' with slerp, which needs unit quaternions " \
      "(| |q| - 1 | <= 0.001): 2 of %d rows are not: rows 2 (|q| = 0), 5 (|q| = 0)" % len(rows)
code, out, err = rc("scan", os.path.join(D, "quat.yaml"))
ok(code == 2 and "run would fail (exit 2): " in out and why in out and "/episodes/%s/base_quat" % eid in out,
   "scan SPEC names the rows that are not unit quaternions and says run would fail", out[-1500:] + err)
rcode, _, rerr = rc("run", os.path.join(D, "quat.yaml"))
ok(rcode == 2 and why in rerr, "run refuses the same rows with exit 2 (exit %d)" % rcode, rerr)
done()
