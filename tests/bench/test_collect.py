"""test_collect.py - the data path of bench/: benchlib.stats (median, p99 by nearest rank) against
hand-worked samples, benchlib.parse_ncu on a recorded Nsight Compute log (bench/results/*.ncu.txt)
against its own lines, and bench/collect.py on recorded pieces of a run (fixtures/collect: rc-bench's
multi-line JSON objects, the PyTorch peer's JSON lines, a --report file, a peer's JSON) plus
malformed pieces.  TAP."""
import glob
import json
import os
import re
import subprocess
import sys

from bench_tap import SRC, done, ok, scratch_dir
import benchlib  # noqa: E402  (bench/ is on the path through bench_tap)

FIX = os.path.join(SRC, "tests", "bench", "fixtures", "collect")


# ---- stats ----
s = benchlib.stats([5, 1, 4, 2, 3])
ok(s["median"] == 3 and s["min"] == 1 and s["max"] == 5 and s["n"] == 5, "odd count: the middle value", s)
s = benchlib.stats([4, 1, 3, 2])
ok(s["median"] == 2.5, "even count: the mean of the two middle values", s)
v = list(range(1, 51))  # 50 samples: ceil(0.99 * 50) = 50th smallest
ok(benchlib.stats(v)["p99"] == 50, "p99 of 50 samples is the largest (nearest rank)")
v = list(range(1, 201))  # 200 samples: the 198th smallest
ok(benchlib.stats(reversed(v))["p99"] == 198, "p99 of 200 samples is the 198th smallest, any input order")
ok(benchlib.stats([])["median"] is None, "no samples: no median")

# ---- parse_ncu on a recorded log ----
logs = sorted(glob.glob(os.path.join(SRC, "bench", "results", "*.ncu.txt")))
ok(len(logs) >= 1, "a recorded ncu log is committed beside the results", logs)
text = open(logs[-1]).read()
launches = benchlib.parse_ncu(text)
headers = [ln for ln in text.splitlines() if ", Context " in ln and ", Device " in ln]
ok(len(launches) == len(headers) and len(launches) > 0, "one entry per profiled launch (%d)" % len(headers))
first = launches[0]
m = re.search(r"^\s*gpu__time_duration\.sum\s+(\S+)\s+([0-9.,]+)\s*$", text, re.M)
ok(m is not None and first["metrics"].get("gpu__time_duration.sum [%s]" % m.group(1)) == float(m.group(2).replace(",", "")),
   "the first launch's duration, with its unit in the key", (m and m.groups(), first["metrics"]))
ok(headers[0].strip().startswith(first["kernel"]) or ("::" + first["kernel"]) in headers[0] or
   (" " + first["kernel"]) in headers[0], "the kernel's short name comes from its header line", (first["kernel"], headers[0][:80]))
ok(all("<" not in x["kernel"] and "(" not in x["kernel"] for x in launches), "template and argument lists are cut off")
ok(benchlib.parse_ncu("==PROF== nothing profiled\n") == [], "a log without launches parses to nothing")

# ---- collect.py on recorded pieces ----
tmp = scratch_dir("rc-collect-")
out = os.path.join(tmp, "results.json")


def collect(extra):
    r = subprocess.run([sys.executable, os.path.join(SRC, "bench", "collect.py"), "--out", out, "--commit", "abc123",
                        "--device-csv", os.path.join(FIX, "device.csv")] + extra, capture_output=True, text=True)
    res = json.load(open(out)) if r.returncode == 0 else None
    return r.returncode, res, r.stdout + r.stderr


rc, res, log = collect(["--cases", os.path.join(FIX, "rc-bench.jsonl"), os.path.join(FIX, "torch.jsonl"),
                        "--e2e-input", os.path.join(FIX, "e2e-input.json"),
                        "--e2e", "robocache-cuda=" + os.path.join(FIX, "robocache-report.json"),
                        "numpy=" + os.path.join(FIX, "peer-numpy.json"),
                        "torch=" + os.path.join(tmp, "absent.json"),
                        "--profile", "some/case=" + logs[-1]])
ok(rc == 0 and res["format"] == "robocache-bench-results" and res["commit"] == "abc123",
   "collect writes a results file with the commit", log)
names = [c["name"] for c in res["cases"]] if res else []
ok(names[:4] == ["mem/d2d", "mem/h2d_pinned", "mem/d2h_pinned", names[3]] and names[3].startswith("resample/"),
   "rc-bench's multi-line objects are read in order", names)
torch_lines = [json.loads(x) for x in open(os.path.join(FIX, "torch.jsonl"))]
ok(res and [c["name"] for c in res["cases"] if c.get("engine") == "torch"] == [x["name"] for x in torch_lines],
   "every PyTorch line becomes a case")
rep = json.load(open(os.path.join(FIX, "robocache-report.json")))
e2e = {r["name"]: r for r in res["e2e"]["runs"]} if res else {}
ok(e2e.get("robocache-cuda", {}).get("wall_s") == rep["wall_s"] and
   e2e["robocache-cuda"]["stages_busy_s"]["write"] == rep["stages"]["write"]["busy_s"],
   "a --report file gives the wall and each stage's busy time", e2e.get("robocache-cuda"))
ok(e2e.get("torch", {}).get("missing") is True, "an absent piece is recorded as missing, not invented")
wall_cases = {c["name"]: c for c in res["cases"] if c.get("engine") == "e2e"} if res else {}
ok(set(wall_cases) == {"e2e/robocache-cuda", "e2e/numpy"} and
   wall_cases["e2e/numpy"]["wall_s"] == json.load(open(os.path.join(FIX, "peer-numpy.json")))["wall_s"],
   "each end-to-end run with a wall becomes a gated case", sorted(wall_cases))
ok(res and res["device"].get("name") == "NVIDIA H100 80GB HBM3" and res["device"].get("driver_version") == "580.159.04",
   "the device and driver come from nvidia-smi's CSV", res and res["device"])
ok(res and len(res["profile"]["some/case"]) == len([x for x in launches if x["kernel"] != "probe_kernel"]),
   "the profile keeps every launch but the backend's probe")

# a run on another input (issue 18's gzip and robomimic cases): its own input and byte count
other = os.path.join(tmp, "e2e-input-gzip.json")
with open(other, "w") as f:
    json.dump({"storage": "gzip", "raw_bytes": 12345}, f)
rc, res, log = collect(["--e2e-input", os.path.join(FIX, "e2e-input.json"),
                        "--e2e", "robocache-cuda=" + os.path.join(FIX, "robocache-report.json"),
                        "robocache-cuda-gzip=" + os.path.join(FIX, "robocache-report.json"),
                        "--e2e-input-for", "robocache-cuda-gzip=" + other])
wall_cases = {c["name"]: c for c in res["cases"] if c.get("engine") == "e2e"} if res else {}
main_bytes = json.load(open(os.path.join(FIX, "e2e-input.json")))["raw_bytes"]
ok(rc == 0 and wall_cases.get("e2e/robocache-cuda-gzip", {}).get("bytes") == 12345 and
   wall_cases.get("e2e/robocache-cuda", {}).get("bytes") == main_bytes,
   "--e2e-input-for gives a run its own input's bytes; the others keep --e2e-input's", wall_cases)
runs = {r["name"]: r for r in res["e2e"]["runs"]} if res else {}
ok(runs.get("robocache-cuda-gzip", {}).get("input", {}).get("storage") == "gzip" and "input" not in runs.get("robocache-cuda", {}),
   "the run records the input it was measured on", runs.get("robocache-cuda-gzip"))

# single LiDAR frames (issue 19): rc-bench's multi-line objects with the untraced whole call,
# the peer's line, and their profiles (run-gpu.sh gives one per case; an absent log adds nothing)
with open(os.path.join(SRC, "tests", "bench", "fixtures", "frame-cases.json")) as f:
    FRAMES = json.load(f)
ours, peers = [c for c in FRAMES if c["engine"] == "robocache"], [c for c in FRAMES if c["engine"] == "torch"]
fr_rc, fr_torch = os.path.join(tmp, "frame-rc.jsonl"), os.path.join(tmp, "frame-torch.jsonl")
with open(fr_rc, "w") as f:
    f.write("".join(json.dumps(c, indent=1) + "\n" for c in ours))
with open(fr_torch, "w") as f:
    f.write("".join(json.dumps(c) + "\n" for c in peers))
rc, res, log = collect(["--cases", fr_rc, fr_torch, "--profile", ours[0]["name"] + "=" + logs[-1],
                        ours[1]["name"] + "=" + os.path.join(tmp, "ncu-absent.txt")])
got = {(c["engine"], c["name"]): c for c in res["cases"]} if res else {}
ok(rc == 0 and all(got.get((c["engine"], c["name"])) == c for c in FRAMES),
   "frame cases (robocache's and the peer's) are carried whole, call_pinned_ms included", log)
ok(res and list(res["profile"]) == [ours[0]["name"]] and len(res["profile"][ours[0]["name"]]) > 0,
   "a frame case's profile is recorded under its name; an absent log is left out", res and list(res["profile"]))
# issue 18's figures of a report (readers, read paths, raw input GB/s, pinned slots) are carried as
# they are; a report without them gets none invented
rep18 = dict(rep, raw_input_gb_s=1.7, direct_bytes=1000, fallback_bytes=24, readers=2, slot_pins=4, slot_pins_refused=0,
             read_paths={"direct": {"reads": 3, "bytes": 1000}, "type": {"reads": 1, "bytes": 24}},
             reader_processes=[{"episodes": 1, "bytes": 600, "busy_s": 0.5, "restarts": 0},
                               {"episodes": 1, "bytes": 424, "busy_s": 0.4, "restarts": 0}])
p18 = os.path.join(tmp, "report-cuda-16.json")
with open(p18, "w") as f:
    json.dump(rep18, f)
rc, res, log = collect(["--e2e", "robocache-cuda-16=" + p18, "robocache-cuda=" + os.path.join(FIX, "robocache-report.json")])
runs = {r["name"]: r for r in res["e2e"]["runs"]} if res else {}
r16 = runs.get("robocache-cuda-16", {})
ok(rc == 0 and all(r16.get(k) == rep18[k] for k in ("raw_input_gb_s", "direct_bytes", "fallback_bytes", "read_paths",
                                                    "readers", "reader_processes", "slot_pins", "slot_pins_refused")),
   "a report's reader figures, read paths, raw input GB/s and pinned slots are carried as they are", r16)
ok(not any(k in runs.get("robocache-cuda", {}) for k in ("raw_input_gb_s", "reader_processes", "slot_pins")),
   "a report without them gets none invented")

bad = os.path.join(tmp, "bad.jsonl")
with open(bad, "w") as f:
    f.write('{"group": "mem", "name": "mem/d2d"}\n{"group": "resample", "name": ')
rc, res, log = collect(["--cases", bad])
ok(rc != 0, "a truncated JSON-lines file fails collect instead of dropping cases silently", log)

done()
