"""test_image_resize.py — the CPU image resize (rc_resize_axis_init, rc_image_resize_cpu) against
the independent reference ref_image.py, byte for byte: the axis tables, then whole batches on
random, edge (1x1, upscale, identity size, crop at the borders, odd sizes, C = 1/3/4, the tap
limit) and adversarial frames (constant, extremes, checkerboard, one bright pixel), frames
reused by several steps, thread-count invariance and rejected geometries.  Then a comparison
with torch.nn.functional.interpolate (area; bilinear with antialias), within the tolerance
docs/KERNELS.md states, when PyTorch is installed."""
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops_case  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tap  # noqa: E402
import ref_image  # noqa: E402

INTERP = {"area": 0, "bilinear": 1}
rng = np.random.default_rng(22)


def image_case(frames, source, crop, size, interp, threads=0):
    """Runs rc_image_resize_cpu (ops_driver op 5): (uint8 [T, oh, ow, C], None), or (None, the
    message) when rc_image_geom_check refuses the geometry."""
    frames = np.ascontiguousarray(frames, dtype=np.uint8)
    S, H, W, C = frames.shape
    src = np.asarray(source, dtype="<i8")
    p = struct.pack("<II11i", ops_case.MAGIC, 5, H, W, C, crop[0], crop[1], crop[2], crop[3], size[0], size[1],
                    INTERP.get(interp, interp) if isinstance(interp, str) else interp, threads)
    p += struct.pack("<q", S) + frames.tobytes() + struct.pack("<q", len(src)) + src.tobytes()
    data = ops_case._run(p)
    status = struct.unpack_from("<i", data)[0]
    if status != 0:
        n = struct.unpack_from("<i", data, 4)[0]
        return None, data[8:8 + n].decode()
    out = np.frombuffer(data, dtype=np.uint8, offset=4)
    return out.reshape(len(src), size[0], size[1], C), None


def axis_case(n, m, interp):
    """The taps of an n -> m axis (ops_driver op 6): (K, first, w [m, K]), or None when refused."""
    data = ops_case._run(struct.pack("<IIiii", ops_case.MAGIC, 6, n, m, INTERP[interp]))
    if struct.unpack_from("<i", data)[0] != 0:
        return None
    K = struct.unpack_from("<i", data, 4)[0]
    first = np.frombuffer(data, dtype="<i4", count=m, offset=8)
    w = np.frombuffer(data, dtype="<u2", count=m * K, offset=8 + 4 * m).reshape(m, K)
    return K, first, w


# ---- the axis tables ----
for n, m in [(1, 1), (1, 9), (9, 1), (7, 3), (3, 7), (640, 224), (480, 224), (480, 84), (97, 96), (96, 97),
             (13, 13), (2, 3), (1000, 1), (5, 1000)]:
    for interp in ("area", "bilinear"):
        label = "axis %d -> %d %s" % (n, m, interp)
        got = axis_case(n, m, interp)
        if not tap.ok(got is not None, "%s: built" % label):
            continue
        K, first, w = got
        dense = np.zeros((m, n), dtype=np.int64)
        inside = bool(np.all(first >= 0) and np.all(first + K <= n) and np.all(np.diff(first) >= 0))
        if inside:
            for o in range(m):
                dense[o, first[o]:first[o] + K] = w[o]
        ref = ref_image.weights(n, m, interp)
        tap.ok(inside and np.array_equal(dense, ref), "%s: taps inside the axis, weights equal the reference" % label,
               "K %d first %s" % (K, first[:8]))
        tap.ok(np.all(w.astype(np.int64).sum(axis=1) == 1 << 14), "%s: every output's weights sum to 2^14" % label)
tap.ok(axis_case(0, 4, "area") is None and axis_case(4, 16385, "bilinear") is None,
       "axis sizes outside 1..16384 are refused")


# ---- whole batches ----
def check(label, frames, source, crop, size, interp, threads=0):
    got, msg = image_case(frames, source, crop, size, interp, threads)
    if not tap.ok(got is not None, "%s: accepted" % label, msg):
        return None
    S, H, W, C = frames.shape
    wx = ref_image.weights(crop[3], size[1], interp)
    wy = ref_image.weights(crop[2], size[0], interp)
    refs = {}
    bad = []
    for k, s in enumerate(source):
        if s not in refs:
            refs[s] = ref_image.resize(frames[s], crop, size, interp, wx, wy)
        ok, diag = ops_case.bits_equal(got[k], refs[s])
        if not ok:
            bad.append("step %d (frame %d): %s" % (k, s, diag))
    tap.ok(not bad, "%s: byte-exact with the reference" % label, "\n".join(bad))
    return got


def frames_random(S, H, W, C):
    return rng.integers(0, 256, size=(S, H, W, C), dtype=np.uint8)


for interp in ("area", "bilinear"):
    for i in range(6):  # random geometries, crops and repeated, unordered sources
        H, W = int(rng.integers(1, 90)), int(rng.integers(1, 90))
        C = int(rng.choice([1, 3, 4]))
        ch, cw = int(rng.integers(1, H + 1)), int(rng.integers(1, W + 1))
        cy, cx = int(rng.integers(0, H - ch + 1)), int(rng.integers(0, W - cw + 1))
        oh, ow = int(rng.integers(1, 70)), int(rng.integers(1, 70))
        S = int(rng.integers(1, 5))
        src = [int(v) for v in rng.integers(0, S, size=int(rng.integers(1, 8)))]
        check("random %d %s %dx%dx%d crop %s -> %dx%d, steps %s" % (i, interp, H, W, C, (cy, cx, ch, cw), oh, ow, src),
              frames_random(S, H, W, C), src, (cy, cx, ch, cw), (oh, ow), interp)
    one = frames_random(1, 1, 1, 3)
    check("1x1 -> 1x1 %s" % interp, one, [0], (0, 0, 1, 1), (1, 1), interp)
    up = check("1x1 -> 5x7 %s (upscale)" % interp, one, [0], (0, 0, 1, 1), (5, 7), interp)
    if up is not None:
        tap.ok(np.all(up == one[0, 0, 0]), "1x1 -> 5x7 %s: every pixel is the source pixel" % interp)
    f = frames_random(2, 9, 11, 4)
    same = check("identity 9x11x4 %s" % interp, f, [1, 0], (0, 0, 9, 11), (9, 11), interp)
    if same is not None:
        tap.ok(np.array_equal(same[0], f[1]) and np.array_equal(same[1], f[0]), "identity %s: an exact copy" % interp)
    f = frames_random(1, 31, 47, 3)
    check("crop at the bottom-right border %s" % interp, f, [0], (20, 30, 11, 17), (5, 8), interp)
    check("crop at the top-left border %s" % interp, f, [0], (0, 0, 13, 9), (26, 27), interp)
    check("crop of one row %s" % interp, f, [0], (30, 0, 1, 47), (3, 10), interp)
    check("odd sizes 7x13x1 -> 3x5 %s" % interp, frames_random(1, 7, 13, 1), [0], (0, 0, 7, 13), (3, 5), interp)
    check("odd sizes 7x13x3 -> 11x29 %s" % interp, frames_random(1, 7, 13, 3), [0], (0, 0, 7, 13), (11, 29), interp)
    check("camera 480x640x3 -> 224x224 %s" % interp, frames_random(2, 480, 640, 3), [0, 1, 1], (0, 0, 480, 640),
          (224, 224), interp)
    check("camera crop 480x480 -> 96x96 %s" % interp, frames_random(1, 480, 640, 3), [0], (0, 80, 480, 480),
          (96, 96), interp)
    # adversarial content
    for v in (0, 1, 128, 254, 255):
        f = np.full((1, 23, 37, 3), v, dtype=np.uint8)
        got = check("constant %d %s" % (v, interp), f, [0], (0, 0, 23, 37), (10, 51), interp)
        if got is not None:
            tap.ok(np.all(got == v), "constant %d %s: stays %d" % (v, interp, v))
    cb = ((np.indices((64, 96)).sum(axis=0) % 2) * 255).astype(np.uint8)[None, :, :, None].repeat(4, axis=3)
    check("checkerboard 0/255 %s" % interp, cb, [0], (0, 0, 64, 96), (17, 29), interp)
    dot = np.zeros((1, 50, 50, 1), dtype=np.uint8)
    dot[0, 25, 25, 0] = 255
    check("one bright pixel %s" % interp, dot, [0], (0, 0, 50, 50), (7, 7), interp)
    tall = frames_random(1, 2048, 3, 1)  # one output row reads all 2048 rows: the tap limit
    check("2048 rows -> 1 %s (2048 taps)" % interp, tall, [0], (0, 0, 2048, 3), (1, 3), interp)

# thread-count invariance and reuse of frames
f = frames_random(6, 60, 80, 3)
src = [5, 5, 0, 3, 3, 3, 1, 0, 2, 4, 5]
outs = [image_case(f, src, (3, 5, 50, 70), (33, 21), "bilinear", t)[0] for t in (1, 2, 3)]
tap.ok(all(o is not None for o in outs) and np.array_equal(outs[0], outs[1]) and np.array_equal(outs[0], outs[2]),
       "1, 2 and 3 threads give the same bytes")
tap.ok(outs[0] is not None and all(np.array_equal(outs[0][k], outs[0][src.index(s)]) for k, s in enumerate(src)),
       "steps sharing a source frame get the same bytes")
check("steps in any order, frames unused", f, src, (3, 5, 50, 70), (33, 21), "area")
check("no steps", f, [], (0, 0, 60, 80), (10, 10), "area")

# rejected geometries
f3 = frames_random(1, 10, 12, 3)
for label, frames, crop, size, interp, want in [
        ("crop past the bottom edge", f3, (5, 0, 6, 12), (4, 4), "area", "crop"),
        ("crop past the right edge", f3, (0, 1, 10, 12), (4, 4), "area", "crop"),
        ("negative crop origin", f3, (-1, 0, 5, 5), (4, 4), "area", "crop"),
        ("empty crop", f3, (0, 0, 0, 12), (4, 4), "area", "crop"),
        ("zero output", f3, (0, 0, 10, 12), (0, 4), "area", "resize"),
        ("output over 16384", f3, (0, 0, 10, 12), (4, 16385), "bilinear", "resize"),
        ("unknown interpolation", f3, (0, 0, 10, 12), (4, 4), 7, "interpolation"),
        ("five channels", frames_random(1, 4, 4, 5), (0, 0, 4, 4), (2, 2), "area", "channels"),
        ("2049 taps", frames_random(1, 2049, 2, 1), (0, 0, 2049, 2), (1, 2), "area", "at most 2048"),
        ("3000 taps", frames_random(1, 2, 3000, 1), (0, 0, 2, 3000), (2, 1), "bilinear", "at most 2048")]:
    got, msg = image_case(frames, [0], crop, size, interp)
    tap.ok(got is None and msg is not None and want in msg, "rejects %s (%s)" % (label, msg))


# ---- against PyTorch ----
def smooth(H, W, C):
    yy, xx = np.mgrid[0:H, 0:W]
    img = np.zeros((H, W, C))
    for c in range(C):
        a = rng.uniform(0.01, 0.05, 4)
        img[..., c] = 127.5 + 60 * np.sin(a[0] * yy + a[1] * xx) + 60 * np.cos(a[2] * xx - a[3] * yy)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


try:
    import torch
except ImportError:
    torch = None
# (content, H, W, out_h, out_w, interp, tolerance): bilinear with antialias is PyTorch's filter,
# so only rounding differs (<= 1 level).  PyTorch's area is adaptive average pooling: equal
# weights over every source pixel an output touches, which is our exact-overlap box only when
# the scale is an integer (<= 1 level); at other scales the filters differ by definition, by
# <= 2 levels on smooth content (and by up to 68 on noise, so noise is not compared there).
TORCH_CASES = [("random", 480, 640, 224, 224, "bilinear", 1), ("smooth", 480, 640, 224, 224, "bilinear", 1),
               ("random", 96, 96, 224, 224, "bilinear", 1), ("random", 100, 75, 37, 50, "bilinear", 1),
               ("random", 480, 640, 240, 320, "area", 1), ("random", 480, 640, 96, 128, "area", 1),
               ("smooth", 480, 640, 224, 224, "area", 2), ("smooth", 480, 640, 84, 84, "area", 2),
               ("smooth", 100, 75, 37, 50, "area", 2)]
for content, H, W, oh, ow, interp, tol in TORCH_CASES:
    label = "torch %s %s %dx%d -> %dx%d: max difference <= %d" % (interp, content, H, W, oh, ow, tol)
    if torch is None:
        tap.skip(label, "python3-torch is not installed")
        continue
    f = (frames_random(1, H, W, 3) if content == "random" else smooth(H, W, 3)[None])
    got, msg = image_case(f, [0], (0, 0, H, W), (oh, ow), interp)
    t = torch.from_numpy(f[0].astype(np.float64)).permute(2, 0, 1)[None]
    if interp == "area":
        r = torch.nn.functional.interpolate(t, size=(oh, ow), mode="area")
    else:
        r = torch.nn.functional.interpolate(t, size=(oh, ow), mode="bilinear", antialias=True, align_corners=False)
    r = torch.clamp(torch.round(r), 0, 255)[0].permute(1, 2, 0).numpy().astype(np.int64)
    d = int(np.abs(got[0].astype(np.int64) - r).max()) if got is not None else 999
    tap.ok(d <= tol, "%s (measured %d)" % (label, d))

tap.done()
