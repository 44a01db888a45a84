"""fast_ref.py — docs/SPEC.md §4 resample written again in vectorised numpy, for the real-data
tests where tests/ops/ref_ops.py (one Python loop per step, Fractions per value) is too slow for
tens of thousands of rows.  Written from the spec, not from src/ops/.  fmaf is exact: the float32
product w*d is exact in float64, TwoSum gives the rounding error of adding x, and the float32
rounding of the exact sum differs from that of the float64 sum only when the float64 sum is a
float32 midpoint; those few values are recomputed with ref_ops.fmaf (Fractions)."""
import numpy as np

import ref_ops


def bracket(t, g):
    """(i, hold): t[i] <= g < t[i+1] where hold is False; hold True at or past the edges, where i
    is the held sample (0 before t[0], S-1 at or after t[S-1])."""
    t = np.asarray(t, dtype=np.int64)
    g = np.asarray(g, dtype=np.int64)
    i = np.searchsorted(t, g, side="right") - 1
    hold = (g < t[0]) | (g >= t[-1])
    i = np.where(g < t[0], 0, np.where(g >= t[-1], len(t) - 1, i))
    return i, hold


def fmaf(w, d, x):
    """Elementwise fmaf of float32 arrays (broadcast): w*d + x rounded once to float32."""
    w, d, x = np.broadcast_arrays(np.float32(w) if np.isscalar(w) else w, d, x)
    p = w.astype(np.float64) * d.astype(np.float64)  # exact: 24 + 24 bits
    xs = x.astype(np.float64)
    s = p + xs
    bb = s - p
    r = (p - (s - bb)) + (xs - bb)  # TwoSum: s + r == p + x exactly
    y = s.astype(np.float32)
    with np.errstate(all="ignore"):
        other = np.nextafter(y, np.where(s > y.astype(np.float64), np.float32(np.inf), np.float32(-np.inf)))
        mid = (r != 0) & (s != y.astype(np.float64)) & (s == (y.astype(np.float64) + other.astype(np.float64)) / 2)
    for idx in zip(*np.nonzero(mid)):
        y[idx] = ref_ops.fmaf(w[idx], d[idx], x[idx])
    return y


def linear(t, x, g):
    x = np.asarray(x, dtype=np.float32).reshape(len(t), -1)
    t = np.asarray(t, dtype=np.int64)
    i, hold = bracket(t, g)
    j = np.minimum(i + 1, len(t) - 1)
    w = ((np.asarray(g, dtype=np.int64) - t[i]).astype(np.float64) /
         np.maximum(t[j] - t[i], 1).astype(np.float64)).astype(np.float32)
    with np.errstate(all="ignore"):
        d = x[j] - x[i]
    y = fmaf(w[:, None], d, x[i])
    y[hold] = x[i[hold]]
    return y


def nearest(t, x, g):
    x = np.asarray(x, dtype=np.float32).reshape(len(t), -1)
    t = np.asarray(t, dtype=np.int64)
    g = np.asarray(g, dtype=np.int64)
    i, hold = bracket(t, g)
    j = np.minimum(i + 1, len(t) - 1)
    later = ~hold & ((t[j] - g) < (g - t[i]))  # ties go to the earlier sample
    return x[np.where(later, j, i)]


def previous(t, x, g):
    x = np.asarray(x, dtype=np.float32).reshape(len(t), -1)
    i, _ = bracket(t, g)
    return x[i]


def slerp(t, q, g):
    """float64 textbook slerp (shortest arc, normalised inputs) at each grid step; the held edge
    samples are copied."""
    q = np.asarray(q, dtype=np.float64)
    t = np.asarray(t, dtype=np.int64)
    g = np.asarray(g, dtype=np.int64)
    i, hold = bracket(t, g)
    j = np.minimum(i + 1, len(t) - 1)
    w = (g - t[i]).astype(np.float64) / np.maximum(t[j] - t[i], 1).astype(np.float64)
    a = q[i] / np.linalg.norm(q[i], axis=1, keepdims=True)
    b = q[j] / np.linalg.norm(q[j], axis=1, keepdims=True)
    dot = np.sum(a * b, axis=1)
    b = np.where(dot[:, None] < 0, -b, b)
    dot = np.abs(dot)
    th = np.arccos(np.minimum(dot, 1.0))
    small = th < 1e-12
    st = np.where(small, 1.0, np.sin(th))
    ca = np.where(small, 1 - w, np.sin((1 - w) * th) / st)
    cb = np.where(small, w, np.sin(w * th) / st)
    r = ca[:, None] * a + cb[:, None] * b
    r /= np.linalg.norm(r, axis=1, keepdims=True)
    r[hold] = q[i[hold]]
    return r


def valid(t, g, max_gap_ns):
    """uint8 [T]: 0 outside [t0, t_end] and where the bracketing samples are more than
    max_gap_ns apart (at t = t_end the last sample is exact: 1)."""
    t = np.asarray(t, dtype=np.int64)
    g = np.asarray(g, dtype=np.int64)
    i, hold = bracket(t, g)
    j = np.minimum(i + 1, len(t) - 1)
    v = np.ones(len(g), dtype=np.uint8)
    v[(g < t[0]) | (g > t[-1])] = 0
    if max_gap_ns > 0:
        v[~hold & ((t[j] - t[i]) > max_gap_ns)] = 0
    return v
