"""test_resample.py — rc_fuse_cpu (linear, nearest, previous, valid, f16/bf16 output) against
the independent numpy reference ref_ops.py, bit for bit: random, edge and adversarial cases."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops_case  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tap  # noqa: E402
import ref_ops  # noqa: E402

rng = np.random.default_rng(20261125)


def canon(y):
    """float32 array with every NaN as the canonical quiet NaN 0x7FC00000 (docs/SPEC.md §4: same bits)."""
    y = np.array(y, dtype=np.float32)
    y.view(np.uint32)[np.isnan(y)] = 0x7FC00000
    return y


def check(name, method, t, x, grid, max_gap_ns=0):
    t = [int(v) for v in t]
    grid = [int(v) for v in grid]
    x = np.asarray(x, dtype=np.float32).reshape(len(t), -1)
    try:
        out, val = ops_case.run_fuse([(method, t, x, "wxyz")], grid, max_gap_ns=max_gap_ns)
    except RuntimeError as e:
        tap.ok(False, "%s %s" % (method, name), e)
        return
    ok, diag = ops_case.bits_equal(out, canon(ref_ops.resample(method, t, x, grid)))
    tap.ok(ok, "%s %s: values" % (method, name), diag)
    ok, diag = ops_case.bits_equal(val, ref_ops.valid(t, grid, max_gap_ns))
    tap.ok(ok, "%s %s: valid" % (method, name), diag)


def random_stream(S, D, spacing=(1, 50_000_000)):
    t = np.cumsum(rng.integers(spacing[0], spacing[1], size=S)) + int(rng.integers(-10**12, 10**12))
    x = (rng.standard_normal((S, D)) * rng.choice([1e-3, 1.0, 1e3], size=(1, D))).astype(np.float32)
    return t, x


for method in ("linear", "nearest", "previous"):
    # random: grid inside and around the stream, including every sample time
    t, x = random_stream(60, 3)
    grid = np.concatenate([np.linspace(t[0] - 10**8, t[-1] + 10**8, 150).astype(np.int64), t[::7]])
    check("random", method, t, x, grid, max_gap_ns=30_000_000)
    # edge: one sample (every grid point holds it), two samples, grid exactly on samples
    check("one sample", method, [1000], [[1.5, -2.0]], [0, 999, 1000, 1001, 10**15])
    check("two samples", method, [0, 10], [[1.0], [3.0]], list(range(-2, 13)))
    check("grid on samples", method, t, x, t)
    check("grid before the stream", method, t, x, [t[0] - 5, t[0] - 1])
    check("grid after the stream", method, t, x, [t[-1] + 1, t[-1] + 10**12])
    check("identical consecutive values", method, [0, 7, 14, 21], [[2.5], [2.5], [2.5], [-0.0]],
          range(-1, 23))
    check("ties (even spacing)", method, [0, 2, 4], [[0.0], [1.0], [2.0]], [1, 3])
    # adversarial: 1 ns spacing, 2^62 ns spacing, negative times, huge/tiny/non-finite values
    check("1 ns spacing", method, [5, 6, 7, 8], [[1e30], [-1e30], [1e-40], [3.0]], range(3, 10))
    big = 2**62
    check("2^62 ns spacing", method, [-big, 0, big], [[1.0], [2.0], [-7.0]],
          [-big, -big + 1, -big // 3, -1, 0, 1, big // 3 + 5, big - 1, big], max_gap_ns=big)
    check("huge and tiny values", method, [0, 3, 9, 10],
          [[3.4e38, 1e-45], [-3.4e38, -1e-45], [1.17549435e-38, 6.5e4], [np.inf, -1.0]], range(-1, 12))
    check("nan and inf samples", method, [0, 4, 8, 12], [[np.nan], [1.0], [np.inf], [-np.inf]],
          range(0, 13))

# valid: gap rule (gap exactly max_gap is valid; larger is not; max_gap 0 = span test only)
t = [0, 10, 30, 31, 100]
for gap in (0, 10, 20, 69, 70):
    check("valid max_gap=%d" % gap, "previous", t, [[0.0], [1.0], [2.0], [3.0], [4.0]],
          range(-1, 102), max_gap_ns=gap)

# fuse: three blocks of different methods and widths, f32/f16/bf16 output
ta, xa = random_stream(40, 2)
tb, xb = random_stream(25, 1, spacing=(30_000_000, 90_000_000))
tc, xc = random_stream(70, 3)
xc[5, 1] = 70000.0   # f16 overflow
xc[6, 2] = 1e-6      # f16 subnormal
grid = np.linspace(max(ta[0], tb[0]) - 10**7, min(ta[-1], tb[-1]) + 10**7, 200).astype(np.int64)
blocks = [("linear", ta, xa), ("previous", tb, xb), ("nearest", tc, xc)]
gl = [int(g) for g in grid]
ref = np.concatenate([ref_ops.resample(m, [int(v) for v in tt], xx, gl) for m, tt, xx in blocks], axis=1)
ref_valid = np.minimum.reduce([ref_ops.valid([int(v) for v in tt], gl, 60_000_000) for _, tt, _ in blocks])
for dtype, conv in (("f32", canon), ("f16", ref_ops.f16_bits), ("bf16", ref_ops.bf16_bits)):
    out, val = ops_case.run_fuse([(m, tt, xx, "wxyz") for m, tt, xx in blocks], grid, dtype=dtype,
                                 max_gap_ns=60_000_000)
    ok, diag = ops_case.bits_equal(out, conv(ref))
    tap.ok(ok, "fuse of 3 blocks, %s output" % dtype, diag)
    ok, diag = ops_case.bits_equal(val, ref_valid)
    tap.ok(ok, "fuse of 3 blocks, %s: valid is the AND of the blocks" % dtype, diag)

# malformed input the reader should have rejected (timestamps not increasing, duplicated):
# the arithmetic must stay inside the arrays (sanitizer builds check) and never pick an edge it
# was not given; values are unspecified, so only completion and finiteness are checked
for name, tt in (("decreasing", [50, 40, 30, 20, 10]), ("duplicated", [0, 10, 10, 10, 20]),
                 ("shuffled", [30, 0, 40, 10, 20])):
    xx = np.arange(5, dtype=np.float32).reshape(5, 1)
    try:
        out, _ = ops_case.run_fuse([(m, tt, xx, "wxyz") for m in ("linear", "nearest", "previous")],
                                   range(-5, 60, 3), max_gap_ns=5)
        ok, diag = bool(np.all(np.abs(out[~np.isnan(out)]) <= 1e6)), ""
    except RuntimeError as e:
        ok, diag = False, e
    tap.ok(ok, "malformed stream (%s timestamps): runs to completion" % name, diag)

tap.done()
