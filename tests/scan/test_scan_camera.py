"""test_scan_camera.py — `scan` on camera streams (docs/SCAN.md, "Cameras"): a file written
here with known faults (a run of 5 identical frames and one of 2, gaps of 3 and 2.4 median steps)
must give exactly those frozen and dropped figures, in the JSON and named on the terminal; the
dt_ns distribution, frames used and invalid steps of two image stages (nearest, previous with a
gap check) must equal a numpy model of the timeline and the frame rule written here; a camera
with one timestamp fewer than frames is a problem naming both counts, file, episode and path
(exit 2); run --report carries the same figures but frozen."""
import json
import math
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402

rng = np.random.default_rng(11)
D = tmpdir()
os.makedirs(os.path.join(D, "in"))
S, P = 40, 33_333_333
t = (np.arange(S, dtype=np.int64) * P + 1_000_000_000).astype(np.int64)
t[30:] += 2 * P          # gap of 3 steps before frame 30: 2 frames missing
t[36:] += int(1.4 * P)   # gap of 2.4 steps before frame 36: round(2.4) - 1 = 1 missing
frames = rng.integers(0, 256, size=(S, 12, 16, 3), dtype=np.uint8)
frames[6:10] = frames[5]  # run of 5 identical frames (5..9): 4 frozen
frames[21] = frames[20]   # run of 2 from 20: 1 frozen
with h5py.File(os.path.join(D, "in", "cam.h5"), "w") as f:
    s = f.create_group("episodes/drive/front")
    s["data"], s["t"] = frames, t
    s["t"].attrs["units"] = "ns"

RATE, GAP_MS = 25, 70
spec = ("version: 1\ninput: {dir: in}\noutput: {dir: out}\ntimeline: {rate_hz: %d}\nstages:\n"
        "  - image: {name: near, stream: front}\n"
        "  - image: {name: prev, stream: front, method: previous, max_gap_ms: %d}\n" % (RATE, GAP_MS))
with open(os.path.join(D, "cam.yaml"), "w") as f:
    f.write(spec)
code, out, err = rc("scan", os.path.join(D, "cam.yaml"), "--json", os.path.join(D, "scan.json"))
ok(code == 0, "scan of the camera file: run would succeed (exit 0)", err)
doc = json.load(open(os.path.join(D, "scan.json"))) if code == 0 else {"scanned": [{"streams": [{}]}]}
st = doc["scanned"][0]["streams"][0]
cam = st.get("camera", {})
ok(st.get("kind") == "image" and st.get("samples") == S, "the stream is an image stream of %d frames" % S, st)
ok(cam.get("frozen") == {"frames": 5, "runs": 2, "longest_run": 5, "longest_run_first_index": 5},
   "frozen: 5 frames in 2 runs, the longest 5 frames from index 5", cam.get("frozen"))
ok(cam.get("dropped") == {"gaps": 2, "frames": 3, "first_index": 30},
   "dropped: 2 gaps over 1.5 steps, 3 frames missing, the first at index 30", cam.get("dropped"))
ok("front: 40 frames, 5 frozen (2 runs, longest 5 frames from index 5), 3 dropped in 2 gaps" in out,
   "the terminal names the frozen and dropped frames", out)

# the timeline and the frame rule, from the words of docs/SPEC.md §4
T = int((t[-1] - t[0]) * RATE // 1_000_000_000) + 1
grid = t[0] + np.array([round(k * 1e9 / RATE) for k in range(T + 1)], dtype=np.int64)
grid = grid[grid <= t[-1]]


def model(method, gap_ns):
    src, dt, bad = [], [], 0
    for g in grid:
        i = int(np.searchsorted(t, g, side="right")) - 1
        if g >= t[-1]:
            j = S - 1
        elif method == "previous":
            j = i
        else:
            j = i if g - t[i] <= t[i + 1] - g else i + 1
        src.append(j)
        dt.append(int(g - t[j]))
        bad += bool(gap_ns and g < t[-1] and t[i + 1] - t[i] > gap_ns)
    d = sorted(dt)

    def rank(p):
        return d[max(1, min(len(d), math.ceil(p * len(d)))) - 1]
    return {"steps": len(grid), "invalid_steps": bad, "frames_used": len(set(src)),
            "dt_ns": {"min": d[0], "p50": rank(0.5), "p99": rank(0.99), "max": d[-1]}}


stages = {e["stage"]: e for e in cam.get("image_stages", [])}
for name, method, gap in (("near", "nearest", 0), ("prev", "previous", GAP_MS * 1_000_000)):
    want = model(method, gap)
    got = dict(stages.get(name, {}))
    got.pop("stage", None)
    ok(got == want, "stage %s (%s): steps, invalid steps, frames used and dt_ns quantiles equal the model" % (name, method),
       (got, want))
ok(stages.get("prev", {}).get("invalid_steps", 0) > 0 and stages.get("near", {}).get("invalid_steps") == 0,
   "the gap check flags steps inside the 3-step gap for 'prev' only")

# run --report: the same dt_ns and dropped figures, frozen left out (no pass over the pixels)
code, _, err = rc("run", os.path.join(D, "cam.yaml"), "--backend", "cpu", "--progress", "never", "--report",
                  os.path.join(D, "report.json"))
rep = json.load(open(os.path.join(D, "report.json"))) if code == 0 else {"timestamps": [{"streams": [{}]}]}
rcam = rep["timestamps"][0]["streams"][0].get("camera", {})
ok(code == 0 and rcam.get("frozen", 0) is None and rcam.get("dropped") == cam.get("dropped")
   and rcam.get("image_stages") == cam.get("image_stages"),
   "run --report: the camera figures of scan, frozen null", (err, rcam))

# frames and timestamps that do not match: the reader's refusal, as a problem naming both counts
with h5py.File(os.path.join(D, "in", "cam.h5"), "a") as f:
    del f["episodes/drive/front/t"]
    f["episodes/drive/front/t"] = t[:-1]
    f["episodes/drive/front/t"].attrs["units"] = "ns"
code, out, err = rc("scan", os.path.join(D, "cam.yaml"))
ok(code == 2 and "cam.h5" in out + err and "drive" in out + err and "/episodes/drive/front/t" in out + err
   and "40" in out + err and "39" in out + err,
   "39 timestamps for 40 frames: exit 2, a problem naming file, episode, path and both counts", out + err)
done()
