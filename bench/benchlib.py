"""benchlib.py - what the bench scripts share: sample statistics as rc-bench computes them
(median; p99 by nearest rank), results files (load, index by case), the targets of issue 10
and the derived figures (GB/s, fraction of D2D, points/s, speed-up over PyTorch).

Standard library only: it runs under Debian's python3 (tests, generator, gate) and under the
GPU machine's PyTorch python (peers, collect)."""
import json
import math

# Targets of issues 10 and 19, judged by gen_performance.py; numbers only, the verdict text is
# built there.
TARGETS = {
    "resample": {"frac_d2d": 0.85, "speedup": 4.5},
    "fuse": {"frac_d2d": 0.80, "speedup": 8.0},
    # Gpts/s, kernel time (grid zeroing included)
    "voxelize": {"occupancy": 120.0, "count": 60.0, "mean": 20.0, "points": 12.0, "batch": 30.0},
    # one LiDAR sweep (rc-bench's frame cases): kernel time (CUPTI) and the whole launcher call
    # with page-locked host buffers (call_pinned_ms), microseconds, median
    "frame": {"kernel_us": 30.0, "call_us": 100.0},
    "e2e": {"speedup_vs_numpy": 20.0, "raw_gb_s": 1.0, "wall_over_slowest_stage": 1.15},
    # issue 18: 16 episodes of the bench preset, warm page cache, cuda backend; cold cache beside dd
    "e2e16": {"raw_gb_s": 1.5, "speedup_vs_numpy": 30.0, "speedup_vs_torch": 5.0, "cuda_over_cpu": 1.3,
              "wall_over_slowest_stage": 1.15, "cold_of_dd": 0.8,
              "peak_rss_16_over_2": 1.1},
    # issue 18: the bench set gzip-chunked (decoded bytes are the raw input), against the numpy script
    "gzip": {"raw_gb_s": 1.0, "speedup_vs_numpy": 30.0},
}


def stats(samples):
    """median and p99 (nearest rank, the ceil(0.99 n)-th smallest), min, max, n."""
    v = sorted(float(x) for x in samples)
    n = len(v)
    if n == 0:
        return {"median": None, "p99": None, "min": None, "max": None, "n": 0}
    med = v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])
    r = max(1, math.ceil(0.99 * n))
    return {"median": med, "p99": v[r - 1], "min": v[0], "max": v[-1], "n": n}


def load(path):
    with open(path) as f:
        return json.load(f)


def case_key(case):
    """Cases are matched across files by engine and name."""
    return case.get("engine", "robocache") + ":" + case["name"]


def cases_by_key(results):
    return {case_key(c): c for c in results.get("cases", [])}


def timing(case):
    """The figure a case is judged by: device time of the kernels (kernel_ms) when recorded,
    else the wall of the call or run (call_ms, wall_s as ms)."""
    for k in ("kernel_ms", "call_ms"):
        if isinstance(case.get(k), dict) and case[k].get("median") is not None:
            return k, case[k]
    if case.get("wall_s") is not None:
        w = case["wall_s"] * 1e3
        return "wall_ms", {"median": w, "p99": w}
    return None, None


def d2d_gb_s(results):
    for c in results.get("cases", []):
        if c.get("name") == "mem/d2d" and c.get("kernel_ms", {}).get("median"):
            return c["bytes"] / (c["kernel_ms"]["median"] * 1e-3) / 1e9
    return None


def gb_s(case, key="kernel_ms"):
    t = case.get(key, {}).get("median")
    return case["bytes"] / (t * 1e-3) / 1e9 if t and case.get("bytes") else None


def items_per_s(case, key="kernel_ms"):
    t = case.get(key, {}).get("median")
    return case["items"] / (t * 1e-3) if t and case.get("items") else None


def parse_ncu(text):
    """Nsight Compute's default text report -> [{"kernel": short name, "metrics": {name: value}}],
    one entry per profiled launch, values as numbers with their unit in the metric name."""
    out, cur = [], None
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("==") or s.startswith("---") or s.startswith("Section:"):
            continue
        if "Context" in s and "Device" in s and "(" in s:
            head = s[5:] if s.startswith("void ") else s
            cut = min(i for i in (head.find("<"), head.find("("), len(head)) if i >= 0)
            name = head[:cut].split("::")[-1]
            cur = {"kernel": name, "metrics": {}}
            out.append(cur)
            continue
        parts = s.split()
        if cur is not None and len(parts) >= 2 and "__" in parts[0]:  # "name [unit] value"
            try:
                val = float(parts[-1].replace(",", ""))
            except ValueError:
                continue
            unit = parts[-2] if len(parts) >= 3 else ""
            cur["metrics"][parts[0] + " [" + unit + "]"] = val
    return out
