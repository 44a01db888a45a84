# report_trace.py — the streaming run's --report and --trace: the pipeline stages (reader,
# compute, compress with --threads workers, writer) with busy, idle and load seconds that add up
# (idle = threads x streaming wall - busy, load = busy / threads), overlap efficiency recomputed
# from them, the slowest stage and wall / slowest; per-stage bytes, items and idle; a Chrome
# trace with one named track per thread whose slices never overlap on a track and carry
# episode ids; per reader process its bytes, busy and wait seconds, the reads by path, raw input
# GB/s and the summary line that gives them.
import json
import os
import sys

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
from e2e_common import done, ok, rc, tmpdir, write_spec  # noqa: E402

D = tmpdir()
code, _, err = rc("synth", os.path.join(D, "raw"), "--preset", "tiny", "--episodes", "5", "--seconds", "2",
                  "--seed", "8")
ok(code == 0, "synth tiny dataset", err)
spec = write_spec(os.path.join(D, "s.yaml"), input="raw", output="out")
rep_p, tr_p = os.path.join(D, "rep.json"), os.path.join(D, "trace.json")
code, _, err = rc("run", spec, "--backend", "cpu", "--threads", "3", "--buffers", "3", "--readers", "2", "--report", rep_p,
                  "--trace", tr_p, "--progress", "never")
ok(code == 0, "run with --report and --trace", err)
rep = json.load(open(rep_p))
pipe = rep["pipeline"]
ok(set(pipe) == {"reader", "compute", "compress", "writer"}, "the report has the four pipeline stages", pipe)
ok([pipe[s]["threads"] for s in ("reader", "compute", "compress", "writer")] == [2, 1, 3, 1] and
   rep["compress_workers"] == 3 and rep["buffers"] == 3, "two reader threads, one compute and writer thread, 3 workers, "
   "3 buffers")
procs = rep["reader_processes"]
ok(rep["readers"] == 2 and len(procs) == 2 and sum(p["episodes"] for p in procs) == 5 and
   sum(p["bytes"] for p in procs) == rep["stages"]["read"]["bytes_in"] and all(p["restarts"] == 0 for p in procs) and
   all(p["busy_s"] > 0 for p in procs if p["episodes"]), "two reader processes read the 5 episodes and their bytes", procs)
paths = rep["read_paths"]
ok(paths["direct"]["bytes"] == rep["direct_bytes"] > 0 and
   rep["fallback_bytes"] == sum(v["bytes"] for k, v in paths.items() if k != "direct") and rep["raw_input_gb_s"] > 0,
   "reads by path: direct and H5Dread bytes, raw input GB/s", paths)
ok(all(0 <= p["wait_s"] <= p["busy_s"] + p["wait_s"] and p["wait_s"] < 60 for p in procs) and
   all(p["wait_s"] == 0 for p in procs if not p["episodes"]),
   "per reader process: its wait for the run's grant, apart from its busy time", procs)
decoded = sum(v["bytes"] for v in paths.values())
line = [x for x in err.splitlines() if x.strip().startswith("read: ")]
ok(len(line) == 1 and line[0].strip() == "read: 2 reader processes, %.3f GB decoded directly, %.3f GB by H5Dread; "
   "raw input %.2f GB/s" % (rep["direct_bytes"] / 1e9, rep["fallback_bytes"] / 1e9, decoded / rep["stream_wall_s"] / 1e9),
   "the end-of-run summary names the reader processes, the bytes by read path and the raw input GB/s", line)
ok(rep["decode_threads"] == min(16, -(-2 * os.cpu_count() // 2)),
   "decode threads: twice a reader's share of the cores (2 readers)", rep["decode_threads"])
ok(rep["slot_pins"] == 0 and rep["slot_pins_refused"] == 0, "the CPU backend page-locks no slot memory",
   (rep["slot_pins"], rep["slot_pins_refused"]))
W = rep["stream_wall_s"]
ok(0 < W <= rep["wall_s"], "streaming wall %.3f s within the run's %.3f s" % (W, rep["wall_s"]))
good = True
for s, t in pipe.items():
    good &= abs(t["idle_s"] - max(0.0, t["threads"] * W - t["busy_s"])) < 1e-6
    good &= abs(t["load_s"] - t["busy_s"] / t["threads"]) < 1e-6
    good &= 0 < t["busy_s"] and t["load_s"] <= W + 1e-6
ok(good, "busy, idle and load add up for every pipeline stage", pipe)
loads = {s: t["load_s"] for s, t in pipe.items()}
eff = sum(loads.values()) / (4 * W)
ok(abs(rep["overlap_efficiency"] - eff) < 1e-6 and 0 < eff <= 1,
   "overlap efficiency = sum of loads / (4 x wall) = %.3f" % eff, rep["overlap_efficiency"])
slow = max(loads, key=loads.get)
ok(rep["slowest_stage"] == slow and abs(rep["slowest_load_s"] - loads[slow]) < 1e-6 and
   abs(rep["wall_over_slowest"] - W / loads[slow]) < 1e-6 and rep["wall_over_slowest"] >= 1 - 1e-9,
   "slowest stage %s and wall / slowest %.2f" % (slow, rep["wall_over_slowest"]))
st = rep["stages"]
ok(st["compress"]["items"] > 0 and st["compress"]["bytes_out"] == st["write"]["bytes_out"],
   "compress counts chunks, and its compressed bytes are the bytes written")
ok(0 < st["write"]["bytes_in"] <= st["compress"]["bytes_in"],
   "the writer's raw bytes are at most the chunk bytes compressed (last chunks are padded)")
ok(all(abs(v["idle_s"] - max(0.0, v["wall_s"] - v["busy_s"])) < 1e-6 for k, v in st.items() if k != "compress"),
   "per stage idle = wall - busy on its one thread")

tr = json.load(open(tr_p))
ev = tr["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
want = {"reader 1", "reader 2", "reader process 1", "reader process 2", "compute", "writer", "compress 1", "compress 2",
        "compress 3"}
ok(want <= set(names.values()), "one named track per thread", sorted(names.values()))
xs = [e for e in ev if e["ph"] == "X"]
ok(xs and all(e["tid"] in names for e in xs), "every slice is on a named track")
ok(all(0 <= e["args"]["episode"] < 5 for e in xs), "every slice carries its episode (0..4)")
by_track = {}
for e in xs:
    by_track.setdefault(e["tid"], []).append((e["ts"], e["ts"] + e["dur"]))
clean = all(b[0] >= a[1] - 1e-3 for iv in by_track.values() for a, b in zip(sorted(iv), sorted(iv)[1:]))
ok(clean, "slices on one track never overlap (a thread does one thing at a time)")
kinds = {(names[e["tid"]].split()[0], e["name"]) for e in xs}
ok({("reader", "read"), ("compute", "resample"), ("compute", "voxelize"), ("compress", "compress"),
    ("writer", "write")} <= kinds, "each stage's slices are on its own threads", sorted(kinds))
done()
