"""ref_ops.py — an independent reference of docs/SPEC.md §4 in Python/numpy, written from the
spec (not from src/ops/): exact fmaf through fractions.Fraction, float16/bfloat16 rounding by
scaling in float64, slerp by the textbook float64 formula, voxelize by dictionaries in input
order.  Timestamps are Python ints (no int64 overflow in differences)."""
from fractions import Fraction
import math

import numpy as np

F32_MAX_EXP = 127


def round_to_f32(q):
    """A nonzero Fraction rounded to float32, nearest-even, with subnormals and overflow to Inf."""
    s = -1.0 if q < 0 else 1.0
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()  # 2^e <= a < 2^(e+2)
    if Fraction(2) ** e > a:
        e -= 1
    elif Fraction(2) ** (e + 1) <= a:
        e += 1
    quantum = Fraction(2) ** (max(e, -126) - 23)
    m = round(a / quantum)  # Fraction.__round__: half to even
    v = m * quantum
    if v >= Fraction(2) ** 128:
        return np.float32(s * math.inf)
    return np.float32(s * float(v))


def fmaf(a, b, c):
    """fmaf of three float32 scalars: a*b + c rounded once to float32."""
    a, b, c = np.float32(a), np.float32(b), np.float32(c)
    if not (np.isfinite(a) and np.isfinite(b) and np.isfinite(c)):
        with np.errstate(all="ignore"):
            return np.float32(np.float64(a) * np.float64(b) + np.float64(c))
    q = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    if q == 0:
        prod_neg = (math.copysign(1.0, float(a)) * math.copysign(1.0, float(b))) < 0
        prod_zero = a == 0 or b == 0
        neg = prod_zero and c == 0 and prod_neg and math.copysign(1.0, float(c)) < 0
        return np.float32(-0.0 if neg else 0.0)
    return round_to_f32(q)


def bracket(t, tk):
    """(hold, i): hold is the held sample index at the edges, else None and t[i] <= tk < t[i+1]."""
    if tk < t[0]:
        return 0, None
    if tk >= t[-1]:
        return len(t) - 1, None
    lo = int(np.searchsorted(np.asarray(t, dtype=object), tk, side="right")) - 1
    return None, lo


def resample(method, t, x, grid):
    """float32 [T, D] for linear, nearest or previous; t, grid: lists of Python ints."""
    x = np.asarray(x, dtype=np.float32).reshape(len(t), -1)
    y = np.zeros((len(grid), x.shape[1]), dtype=np.float32)
    for k, tk in enumerate(grid):
        hold, i = bracket(t, tk)
        if hold is not None:
            y[k] = x[hold]
            continue
        if method == "previous":
            y[k] = x[i]
        elif method == "nearest":
            y[k] = x[i + 1] if (t[i + 1] - tk) < (tk - t[i]) else x[i]
        else:
            w = np.float32(float(tk - t[i]) / float(t[i + 1] - t[i]))
            with np.errstate(all="ignore"):
                d = x[i + 1] - x[i]
            for j in range(x.shape[1]):
                y[k, j] = fmaf(w, d[j], x[i, j])
    return y


def window(t, x, grid, n):
    """float32 [T, n, D] and mask uint8 [T, n] of method window (docs/SPEC.md §4): slot n-1 holds the
    latest sample with t <= t_k, slot n-2 the one before, ...; slots with no sample are 0, mask 0."""
    t = np.asarray(t, dtype=np.int64)
    x = np.asarray(x, dtype=np.float32).reshape(len(t), -1)
    last = np.searchsorted(t, np.asarray(grid, dtype=np.int64), side="right") - 1
    idx = last[:, None] - np.arange(n - 1, -1, -1)[None, :]
    mask = (idx >= 0).astype(np.uint8)
    out = np.where(mask[:, :, None] == 1, x[np.clip(idx, 0, None)], np.float32(0))
    return out.astype(np.float32), mask


def valid(t, grid, max_gap_ns):
    v = np.ones(len(grid), dtype=np.uint8)
    for k, tk in enumerate(grid):
        if tk < t[0] or tk > t[-1]:
            v[k] = 0
        elif max_gap_ns > 0 and tk < t[-1]:
            hold, i = bracket(t, tk)
            if t[i + 1] - t[i] > max_gap_ns:
                v[k] = 0
    return v


def _round_bits(x, mant_bits, emin, exp_bias, nan_bits):
    """float32 array -> uint16 bits of a binary format with mant_bits explicit mantissa bits,
    minimum normal exponent emin: the value is rounded by scaling to an integer multiple of the
    quantum in float64 (exact) and np.rint (nearest-even)."""
    with np.errstate(all="ignore"):  # signalling NaN inputs warn on the cast
        x = np.asarray(x, dtype=np.float32).astype(np.float64)
    out = np.zeros(x.shape, dtype=np.uint16)
    sign = np.signbit(x).astype(np.uint16) << 15
    a = np.abs(x)
    with np.errstate(all="ignore"):
        _, e2 = np.frexp(a)  # a = f * 2^e2, 0.5 <= f < 1 -> exponent e2 - 1
        e = np.maximum(e2 - 1, emin)
        quantum = np.ldexp(1.0, e - mant_bits)
        m = np.rint(a / quantum)
        v = m * quantum  # rounded value, exact in float64
        _, ve2 = np.frexp(v)
        ve = ve2 - 1
        normal = v >= np.ldexp(1.0, emin)
        emax = (1 << (15 - mant_bits)) - 2 - exp_bias
        inf = ~np.isnan(a) & (np.isinf(a) | (ve > emax))
        mant_normal = np.rint(v / np.ldexp(1.0, ve - mant_bits)).astype(np.int64) - (1 << mant_bits)
        mant_sub = np.rint(v / np.ldexp(1.0, emin - mant_bits)).astype(np.int64)
    bits = np.where(normal, ((ve + exp_bias).astype(np.int64) << mant_bits) + np.where(normal, mant_normal, 0),
                    np.where(normal, 0, mant_sub))
    out[:] = np.where(inf, (np.int64(1) << 15) - (np.int64(1) << mant_bits), np.where(np.isnan(a), 0, bits))
    out |= sign
    out[np.isnan(a)] = nan_bits
    return out


def f16_bits(x):
    return _round_bits(x, 10, -14, 15, 0x7E00)


def bf16_bits(x):
    return _round_bits(x, 7, -126, 127, 0x7FC0)


def slerp(q0, q1, w):
    """Textbook float64 slerp of two quaternions (any component order), shortest arc."""
    a = np.asarray(q0, dtype=np.float64)
    b = np.asarray(q1, dtype=np.float64)
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    d = float(np.dot(a, b))
    if d < 0:
        b, d = -b, -d
    if d > 1.0 - 1e-15:
        r = a + w * (b - a)
        return r / np.linalg.norm(r)
    th = math.acos(min(d, 1.0))
    r = (math.sin((1 - w) * th) * a + math.sin(w * th) * b) / math.sin(th)
    return r / np.linalg.norm(r)


def voxelize(points, rng, size, mode, sparse, max_points=0, max_voxels=0):
    """The docs/SPEC.md §4 voxelize of one frame.  Returns a dict with the same keys as ops_case."""
    pts = np.asarray(points, dtype=np.float32)
    N, C = pts.shape
    lo = np.array([r[0] for r in rng], dtype=np.float32)
    sz = np.asarray(size, dtype=np.float32)
    n = []
    for a in range(3):  # round half away from zero of the float64 quotient
        q = (rng[a][1] - rng[a][0]) / size[a]
        n.append(int(q) + (1 if q - int(q) >= 0.5 else 0))
    with np.errstate(all="ignore"):
        f = np.floor((pts[:, :3] - lo) / sz)  # float32: subtract, divide, floor
    keep = np.all((f >= 0) & (f < np.array(n, dtype=np.float64)), axis=1)
    res = {"n": np.array(n, dtype=np.int32), "min": lo, "size": sz, "rc": 0,
           "dropped_range": int(N - keep.sum()), "dropped_points": 0, "dropped_voxels": 0, "n_voxels": 0}
    order, members = [], {}
    for k in range(N):
        if not keep[k]:
            continue
        v = tuple(int(c) for c in f[k])
        if v not in members:
            if mode == "points" and len(order) >= max_voxels:
                res["dropped_voxels"] += 1
                continue
            members[v] = []
            order.append(v)
        if mode == "points" and len(members[v]) >= max_points:
            res["dropped_points"] += 1
            continue
        members[v].append(k)

    def mean_of(v):
        s = [0.0] * C
        for k in members[v]:
            for c in range(C):
                s[c] += float(pts[k, c])
        return np.array([np.float32(sc / len(members[v])) for sc in s], dtype=np.float32)

    if mode == "points":
        res["n_voxels"] = len(order)
        res["coords"] = np.zeros((max_voxels, 3), dtype=np.int32)
        res["voxels"] = np.zeros((max_voxels, max_points, C), dtype=np.float32)
        res["num_points"] = np.zeros(max_voxels, dtype=np.int32)
        for s, v in enumerate(order):
            res["coords"][s] = v[::-1]
            res["num_points"][s] = len(members[v])
            res["voxels"][s, :len(members[v])] = pts[members[v]]
        return res
    vdt = {"occupancy": np.uint8, "count": np.uint32, "mean": np.float32}[mode]
    val = {"occupancy": lambda v: 1, "count": lambda v: len(members[v]), "mean": mean_of}[mode]
    if sparse:
        res["n_voxels"] = len(order)
        res["coords"] = np.zeros((N, 3), dtype=np.int32)
        res["values"] = np.zeros((N, C) if mode == "mean" else N, dtype=vdt)
        for s, v in enumerate(order):
            res["coords"][s] = v[::-1]
            res["values"][s] = val(v)
    else:
        res["dense"] = np.zeros(tuple(n) + ((C,) if mode == "mean" else ()), dtype=vdt)
        for v in order:
            res["dense"][v] = val(v)
    return res
