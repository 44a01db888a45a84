"""test_gate.py - bench/gate on a recorded results file (fixtures/results-h200.json, cut from a
real run) and variants of it made here: its thresholds (median > 1.10x, p99 > 1.20x fail, the
limits themselves pass), what is gated (robocache's cases and end-to-end runs) and what is
only listed (PyTorch peers, copy limits), missing and new cases, and the malformed inputs that
must stop it (exit 2).  TAP."""
import copy
import json
import os
import subprocess
import sys

from bench_tap import SRC, done, ok, scratch_dir

GATE = os.path.join(SRC, "bench", "gate")
FIXTURE = os.path.join(SRC, "tests", "bench", "fixtures", "results-h200.json")


tmp = scratch_dir("rc-gate-")
with open(FIXTURE) as f:
    BASE = json.load(f)
base_path = os.path.join(tmp, "base.json")
with open(base_path, "w") as f:
    json.dump(BASE, f)


def case(res, engine, name):
    for c in res["cases"]:
        if c.get("engine") == engine and c["name"] == name:
            return c
    raise KeyError(name)


def gate(new, baseline=base_path, raw=None):
    path = os.path.join(tmp, "new.json")
    with open(path, "w") as f:
        f.write(raw if raw is not None else json.dumps(new))
    args = [sys.executable, GATE, path] + (["--baseline", baseline] if baseline else [])
    r = subprocess.run(args, capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def row(out, key):
    for line in out.splitlines():
        if line.startswith(key + " "):
            return line
    return ""


RS = "resample/f32/B32-S500-T250-D256"
RS_KEY = "robocache:" + RS


def variant(engine, name, med=None, p99=None, metric="kernel_ms"):
    v = copy.deepcopy(BASE)
    c = case(v, engine, name)
    if metric == "wall_s":
        c["wall_s"] *= med
        return v
    if med is not None:
        c[metric]["median"] = med
    if p99 is not None:
        c[metric]["p99"] = p99
    return v


def set_base(med, p99):
    """A baseline whose resample case has the given median and p99 (exact binary fractions)."""
    b = copy.deepcopy(BASE)
    c = case(b, "robocache", RS)
    c["kernel_ms"]["median"], c["kernel_ms"]["p99"] = med, p99
    p = os.path.join(tmp, "base-exact.json")
    with open(p, "w") as f:
        json.dump(b, f)
    return b, p


# identical files
rc, out = gate(BASE)
ok(rc == 0 and "gate: PASS" in out, "the baseline against itself passes", out)
ok(row(out, RS_KEY).rstrip().endswith("ok") and "1.000x" in row(out, RS_KEY), "its rows read ratio 1.000x, ok", out)

# median threshold: 2.0 ms baseline; 2.2 is exactly 1.10x (passes), 2.21 fails
b, bp = set_base(2.0, 4.0)
v = copy.deepcopy(b)
case(v, "robocache", RS)["kernel_ms"]["median"] = 2.2
rc, out = gate(v, bp)
ok(rc == 0, "median at exactly 1.10x the baseline passes", out)
case(v, "robocache", RS)["kernel_ms"]["median"] = 2.21
rc, out = gate(v, bp)
ok(rc == 1 and "FAIL median" in row(out, RS_KEY), "median at 1.105x fails, and the row says median", out)
ok("1.105x" in row(out, RS_KEY), "the row shows the ratio 2.21 / 2.0 = 1.105x", row(out, RS_KEY))
ok("gate: FAIL (1 regression)" in out, "the summary counts one regression", out)

# p99 threshold: 4.0 ms baseline; 4.8 is exactly 1.20x (passes), 4.9 fails
v = copy.deepcopy(b)
case(v, "robocache", RS)["kernel_ms"]["p99"] = 4.8
rc, out = gate(v, bp)
ok(rc == 0, "p99 at exactly 1.20x passes", out)
case(v, "robocache", RS)["kernel_ms"]["p99"] = 4.9
rc, out = gate(v, bp)
ok(rc == 1 and "FAIL p99" in row(out, RS_KEY), "p99 at 1.225x fails with the median unchanged", out)
case(v, "robocache", RS)["kernel_ms"]["median"] = 3.0
rc, out = gate(v, bp)
ok(rc == 1 and "FAIL median+p99" in row(out, RS_KEY), "both over: the row names both", out)

# faster is fine
rc, out = gate(variant("robocache", RS, med=case(BASE, "robocache", RS)["kernel_ms"]["median"] / 2))
ok(rc == 0, "a run twice as fast passes", out)

# peers and limits are listed, never gated
rc, out = gate(variant("torch", RS, med=case(BASE, "torch", RS)["kernel_ms"]["median"] * 3,
                       p99=case(BASE, "torch", RS)["kernel_ms"]["p99"] * 3))
ok(rc == 0 and row(out, "torch:" + RS).rstrip().endswith("info"), "a PyTorch peer 3x slower is listed as info", out)
rc, out = gate(variant("cuda", "mem/d2d", med=case(BASE, "cuda", "mem/d2d")["kernel_ms"]["median"] * 2))
ok(rc == 0 and row(out, "cuda:mem/d2d").rstrip().endswith("info"), "a slower copy limit is listed as info", out)

# the end-to-end wall of robocache-convert is gated; the peers' walls are not
rc, out = gate(variant("e2e", "e2e/robocache-cuda", med=1.2, metric="wall_s"))
ok(rc == 1 and "FAIL" in row(out, "e2e:e2e/robocache-cuda"), "robocache's end-to-end wall 1.2x fails", out)
rc, out = gate(variant("e2e", "e2e/numpy", med=2.0, metric="wall_s"))
ok(rc == 0, "the numpy peer's wall 2x is not gated", out)
# a slower host: robocache and its numpy peer both 1.3x slower in the same run is no regression
v = variant("e2e", "e2e/robocache-cuda", med=1.3, metric="wall_s")
case(v, "e2e", "e2e/numpy")["wall_s"] *= 1.3
rc, out = gate(v)
r = row(out, "e2e:e2e/robocache-cuda")
ok(rc == 0 and r is not None and "wall/numpy" in r and r.rstrip().endswith("ok"),
   "end-to-end walls are judged relative to the same run's numpy peer (a slower host is no regression)", out)
# without a peer in the new run, the absolute wall is judged
v = variant("e2e", "e2e/robocache-cuda", med=1.3, metric="wall_s")
v["cases"] = [c for c in v["cases"] if c["name"] != "e2e/numpy"]
rc, out = gate(v)
ok(rc == 1 and "wall_ms" in row(out, "e2e:e2e/robocache-cuda"), "without the peer, the absolute wall is gated", out)

# missing and new cases
v = copy.deepcopy(BASE)
v["cases"] = [c for c in v["cases"] if not (c.get("engine") == "robocache" and c["name"] == RS)]
rc, out = gate(v)
ok(rc == 1 and "FAIL missing" in row(out, RS_KEY), "a gated case missing from the new run fails", out)
v = copy.deepcopy(BASE)
v["cases"] = [c for c in v["cases"] if not (c.get("engine") == "torch" and c["name"] == RS)]
rc, out = gate(v)
ok(rc == 0 and row(out, "torch:" + RS).rstrip().endswith("missing"), "a missing peer case is listed, not failed", out)
v = copy.deepcopy(BASE)
extra = copy.deepcopy(case(v, "robocache", RS))
extra["name"] = "resample/f32/B64-S500-T250-D256"
v["cases"].append(extra)
rc, out = gate(v)
ok(rc == 0 and row(out, "robocache:resample/f32/B64-S500-T250-D256").rstrip().endswith("new"),
   "a case new in this run is listed as new", out)

# a single LiDAR frame (issue 19): its kernel time and its whole launcher call (page-locked
# buffers, call_pinned_ms) are both gated; the peer's are listed
with open(os.path.join(SRC, "tests", "bench", "fixtures", "frame-cases.json")) as f:
    FRAMES = json.load(f)
FP = "frame/points/kitti-17238pts/640x640x1"
fb = copy.deepcopy(BASE)
fb["cases"] += FRAMES
fb_path = os.path.join(tmp, "base-frame.json")
with open(fb_path, "w") as f:
    json.dump(fb, f)


def metric_row(out, key, metric):
    for line in out.splitlines():
        if line.startswith(key + " ") and line.split()[1] == metric:
            return line
    return ""


rc, out = gate(fb, baseline=fb_path)
ok(rc == 0 and metric_row(out, "robocache:" + FP, "kernel_ms").rstrip().endswith("ok") and
   metric_row(out, "robocache:" + FP, "call_pinned_ms").rstrip().endswith("ok"),
   "a frame case is gated on its kernel time and on its whole call", out)
v = copy.deepcopy(fb)
case(v, "robocache", FP)["call_pinned_ms"]["median"] *= 1.25
rc, out = gate(v, baseline=fb_path)
ok(rc == 1 and "FAIL median" in metric_row(out, "robocache:" + FP, "call_pinned_ms") and
   metric_row(out, "robocache:" + FP, "kernel_ms").rstrip().endswith("ok"),
   "a frame's call 1.25x slower fails the gate, its kernel time still ok", out)
v = copy.deepcopy(fb)
case(v, "torch", FP)["call_pinned_ms"]["median"] *= 3
rc, out = gate(v, baseline=fb_path)
ok(rc == 0 and metric_row(out, "torch:" + FP, "call_pinned_ms").rstrip().endswith("info"),
   "the PyTorch peer's frame call is listed, not gated", out)
rc, out = gate(fb)
ok(rc == 0 and row(out, "robocache:" + FP).rstrip().endswith("new"), "frame cases new against an older baseline", out)

# files that must stop the gate
v = copy.deepcopy(BASE)
v["device"]["name"] = "NVIDIA H100 80GB HBM3"
rc, out = gate(v)
ok(rc == 2 and "do not compare" in out, "a run on another device is refused (exit 2)", out)
v = copy.deepcopy(BASE)
v["quick"] = True
rc, out = gate(v)
ok(rc == 2, "a quick run against a full baseline is refused (exit 2)", out)
rc, out = gate(None, raw='{"format": "robocache-bench-results", "cases": [')
ok(rc == 2 and "cannot read" in out, "truncated JSON is exit 2 with the file named", out)
rc, out = gate({"format": "something-else", "cases": []})
ok(rc == 2 and "expected a robocache-bench-results file" in out, "another format is exit 2", out)
rc, out = gate(BASE, baseline=os.path.join(tmp, "no-such-file.json"))
ok(rc == 2 and "no-such-file.json" in out, "a missing baseline file is exit 2", out)
v = copy.deepcopy(BASE)
v["device"]["name"] = "A device without results"
rc, out = gate(v, baseline=None)
ok(rc == 2 and "no baseline" in out, "no committed baseline for the device: exit 2, asks for --baseline", out)

# the default baseline: the newest full run of the device, never a newer partial one (a camera-only
# run holds none of the kernels and end-to-end cases a full run is gated on); a copy of the gate
# beside a results folder of its own
import shutil  # noqa: E402
gd = os.path.join(tmp, "pick", "bench")
os.makedirs(os.path.join(gd, "results"))
for f in ("gate", "benchlib.py"):
    shutil.copy(os.path.join(SRC, "bench", f), gd)
full, part = copy.deepcopy(BASE), copy.deepcopy(BASE)
full["date"], full["commit"] = "2026-01-01T00:00:00Z", "fullrun"
part["date"], part["commit"], part["partial"] = "2026-02-01T00:00:00Z", "partrun", "camera"
for name, r in (("a-full.json", full), ("b-part.json", part)):
    with open(os.path.join(gd, "results", name), "w") as f:
        json.dump(r, f)
newp = os.path.join(tmp, "pick-new.json")
with open(newp, "w") as f:
    json.dump(BASE, f)
r = subprocess.run([sys.executable, os.path.join(gd, "gate"), newp], capture_output=True, text=True)
ok("commit fullrun" in r.stdout, "the default baseline is the newest full run, not a newer partial one",
   r.stdout[:300] + r.stderr[-300:])

done()
