#!/usr/bin/env python3
"""gen_performance.py - writes docs/PERFORMANCE.md and docs/performance.svg from a results file
of bench/results/ (by default the newest full run): the copy limits, every kernel case beside
its PyTorch peer, the end-to-end conversion beside the h5py + numpy and PyTorch scripts, the
verdict against each target of issue 10 (by how much a missed one is missed), the cameras of
issue 22 (resize kernel, camera conversion) when the run measured them, and the ncu profile of
the run.  Every number comes from the results file; the page is never edited by hand.

usage: gen_performance.py [--results FILE] [--out MD] [--svg SVG]
       gen_performance.py --summary FILE     (a short table on stdout, for run-gpu.sh)"""
import argparse
import glob
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


def newest_results(folder):
    best = None
    for p in sorted(glob.glob(os.path.join(folder, "*.json"))):
        try:
            r = benchlib.load(p)
        except (OSError, ValueError):
            continue
        if r.get("format") != "robocache-bench-results" or r.get("quick") or r.get("partial"):
            continue
        if best is None or r.get("date", "") >= best[1].get("date", ""):
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
    for label, pick in (("occupancy", lambda c: c["params"].get("mode") == "occupancy"),
                        ("count", lambda c: c["params"].get("mode") == "count" and c["params"].get("frames", 1) == 1),
                        ("mean", lambda c: c["params"].get("mode") == "mean"),
                        ("points", lambda c: c["params"].get("mode") == "points"),
                        ("batch", lambda c: c["params"].get("frames", 1) > 1)):
        cs = [(c, t) for c, t in judged if pick(c)]
        if not cs:
            continue
        rates = [benchlib.items_per_s(c) / 1e9 if benchlib.items_per_s(c) else None for c, _ in cs]
        tgt = cs[0][1]
        rows.append(["voxelize %s ≥ %s Gpts/s" % (label, fmt(tgt)), _range(rates, lambda v: fmt(v) + " Gpts/s"),
                     "%d of %d cases" % (sum(1 for r in rates if r is not None and r >= tgt), len(cs))])
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
    return "## Verdict against the targets of issue 10\n\n" + table(["target", "measured", "met in"], rows)


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
    return "\n\n".join(out)


def _profile_kernel(res, case, kernel):
    for x in (res.get("profile") or {}).get(case, []):
        if x["kernel"] == kernel:
            return x["metrics"]
    return None


def _bullet_fuse(res, run, case, explain):
    m = _profile_kernel(res, case, "fuse_kernel")
    c = next((x for x in run.ours(case.split("/")[0]) if x["name"] == case), None)
    if not m or not c:
        return None
    st = [ncu_value(m, "l1tex__t_%s_pipe_lsu_mem_global_op_st.sum" % k, "n") for k in ("sectors", "requests")]
    spr = st[0] / st[1] if st[0] is not None and st[1] else None
    return ("`fuse_kernel` on %s: %s of the D2D bandwidth; ncu: %s µs at %s%% of DRAM peak, achieved occupancy "
            "%s%% (theoretical %s%%: %s registers per thread)%s.%s" % (
                case, pct(run.frac(c)), fmt(ncu_value(m, "gpu__time_duration.sum", "us")),
                fmt(m.get("dram__throughput.avg.pct_of_peak_sustained_elapsed [%]")),
                fmt(m.get("sm__warps_active.avg.pct_of_peak_sustained_active [%]")),
                fmt(m.get("sm__maximum_warps_per_active_cycle_pct [%]")),
                fmt(m.get("launch__registers_per_thread [register/thread]")),
                "" if spr is None else "; %s sectors per store request (4 when coalesced)" % fmt(spr),
                "" if not explain else
                " Stores are coalesced (a thread block per tile of rows, threads across the columns). What is "
                "left is the start of each tile: phase 1 is a chain of dependent reads (a binary search of the "
                "stream's timestamps per row) during which the tile loads no sample, and "
                "the smallest batches make too few tiles to fill the SMs. What would close it: brackets found "
                "incrementally from the previous tile's (the grid and the timestamps both increase), or the "
                "tile's timestamps staged in shared memory, so that phase 1 costs one read instead of a dozen."))


def _kernels_line(c, names):
    k = c.get("kernels_ms_per_call") or {}
    sort = sum(v for n, v in k.items() if n.startswith("cub radix sort"))
    parts = ["%s %s ms" % (n, fmt(k[n])) for n in names if n in k]
    if sort:
        parts.append("CUB radix sorts %s ms" % fmt(sort))
    return ", ".join(parts)


def section_why(res):
    run = Run(res)
    out = []
    for i, case in enumerate(("resample/f32/B1024-S1000-T500-D128", "fuse/f32/B1024-4streams-T500-W108")):
        b = _bullet_fuse(res, run, case, i == 0)
        if b:
            out.append(b)
    by = {c["name"]: c for c in run.ours("voxelize")}
    oc = by.get("voxelize/occupancy/dense/uniform-100000000pts/512x512x64")
    m = _profile_kernel(res, "voxelize/occupancy/dense/uniform-10000000pts/512x512x64", "vox_scatter_kernel")
    if oc and m:
        out.append("voxelize, occupancy and count (dense): one pass over the points, no sort (`vox_scatter_kernel`: "
                   "%s of the %s ms per call at 100M points). ncu on 10M points: L2 at %s%% of its peak, DRAM at "
                   "%s%%: every point is a random store (occupancy) or atomic (count) in L2, on top of its share "
                   "of the points' sectors, so L2, not DRAM, is the limit. Count on the 512×512×64 grid is slower "
                   "than occupancy because its 4-byte counters (64 MiB) do not fit the 50 MB L2 and the atomics "
                   "go to DRAM. What would close it: bin the points by grid region first (one more pass, "
                   "coalesced), then count each region in shared memory and write it out once." % (
                       fmt((oc.get("kernels_ms_per_call") or {}).get("vox_scatter_kernel")),
                       fmt(oc["kernel_ms"]["median"]),
                       fmt(m.get("lts__throughput.avg.pct_of_peak_sustained_elapsed [%]")),
                       fmt(m.get("dram__throughput.avg.pct_of_peak_sustained_elapsed [%]"))))
    mn = by.get("voxelize/mean/dense/uniform-100000000pts/512x512x64")
    if mn and mn.get("kernels_ms_per_call"):
        out.append("voxelize, mean at 100M points (%s ms per call): %s. The in-order double sum (what the CPU's "
                   "bits need) keeps a stable sort of the points; `vox_mean_dense_kernel` gathers each voxel's "
                   "points through the sorted index, one thread per voxel. What would close it: sort the points "
                   "themselves with the keys (one gather pass, then coalesced reads), and a segmented pass with a "
                   "warp per long voxel." % (fmt(mn["kernel_ms"]["median"]),
                                             _kernels_line(mn, ["vox_key_kernel", "vox_segment_kernel",
                                                                "vox_mean_dense_kernel"])))
    bt = next((c for n, c in by.items() if "/batch-" in n), None)
    if bt and bt.get("kernels_ms_per_call"):
        out.append("voxelize, batch of %s frames (sparse count): one sort for all frames (frame-major keys) and "
                   "one host synchronisation per call: %s ms of kernels in a %s ms span; %s. What would close "
                   "it: fewer passes over the points (key, head and segment kernels fused into the sort's last "
                   "pass), and the first-appearance order from the segment starts without a second sort." % (
                       bt["params"].get("frames"), fmt(bt["kernel_ms"]["median"]), fmt(bt["span_ms"]["median"]),
                       _kernels_line(bt, ["vox_key_kernel", "vox_segment_kernel", "vox_rows_kernel"])))
    raw, runs = e2e_figures(res)
    cu = runs.get("robocache-cuda")
    if cu and cu.get("slowest_stage"):  # the streaming pipeline's report
        out.append("End to end: the streaming run's slowest stage is `%s` (%s s of load) and the wall is %s× it "
                   "over %s episodes: with so few episodes the start (the first read before any compute) and "
                   "the drain (the last compression and commit) do not overlap anything. The reader is the "
                   "bottleneck: HDF5 reads run under one library lock, then a copy into page-locked slots; "
                   "reading straight into those slots, and runs of more episodes, are the next steps."
                   % (cu["slowest_stage"], fmt(cu.get("slowest_load_s")), fmt(cu["wall_over_slowest"]),
                      cu.get("episodes")))
    if not out:
        return ""
    return "## Why the targets are missed, and what would close them\n\n" + "\n".join("- " + x for x in out)


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


# ---- plot ----

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
            section_vox(run), section_e2e(res), section_camera(res), section_why(res), section_profile(res), others]
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
    raw, runs = e2e_figures(res)
    for name, r in sorted(runs.items()):
        print("e2e %-16s wall %s s  %s MB/s" % (name, fmt(r["wall_s"]), fmt(raw / r["wall_s"] / 1e6) if raw else "—"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "PERFORMANCE.md"))
    ap.add_argument("--svg", default=None)
    ap.add_argument("--summary")
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
    others = "" if a.results else section_others(os.path.join(ROOT, "bench", "results"), path)
    with open(a.out, "w") as f:
        f.write(page(res, rel_src, os.path.relpath(svg, os.path.dirname(os.path.abspath(a.out))), others))
    with open(svg, "w") as f:
        f.write(svg_plot(Run(res)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
