"""test_scan.py — `robocache-convert scan SPEC|DIR [--json FILE]` (docs/SPEC.md §2, issue 11):
on clean synth data every figure equals an independent numpy model of the raw files (steps and
their nearest-rank percentiles, rate, largest gaps, offsets, span, grid steps, points per frame,
the voxel range's drop share, in float32 as docs/SPEC.md §4 states the keep rule); then faults
injected into copies with h5py (a gap, duplicate timestamps, a decrease, a stream that does not
overlap the others, a file that is not HDF5) must each be named, with file, episode and HDF5
path, in the text and in the JSON, and the exit code must say whether `run` would succeed."""
import json
import math
import os
import shutil
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
from e2e_common import done, grid, ok, rc, read_ns, tmpdir  # noqa: E402

D = tmpdir()
clean = os.path.join(D, "clean")
code, _, err = rc("synth", clean, "--preset", "tiny", "--episodes", "5", "--seconds", "2", "--seed", "9")
ok(code == 0, "synth 5 tiny episodes", err)


def load(folder):
    """{(file, episode): {stream: (t ns, offsets or None, points or None)}} from the raw files."""
    out = {}
    for fn in sorted(os.listdir(folder)):
        with h5py.File(os.path.join(folder, fn), "r") as f:
            for eid in f["episodes"]:
                g = f["episodes"][eid]
                out[(os.path.join(folder, fn), eid)] = {
                    s: (read_ns(g[s]["t"]), g[s]["offsets"][()] if "offsets" in g[s] else None,
                        g[s]["points"][()] if "points" in g[s] else None) for s in g}
    return out


def rank(v, p):
    """Nearest-rank percentile of v (the smallest value with at least p of them at or below)."""
    v = np.sort(np.asarray(v))
    return int(v[max(1, math.ceil(p * len(v))) - 1])


def scan_json(*args):
    code, out, err = rc("scan", *args, "--json", "-")
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    return code, doc, err


def by_episode(doc):
    return {(e["file"], e["episode"]): e for e in doc["scanned"]}


# ---- clean data: every figure against the model ----
code, doc, err = scan_json(clean)
ok(code == 0 and doc is not None, "scan of a clean folder exits 0 with JSON on stdout", err)
ok("run would succeed: no problems found" in err, "the table (on stderr with --json -) gives the verdict", err)
raw = load(clean)
eps = by_episode(doc) if doc else {}
ok(doc is not None and doc["episodes"] == 5 and doc["files"] == len(os.listdir(clean)) and doc["problems"] == 0
   and doc["run_would_succeed"] and doc["exit_code"] == 0, "summary counts: 5 episodes, the files, no problems")
ok(sorted(eps) == sorted(raw), "every episode is scanned once", sorted(eps))
mism = []
for key, streams in raw.items():
    e = eps.get(key)
    if not e:
        continue
    firsts = {s: v[0][0] for s, v in streams.items()}
    lasts = {s: v[0][-1] for s, v in streams.items()}
    series = [s for s, v in streams.items() if v[1] is None]
    lo, hi = max(firsts[s] for s in series), min(lasts[s] for s in series)
    if e["span"] != {"start_ns": int(lo), "end_ns": int(hi), "seconds": e["span"]["seconds"], "steps": None}:
        mism.append((key, "span", e["span"], lo, hi))
    got = {s["name"]: s for s in e["streams"]}
    if sorted(got) != sorted(streams):
        mism.append((key, "streams", sorted(got)))
        continue
    for name, (t, offsets, _) in streams.items():
        s = got[name]
        d = np.diff(t)
        order = np.argsort(-d, kind="stable")[:3]
        want = {
            "samples": len(t), "first_ns": int(t[0]), "last_ns": int(t[-1]),
            "start_offset_ns": int(t[0] - min(firsts.values())), "stop_offset_ns": int(max(lasts.values()) - t[-1]),
            "step_ns": {"min": int(d.min()), "p50": rank(d, 0.5), "p99": rank(d, 0.99), "max": int(d.max())},
            "largest_gaps": [{"index": int(i + 1), "t_ns": int(t[i]), "gap_ns": int(d[i])} for i in order],
            "duplicates": {"count": 0, "first_index": None}, "decreases": {"count": 0, "first_index": None},
        }
        for k, v in want.items():
            if s[k] != v:
                mism.append((key, name, k, s[k], v))
        if abs(s["median_rate_hz"] - 1e9 / rank(d, 0.5)) > 1e-9 * s["median_rate_hz"]:
            mism.append((key, name, "rate", s["median_rate_hz"]))
        if offsets is not None:
            per = np.diff(offsets)
            w = {"min": int(per.min()), "median": rank(per, 0.5), "max": int(per.max())}
            if s["points_per_frame"] != w:
                mism.append((key, name, "points_per_frame", s["points_per_frame"], w))
ok(not mism, "per-stream figures equal the numpy model (samples, steps, rate, gaps, offsets, span)",
   "\n".join(map(str, mism[:10])))

# ---- a spec: its streams, its rate (grid steps), its voxel range ----
spec = os.path.join(D, "scan.yaml")
SPEC = """version: 1
input: {{dir: {input}, layout: robocache-raw}}
output: {{dir: out}}
on_error: {on_error}
timeline: {{rate_hz: 50}}
stages:
  - fuse:
      name: obs
      streams:
        - {{name: joint_pos, method: linear}}
        - {{name: imu, method: nearest}}
  - voxelize: {{name: grid, stream: lidar, range: [[-8, 8], [-6, 6], [-1, 2]], voxel_size: [0.5, 0.5, 0.25]}}
"""
with open(spec, "w") as f:
    f.write(SPEC.format(input="clean", on_error="fail"))
code, doc, err = scan_json(spec)
ok(code == 0 and doc is not None and doc["spec"] == spec, "scan SPEC on clean data exits 0 and names the spec", err)
mism = []
for key, streams in raw.items():
    e = by_episode(doc).get(key) if doc else None
    if not e:
        mism.append((key, "missing"))
        continue
    if sorted(s["name"] for s in e["streams"]) != ["imu", "joint_pos", "lidar"]:
        mism.append((key, "streams read", [s["name"] for s in e["streams"]]))
    lo = max(streams[s][0][0] for s in ("joint_pos", "imu"))
    hi = min(streams[s][0][-1] for s in ("joint_pos", "imu"))
    if e["span"]["start_ns"] != lo or e["span"]["end_ns"] != hi or e["span"]["steps"] != len(grid(lo, hi, 50)):
        mism.append((key, "span", e["span"], lo, hi, len(grid(lo, hi, 50))))
    pts = streams["lidar"][2].astype(np.float32)
    keep = np.ones(len(pts), bool)
    for a, (mn, mx, sz) in enumerate(((-8, 8, 0.5), (-6, 6, 0.5), (-1, 2, 0.25))):
        idx = np.floor((pts[:, a] - np.float32(mn)) / np.float32(sz))
        keep &= (idx >= 0) & (idx < round((mx - mn) / sz))
    vox = [s for s in e["streams"] if s["name"] == "lidar"][0]["voxelize"]
    want = [{"stage": "grid", "points": len(pts), "dropped_by_range": int((~keep).sum()),
             "dropped_fraction": float((~keep).sum()) / len(pts)}]
    if vox != want:
        mism.append((key, "voxelize", vox, want))
ok(not mism, "SPEC: the spec's streams, span, grid steps at 50 Hz and the voxel range's drops equal the model",
   "\n".join(map(str, mism[:10])))
ok(any(0 < s["voxelize"][0]["dropped_fraction"] < 1 for e in doc["scanned"] for s in e["streams"]
       if s["name"] == "lidar"), "the voxel range drops some points but not all (the check can fail)")

# ---- injected faults ----
bad = os.path.join(D, "bad")
shutil.copytree(clean, bad)
keys = sorted(raw)
(gap_file, gap_ep), (dup_file, dup_ep), (dec_file, dec_ep), (off_file, off_ep) = [
    (os.path.join(bad, os.path.basename(f)), e) for f, e in keys[:4]]


def edit_t(path, ep, stream, fn):
    with h5py.File(path, "r+") as f:
        ds = f["episodes"][ep][stream]["t"]
        t = ds[()]
        fn(t)
        ds[...] = t


gap_at = 300
edit_t(gap_file, gap_ep, "joint_pos", lambda t: t.__setitem__(slice(gap_at, None), t[gap_at:] + 700_000_000))
edit_t(dup_file, dup_ep, "joint_pos", lambda t: (t.__setitem__(100, t[99]), t.__setitem__(200, t[199])))
edit_t(dec_file, dec_ep, "base_quat", lambda t: t.__setitem__(50, t[49] - 1000))
edit_t(off_file, off_ep, "action", lambda t: t.__setitem__(slice(None), t + 3600 * 10**9))

code, out, err = rc("scan", bad)
text = out + err
ok(code == 2, "scan of the faulty folder exits 2 (run would fail)", text)
ok("run would fail (exit 2)" in out, "the text says run would fail", out)
ok(out.splitlines()[2].split()[0] in (dup_ep, dec_ep, off_ep),
   "episodes with problems are listed first (worst first)", out)
gap_line = [ln for ln in out.splitlines() if ln.startswith(gap_ep + " ")]
t_gap = load(bad)[(gap_file, gap_ep)]["joint_pos"][0]
ok(len(gap_line) == 1 and "joint_pos: %.2f ms" % ((t_gap[gap_at] - t_gap[gap_at - 1]) / 1e6) in gap_line[0]
   and "at index %d" % gap_at in gap_line[0],
   "the gap is named: stream, size and index", gap_line)
want_lines = [
    "%s: episode %s: /episodes/%s/joint_pos/t: expected strictly increasing timestamps, found 2 duplicates "
    "(first at index 100" % (dup_file, dup_ep, dup_ep),
    "%s: episode %s: /episodes/%s/base_quat/t: expected strictly increasing timestamps, found 1 decrease "
    "(first at index 50" % (dec_file, dec_ep, dec_ep),
    "%s: episode %s: /episodes/%s: the streams do not overlap in time" % (off_file, off_ep, off_ep),
]
rows = {ln.split()[0]: ln.split() for ln in out.splitlines()
        if ln.split() and ln.split()[0] in ("joint_pos", "base_quat")}
ok(rows.get("joint_pos", [""] * 14)[8:10] == ["2", "0"] and rows.get("base_quat", [""] * 14)[8:10] == ["0", "1"],
   "the per-stream table totals the duplicates (joint_pos 2) and decreases (base_quat 1)", rows)
ok(rows.get("joint_pos") and "(%s)" % gap_ep in " ".join(rows["joint_pos"]),
   "the per-stream table names the episode with joint_pos's largest gap", rows.get("joint_pos"))
for w, what in zip(want_lines, ("duplicates", "decrease", "non-overlapping stream")):
    ok(w in out, "the text names the %s with file, episode and HDF5 path" % what, w + "\n---\n" + out)

code, doc, _ = scan_json(bad)
ok(code == 2 and doc is not None and not doc["run_would_succeed"] and doc["exit_code"] == 2,
   "JSON: run_would_succeed false, exit_code 2")
eps = by_episode(doc) if doc else {}


def stream_of(f, e, name):
    return [s for s in eps[(f, e)]["streams"] if s["name"] == name][0]


g = stream_of(gap_file, gap_ep, "joint_pos")["largest_gaps"][0]
ok(g == {"index": gap_at, "t_ns": int(t_gap[gap_at - 1]), "gap_ns": int(t_gap[gap_at] - t_gap[gap_at - 1])}
   and eps[(gap_file, gap_ep)]["problems"] == [], "JSON: the gap is the largest, with index and time; not a problem", g)
s = stream_of(dup_file, dup_ep, "joint_pos")
ok(s["duplicates"] == {"count": 2, "first_index": 100} and s["decreases"]["count"] == 0,
   "JSON: duplicates counted with the first index", s["duplicates"])
s = stream_of(dec_file, dec_ep, "base_quat")
ok(s["decreases"] == {"count": 1, "first_index": 50} and s["duplicates"]["count"] == 0,
   "JSON: the decrease counted with its index", s["decreases"])
e = eps[(off_file, off_ep)]
ok(e["span"] is None and stream_of(off_file, off_ep, "action")["start_offset_ns"] > 3599 * 10**9,
   "JSON: no span for the non-overlapping episode; the stream's start offset shows the hour",
   (e["span"], stream_of(off_file, off_ep, "action")))
probs = [(p["file"], p["episode"], p["path"], p["kind"]) for e in doc["scanned"] for p in e["problems"]]
ok(sorted(probs) == sorted([(dup_file, dup_ep, "/episodes/%s/joint_pos/t" % dup_ep, "input"),
                            (dec_file, dec_ep, "/episodes/%s/base_quat/t" % dec_ep, "input"),
                            (off_file, off_ep, "/episodes/%s" % off_ep, "input")]),
   "JSON: exactly the three problems, each with file, episode and HDF5 path", probs)

# on_error: skip -> run would skip them and succeed
more = "joint_pos, method: linear}\n        - {name: base_quat, method: slerp}\n        - {name: action, method: linear}"
with open(spec, "w") as f:
    f.write(SPEC.format(input="bad", on_error="skip").replace("joint_pos, method: linear}", more))
code, out, err = rc("scan", spec)
ok(code == 0 and "run would succeed, skipping 3 bad entries (on_error: skip)" in out,
   "SPEC with on_error skip: exit 0, the 3 bad episodes would be skipped", out + err)
# ... and on_error: fail names the first one
text = open(spec).read()
with open(spec, "w") as f:
    f.write(text.replace("on_error: skip", "on_error: fail"))
code, out, err = rc("scan", spec)
ok(code == 2 and "run would fail (exit 2): " in out, "SPEC with on_error fail: exit 2 naming why", out + err)

# ---- malformed input: a file that is not HDF5, an empty folder ----
junk = os.path.join(D, "junk")
os.makedirs(junk)
shutil.copy(os.path.join(clean, sorted(os.listdir(clean))[0]), junk)
with open(os.path.join(junk, "zz-broken.h5"), "wb") as f:
    f.write(b"not an hdf5 file\n" * 10)
code, doc, err = scan_json(junk)
bad_entries = [e for e in doc["scanned"] if e["problems"]] if doc else []
ok(code == 2 and len(bad_entries) == 1 and bad_entries[0]["episode"] == "*"
   and bad_entries[0]["file"].endswith("zz-broken.h5") and "expected an HDF5 file" in bad_entries[0]["problems"][0]["message"],
   "a file that is not HDF5 is a problem of that file (exit 2), the other file is still scanned", err)
empty = os.path.join(D, "empty")
os.makedirs(empty)
code, out, err = rc("scan", empty)
ok(code == 2 and "run would fail (exit 2): %s" % empty in out, "an empty folder: exit 2, naming the folder", out + err)

# ---- run --report carries the same figures for what it converted ----
with open(spec, "w") as f:
    f.write(SPEC.format(input="clean", on_error="fail"))
code, doc, _ = scan_json(spec)
rep_path = os.path.join(D, "report.json")
code, out, err = rc("run", spec, "--backend", "cpu", "--output", os.path.join(D, "out"), "--report", rep_path,
                    "--progress", "never")
ok(code == 0, "run of the clean spec", err)
report = json.load(open(rep_path)) if code == 0 else {"timestamps": []}
for e in doc["scanned"]:
    for s in e["streams"]:
        s.pop("voxelize", None)  # run leaves the range drops to the voxelize stage's own counts
ok(report.get("timestamps") == doc["scanned"], "run --report 'timestamps' equals scan's figures, episode by episode",
   "report %d entries, scan %d" % (len(report.get("timestamps") or []), len(doc["scanned"])))

# ---- usage ----
code, out, _ = rc("scan", "--help")
ok(code == 0 and "usage: robocache-convert scan SPEC|DIR [--json FILE]" in out, "scan --help")
ok(rc("scan")[0] == 1, "scan without an argument: exit 1")
ok(rc("scan", clean, clean)[0] == 1, "scan with two targets: exit 1")
ok(rc("scan", clean, "--json")[0] == 1, "--json without a file: exit 1")
ok(rc("scan", clean, "--frob")[0] == 1, "an unknown option: exit 1")
with open(os.path.join(D, "broken.yaml"), "w") as f:
    f.write("version: 1\nstages: 3\n")
ok(rc("scan", os.path.join(D, "broken.yaml"))[0] == 1, "a bad spec: exit 1")
jf = os.path.join(D, "scan.json")
code, out, _ = rc("scan", clean, "--json", jf)
ok(code == 0 and json.load(open(jf))["format"] == "robocache-scan" and "episode" in out,
   "--json FILE writes the file; the table stays on stdout")
done()
