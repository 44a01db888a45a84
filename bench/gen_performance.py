#!/usr/bin/env python3
"""gen_performance.py - writes docs/PERFORMANCE.md and docs/performance.svg from a results file
of bench/results/ (by default the newest full run): the copy limits, every kernel case beside
its PyTorch peer, the end-to-end conversion beside the h5py + numpy and PyTorch scripts, the
verdict against each target of issue 10 (by how much a missed one is missed), the cameras of
issue 22 (resize kernel, camera conversion) when the run measured them, the ncu profile of
the run, and the CPU backend's perf profile (bench/results/cpu, issue 18).  Every number comes from the results file; the page is never edited by hand.

usage: gen_performance.py [--results FILE] [--cpu-profile FILE] [--out MD] [--svg SVG]
       gen_performance.py --summary FILE     (a short table on stdout, for run-gpu.sh)"""
import argparse
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
T = benchlib.TARGETS
VOX_TARGET_MIN_POINTS = 10_000_000  # mode targets apply to clouds that fill the GPU


def fmt(x, digits=3):
    """Three significant digits, plain notation for the sizes that occur here."""
    if x is None:
        return "—"
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 1000:
        return "%.0f" % x
    d = max(0, digits - 1 - int(__import__("math").floor(__import__("math").log10(a))))
    return "%.*f" % (d, x)


def pct(x):
    return "—" if x is None else "%s%%" % fmt(100.0 * x)


def times(x):
    return "—" if x is None else "%s×" % fmt(x)


def newest_results(folder, pattern="*.json",
                   accept=lambda r: r.get("format") == "robocache-bench-results" and not r.get("quick")
                   and not r.get("partial")):
    """(path, results) of the newest file of folder matching pattern that accept takes (by date,
    then name), or None: by default the newest full benchmark run."""
    best = None
    for p in sorted(glob.glob(os.path.join(folder, pattern))):
        try:
            r = benchlib.load(p)
        except (OSError, ValueError):
            continue
        if accept(r) and (best is None or r.get("date", "") >= best[1].get("date", "")):
            best = (p, r)
    return best


# ---- derived figures ----

class Run:
    def __init__(self, res):
        self.res = res
        self.by = benchlib.cases_by_key(res)
        self.d2d = benchlib.d2d_gb_s(res)

    def ours(self, group):
        return [c for c in self.res["cases"] if c.get("group") == group and c.get("engine") == "robocache"]

    def peer(self, case):
        return self.by.get("torch:" + case["name"])

    def speedup(self, case):
        p = self.peer(case)
        if not p or not case.get("kernel_ms") or not p.get("kernel_ms"):
            return None
        return p["kernel_ms"]["median"] / case["kernel_ms"]["median"]

    def frac(self, case):
        g = benchlib.gb_s(case)
        return g / self.d2d if g and self.d2d else None


def short_fail(value, target, unit=""):
    """'missed by 7.7×' style: how far below the target the value is."""
    if value is None:
        return "not measured"
    if value >= target:
        return "met"
    return "missed (%s%s of %s%s: %s× short)" % (fmt(value), unit, fmt(target), unit,
                                               fmt(target / value) if value > 0 else "∞")


def over_fail(value, limit, unit=""):
    """'missed (130 µs of ≤ 100 µs: 1.30× over)' style, for a figure that must stay below a limit."""
    if value is None:
        return "not measured"
    if value <= limit:
        return "met"
    return "missed (%s%s of ≤ %s%s: %s× over)" % (fmt(value), unit, fmt(limit), unit, fmt(value / limit))


def verdict_bw(run, c, tg):
    f, s = run.frac(c), run.speedup(c)
    parts = []
    parts.append("D2D " + short_fail(None if f is None else 100 * f, 100 * tg["frac_d2d"], "%"))
    parts.append("PyTorch " + short_fail(s, tg["speedup"], "×"))
    ok = f is not None and s is not None and f >= tg["frac_d2d"] and s >= tg["speedup"]
    return ok, "; ".join(parts)


def vox_target(c):
    p = c.get("params", {})
    if p.get("frames", 1) > 1:
        return T["voxelize"]["batch"]
    if p.get("points", 0) >= VOX_TARGET_MIN_POINTS:
        return T["voxelize"].get(p.get("mode"))
    return None


# ---- markdown ----

def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return "\n".join(out)


def case_label(name):
    return name.split("/", 1)[1] if "/" in name else name


def section_limits(run):
    rows = []
    for c in run.res["cases"]:
        if c.get("group") == "mem":
            rows.append([c["name"], fmt(c["params"]["copy_bytes"] / 2**20) + " MiB", fmt(c["kernel_ms"]["median"]),
                         fmt(c["kernel_ms"]["p99"]), fmt(benchlib.gb_s(c))])
    return ("## Physical limits (same run)\n\nCUDA events around `cudaMemcpyAsync`; device-to-device "
            "counts bytes read plus bytes written.\n\n" +
            table(["copy", "size", "median ms", "p99 ms", "GB/s"], rows))


def section_bw(run, group, title, tg):
    rows, met = [], 0
    cases = run.ours(group)
    for c in cases:
        ok, why = verdict_bw(run, c, tg)
        met += ok
        p = run.peer(c)
        rows.append([case_label(c["name"]), fmt(c["kernel_ms"]["median"]), fmt(c["kernel_ms"]["p99"]),
                     fmt(benchlib.gb_s(c)), pct(run.frac(c)),
                     fmt(p["kernel_ms"]["median"]) if p else "—", times(run.speedup(c)),
                     fmt(c["call_ms"]["median"]), "yes" if c.get("checked_against_cpu") else "no",
                     "met" if ok else why])
    head = ["case", "kernel median ms", "p99 ms", "GB/s", "of D2D", "PyTorch ms", "speed-up",
            "launcher call ms", "= CPU bytes", "verdict"]
    intro = ("%d of %d cases meet the target (≥ %s of D2D bandwidth and ≥ %s PyTorch's time)." %
             (met, len(cases), pct(tg["frac_d2d"]), times(tg["speedup"])))
    return "## %s\n\n%s\n\n%s" % (title, intro, table(head, rows))


def section_vox(run):
    rows, met, judged = [], 0, 0
    for c in run.ours("voxelize"):
        p, tgt = run.peer(c), vox_target(c)
        rate = benchlib.items_per_s(c)
        g = rate / 1e9 if rate else None
        if tgt is not None:
            judged += 1
            met += g is not None and g >= tgt
        peer_rate = c["items"] / (p["kernel_ms"]["median"] * 1e-3) / 1e9 if p else None
        rows.append([case_label(c["name"]), fmt(c["kernel_ms"]["median"]), fmt(c["kernel_ms"]["p99"]), fmt(g),
                     fmt(p["kernel_ms"]["median"]) if p else "—", fmt(peer_rate) if p else "—",
                     times(run.speedup(c)), fmt(c["call_ms"]["median"]),
                     {True: "yes", False: "NO", None: "—"}[c.get("checked_against_cpu")],
                     "—" if tgt is None else short_fail(g, tgt, " Gpts/s")])
    head = ["case", "kernel median ms", "p99 ms", "Gpts/s", "PyTorch ms", "PyTorch Gpts/s", "speed-up",
            "launcher call ms", "= CPU bytes", "verdict"]
    intro = ("Targets (Gpts/s, kernel time with grid zeroing): occupancy ≥ %s, count ≥ %s, mean ≥ %s, "
             "points ≥ %s, the batch of LiDAR frames ≥ %s; judged on clouds of ≥ %s points and on the "
             "batch. %d of %d judged cases meet their target. PyTorch's `mean` sums with float atomics "
             "(not deterministic); every robocache mode is deterministic. Clouds of ≤ 1M points are "
             "compared with the CPU backend byte for byte (`= CPU bytes`)." %
             (fmt(T["voxelize"]["occupancy"]), fmt(T["voxelize"]["count"]), fmt(T["voxelize"]["mean"]),
              fmt(T["voxelize"]["points"]), fmt(T["voxelize"]["batch"]), "{:,}".format(VOX_TARGET_MIN_POINTS),
              met, judged))
    return "## voxelize\n\n%s\n\n%s" % (intro, table(head, rows))


def frame_us(c, key, stat="median"):
    """A frame case's figure in µs: kernel_ms (CUPTI) or call_pinned_ms (the whole call)."""
    m = (c.get(key) or {}).get(stat)
    return None if m is None else m * 1e3


def section_frame(run):
    """One LiDAR sweep per case (issue 19): kernel time and the whole launcher call with
    page-locked host buffers, beside the PyTorch peer of the same first-appearance rule."""
    cases = run.ours("frame")
    if not cases:
        return ""
    tg = T["frame"]
    rows = []
    for c in cases:
        p = run.peer(c) or {}
        k, call = frame_us(c, "kernel_ms"), frame_us(c, "call_pinned_ms")
        rows.append([case_label(c["name"]), c["params"].get("source", "—"), "{:,}".format(int(c["items"])),
                     fmt(k), fmt(frame_us(c, "kernel_ms", "p99")),
                     fmt(call), fmt(frame_us(p, "kernel_ms")), fmt(frame_us(p, "call_pinned_ms")), times(run.speedup(c)),
                     {True: "yes", False: "NO", None: "—"}[c.get("checked_against_cpu")],
                     over_fail(k, tg["kernel_us"], " µs"), over_fail(call, tg["call_us"], " µs")])
    head = ["case", "sweep", "points", "kernel median µs", "p99 µs", "call median µs", "PyTorch kernel µs",
            "PyTorch call µs", "speed-up (kernel)", "= CPU bytes", "kernel ≤ %s µs" % fmt(tg["kernel_us"]),
            "call ≤ %s µs" % fmt(tg["call_us"])]
    intro = ("One real LiDAR sweep per call of `rc_cuda_voxelize`: points mode (pillars of 0.16 × 0.16 m, at most "
             "32 points per voxel and 16,000 voxels) and sparse count (0.1 × 0.1 × 0.2 m voxels), both over x, y in "
             "[-51.2, 51.2), z in [-5, 3). Kernel time from CUPTI as above; `call` is the host wall around the "
             "whole launcher call with page-locked host buffers in and out, CUPTI tracing off. The PyTorch peer "
             "applies the same first-appearance rule (`bench/peers/torch_ops.py`): its kernel time by CUDA events "
             "on the sweep already on the device, its call from the page-locked sweep to the results in host "
             "memory. Every case is compared with the CPU backend byte for byte.")
    return "## One LiDAR frame (issue 19)\n\n%s\n\n%s" % (intro, table(head, rows))


def wall_over_slowest(r):
    """wall / the slowest stage: the streaming report's own figure (the slowest stage's per-thread
    load, so parallel compression workers count once), else wall / the largest busy time."""
    if r.get("wall_over_slowest"):
        return r["wall_over_slowest"]
    st = r.get("stages_busy_s") or {}
    return r["wall_s"] / max(st.values()) if st and max(st.values()) > 0 else None


def e2e_figures(res):
    e2e = res.get("e2e") or {}
    raw = (e2e.get("input") or {}).get("raw_bytes")
    runs = {r["name"]: r for r in e2e.get("runs", []) if r.get("wall_s")}
    return raw, runs


def section_e2e(res):
    raw, runs = e2e_figures(res)
    if not runs:
        return "## End to end\n\nNo end-to-end runs in this results file."
    inp = res["e2e"].get("input") or {}
    rows = []
    for name in ("robocache-cuda", "robocache-cpu", "torch", "numpy"):
        r = runs.get(name)
        if not r:
            continue
        st = r.get("stages_busy_s") or {}
        ratio = wall_over_slowest(r)
        rows.append([name, fmt(r["wall_s"]), fmt(raw / r["wall_s"] / 1e6) if raw else "—",
                     fmt(st.get("read")), fmt(st.get("resample")), fmt(st.get("voxelize")), fmt(st.get("write")),
                     fmt(ratio) if ratio else "—",
                     {True: "yes", False: "NO"}.get(r.get("agrees_with_robocache"), "—"), r.get("codec", "zstd")])
    head = ["run", "wall s", "MB/s of raw input", "read s", "resample s", "voxelize s", "write s",
            "wall / slowest stage", "output = robocache's", "codec"]
    cu, npy = runs.get("robocache-cuda"), runs.get("numpy")
    v = []
    if cu and npy:
        v.append("≥ %s the h5py + numpy script: %s" % (
            times(T["e2e"]["speedup_vs_numpy"]), short_fail(npy["wall_s"] / cu["wall_s"], T["e2e"]["speedup_vs_numpy"], "×")))
    if cu and raw:
        v.append("≥ %s GB/s of raw input: %s" % (
            fmt(T["e2e"]["raw_gb_s"]), short_fail(raw / cu["wall_s"] / 1e9, T["e2e"]["raw_gb_s"], " GB/s")))
    if cu and wall_over_slowest(cu):
        ratio = wall_over_slowest(cu)
        lim = T["e2e"]["wall_over_slowest_stage"]
        v.append("wall ≤ %s the slowest stage: %s" % (
            times(lim), "met" if ratio <= lim else "missed (%s×: %s× over)" % (fmt(ratio), fmt(ratio / lim))))
    intro = ("`robocache-convert run bench/pipeline.yaml` on synth data (preset `%s`, `%s`: %s MB of raw "
             "HDF5), page cache dropped before each run; the peers do the same conversion "
             "(bench/peers/convert_peer.py) and their output is checked against robocache's shards. "
             "Stage columns are busy seconds (robocache's --report; the peers' own timers)." %
             (inp.get("preset", "?"), inp.get("synth_args", ""), fmt(raw / 1e6) if raw else "?"))
    return "## End to end\n\n%s\n\n%s\n\nVerdict (cuda backend):\n\n%s" % (
        intro, table(head, rows), "\n".join("- " + x for x in v))


def _verdict(label, value, target, unit, higher=True):
    """One verdict line: met, or missed by how much (value and target in the same unit)."""
    if value is None:
        return "%s: not measured" % label
    met = value >= target if higher else value <= target
    miss = (target / value if higher else value / target) if value else None
    return "%s: %s" % (label, "met (%s%s)" % (fmt(value), unit) if met else
                       "missed (%s%s: %s× short)" % (fmt(value), unit, fmt(miss)) if miss else "missed (0)")


def peak_rss_ratio(two, sixteen):
    """The larger of the two peak-RSS ratios of a 16-episode run over a 2-episode one (the run's
    process, its largest reader process), and the figures it rests on; (None, why) where a report
    has no peaks (results from before the report had them)."""
    keys = ("peak_rss_mb", "readers_peak_rss_mb")
    if not (two and sixteen and all(two.get(k) and sixteen.get(k) for k in keys)):
        return None, "not in these results"
    ratios = [sixteen[k] / two[k] for k in keys]
    return max(ratios), "run process %s MB vs %s MB, largest reader %s MB vs %s MB" % (
        fmt(sixteen[keys[0]]), fmt(two[keys[0]]), fmt(sixteen[keys[1]]), fmt(two[keys[1]]))


def rss_reading(two, ratio, target):
    """Why the memory target is missed, where the 2-episode run could not fill its slots: the
    peak follows the slots in use (--buffers), not the episodes; "" otherwise."""
    if ratio is None or ratio <= target or not two or not two.get("buffers") or not two.get("episodes"):
        return ""
    if two["episodes"] >= two["buffers"]:
        return ""
    flat, two_slots = rss_plateau(RSS_RECORD, 4, 16, 4), rss_plateau(RSS_RECORD, 2, 16, 2)
    record = (" The development machine's record (`%s`, CPU backend): with `--buffers 4`, 16 episodes peak at %s× "
              "the run of 4, which fills every slot; with `--buffers 2`, where 2 episodes fill both slots, 16 peak "
              "at %s× the run of 2, a slot's kept buffers growing to the largest episode it has held."
              % (os.path.relpath(RSS_RECORD, ROOT), fmt(flat), fmt(two_slots)) if flat and two_slots else "")
    return ("The memory target's miss: the 2-episode run fills only %d of its %d slots (`--buffers`), and each slot "
            "in use holds an episode's input and outputs, so a run of 16 peaks higher by the slots it adds, not by "
            "its episodes.%s What would close it as posed: slots that hold no more than the episode in them "
            "(buffers given back between episodes, at the cost of the page faults that keeping them saves)."
            % (two["episodes"], two["buffers"], record))


# the development machine's record of peak RSS against episodes and --buffers (bench/results/cpu)
RSS_RECORD = os.path.join(ROOT, "bench", "results", "cpu", "2026-12-06-peak-rss-and-gzip-threads.json")


def rss_plateau(path, buffers, big, small):
    """In the record at path, the median peak RSS of `big` episodes over that of `small`, both
    at --buffers `buffers`; None without the figures."""
    try:
        rows = benchlib.load(path).get("peak_rss") or []
    except (OSError, ValueError):
        return None

    def median(n):
        v = sorted(r["peak_rss_mb"] for r in rows if r.get("buffers") == buffers and r.get("episodes") == n)
        return v[len(v) // 2] if v else None
    a, b = median(big), median(small)
    return a / b if a and b else None


def section_e2e16(res):
    """Issue 18's end to end: 16 episodes of the bench preset, warm cache (cuda, cpu), a cold cuda
    run beside dd's sequential read of the same files, and the peers per byte of the 2-episode runs."""
    _, runs = e2e_figures(res)
    cu, cpu, cold = runs.get("robocache-cuda-16"), runs.get("robocache-cpu-16"), runs.get("robocache-cuda-16-cold")
    if not (cu or cpu or cold):
        return ""
    tg = T["e2e16"]
    inp = next((r.get("input") for r in (cu, cpu, cold) if r and r.get("input")), None) or {}
    raw = inp.get("raw_bytes")

    def gbs(r):
        return raw / r["wall_s"] / 1e9 if r and raw and r.get("wall_s") else None

    rows = []
    for name, r, cache in (("robocache-cuda-16", cu, "warm"), ("robocache-cpu-16", cpu, "warm"),
                           ("robocache-cuda-16-cold", cold, "cold" if inp.get("caches_dropped") else "not dropped")):
        if not r:
            continue
        rows.append([name, cache, fmt(r["wall_s"]), fmt(gbs(r)), r.get("slowest_stage") or "—",
                     fmt(r.get("slowest_load_s")), fmt(wall_over_slowest(r)), fmt(r.get("raw_input_gb_s")),
                     "%s / %s" % (fmt((r.get("direct_bytes") or 0) / 1e9), fmt((r.get("fallback_bytes") or 0) / 1e9))
                     if r.get("direct_bytes") is not None else "—"])
    head = ["run", "page cache", "wall s", "GB/s of raw input", "slowest stage", "its load s", "wall / slowest stage",
            "report's raw GB/s (streaming wall)", "GB decoded directly / by H5Dread"]
    dd = raw / inp["dd_s"] / 1e9 if raw and inp.get("dd_s") else None
    # the peers ran the 2-episode set of the same run: compared per byte of raw input
    raw2, runs2 = e2e_figures(res)
    peer = {n: raw2 / runs2[n]["wall_s"] / 1e9 for n in ("numpy", "torch") if n in runs2 and raw2}
    rss_ratio, rss_text = peak_rss_ratio(runs2.get("robocache-cuda"), cu)
    v = [_verdict("≥ %s GB/s of raw input (warm, cuda)" % fmt(tg["raw_gb_s"]), gbs(cu), tg["raw_gb_s"], " GB/s"),
         _verdict("≥ %s× the h5py + numpy script (per byte)" % fmt(tg["speedup_vs_numpy"]),
                  gbs(cu) / peer["numpy"] if gbs(cu) and peer.get("numpy") else None, tg["speedup_vs_numpy"], "×"),
         _verdict("≥ %s× the PyTorch script (per byte)" % fmt(tg["speedup_vs_torch"]),
                  gbs(cu) / peer["torch"] if gbs(cu) and peer.get("torch") else None, tg["speedup_vs_torch"], "×"),
         _verdict("cuda ≥ %s× the cpu backend (wall)" % fmt(tg["cuda_over_cpu"]),
                  cpu["wall_s"] / cu["wall_s"] if cu and cpu else None, tg["cuda_over_cpu"], "×"),
         _verdict("wall ≤ %s× the slowest stage (warm, cuda)" % fmt(tg["wall_over_slowest_stage"]),
                  wall_over_slowest(cu) if cu else None, tg["wall_over_slowest_stage"], "×", higher=False),
         _verdict("cold cache ≥ %s of dd's sequential read (%s GB/s)" % (pct(tg["cold_of_dd"]), fmt(dd)),
                  gbs(cold) / dd if gbs(cold) and dd else None, tg["cold_of_dd"], ""),
         _verdict("peak RSS on 16 episodes ≤ %s× that of the 2-episode run (cuda; %s)" % (
             fmt(tg["peak_rss_16_over_2"]), rss_text), rss_ratio, tg["peak_rss_16_over_2"], "×", higher=False)]
    intro = ("Issue 18's targets: `robocache-convert run bench/pipeline.yaml` on 16 episodes of the bench preset "
             "(%s GB of raw HDF5). The warm runs read files already in the page cache; the cold run follows a "
             "drop of the caches%s, beside `dd`'s sequential read of the same files (%s GB/s). The peers were "
             "measured on the 2-episode set of this run (above) and are compared per byte of raw input." % (
                 fmt(raw / 1e9) if raw else "?",
                 "" if inp.get("caches_dropped") else " — which this machine did not allow, so it is warm too",
                 fmt(dd)))
    why = rss_reading(runs2.get("robocache-cuda"), rss_ratio, tg["peak_rss_16_over_2"])
    return "## End to end, 16 episodes (issue 18)\n\n%s\n\n%s\n\nVerdict:\n\n%s%s" % (
        intro, table(head, rows), "\n".join("- " + x for x in v), "\n\n" + why if why else "")


def section_inputs(res):
    """Issue 18's inputs as users have them: the bench set gzip-chunked (cuda run and numpy script,
    page cache dropped before each) and a robomimic-like file of many small demos; what bounded
    each robocache run, from its report."""
    _, runs = e2e_figures(res)
    gz, npy, rm = runs.get("robocache-cuda-gzip"), runs.get("numpy-gzip"), runs.get("robocache-cuda-robomimic")
    if not (gz or rm):
        return ""
    rows = []
    for name, r in (("robocache-cuda-gzip", gz), ("numpy-gzip", npy), ("robocache-cuda-robomimic", rm)):
        if not r:
            continue
        inp = r.get("input") or {}
        raw = inp.get("raw_bytes")
        what = inp.get("storage") or ("%s demos, %s layout" % (inp.get("demos"), inp.get("layout")))
        rows.append([name, what, fmt(r["wall_s"]), fmt(raw / r["wall_s"] / 1e9) if raw else "—",
                     fmt((inp.get("stored_bytes") or 0) / 1e9), r.get("slowest_stage") or "—",
                     fmt(r.get("slowest_load_s")), fmt(wall_over_slowest(r)) if r.get("slowest_stage") else "—"])
    head = ["run", "input", "wall s", "GB/s of decoded input", "stored GB", "slowest stage", "its load s",
            "wall / slowest stage"]
    tg = T["gzip"]
    v = []
    if gz:
        raw = (gz.get("input") or {}).get("raw_bytes")
        v = [_verdict("gzip-chunked: ≥ %s GB/s of decoded input (cuda)" % fmt(tg["raw_gb_s"]),
                      raw / gz["wall_s"] / 1e9 if raw else None, tg["raw_gb_s"], " GB/s"),
             _verdict("gzip-chunked: ≥ %s× the h5py + numpy script" % fmt(tg["speedup_vs_numpy"]),
                      npy["wall_s"] / gz["wall_s"] if npy else None, tg["speedup_vs_numpy"], "×")]
    read = []
    if gz and gz.get("slowest_stage") == "reader":
        b = gz.get("stages_busy_s", {})
        eps = gz.get("episodes") or 0
        head = ("The gzip run is bound by reading: %s s of reading and inflating in all, from a cold cache, %s s "
                "per episode. " % (fmt(b.get("read")), fmt(b.get("read", 0) / eps) if eps else "—"))
        if (gz.get("decode_threads") or 1) > 1:
            read.append(head + "A reader process takes a whole episode and shares each large dataset's chunks "
                        "among %d threads (libdeflate); the wall is %s× the stage's load spread over the reader "
                        "processes." % (gz["decode_threads"], fmt(wall_over_slowest(gz))))
        else:
            read.append(head + "A reader process takes a whole episode and inflates its chunks one after another "
                        "(libdeflate), so with %s episodes no more than %s processes work and the wall is %s× the "
                        "stage's load spread over all of them. What would close it: an episode's chunks inflated in "
                        "parallel, which the reader processes of later commits do (their reports give "
                        "`decode_threads`); this run's report predates it." % (
                            eps or "few", eps or "few", fmt(wall_over_slowest(gz))))
    if rm and rm.get("slowest_stage") == "writer":
        read.append("The robomimic-like run is bound by its one writer thread (%s s of load in a %s s wall): it "
                    "writes each small demo's outputs as datasets of their own, and HDF5's per-dataset cost "
                    "dominates. What would close it: fewer, larger datasets per shard, or HDF5's metadata "
                    "aggregation set for many small objects." % (fmt(rm.get("slowest_load_s")), fmt(rm["wall_s"])))
    parts = ["## Inputs as users have them (issue 18)",
             "The 2-episode bench set rewritten with every dataset gzip-chunked (h5py's chunks, level 4; its "
             "decoded bytes are the raw input), converted by the cuda backend and by the numpy script, and a "
             "robomimic-like file of many small demos (`bench/pipeline-robomimic.yaml`); page cache dropped "
             "before each run.", table(head, rows)]
    if v:
        parts.append("Verdict:\n\n" + "\n".join("- " + x for x in v))
    parts += read
    return "\n\n".join(parts)


def ncu_value(m, base, kind):
    """A metric of parse_ncu's dict in one unit: kind "us" for times, "MB" for bytes, "n" for counts
    (ncu scales units itself: ns/us/ms, byte/Kbyte/Mbyte/Gbyte, sector/Ksector/...)."""
    for k, v in m.items():
        if not k.startswith(base + " ["):
            continue
        unit = k[len(base) + 2:-1]
        if kind == "us":
            return v * {"ns": 1e-3, "nsecond": 1e-3, "us": 1.0, "usecond": 1.0, "ms": 1e3, "msecond": 1e3,
                        "s": 1e6, "second": 1e6}.get(unit, 1.0)
        scale = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}.get(unit[:1], 1.0) if len(unit) > 1 and unit[1:2].islower() else 1.0
        return v * scale / (1e6 if kind == "MB" else 1.0)
    return None


def section_profile(res):
    prof = res.get("profile") or {}
    if not prof:
        return ""
    out = ["## Profile (Nsight Compute, one call of each case, clocks unmodified)",
           "Sectors per request: a warp's 32-bit accesses to consecutive addresses need 4 sectors of 32 "
           "bytes; 32 means every thread of the warp touched its own sector."]
    for case, launches in prof.items():
        seen, rows = None, []
        for x in launches:  # one call's kernels: stop where the next call begins
            if seen is not None and x["kernel"] == seen and rows:
                break
            seen = seen or x["kernel"]
            m = x["metrics"]
            rd, wr = ncu_value(m, "dram__bytes_read.sum", "MB"), ncu_value(m, "dram__bytes_write.sum", "MB")
            spr = []
            for op in ("st", "ld"):
                sec = ncu_value(m, "l1tex__t_sectors_pipe_lsu_mem_global_op_%s.sum" % op, "n")
                req = ncu_value(m, "l1tex__t_requests_pipe_lsu_mem_global_op_%s.sum" % op, "n")
                spr.append(sec / req if sec is not None and req else None)
            rows.append([x["kernel"], fmt(ncu_value(m, "gpu__time_duration.sum", "us")),
                         fmt(m.get("dram__throughput.avg.pct_of_peak_sustained_elapsed [%]")),
                         fmt(rd + wr) if rd is not None and wr is not None else "—",
                         fmt(spr[1]), fmt(spr[0]),
                         fmt(m.get("sm__throughput.avg.pct_of_peak_sustained_elapsed [%]")),
                         fmt(m.get("sm__warps_active.avg.pct_of_peak_sustained_active [%]")),
                         fmt(m.get("sm__maximum_warps_per_active_cycle_pct [%]")),
                         fmt(m.get("launch__registers_per_thread [register/thread]"))])
        out.append("### %s\n\n%s" % (case, table(["kernel", "µs", "DRAM % of peak", "DRAM MB", "sectors / load req",
                                                   "sectors / store req", "SM % of peak", "achieved occupancy %",
                                                   "theoretical occupancy %", "registers / thread"], rows)))
    return "\n\n".join(out)


def _range(vals, f):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "—"
    lo, hi = min(vals), max(vals)
    return f(lo) if lo == hi else "%s – %s" % (f(lo), f(hi))


def section_verdict(res):
    """One line per target of issue 10: the measured range over the cases it applies to."""
    run = Run(res)
    rows = []
    for g in ("resample", "fuse"):
        cs, tg = run.ours(g), T[g]
        fr = [run.frac(c) for c in cs]
        sp = [run.speedup(c) for c in cs]
        rows.append(["%s ≥ %s of D2D" % (g, pct(tg["frac_d2d"])), _range(fr, pct),
                     "%d of %d cases" % (sum(1 for f in fr if f is not None and f >= tg["frac_d2d"]), len(cs))])
        rows.append(["%s ≥ %s PyTorch" % (g, times(tg["speedup"])), _range(sp, times),
                     "%d of %d cases" % (sum(1 for x in sp if x is not None and x >= tg["speedup"]), len(cs))])
    judged = [(c, vox_target(c)) for c in run.ours("voxelize") if vox_target(c) is not None]
    for label, pick in (("occupancy", lambda c: c["params"].get("mode") == "occupancy" and c["params"].get("frames", 1) == 1),
                        ("count", lambda c: c["params"].get("mode") == "count" and c["params"].get("frames", 1) == 1),
                        ("mean", lambda c: c["params"].get("mode") == "mean" and c["params"].get("frames", 1) == 1),
                        ("points", lambda c: c["params"].get("mode") == "points" and c["params"].get("frames", 1) == 1),
                        ("batch", lambda c: c["params"].get("frames", 1) > 1)):
        cs = [(c, t) for c, t in judged if pick(c)]
        if not cs:
            continue
        rates = [benchlib.items_per_s(c) / 1e9 if benchlib.items_per_s(c) else None for c, _ in cs]
        tgt = cs[0][1]
        rows.append(["voxelize %s ≥ %s Gpts/s" % (label, fmt(tgt)), _range(rates, lambda v: fmt(v) + " Gpts/s"),
                     "%d of %d cases" % (sum(1 for r in rates if r is not None and r >= tgt), len(cs))])
    frames = run.ours("frame")
    for label, key, lim in (("one LiDAR frame: kernel ≤ %s µs", "kernel_ms", T["frame"]["kernel_us"]),
                            ("one LiDAR frame: launcher call ≤ %s µs", "call_pinned_ms", T["frame"]["call_us"])):
        if frames:
            us = [frame_us(c, key) for c in frames]
            rows.append([label % fmt(lim), _range(us, lambda v: fmt(v) + " µs"),
                         "%d of %d cases" % (sum(1 for u in us if u is not None and u <= lim), len(frames))])
    raw, runs = e2e_figures(res)
    cu, npy = runs.get("robocache-cuda"), runs.get("numpy")
    if cu and npy:
        x = npy["wall_s"] / cu["wall_s"]
        rows.append(["end to end ≥ %s the numpy script" % times(T["e2e"]["speedup_vs_numpy"]), times(x),
                     "met" if x >= T["e2e"]["speedup_vs_numpy"] else "missed"])
    if cu and raw:
        x = raw / cu["wall_s"] / 1e9
        rows.append(["end to end ≥ %s GB/s of raw input" % fmt(T["e2e"]["raw_gb_s"]), fmt(x) + " GB/s",
                     "met" if x >= T["e2e"]["raw_gb_s"] else "missed"])
    if cu and wall_over_slowest(cu):
        x = wall_over_slowest(cu)
        rows.append(["end to end wall ≤ %s the slowest stage" % times(T["e2e"]["wall_over_slowest_stage"]), times(x),
                     "met" if x <= T["e2e"]["wall_over_slowest_stage"] else "missed"])
    return "## Verdict against the targets of issues 10 and 19\n\n" + table(["target", "measured", "met in"], rows)


# issue 22's targets: the resize kernel against D2D and PyTorch, the camera conversion in frames/s
CAM_FRAC_D2D, CAM_FPS, CAM_SPEEDUP = 0.80, 2000.0, 20.0


def camera_fps(r):
    """Camera frames a camera run wrote per second of wall: robocache's report counts the image
    stages' output rows as resample items; the peer says how many frames it wrote."""
    items = ((r.get("report_stages") or {}).get("resample") or {}).get("items") or r.get("frames")
    return items / r["wall_s"] if items and r.get("wall_s") else None


CAM_PROFILE_CASE = "image/area/B256-480x640x3-224x224"


def camera_profile(res):
    """ncu's figures for the resize kernel (run-gpu.sh profiles the first launch of the area case),
    as a sentence that says what bounds it; None without that profile."""
    m = _profile_kernel(res, CAM_PROFILE_CASE, "image_resize_kernel")
    if not m:
        return None
    rd, wr = ncu_value(m, "dram__bytes_read.sum", "MB"), ncu_value(m, "dram__bytes_write.sum", "MB")
    ld = [ncu_value(m, "l1tex__t_%s_pipe_lsu_mem_global_op_ld.sum" % k, "n") for k in ("sectors", "requests")]
    dram, sm = (m.get("dram__throughput.avg.pct_of_peak_sustained_elapsed [%]"),
                m.get("sm__throughput.avg.pct_of_peak_sustained_elapsed [%]"))
    bound = ("" if dram is None or sm is None else
             "; the SM side is the busier, so the kernel is bound by its instructions (taps, shared memory), "
             "not by DRAM" if sm > dram else "; DRAM is the busier side: the kernel is bound by memory")
    return ("ncu on the first launch of %s: %s µs, DRAM at %s%% of peak (%s MB read and written), SM at %s%% of "
            "peak, achieved occupancy %s%% (theoretical %s%%, %s registers per thread)%s%s." % (
                CAM_PROFILE_CASE, fmt(ncu_value(m, "gpu__time_duration.sum", "us")), fmt(dram),
                fmt(rd + wr) if rd is not None and wr is not None else "—", fmt(sm),
                fmt(m.get("sm__warps_active.avg.pct_of_peak_sustained_active [%]")),
                fmt(m.get("sm__maximum_warps_per_active_cycle_pct [%]")),
                fmt(m.get("launch__registers_per_thread [register/thread]")),
                "" if ld[0] is None or not ld[1] else ", %s sectors per global load request" % fmt(ld[0] / ld[1]),
                bound))


def section_camera(res):
    """The image resize cases and the camera conversion (issue 22), with their verdict; empty when
    the results file has neither."""
    run = Run(res)
    cases = run.ours("image")
    _, runs = e2e_figures(res)
    cu, peer = runs.get("robocache-cuda-camera"), runs.get("pillow-camera")
    if not cases and not cu and not peer:
        return ""
    out = ["## Cameras (issue 22)"]
    if cases:
        rows = [[c["name"], fmt(c["kernel_ms"]["median"]), fmt(c["kernel_ms"]["p99"]), fmt(benchlib.gb_s(c)),
                 pct(run.frac(c)), fmt((run.peer(c) or {}).get("kernel_ms", {}).get("median")), times(run.speedup(c)),
                 {1: "yes", 0: "NO"}.get(c.get("checked"), "—")] for c in cases]
        out.append("The resize of a batch of distinct frames through `rc_cuda_image_resize` (kernel time; the "
                   "copies of the frames are not in it) beside PyTorch's `interpolate` on the same shapes "
                   "(`area`; `bilinear` with `antialias=True`).\n\n" +
                   table(["case", "median ms", "p99 ms", "GB/s", "of D2D", "PyTorch ms", "speed-up", "same bytes as CPU"],
                         rows))
    prof = camera_profile(res)
    if prof:
        out.append(prof)
    rows = []
    for name, r in (("robocache-cuda-camera", cu), ("pillow-camera", peer)):
        if r:
            st = r.get("stages_busy_s") or {}
            slow = r.get("slowest_stage")
            rows.append([name, fmt(r["wall_s"]), fmt(camera_fps(r)),
                         {True: "yes", False: "NO"}.get(r.get("agrees_with_robocache"), "—"),
                         fmt(st.get("read")), fmt(st.get("resample", st.get("resize"))), fmt(st.get("compress")),
                         "%s (%s s per thread)" % (slow, fmt(r.get("slowest_load_s"))) if slow else "—"])
    if rows:
        out.append("ALOHA-like episodes (four 480×640 cameras at 50 Hz) to 224×224 JPEG "
                   "(`bench/pipeline-camera.yaml`) beside the h5py + Pillow script "
                   "(`bench/peers/camera_peer.py`, its frame choice checked).  Busy seconds per stage, summed "
                   "over its threads (robocache's compress includes the JPEG encoding); the slowest stage by "
                   "busy time per thread is what bounds the wall.\n\n" +
                   table(["run", "wall s", "camera frames/s", "same frame choice", "read s", "resize s",
                          "compress s", "slowest stage"], rows))
    verdict = []
    area = [c for c in cases if c["params"].get("interpolation") == "area"]
    for c in area:
        f, sp = run.frac(c), run.speedup(c)
        verdict.append(["resize ≥ %s of D2D (%s)" % (pct(CAM_FRAC_D2D), c["name"]), pct(f),
                        "met" if f is not None and f >= CAM_FRAC_D2D else "missed"])
        verdict.append(["resize faster than PyTorch (%s)" % c["name"], times(sp),
                        "met" if sp is not None and sp > 1 else "missed"])
    fps = camera_fps(cu) if cu else None
    if cu:
        verdict.append(["camera conversion ≥ %s frames/s" % fmt(CAM_FPS), fmt(fps),
                        "met" if fps is not None and fps >= CAM_FPS else "missed"])
    if cu and peer and fps and camera_fps(peer):
        x = fps / camera_fps(peer)
        verdict.append(["camera conversion ≥ %s the h5py + Pillow script" % times(CAM_SPEEDUP), times(x),
                        "met" if x >= CAM_SPEEDUP and peer.get("agrees_with_robocache") else "missed"])
    if verdict:
        out.append(table(["target", "measured", "verdict"], verdict))
    out += camera_reading(res, cases, cu, peer)
    return "\n\n".join(out)


def camera_reading(res, cases, cu, peer):
    """What bounded the resize kernel and the camera conversion, from the profile and the reports."""
    out = []
    m = _profile_kernel(res, CAM_PROFILE_CASE, "image_resize_kernel") if cases else None
    if m:
        dram = m.get("dram__throughput.avg.pct_of_peak_sustained_elapsed [%]")
        sm = m.get("sm__throughput.avg.pct_of_peak_sustained_elapsed [%]")
        if dram is not None and sm is not None and sm > dram:
            out.append("The resize kernel misses the share of D2D because its instructions, not DRAM, bound it "
                       "(SM %s%%, DRAM %s%% of peak): each output pixel sums its taps byte by byte. What would "
                       "close it: more output pixels per thread from one staged source tile, so loads and weight "
                       "reads are shared, and four taps per instruction (byte dot products)." % (fmt(sm), fmt(dram)))
    if cu and cu.get("slowest_stage") == "reader":
        rd = (cu.get("report_stages") or {}).get("read", {})
        pr = (peer or {}).get("stages_busy_s", {}).get("read")
        eps = cu.get("episodes") or 0
        text = ("The camera conversion is bound by its reader processes: %s s of reading %s GB of frames from a "
                "cold cache (%s GB/s), one process per episode, so %s at a time"
                % (fmt(rd.get("busy_s")), fmt(rd.get("bytes_in", 0) / 1e9), fmt(rd.get("throughput_mb_s", 0) / 1000),
                   eps or "few"))
        if pr:
            text += ", where the script's h5py reads the same frames in %s s" % fmt(pr)
        text += (". What would close it: reads as large and as ordered as a plain sequential read, and an "
                 "episode's frames spread over several reader processes; the resize and the JPEG encoding in the "
                 "compression workers come next.")
        _, runs = e2e_figures(res)
        inp = (runs.get("robocache-cuda-16-cold") or {}).get("input") or {}
        dd = inp["dd_bytes"] / inp["dd_s"] / 1e9 if inp.get("dd_s") else None
        if peer and dd:
            need = rd.get("bytes_in", 0) / 1e9 / (peer["wall_s"] / 20)
            text += (" The script's %s s wall makes 20× a %s s conversion of %s GB, %s GB/s, where this run's "
                     "storage read %s GB/s sequentially (dd)%s."
                     % (fmt(peer["wall_s"]), fmt(peer["wall_s"] / 20), fmt(rd.get("bytes_in", 0) / 1e9), fmt(need),
                        fmt(dd), ": from a cold cache the target is beyond the disk" if need > dd else ""))
        out.append(text)
    return out


def _profile_kernel(res, case, kernel):
    for x in (res.get("profile") or {}).get(case, []):
        if x["kernel"] == kernel:
            return x["metrics"]
    return None


EXPLANATIONS = os.path.join(ROOT, "bench", "results", "explanations.json")

# ncu figures an explanation may rest on: name -> (metric of parse_ncu's dict, kind of ncu_value)
NCU_FIGURES = {
    "us": ("gpu__time_duration.sum", "us"),
    "dram_pct": ("dram__throughput.avg.pct_of_peak_sustained_elapsed [%]", None),
    "l2_pct": ("lts__throughput.avg.pct_of_peak_sustained_elapsed [%]", None),
    "sm_pct": ("sm__throughput.avg.pct_of_peak_sustained_elapsed [%]", None),
    "occupancy_pct": ("sm__warps_active.avg.pct_of_peak_sustained_active [%]", None),
    "theoretical_pct": ("sm__maximum_warps_per_active_cycle_pct [%]", None),
    "registers": ("launch__registers_per_thread [register/thread]", None),
}


def call_launches(res, case):
    """The profiled launches of case's first call (the probe left out by collect.py)."""
    out, first = [], None
    for x in (res.get("profile") or {}).get(case, []):
        if first is not None and x["kernel"] == first and out:
            break
        first = first or x["kernel"]
        out.append(x)
    return out


def ncu_figure(m, name):
    """One figure of a profiled launch's metrics m, by the names of NCU_FIGURES, plus dram_mb and
    sectors_per_load / sectors_per_store; None when ncu did not record it."""
    if name in NCU_FIGURES:
        metric, kind = NCU_FIGURES[name]
        return ncu_value(m, metric, kind) if kind else m.get(metric)
    if name == "dram_mb":
        rd, wr = ncu_value(m, "dram__bytes_read.sum", "MB"), ncu_value(m, "dram__bytes_write.sum", "MB")
        return rd + wr if rd is not None and wr is not None else None
    if name in ("sectors_per_load", "sectors_per_store"):
        op = "ld" if name.endswith("load") else "st"
        sec = ncu_value(m, "l1tex__t_sectors_pipe_lsu_mem_global_op_%s.sum" % op, "n")
        req = ncu_value(m, "l1tex__t_requests_pipe_lsu_mem_global_op_%s.sum" % op, "n")
        return sec / req if sec is not None and req else None
    return None


def case_figure(c, name):
    """A figure of a robocache case an explanation may rest on: kernels (distinct kernels and
    memsets of a call), sort_share (CUB radix sorts' part of the kernel time), d2h_share (the
    device-to-host copies' part of the untraced call), d2h_us (those copies, µs), span_over_kernel."""
    k = c.get("kernels_ms_per_call") or {}
    kern = (c.get("kernel_ms") or {}).get("median")
    if name == "kernels":
        return len(k) if k else None
    if name == "sort_share":
        return sum(v for n, v in k.items() if n.startswith("cub radix sort")) / kern if k and kern else None
    if name == "d2h_share":
        d2h, call = (c.get("d2h_ms") or {}).get("median"), (c.get("call_pinned_ms") or {}).get("median")
        return d2h / call if d2h is not None and call else None
    if name == "d2h_us":
        d2h = (c.get("d2h_ms") or {}).get("median")
        return d2h * 1e3 if d2h is not None else None
    if name == "span_over_kernel":
        span = (c.get("span_ms") or {}).get("median")
        return span / kern if span is not None and kern else None
    return None


def target_misses(run):
    """Issue 19's targets in page order: (key of explanations.json, label, [(case, measured text,
    how far: factor > 1 when missed, else None, whether the run measured it)])."""
    out = []
    for key, group, prefix in (("resample-f32", "resample", "resample/f32/"),
                               ("resample-bf16", "resample", "resample/bf16/"), ("fuse", "fuse", "fuse/")):
        tg, rows = T[group], []
        for c in run.ours(group):
            if not c["name"].startswith(prefix):
                continue
            f, sp = run.frac(c), run.speedup(c)
            short = [tg["frac_d2d"] / f if f else None, tg["speedup"] / sp if sp else None]
            worst = max((x for x in short if x is not None), default=None)
            rows.append((c, "%s of D2D, %s PyTorch" % (pct(f), times(sp)),
                         worst if worst is not None and worst > 1 else None, f is not None and sp is not None))
        out.append((key, "%s ≥ %s of D2D and ≥ %s PyTorch" % (prefix.rstrip("/").replace("/", " "),
                                                               pct(tg["frac_d2d"]), times(tg["speedup"])), rows))
    for key, mode, batch in (("occupancy", "occupancy", False), ("count", "count", False), ("mean", "mean", False),
                             ("points", "points", False), ("batch-count", "count", True),
                             ("batch-points", "points", True)):
        rows = []
        for c in run.ours("voxelize"):
            tgt = vox_target(c)
            if tgt is None or (c["params"].get("frames", 1) > 1) != batch or c["params"].get("mode") != mode:
                continue
            r = benchlib.items_per_s(c)
            g = r / 1e9 if r else None
            rows.append((c, "%s Gpts/s" % fmt(g), tgt / g if g and g < tgt else None, g is not None))
        label = ("voxelize batch of LiDAR frames (%s) ≥ %s Gpts/s" % ("sparse count" if mode == "count" else "points mode",
                                                                       fmt(T["voxelize"]["batch"])) if batch else
                 "voxelize %s ≥ %s Gpts/s" % (mode, fmt(T["voxelize"][mode])))
        out.append((key, label, rows))
    for key, fig, lim, what in (("frame-kernel", "kernel_ms", T["frame"]["kernel_us"], "kernel"),
                                ("frame-call", "call_pinned_ms", T["frame"]["call_us"], "launcher call")):
        rows = [(c, "%s µs" % fmt(frame_us(c, fig)),
                 frame_us(c, fig) / lim if frame_us(c, fig) and frame_us(c, fig) > lim else None,
                 frame_us(c, fig) is not None) for c in run.ours("frame")]
        out.append((key, "one LiDAR frame: %s ≤ %s µs" % (what, fmt(lim)), rows))
    return out


def check_holds(res, run, ex, chk):
    """(holds, text): one check of an explanation against this run's data."""
    op, want = chk["op"], chk["value"]
    if "case" in chk:
        c = next((x for x in run.ours(chk["case"].split("/")[0]) if x["name"].startswith(chk["case"])), None)
        v = case_figure(c, chk["figure"]) if c else None
        where = "%s of %s" % (chk["figure"], chk["case"])
    else:
        prof = chk.get("profile", (ex.get("profiles") or [None])[0])
        m = next((x["metrics"] for x in call_launches(res, prof) if x["kernel"] == chk["kernel"]), None)
        v = ncu_figure(m, chk["metric"]) if m else None
        where = "%s of %s on %s" % (chk["metric"], chk["kernel"], prof)
    if v is None:
        return False, "%s is not in this run" % where
    held = v >= want if op == ">=" else v <= want
    return held, "%s = %s, %s %s" % (where, fmt(v), "≥" if op == ">=" else "≤", fmt(want))


def profile_line(res, case):
    """What ncu measured on one call of case: its kernels by time, with the figures of each."""
    ls = call_launches(res, case)
    if not ls:
        return "no ncu profile of `%s` in this run" % case
    tot = sum(ncu_figure(x["metrics"], "us") or 0 for x in ls)
    parts = []
    for x in sorted(ls, key=lambda x: -(ncu_figure(x["metrics"], "us") or 0))[:4]:
        m = x["metrics"]
        us = ncu_figure(m, "us")
        pc = lambda name: "—" if ncu_figure(m, name) is None else fmt(ncu_figure(m, name)) + "%"  # noqa: E731
        parts.append("`%s` %s µs (%s), DRAM %s, L2 %s, SM %s, achieved occupancy %s of %s, "
                     "%s sectors per load request, %s per store request" % (
                         x["kernel"], fmt(us), pct(us / tot) if us and tot else "—",
                         pc("dram_pct"), pc("l2_pct"), pc("sm_pct"), pc("occupancy_pct"), pc("theoretical_pct"),
                         fmt(ncu_figure(m, "sectors_per_load")), fmt(ncu_figure(m, "sectors_per_store"))))
    more = len(ls) - len(parts)
    return "ncu on `%s` (%d launch%s, %s µs): %s%s" % (case, len(ls), "" if len(ls) == 1 else "es", fmt(tot),
                                                        "; ".join(parts),
                                                      "; and %d shorter launches" % more if more > 0 else "")


def section_misses(res, explanations):
    """Per target of issue 19: met, or by how much it is missed, what ncu measured, and the reading
    of explanations.json where every check of it holds in this run's data."""
    run = Run(res)
    out = []
    for key, label, rows in target_misses(run):
        if not rows:
            continue
        missed = [r for r in rows if r[2] is not None]
        unmeasured = "" if all(r[3] for r in rows) else " %d of the %d cases were not measured." % (
            sum(1 for r in rows if not r[3]), len(rows))
        if not missed:
            n_meas = sum(1 for r in rows if r[3])
            out.append("### %s\n\n%s" % (label, "Met in all %d cases." % len(rows) if not unmeasured else
                                          "Not measured in this run." if not n_meas else
                                          unmeasured.strip() + " The others meet it."))
            continue
        worst = max(missed, key=lambda r: r[2])
        lines = ["%d of %d cases miss it; the furthest is `%s` at %s, %s× from the target.%s" % (
            len(missed), len(rows), case_label(worst[0]["name"]), worst[1], fmt(worst[2]), unmeasured)]
        ex = (explanations or {}).get(key)
        if not ex:
            lines.append("No reading of this miss is recorded (bench/results/explanations.json).")
        else:
            lines += ["- " + profile_line(res, p) + "." for p in ex.get("profiles", [])]
            checks = [check_holds(res, run, ex, c) for c in ex.get("checks", [])]
            if all(h for h, _ in checks):
                lines.append("Why (the figures it rests on: %s): %s" % ("; ".join(t for _, t in checks), ex["why"]))
                lines.append("What would close it: " + ex["close"])
            else:
                lines.append("The recorded reading does not stand on this run's data (%s), so none is given: "
                             "this miss needs a new look." % "; ".join(t for h, t in checks if not h))
        out.append("### %s\n\n%s" % (label, "\n\n".join(lines)))
    e2e = e2e_reading(res)
    if e2e:
        out.append("### End to end\n\n" + e2e)
    if not out:
        return ""
    return ("## Missed targets, explained\n\nPer target: how far this run is from it, what Nsight Compute "
            "measured on one call of the profiled cases, and the reading of that profile with what would close "
            "the gap (bench/results/explanations.json), given only where every figure the reading rests on "
            "holds in this run.\n\n" + "\n\n".join(out))


def e2e_reading(res):
    """What bounded the end-to-end runs, from their reports' stage figures ("" without them)."""
    raw, runs = e2e_figures(res)
    out = []
    cu = runs.get("robocache-cuda")
    if cu and cu.get("slowest_stage"):  # the streaming pipeline's report
        rd = cu.get("report_stages", {}).get("read", {})
        out.append("2 episodes, page cache dropped: the slowest stage is `%s` (%s s of load) and the wall is %s× "
                   "it: with two episodes the start (the first read before any compute) and the drain (the last "
                   "compression and commit) overlap nothing, and the read stage, from a cold cache, moved %s GB/s."
                   % (cu["slowest_stage"], fmt(cu.get("slowest_load_s")), fmt(cu["wall_over_slowest"]),
                      fmt(rd.get("throughput_mb_s", 0) / 1000)))
    r16 = {r["name"]: r for r in res.get("e2e", {}).get("runs", []) if r["name"].endswith("-16")
           or r["name"].endswith("-16-cold")}
    w, cpu, cold = r16.get("robocache-cuda-16"), r16.get("robocache-cpu-16"), r16.get("robocache-cuda-16-cold")
    if w and w.get("slowest_stage") == "compute":
        b = w.get("stages_busy_s", {})
        ops = b.get("voxelize", 0) + b.get("resample", 0)
        other = w["slowest_load_s"] - ops
        text = ("16 episodes, warm cache, cuda: the slowest stage is the one compute thread (%s s of load; the wall "
                "is %s× it). The op stages take %s s of it as the report times them (voxelize %s s, resample and "
                "fuse %s s); the other %s s is the thread's own work around them, mostly packing each batch's voxels "
                "into the episode's output arrays: page faults of fresh arrays and the copy, with statistics "
                "and planning under 2%% of the thread (a CPU profile, bench/results/cpu/"
                "2026-12-06-vox-buffer-reuse.json). That part is the same on both backends, which is why "
                % (fmt(w["slowest_load_s"]), fmt(w["wall_over_slowest"]), fmt(ops), fmt(b.get("voxelize", 0)),
                   fmt(b.get("resample", 0)), fmt(other)))
        if cpu:
            text += "the cuda wall is %s× the cpu backend's. " % fmt(cpu["wall_s"] / w["wall_s"])
        else:
            text += "the GPU gains little end to end. "
        text += ("What would close it: the output arrays kept per slot from episode to episode and packed by "
                 "several threads, so the kernels are what the backends differ by, and the raw GB/s rises with "
                 "it.")
        out.append(text)
    rd = (cold or {}).get("report_stages", {}).get("read", {})
    if cold and cold.get("input", {}).get("dd_s") and rd.get("throughput_mb_s"):
        dd = cold["input"]["dd_bytes"] / cold["input"]["dd_s"] / 1e9
        out.append("Cold cache: the read stage moved %s GB/s (%s s busy over its reader processes) beside dd's "
                   "sequential %s GB/s on the same files: the reader processes read each dataset by `pread` at "
                   "its offset, in dataset order, several files at once, where dd streams one file at a time. What "
                   "would close it: reads in file-offset order with read-ahead asked for (posix_fadvise) on each "
                   "file's data ranges." % (fmt(rd.get("throughput_mb_s", 0) / 1000), fmt(rd.get("busy_s", 0)),
                                            fmt(dd)))
    return "\n\n".join(out)


def load_explanations(path=EXPLANATIONS):
    """explanations.json's readings by target key ({} when the file is absent)."""
    try:
        with open(path) as f:
            d = json.load(f)
    except OSError:
        return {}
    return d.get("targets", {})


def section_others(folder, shown):
    """One line per other full run in bench/results: the same headline figures, side by side."""
    rows = []
    for p in sorted(glob.glob(os.path.join(folder, "*.json"))):
        if os.path.abspath(p) == os.path.abspath(shown):
            continue
        try:
            r = benchlib.load(p)
        except (OSError, ValueError):
            continue
        if r.get("format") != "robocache-bench-results" or r.get("quick") or r.get("partial"):
            continue
        run = Run(r)
        key = {c["name"]: c for c in run.ours("resample") + run.ours("voxelize")}
        rs = key.get("resample/f32/B1024-S1000-T500-D128")
        oc = key.get("voxelize/occupancy/dense/uniform-100000000pts/512x512x64")
        _, runs = e2e_figures(r)
        cu = runs.get("robocache-cuda")
        rows.append([os.path.basename(p), r.get("device", {}).get("name", "?"), str(r.get("commit", "?"))[:12],
                     fmt(run.d2d), pct(run.frac(rs)) if rs else "—",
                     fmt(benchlib.items_per_s(oc) / 1e9) if oc and benchlib.items_per_s(oc) else "—",
                     fmt(cu["wall_s"]) if cu else "—"])
    if not rows:
        return ""
    return ("## Other recorded runs\n\nThe tables above are the newest full run; the other results "
            "files of bench/results, by their headline figures:\n\n" +
            table(["file", "device", "commit", "D2D GB/s", "resample f32 B1024 of D2D",
                   "occupancy 100M Gpts/s", "e2e cuda wall s"], rows))


def section_partials(folder):
    """One line per partial run of bench/results that converted end to end (a later commit's
    conversions, say, with an earlier run's kernels): its note and its peer-relative figures, which
    compare across hosts where walls do not."""
    rows = []
    for p in sorted(glob.glob(os.path.join(folder, "*.json"))):
        try:
            r = benchlib.load(p)
        except (OSError, ValueError):
            continue
        if r.get("format") != "robocache-bench-results" or not r.get("partial"):
            continue
        raw, runs = e2e_figures(r)
        cu, npy = runs.get("robocache-cuda"), runs.get("numpy")
        c16, p16 = runs.get("robocache-cuda-16"), runs.get("robocache-cpu-16")
        gz, ngz = runs.get("robocache-cuda-gzip"), runs.get("numpy-gzip")
        if not (cu or c16 or gz):
            continue
        raw16 = ((c16 or {}).get("input") or {}).get("raw_bytes")
        rows.append([os.path.basename(p), str(r.get("commit", "?"))[:12], r.get("partial_note") or r["partial"],
                     times(npy["wall_s"] / cu["wall_s"]) if cu and npy else "—",
                     fmt(raw16 / c16["wall_s"] / 1e9) if c16 and raw16 else "—",
                     times(p16["wall_s"] / c16["wall_s"]) if c16 and p16 else "—",
                     fmt(wall_over_slowest(c16)) if c16 and c16.get("slowest_stage") else "—",
                     times(ngz["wall_s"] / gz["wall_s"]) if gz and ngz else "—"])
    if not rows:
        return ""
    return ("## Partial runs\n\nRuns that measured only a part, so never the source of the tables above; their "
            "end-to-end figures relative to the peers of the same run:\n\n" +
            table(["file", "commit", "what it is", "2 episodes: cuda over the numpy script",
                   "16 episodes: cuda GB/s of raw input", "16 episodes: cuda over cpu", "16 episodes: wall / slowest stage",
                   "gzip: cuda over the numpy script"], rows))


# ---- plot ----

# ---- the CPU backend's profile (issue 18, item 4): bench/results/cpu/*-cpu-profile.json ----

CPU_OURS_LIMIT = 25.0  # no single function of ours above this share, unless the profile says why
CPU_GROUP_NAMES = {"ours": "robocache's own functions", "fault": "page faults (kernel)", "kernel": "other kernel work"}


def newest_cpu_profile(folder):
    """The newest bench/cpu_profile.py result in folder, or None."""
    return newest_results(folder, "*-cpu-profile.json", lambda r: r.get("format") == "robocache-cpu-profile")


def section_cpu_profile(prof, src):
    """The profile tables of each case, the shares by group and the verdict on our functions."""
    syn = prof.get("synth", {})
    raw = (prof.get("cases") or [{}])[0].get("raw_bytes")
    out = ["## CPU work per byte (CPU backend, perf)",
           "<!-- from %s -->" % src,
           "`bench/cpu_profile.py` on the %s-core development machine (no GPU), commit `%s`, %s: synth preset `%s`, "
           "%s episodes of %s s (%s MB of raw HDF5) converted with the CPU backend (%s). Shares are of all "
           "samples of the run." % (
               prof.get("cores", "?"), prof.get("commit", "?"), prof.get("date", "?"), syn.get("preset", "?"),
               syn.get("episodes", "?"), syn.get("seconds", "?"), fmt(raw / 1e6) if raw else "?",
               prof.get("sampling", "perf record")),
           "Our functions above %s%% (the issue's bar) get their hottest instruction from `perf annotate`: when one "
           "instruction holds most of a function's samples, the function waits on memory there (perf charges a "
           "stalled load or read-modify-write to the instruction after it), not on arithmetic." % fmt(CPU_OURS_LIMIT)]
    for c in prof.get("cases", []):
        rows = [[pct(t["pct"] / 100), t["symbol"], t["dso"], CPU_GROUP_NAMES.get(t["group"], t["group"])]
                for t in c.get("top", [])]
        groups = ", ".join("%s %s" % (CPU_GROUP_NAMES.get(g, g), pct(v / 100)) for g, v in c.get("groups_pct", {}).items())
        over = [t for t in c.get("top", []) if t["group"] == "ours" and t["pct"] > CPU_OURS_LIMIT]
        parts = []
        for t in c.get("top", []):
            h = (c.get("over_limit") or {}).get(t["symbol"])
            if t["group"] != "ours" or not h:
                continue
            parts.append("`%s` at %s (%s): %s of its samples on `%s`, source line `%s`" % (
                t["symbol"], pct(t["pct"] / 100), "%s over" % pct((t["pct"] - CPU_OURS_LIMIT) / 100)
                if t in over else "%s under" % pct((CPU_OURS_LIMIT - t["pct"]) / 100),
                pct(h["pct_of_function"] / 100), h["instruction"], h["source"]))
        verdict = ("%s function of ours above %s%%: %s." % ("a" if over else "no", fmt(CPU_OURS_LIMIT),
                                                            "missed" if over else "met")
                   + ("" if not parts else " Nearest the bar: " + "; ".join(parts) + "."))
        out.append("### %s (%s)\n\n%s\n\nBy group: %s.\n\nVerdict: %s" % (
            c["name"], c.get("spec", ""), table(["share", "function", "where", "group"], rows), groups, verdict))
    return "\n\n".join(out)


def svg_plot(run):
    import math
    cases = [c for g in ("resample", "fuse", "voxelize") for c in run.ours(g) if run.speedup(c)]
    row_h, left, panel, gap, top = 16, 330, 300, 40, 40
    h = top + row_h * len(cases) + 40
    w = left + 2 * panel + gap + 20
    lo, hi = math.log2(0.25), math.log2(64)

    def xs(v):
        return left + panel * (min(max(math.log2(v), lo), hi) - lo) / (hi - lo)

    def xf(f):
        return left + panel + gap + panel * min(max(f, 0.0), 1.0)

    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
         'font-size="11">' % (w, h), '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="16" font-size="13">speed-up over PyTorch (log scale)</text>' % left,
         '<text x="%d" y="16" font-size="13">fraction of D2D bandwidth</text>' % (left + panel + gap)]
    for v in (0.25, 1, 4, 16, 64):
        x = xs(v)
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>' % (x, top - 6, x, h - 30,
                                                                           "#444" if v == 1 else "#ddd"))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%g×</text>' % (x, h - 16, v))
    for f in (0, 0.25, 0.5, 0.75, 1.0):
        x = xf(f)
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (x, top - 6, x, h - 30))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%d%%</text>' % (x, h - 16, round(100 * f)))
    for i, c in enumerate(cases):
        y = top + i * row_h
        s, f = run.speedup(c), run.frac(c) or 0.0
        tg = T.get(c["group"], {})
        color = {"resample": "#4878cf", "fuse": "#6acc65", "voxelize": "#d65f5f"}[c["group"]]
        o.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 6, y + 11, case_label(c["name"])))
        x0 = xs(1.0)
        x1 = xs(s)
        o.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' % (min(x0, x1), y + 2, abs(x1 - x0),
                                                                              row_h - 4, color))
        if "speedup" in tg:
            xt = xs(tg["speedup"])
            o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" stroke-width="2"/>' % (
                xt, y + 1, xt, y + row_h - 1))
        o.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' % (xf(0), y + 2, xf(f) - xf(0),
                                                                              row_h - 4, color))
        if "frac_d2d" in tg:
            xt = xf(tg["frac_d2d"])
            o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" stroke-width="2"/>' % (
                xt, y + 1, xt, y + row_h - 1))
    o.append("</svg>")
    return "\n".join(o) + "\n"


# ---- page ----

def page(res, src, svg_rel, others=""):
    run = Run(res)
    dev = res.get("device", {})
    head = [
        "# Performance",
        "",
        "<!-- GENERATED by bench/gen_performance.py from %s: do not edit; rerun the generator. -->" % src,
        "",
        "Measured by `bench/run-gpu.sh` (one run: copy limits, kernels, PyTorch peers, end to end) on "
        "**%s** (driver %s, %s MiB), PyTorch %s, commit `%s`, %s. Kernel times are the device time of "
        "the kernels (and memsets) of one call of the backend's CUDA launcher (`rc_cuda_fuse`, "
        "`rc_cuda_voxelize`), read from CUPTI's activity records, so host↔device copies and "
        "allocation stay out; `launcher call ms` is the whole call with pageable copies. PyTorch "
        "times are CUDA events around the same work on tensors already on the device. Median and p99 "
        "(nearest rank) over %s timed runs after %s warm-up runs." % (
            dev.get("name", "?"), dev.get("driver_version", "?"), dev.get("memory.total [MiB]", "?"),
            dev.get("torch", "?"), res.get("commit", "?")[:12], res.get("date", "?"),
            _runs(res), _warmup(res)),
        "",
        "Bytes (for GB/s) are the fewest a kernel must move: each input read once, each output "
        "written once. The issue's targets were set for an H100; this run's card is named above, "
        "and its own D2D bandwidth is the yardstick.",
        "",
        "![speed-up over PyTorch and fraction of D2D bandwidth per case; black ticks are the targets](%s)" % svg_rel,
    ]
    body = [section_verdict(res), section_limits(run),
            section_bw(run, "resample", "resample (one stream, linear)", T["resample"]),
            section_bw(run, "fuse", "fuse (4 streams: 200 Hz × 64 linear, 100 Hz quaternion slerp, "
                                    "30 Hz × 32 nearest, 10 Hz × 8 previous → 50 Hz, 108 columns)", T["fuse"]),
            section_vox(run), section_frame(run), section_e2e(res), section_e2e16(res), section_inputs(res), section_camera(res),
            section_misses(res, load_explanations()),
            section_profile(res), others]
    return "\n".join(head) + "\n\n" + "\n\n".join(b for b in body if b) + "\n"


def _runs(res):
    ns = {c.get("kernel_ms", {}).get("n") for c in res.get("cases", []) if c.get("kernel_ms")}
    return "/".join(str(n) for n in sorted(x for x in ns if x)) or "?"


def _warmup(res):
    ws = {c.get("warmup") for c in res.get("cases", []) if c.get("warmup") is not None}
    return "/".join(str(w) for w in sorted(ws)) or "3"


def summary(res):
    run = Run(res)
    print("D2D %s GB/s" % fmt(run.d2d))
    for g in ("resample", "fuse", "voxelize", "image"):
        for c in run.ours(g):
            r = benchlib.items_per_s(c)
            print("%-62s %9s ms  %7s GB/s  %6s of D2D  %8s Gitems/s  x%s vs torch" % (
                c["name"], fmt(c["kernel_ms"]["median"]), fmt(benchlib.gb_s(c)), pct(run.frac(c)),
                fmt(r / 1e9 if r else None), fmt(run.speedup(c))))
    for c in run.ours("frame"):
        print("%-62s kernel %7s us  call (page-locked) %7s us  x%s vs torch  = CPU bytes: %s" % (
            c["name"], fmt(frame_us(c, "kernel_ms")), fmt(frame_us(c, "call_pinned_ms")), fmt(run.speedup(c)),
            c.get("checked_against_cpu")))
    raw, runs = e2e_figures(res)
    for name, r in sorted(runs.items()):
        print("e2e %-16s wall %s s  %s MB/s" % (name, fmt(r["wall_s"]), fmt(raw / r["wall_s"] / 1e6) if raw else "—"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "PERFORMANCE.md"))
    ap.add_argument("--svg", default=None)
    ap.add_argument("--summary")
    ap.add_argument("--cpu-profile", help="a bench/cpu_profile.py result (default: the newest in bench/results/cpu, "
                                          "none with --results)")
    a = ap.parse_args()
    if a.summary:
        summary(benchlib.load(a.summary))
        return 0
    if a.results:
        path, res = a.results, benchlib.load(a.results)
    else:
        found = newest_results(os.path.join(ROOT, "bench", "results"))
        if not found:
            print("gen_performance: no full results file in bench/results", file=sys.stderr)
            return 2
        path, res = found
    svg = a.svg or os.path.join(os.path.dirname(os.path.abspath(a.out)), "performance.svg")
    rel_src = os.path.relpath(os.path.abspath(path), ROOT) if os.path.abspath(path).startswith(ROOT) else os.path.basename(path)
    others = "" if a.results else "\n\n".join(x for x in (
        section_others(os.path.join(ROOT, "bench", "results"), path),
        section_partials(os.path.join(ROOT, "bench", "results"))) if x)
    cpu = None if a.results and not a.cpu_profile else (
        (a.cpu_profile, benchlib.load(a.cpu_profile)) if a.cpu_profile
        else newest_cpu_profile(os.path.join(ROOT, "bench", "results", "cpu")))
    if cpu:
        cpu_src = os.path.relpath(os.path.abspath(cpu[0]), ROOT) if os.path.abspath(cpu[0]).startswith(ROOT) \
            else os.path.basename(cpu[0])
        others = "\n\n".join(x for x in (others, section_cpu_profile(cpu[1], cpu_src)) if x)
    with open(a.out, "w") as f:
        f.write(page(res, rel_src, os.path.relpath(svg, os.path.dirname(os.path.abspath(a.out))), others))
    with open(svg, "w") as f:
        f.write(svg_plot(Run(res)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
