"""test_window.py — window packing (docs/SPEC.md §4, `method: window`, N samples per step) on the
CPU backend against an independent numpy model written from docs/SPEC.md: for step t_k the last N
samples with t <= t_k, oldest first and the most recent in the last slot, zero-padded with mask 0
where fewer exist.  First one job through ops_driver (edge cases, dtypes, threads), then whole
runs (synth -> run -> the shard's <name>/data, t, mask read back with h5py)."""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import ops_case  # noqa: E402
sys.path.insert(0, os.path.join(HERE, ".."))
import tap  # noqa: E402
import ref_ops  # noqa: E402

rng = np.random.default_rng(11)


def model(t, x, grid, n):
    """out float32 [T, n, D], mask uint8 [T, n], valid uint8 [T], slot by slot."""
    t, x = np.asarray(t, np.int64), np.asarray(x, np.float32).reshape(len(t), -1)
    out = np.zeros((len(grid), n, x.shape[1]), np.float32)
    mask = np.zeros((len(grid), n), np.uint8)
    for k, tk in enumerate(grid):
        upto = [i for i in range(len(t)) if t[i] <= tk]
        take = upto[-n:]
        for slot, i in enumerate(take, start=n - len(take)):
            out[k, slot] = x[i]
            mask[k, slot] = 1
    return out, mask, mask.max(axis=1, initial=0).astype(np.uint8)


def check(name, t, x, grid, n, dtype="f32", threads=0):
    out, mask, valid = ops_case.run_window(t, x, grid, n, dtype=dtype, threads=threads)
    r_out, r_mask, r_valid = model(t, x, grid, n)
    if dtype == "f16":
        r_out = ref_ops.f16_bits(r_out.reshape(-1)).reshape(r_out.shape)
    elif dtype == "bf16":
        r_out = ref_ops.bf16_bits(r_out.reshape(-1)).reshape(r_out.shape)
    good, diag = ops_case.bits_equal(out, r_out)
    tap.ok(good, "%s: data bits" % name, diag)
    tap.ok(np.array_equal(mask, r_mask), "%s: mask" % name, "got\n%s\nwant\n%s" % (mask[:6], r_mask[:6]))
    tap.ok(np.array_equal(valid, r_valid), "%s: valid (a step with any sample)" % name)
    return out


def jittered(S, t0, step, jitter):
    d = step + rng.integers(-jitter, jitter + 1, size=S)
    return t0 + np.concatenate([[0], np.cumsum(d[1:])]).astype(np.int64)


# a 1 kHz IMU (jittered) on a 50 Hz grid: 20 samples per step; N = 20, 25 (more than one step
# holds) and 1 (previous without interpolation)
t = jittered(3000, 5_000_000, 1_000_000, 200_000)
x = rng.standard_normal((3000, 6)).astype(np.float32)
g = np.arange(t[0], t[-1] + 1, 20_000_000, dtype=np.int64)
for n in (20, 25, 1):
    check("1 kHz into 50 Hz, N=%d" % n, t, x, g, n)

# grid before the first sample (span union): all-zero slots and mask; after the last: the last N
g2 = np.arange(t[0] - 100_000_000, t[-1] + 100_000_000, 20_000_000, dtype=np.int64)
out = check("grid beyond both ends, N=8", t, x, g2, 8)
tap.ok(not out[:5].any(), "steps before the first sample are all zero")

# steps exactly on sample times include that sample; duplicated grid points give equal rows
ts = np.array([10, 20, 30, 40, 50], np.int64)
xs = np.arange(10, dtype=np.float32).reshape(5, 2)
check("grid on the samples", ts, xs, np.array([9, 10, 19, 20, 30, 30, 50, 51], np.int64), 3)
check("fewer samples than N in the whole stream", ts, xs, np.array([50, 60], np.int64), 8)
check("one sample", ts[:1], xs[:1], np.array([0, 10, 11], np.int64), 4)
# values are copied bit for bit: -0.0, subnormals, extremes
xv = np.array([[-0.0], [1e-45], [3.4028235e38], [-3.4028235e38], [1.0 / 3]], np.float32)
check("-0.0, subnormal and extreme values copied", ts, xv, ts, 2)
for dt in ("f16", "bf16"):
    check("dtype %s" % dt, t[:400], x[:400], g[:20], 20, dtype=dt)
a = check("threads 1", t, x, g, 20, threads=1)
b = check("threads 2", t, x, g, 20, threads=2)
tap.ok(np.array_equal(a.view(np.uint32), b.view(np.uint32)), "the thread count does not change the bits")

# ---- whole runs: the shard holds <name>/data [T, N, D], <name>/t [T], <name>/mask [T, N] ----
import h5py  # noqa: E402

from e2e_common import grid as grid_of, rc, read_ns, tmpdir  # noqa: E402

SPEC = """version: 1
input: {{dir: raw, pattern: "*.h5", layout: robocache-raw}}
output: {{dir: {out}, shard_max_episodes: 8}}
timeline: {{rate_hz: 25, span: {span}}}
stages:
  - fuse:
      name: obs
      streams:
        - {{name: joint_pos, method: linear}}
  - resample: {{name: imu_window, stream: imu, method: window, window: {n}, dtype: {dtype}}}
stats: true
"""
D = tmpdir()
code, _, err = rc("synth", os.path.join(D, "raw"), "--preset", "tiny", "--episodes", "2", "--seconds", "2",
                  "--seed", "3")
tap.ok(code == 0, "synth a tiny dataset", err)
raw = {}
for fn in sorted(os.listdir(os.path.join(D, "raw"))):
    with h5py.File(os.path.join(D, "raw", fn), "r") as f:
        for eid in f["episodes"]:
            ep = f["episodes"][eid]
            raw[eid] = {s: (read_ns(ep[s]["t"]), ep[s]["data"][()].astype(np.float32))
                        for s in ("joint_pos", "imu")}

for span, n, dtype in (("intersection", 12, "float32"), ("union", 30, "float32"), ("union", 12, "bfloat16")):
    out_dir = "out-%s-%d-%s" % (span, n, dtype)
    spec = os.path.join(D, out_dir + ".yaml")
    with open(spec, "w") as f:
        f.write(SPEC.format(out=out_dir, span=span, n=n, dtype=dtype))
    code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
    what = "run span %s window %d %s" % (span, n, dtype)
    if not tap.ok(code == 0, what + " exits 0", err):
        continue
    with h5py.File(os.path.join(D, out_dir, "shard-00000.h5"), "r") as f:
        for eid, streams in sorted(raw.items()):
            firsts = [streams[s][0][0] for s in streams]
            lasts = [streams[s][0][-1] for s in streams]
            lo, hi = (max(firsts), min(lasts)) if span == "intersection" else (min(firsts), max(lasts))
            g = grid_of(lo, hi, 25)
            grp = f["episodes"][eid]["imu_window"]
            r_out, r_mask, _ = model(*streams["imu"], g, n)
            data = grp["data"][()]
            if dtype == "bfloat16":
                want = ref_ops.bf16_bits(r_out.reshape(-1)).reshape(r_out.shape)
                data = data.view(np.uint16)
            else:
                want = r_out
            good, diag = ops_case.bits_equal(data, want)
            tap.ok(good, "%s %s: data [T, %d, 6] equals the model" % (what, eid, n), diag)
            tap.ok(np.array_equal(grp["mask"][()], r_mask), "%s %s: mask [T, %d]" % (what, eid, n))
            tap.ok(np.array_equal(grp["t"][()], g), "%s %s: t is the grid" % (what, eid))
            tap.ok(sorted(grp) == ["data", "mask", "t"], "%s %s: exactly data, mask, t" % (what, eid), sorted(grp))
            if span == "union":
                before = g < streams["imu"][0][0]
                tap.ok(before.any() == (streams["imu"][0][0] > lo) and not grp["mask"][()][before].any(),
                       "%s %s: steps before the first sample have an all-zero mask" % (what, eid))
tap.done()
