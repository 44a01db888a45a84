"""collect.py - gathers one run of bench/run-gpu.sh into one results file: the machine (device,
driver, CUDA runtime, torch), the commit measured, every case of rc-bench and of the PyTorch
peer (JSON lines), and the end-to-end runs (robocache-convert's --report files and the peers'
JSON).  Standard library only.

usage: collect.py --out FILE --commit SHA [--quick] [--device-csv F] [--versions F]
                  [--cases F.jsonl...] [--e2e NAME=FILE...] [--e2e-input F]
                  [--e2e-input-for NAME=F...]
                  [--profile CASE=NCU_LOG...]"""
import argparse
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def read_jsonl(path):
    """JSON objects one after another (rc-bench writes them over several lines each)."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        s = f.read()
    dec, i = json.JSONDecoder(), 0
    while True:
        while i < len(s) and s[i].isspace():
            i += 1
        if i >= len(s):
            return out
        obj, i = dec.raw_decode(s, i)
        out.append(obj)


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def device_info(csv_path, versions_path):
    dev = {}
    if csv_path and os.path.exists(csv_path):
        with open(csv_path) as f:
            lines = [x.strip() for x in f if x.strip()]
        if len(lines) >= 2:
            keys = [k.strip() for k in lines[0].split(",")]
            vals = [v.strip() for v in lines[1].split(",")]
            dev.update(dict(zip(keys, vals)))
    if versions_path:
        v = read_json(versions_path)
        if v:
            dev.update(v)
    return dev


# what a --report says about reading (issue 18), carried as is: raw input GB/s over the streaming
# wall, bytes decoded directly vs by H5Dread, per reader process, the slots page-locked in place,
# and the peak resident memory of the run's process and of its largest reader process
REPORT_READ_FIGURES = ("raw_input_gb_s", "direct_bytes", "fallback_bytes", "read_paths", "readers", "reader_processes",
                       "slot_pins", "slot_pins_refused", "decode_threads", "buffers", "peak_rss_mb", "readers_peak_rss_mb")


def e2e_entry(name, path):
    d = read_json(path)
    if d is None:
        return {"name": name, "missing": True}
    if d.get("format") == "robocache-report":  # robocache-convert --report
        stages = {k: v.get("busy_s") for k, v in d.get("stages", {}).items()}
        return {"name": name, "wall_s": d.get("wall_s"), "stages_busy_s": stages,
                "overlap_efficiency": d.get("overlap_efficiency"), "backend": d.get("backend"),
                "backend_device": d.get("backend_device"), "episodes": d.get("episodes_written"),
                "report_stages": d.get("stages"),
                # the streaming pipeline's own verdict: wall over the slowest stage's per-thread load
                "slowest_stage": d.get("slowest_stage"), "slowest_load_s": d.get("slowest_load_s"),
                "wall_over_slowest": d.get("wall_over_slowest"), "stream_wall_s": d.get("stream_wall_s"),
                # issue 18: the readers, the read paths and the page-locked slots, where the report has them
                **{k: d[k] for k in REPORT_READ_FIGURES if k in d}}
    d = dict(d)
    d["name"] = name
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--device-csv")
    ap.add_argument("--versions")
    ap.add_argument("--cases", nargs="*", default=[])
    ap.add_argument("--e2e", nargs="*", default=[])
    ap.add_argument("--e2e-input")
    # runs on another input than --e2e-input's: NAME=FILE, FILE that input's JSON (raw_bytes, ...)
    ap.add_argument("--e2e-input-for", nargs="*", default=[])
    ap.add_argument("--profile", nargs="*", default=[])
    # a run of part of the benchmarks (run-gpu.sh camera): recorded, never the source of the page
    ap.add_argument("--partial", default=None)
    a = ap.parse_args()
    cases = []
    for p in a.cases:
        cases += read_jsonl(p)
    e2e = {"input": read_json(a.e2e_input) if a.e2e_input else None, "runs": []}
    inputs = dict(item.partition("=")[::2] for item in a.e2e_input_for)
    for item in a.e2e:
        name, _, path = item.partition("=")
        e2e["runs"].append(e2e_entry(name, path))
        if name in inputs:
            e2e["runs"][-1]["input"] = read_json(inputs[name])
    # the end-to-end walls join the cases, so the gate watches them too (one run each)
    for r in e2e["runs"]:
        if r.get("wall_s") is not None:
            inp = r.get("input") if "input" in r else e2e["input"]
            cases.append({"group": "e2e", "name": "e2e/" + r["name"], "engine": "e2e",
                          "wall_s": r["wall_s"], "bytes": (inp or {}).get("raw_bytes")})
    res = {"format": "robocache-bench-results", "format_version": 1, "commit": a.commit,
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "quick": a.quick, "device": device_info(a.device_csv, a.versions), "cases": cases, "e2e": e2e}
    if a.partial:
        res["partial"] = a.partial
    # ncu's figures per profiled case: one entry per kernel launch (the backend's probe left out)
    res["profile"] = {}
    for item in a.profile:
        name, _, path = item.partition("=")
        if os.path.exists(path):
            with open(path) as f:
                launches = benchlib.parse_ncu(f.read())
            res["profile"][name] = [x for x in launches if x["kernel"] != "probe_kernel"]
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1, sort_keys=False)
        f.write("\n")
    print("collect: %d cases, %d end-to-end runs -> %s" % (len(cases), len(e2e["runs"]), a.out))


if __name__ == "__main__":
    main()
