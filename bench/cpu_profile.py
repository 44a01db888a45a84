#!/usr/bin/env python3
"""cpu_profile.py - where the CPU backend's time goes, per byte (issue 18, item 4): synthesizes a
small demo-preset set, converts it with the CPU backend under `perf record` (the reader processes
included: perf follows the forks) once with pipelines/demo.yaml and once with the same spec and a
dense count grid, and writes the profile tables as data for bench/gen_performance.py
(bench/results/cpu/DATE-cpu-profile.json).  Needs perf and a built robocache-convert.

usage: cpu_profile.py --bin BUILD/robocache-convert --out FILE [--episodes N] [--seconds S]"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
TOP = 15  # rows kept per case
OURS_LIMIT = 20.0  # our functions above this share get their hottest instruction (the bar is 25%)
# kernel symbols of page faults: the first touch of freshly allocated memory
FAULT_WORDS = ("fault", "clear_page", "do_anonymous_page", "folio", "get_page_from_freelist", "memcg")


def spec_text(dense, out):
    """pipelines/demo.yaml reading raw/ and writing out/; dense: its voxel grid as a dense layout."""
    text = open(os.path.join(ROOT, "pipelines", "demo.yaml")).read()
    text = text.replace("dir: ../demo/raw", "dir: raw").replace("dir: ../demo/train", "dir: " + out)
    return text.replace("layout: sparse", "layout: dense") if dense else text


def group_of(dso, sym):
    """ours (robocache's own functions), fault (the kernel's page-fault path), kernel, or the library."""
    if dso == "robocache-convert" and not sym.startswith("0x"):
        return "ours"
    if dso.startswith("[kernel"):
        return "fault" if any(w in sym for w in FAULT_WORDS) else "kernel"
    return dso.split(".so")[0]


def parse_report(text):
    """perf report -F overhead,dso,sym -t '|' lines -> [(pct, dso, sym)] sorted by pct."""
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3 or not parts[0].endswith("%"):
            continue
        sym = parts[2][4:] if parts[2][:1] == "[" else parts[2]  # drop "[.] " / "[k] "
        rows.append((float(parts[0][:-1]), parts[1], sym))
    rows.sort(key=lambda r: -r[0])
    return rows


def merge_unnamed(rows):
    """A library without symbols shows as one row per address: one row per library instead."""
    out, lib = [], {}
    for p, dso, sym in rows:
        if sym.startswith("0x"):
            lib[dso] = lib.get(dso, 0.0) + p
        else:
            out.append((p, dso, sym))
    out += [(round(p, 2), dso, "(no symbols: the whole library)") for dso, p in lib.items()]
    out.sort(key=lambda r: -r[0])
    return out


def hottest_line(data, sym):
    """perf annotate of sym: its hottest instruction (share of the function's samples) and the
    source line printed above it."""
    text = subprocess.run(["perf", "annotate", "-i", data, "--stdio", "-s", sym], capture_output=True,
                          text=True).stdout
    best, source, last_source = None, "", ""
    for line in text.splitlines():
        head, _, rest = line.partition(":")
        head = head.strip()
        if not head:  # "   : NN   source text"
            last_source = rest.strip().split(None, 1)[-1] if rest.strip() else last_source
            continue
        try:
            p = float(head)
        except ValueError:
            continue
        if best is None or p > best[0]:
            best, source = (p, rest.partition(":")[2].strip()), last_source
    return None if best is None else {"pct_of_function": best[0], "instruction": best[1], "source": source}


def profile(binary, work, name, dense, raw_bytes):
    with open(os.path.join(work, name + ".yaml"), "w") as f:
        f.write(spec_text(dense, "out-" + name))
    data = os.path.join(work, name + ".perf")
    t0 = time.monotonic()
    subprocess.run(["perf", "record", "-q", "-F", "1999", "-o", data, binary, "run", name + ".yaml", "--backend", "cpu",
                    "--force", "-q", "--progress", "never"], cwd=work, check=True)
    wall = time.monotonic() - t0
    rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "dso,sym",
                          "-F", "overhead,dso,sym", "-t", "|"], capture_output=True, text=True, check=True).stdout
    rows = merge_unnamed(parse_report(rep))
    groups = {}
    for p, dso, sym in rows:
        g = group_of(dso, sym)
        groups[g] = groups.get(g, 0.0) + p
    hot = {sym: hottest_line(data, sym) for p, d, sym in rows if group_of(d, sym) == "ours" and p > OURS_LIMIT}
    return {"name": name, "spec": "pipelines/demo.yaml" + (" with layout: dense" if dense else ""),
            "wall_s_under_perf": round(wall, 3), "raw_bytes": raw_bytes,
            "top": [{"pct": p, "dso": d, "symbol": s, "group": group_of(d, s)} for p, d, s in rows[:TOP]],
            "over_limit": hot, "groups_pct": {k: round(v, 2) for k, v in sorted(groups.items(), key=lambda kv: -kv[1])}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--episodes", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=8)
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    work = tempfile.mkdtemp(prefix="rc-cpu-profile-")
    try:
        subprocess.run([binary, "synth", "raw", "--preset", "demo", "--episodes", str(a.episodes), "--seconds",
                        str(a.seconds), "--seed", "3", "-q"], cwd=work, check=True)
        raw_bytes = sum(os.path.getsize(os.path.join(work, "raw", f)) for f in os.listdir(os.path.join(work, "raw")))
        cases = [profile(binary, work, "demo", False, raw_bytes), profile(binary, work, "dense", True, raw_bytes)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    res = {"format": "robocache-cpu-profile", "date": datetime.date.today().isoformat(), "commit": commit.strip(),
           "cores": os.cpu_count(), "synth": {"preset": "demo", "episodes": a.episodes, "seconds": a.seconds},
           "sampling": "perf record -F 1999, cycles, self time per function, the reader processes included",
           "cases": cases}
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
