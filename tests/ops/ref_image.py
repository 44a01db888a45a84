"""ref_image.py — an independent reference of the image resize (docs/KERNELS.md, "image resize")
in Python/numpy, written from the spec's words, not from src/ops/: the filters in real
coordinates with exact fractions (area: overlap of the output pixel's footprint with each source
pixel; bilinear: the triangle filter, widened by the scale when shrinking), cumulative rounding
of the normalised weights to 2^14, then dense weight matrices applied as exact integer sums
(float64 matrix products of integers below 2^53 are exact) and the stated shifts."""
from fractions import Fraction
import math

import numpy as np

WEIGHT_BITS, MID_BITS = 14, 8


def filter_values(n, m, interp, o):
    """{j: Fraction} of the source pixels output o of an n -> m axis reads, unnormalised."""
    scale = Fraction(n, m)
    vals = {}
    if interp == "area":
        a, b = o * scale, (o + 1) * scale  # the output pixel's footprint in source pixels
        for j in range(max(0, math.floor(a)), min(n, math.ceil(b))):
            v = min(b, Fraction(j + 1)) - max(a, Fraction(j))
            if v > 0:
                vals[j] = v
        return vals
    support = max(scale, Fraction(1))  # triangle half-width in source pixels
    centre = (o + Fraction(1, 2)) * scale
    for j in range(max(0, math.floor(centre - support) - 1), min(n, math.ceil(centre + support) + 1)):
        v = 1 - abs(j + Fraction(1, 2) - centre) / support
        if v > 0:
            vals[j] = v
    return vals


def weights(n, m, interp):
    """Dense int64 [m, n]: weight of source j in output o; each row sums to 2^14."""
    w = np.zeros((m, n), dtype=np.int64)
    one = 1 << WEIGHT_BITS
    for o in range(m):
        vals = filter_values(n, m, interp, o)
        total = sum(vals.values())
        cum, prev = Fraction(0), 0
        for j in sorted(vals):
            cum += vals[j]
            r = math.floor(cum / total * one + Fraction(1, 2))
            w[o, j] = r - prev
            prev = r
    return w


def _apply(w, x):
    """Exact integer product w @ x for non-negative integers whose sums stay below 2^53."""
    return np.rint(w.astype(np.float64) @ x.astype(np.float64)).astype(np.int64)


def resize(frame, crop, size, interp, wx=None, wy=None):
    """frame uint8 [H, W, C]; crop (y, x, h, w); size (out_h, out_w) -> uint8 [out_h, out_w, C]."""
    y, x, h, w = crop
    oh, ow = size
    c = frame[y:y + h, x:x + w, :].astype(np.int64)
    C = c.shape[2]
    wx = weights(w, ow, interp) if wx is None else wx
    wy = weights(h, oh, interp) if wy is None else wy
    sh = WEIGHT_BITS - MID_BITS
    # horizontal: [ow, w] @ [w, h*C]
    acc = _apply(wx, c.transpose(1, 0, 2).reshape(w, h * C)).reshape(ow, h, C)
    mid = (acc + (1 << (sh - 1))) >> sh  # [ow, h, C]
    sv = WEIGHT_BITS + MID_BITS
    acc = _apply(wy, mid.transpose(1, 0, 2).reshape(h, ow * C)).reshape(oh, ow, C)
    return np.minimum((acc + (1 << (sv - 1))) >> sv, 255).astype(np.uint8)
