# test_image_stage.py — the image stage end to end on the CPU backend: camera streams with
# jittered, dropped and gapped frame times (colour and grey) converted under methods nearest and
# previous, with and without crop and resize, area and bilinear.  Checked against models written
# here from docs/SPEC.md's words: the frame each step takes (numpy searchsorted, the edge holds,
# nearest's tie to the earlier frame), dt_ns, the gap rule of valid, and the pixels through the
# resize reference tests/ops/ref_image.py, byte for byte; the describing attributes and the
# manifest's features; a crop outside the frames is exit 2 naming file, episode and stream;
# encoding jpeg: padded rows, lengths and the decoded pixels' digest, read back by Pillow and by
# the Python reader.
import json
import os
import sys

import h5py
import numpy as np

SRC = os.environ["RC_SRCDIR"]
sys.path.insert(0, os.path.join(SRC, "tests", "e2e"))
sys.path.insert(0, os.path.join(SRC, "tests", "ops"))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402
import ref_image  # noqa: E402

rng = np.random.default_rng(22)
D = tmpdir()
os.makedirs(os.path.join(D, "in"))


def frame_times(S, period_ns, start_ns):
    """Jittered times, one long gap after frame S // 2, strictly increasing."""
    t = start_ns + np.arange(S, dtype=np.int64) * period_ns + rng.integers(-period_ns // 5, period_ns // 5, size=S)
    t[S // 2 + 1:] += 4 * period_ns
    return np.sort(t).astype(np.int64)


CAMS = {  # name: (S, H, W, C, period ns, start ns)
    "front": (23, 30, 41, 3, 33_333_333, 5_000_000),
    "depth": (17, 19, 26, 1, 50_000_000, 60_000_000),
}
src = {}
with h5py.File(os.path.join(D, "in", "cams.h5"), "w") as f:
    for ep in ("run_a", "run_b"):
        g = f.create_group("episodes/" + ep)
        js = 40
        jt = np.arange(js, dtype=np.int64) * 25_000_000
        s = g.create_group("joint_pos")
        s["data"], s["t"] = rng.normal(size=(js, 2)).astype(np.float32), jt
        s["t"].attrs["units"] = "ns"
        for name, (S, H, W, C, period, start) in CAMS.items():
            frames = rng.integers(0, 256, size=(S, H, W, C), dtype=np.uint8)
            frames[3] = 255  # saturated and black frames among the random ones
            frames[4] = 0
            t = frame_times(S, period, start)
            s = g.create_group(name)
            s["data"], s["t"] = frames, t
            s["t"].attrs["units"] = "ns"
            src[(ep, name)] = (t, frames)

STAGES = [  # name, stream, method, max_gap_ms, crop, resize, interpolation
    ("front_prev", "front", "previous", 60, (2, 5, 24, 30), (12, 16), "bilinear"),
    ("front_near", "front", "nearest", 0, None, None, None),
    ("front_area", "front", "nearest", 45, None, (7, 9), "area"),
    ("depth_prev", "depth", "previous", 80, (0, 1, 19, 24), (19, 31), "area"),
]


def stage_yaml(name, stream, method, gap, crop, size, interp):
    s = "  - image: {name: %s, stream: %s, method: %s" % (name, stream, method)
    if gap:
        s += ", max_gap_ms: %g" % gap
    if crop:
        s += ", crop: [%d, %d, %d, %d]" % crop
    if size:
        s += ", resize: [%d, %d], interpolation: %s" % (size + (interp,))
    return s + "}\n"


spec = "version: 1\ninput: {dir: in}\noutput: {dir: out}\ntimeline: {rate_hz: 40, span: union}\nstages:\n"
spec += "  - resample: {name: joints, stream: joint_pos, method: linear}\n"
spec += "".join(stage_yaml(*st) for st in STAGES)
with open(os.path.join(D, "cams.yaml"), "w") as f:
    f.write(spec)
code, _, err = rc("run", os.path.join(D, "cams.yaml"), "--backend", "cpu", "--progress", "never")
ok(code == 0, "image stages convert on the cpu backend (exit 0)", err)


def choose(t, tk, method, gap_ns):
    """The frame, dt_ns and valid of one step, from the words of docs/SPEC.md §4."""
    S = len(t)
    i = int(np.searchsorted(t, tk, side="right")) - 1
    if tk < t[0]:
        src_i = 0
    elif tk >= t[-1]:
        src_i = S - 1
    elif method == "previous":
        src_i = i
    else:
        src_i = i if tk - t[i] <= t[i + 1] - tk else i + 1
    valid = t[0] <= tk <= t[-1]
    if valid and gap_ns and tk < t[-1] and t[i + 1] - t[i] > gap_ns:
        valid = False
    return src_i, int(tk - t[src_i]), int(valid)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


f = h5py.File(os.path.join(D, "out", "shard-00000.h5"), "r") if code == 0 else None
for ep in ("run_a", "run_b"):
    for name, stream, method, gap, crop, size, interp in STAGES:
        what = "%s/%s" % (ep, name)
        if f is None:
            ok(False, what + ": no output")
            continue
        g = f["episodes/%s/%s" % (ep, name)]
        t, frames = src[(ep, stream)]
        grid = g["t"][()]
        ok(np.array_equal(grid, f["episodes/%s/joints/t" % ep][()]), what + ": on the run's timeline")
        want = np.array([choose(t, int(tk), method, int(gap * 1e6)) for tk in grid], dtype=np.int64)
        ok(g["source_index"].dtype == np.int64 and np.array_equal(g["source_index"][()], want[:, 0]),
           what + ": source_index is the frame the %s rule takes (%d steps, %d distinct frames)"
           % (method, len(grid), len(set(want[:, 0]))), (g["source_index"][()], want[:, 0]))
        ok(g["dt_ns"].dtype == np.int64 and np.array_equal(g["dt_ns"][()], want[:, 1]),
           what + ": dt_ns = step time - frame time", (g["dt_ns"][()], want[:, 1]))
        ok(g["valid"].dtype == np.uint8 and np.array_equal(g["valid"][()], want[:, 2]),
           what + ": valid by the gap rule (%d of %d invalid)" % (int((want[:, 2] == 0).sum()), len(grid)),
           (g["valid"][()], want[:, 2]))
        H, W, C = frames.shape[1:]
        c = crop or (0, 0, H, W)
        sz = size or (c[2], c[3])
        wx = ref_image.weights(c[3], sz[1], interp or "area")
        wy = ref_image.weights(c[2], sz[0], interp or "area")
        ref = np.stack([ref_image.resize(frames[s], c, sz, interp or "area", wx, wy) for s in want[:, 0]])
        data = g["data"][()]
        ok(data.dtype == np.uint8 and data.shape == ref.shape and np.array_equal(data, ref),
           what + ": pixels %s equal the reference's byte for byte" % (data.shape,),
           "max difference %d" % (int(np.abs(data.astype(int) - ref.astype(int)).max()) if data.shape == ref.shape
                                  else -1))
        ok(g["data"].chunks == (1,) + data.shape[1:], what + ": one frame per chunk %s" % (g["data"].chunks,))
        if crop is None and size is None:
            ok(np.array_equal(data, frames[want[:, 0]]), what + ": no crop, no resize: the stored frames unchanged")
        a = g.attrs
        ok(text(a["kind"]) == "image", what + ": kind image")
        ok((text(a["source_stream"]), text(a["method"]), list(a["crop"]), list(a["resize"]), list(a["source_shape"]),
            text(a["interpolation"]), text(a["encoding"]), float(a["max_gap_ms"]))
           == (stream, method, list(c), list(sz), [H, W, C], interp or "area", "raw", float(gap)),
           what + ": attributes name the source stream, method, gap, crop, resize, interpolation, encoding, frame shape",
           dict((k, a[k]) for k in a))
        ok(text(g["dt_ns"].attrs["units"]) == "ns" and text(g["t"].attrs["units"]) == "ns", what + ": t and dt_ns in ns")

# the shipped Python reader returns the frames with their provenance
sys.path.insert(0, os.path.join(SRC, "python"))
import robocache  # noqa: E402

if f is not None:
    st = robocache.open(os.path.join(D, "out"))
    r = st.read("run_a", "front_prev")
    g = f["episodes/run_a/front_prev"]
    ok(sorted(r) == ["data", "dt_ns", "source_index", "t", "valid"]
       and all(np.array_equal(r[k], g[k][()]) for k in r),
       "robocache.open(...).read gives data, t, valid, source_index and dt_ns of an image output", sorted(r))

man = json.load(open(os.path.join(D, "out", "manifest.json"))) if code == 0 else {}
feats = man.get("features", {})
for name, stream, method, gap, crop, size, interp in STAGES:
    S, H, W, C = CAMS[stream][:4]
    c = crop or (0, 0, H, W)
    sz = size or (c[2], c[3])
    fe = feats.get(name, {})
    ok(fe.get("kind") == "image" and fe.get("dtype") == "uint8" and fe.get("shape") == [sz[0], sz[1], C],
       "manifest features: %s is an image, uint8 [%d, %d, %d] per step" % (name, sz[0], sz[1], C), fe)

# a crop the frames cannot take: exit 2 naming the file, the episode and the stream
with open(os.path.join(D, "bad.yaml"), "w") as f:
    f.write("version: 1\ninput: {dir: in}\noutput: {dir: bad}\ntimeline: {rate_hz: 40}\nstages:\n"
            "  - image: {name: off, stream: depth, crop: [10, 0, 19, 26]}\n")
code, _, err = rc("run", os.path.join(D, "bad.yaml"), "--backend", "cpu", "--progress", "never")
ok(code == 2 and "cams.h5" in err and "run_a" in err and "depth" in err and "crop" in err,
   "a crop outside the frames: exit 2 naming file, episode and stream", err)
ok(not os.path.exists(os.path.join(D, "bad", "manifest.json")), "and nothing is written")

# encoding jpeg: zero-padded JPEG rows + jpeg_len, the decoded pixels digested; colour and grey
with open(os.path.join(D, "jpeg.yaml"), "w") as f:
    f.write("version: 1\ninput: {dir: in}\noutput: {dir: jpeg}\ntimeline: {rate_hz: 40, span: union}\nstages:\n"
            "  - image: {name: small, stream: front, method: previous, resize: [24, 32], encoding: jpeg, quality: 80}\n"
            "  - image: {name: grey, stream: depth, encoding: jpeg}\n"
            "  - image: {name: small_raw, stream: front, method: previous, resize: [24, 32]}\n")
code, _, err = rc("run", os.path.join(D, "jpeg.yaml"), "--backend", "cpu", "--progress", "never")
ok(code == 0, "encoding jpeg converts (exit 0)", err)
if code == 0:
    import hashlib
    import io
    from PIL import Image
    fj = h5py.File(os.path.join(D, "jpeg", "shard-00000.h5"), "r")
    st = robocache.open(os.path.join(D, "jpeg"))
    for name, shape, q in (("small", (24, 32, 3), 80), ("grey", (19, 26, 1), 90)):
        g = fj["episodes/run_a/" + name]
        rows, lens, si = g["data"][()], g["jpeg_len"][()], g["source_index"][()]
        ok(rows.dtype == np.uint8 and rows.ndim == 2 and rows.shape[0] == len(si) and rows.shape[1] == lens.max()
           and all(not rows[k, lens[k]:].any() for k in range(len(si))),
           "%s: data is [T, P] JPEG rows zero-padded to the longest (P = %d)" % (name, rows.shape[1]))
        ok(g["data"].chunks == (1, rows.shape[1]), "%s: one row per chunk" % name)
        ok(all(np.array_equal(rows[k], rows[k - 1]) for k in range(1, len(si)) if si[k] == si[k - 1]),
           "%s: steps taking the same frame store the same bytes" % name)
        dec = np.stack([np.asarray(Image.open(io.BytesIO(rows[k, :lens[k]].tobytes()))).reshape(shape)
                        for k in range(len(si))])
        ok(bytes(g["pixels_sha256"][()]) == hashlib.sha256(dec.tobytes()).digest(),
           "%s: pixels_sha256 is the SHA-256 of the frames Pillow decodes from the rows" % name)
        a = g.attrs
        ok(text(a["encoding"]) == "jpeg" and int(a["quality"]) == q and list(a["frame_shape"]) == list(shape)
           and text(g["data"].attrs["encoding"]) == "jpeg", "%s: attributes encoding jpeg, quality %d, frame_shape" % (name, q))
        r = st.read("run_a", name)
        ok(np.array_equal(r["data"], dec), "%s: the Python reader decodes the frames (Pillow)" % name)
    # lossy, and the frames are noise: each decoded step is still nearer its own raw frame than any other
    raw = fj["episodes/run_a/small_raw/data"][()].astype(int)
    dec = st.read("run_a", "small")["data"].astype(int)
    si = fj["episodes/run_a/small/source_index"][()]
    dist = np.array([[np.abs(dec[k] - raw[j]).mean() for j in range(len(si))] for k in range(len(si))])
    ok(all(dist[k, k] < min([dist[k, j] for j in range(len(si)) if si[j] != si[k]] + [1e9]) for k in range(len(si))),
       "each decoded step is nearest its own raw frame (mean |diff| %.1f vs %.1f to others)"
       % (np.diag(dist).mean(), dist[si[:, None] != si[None, :]].mean()))
    man = json.load(open(os.path.join(D, "jpeg", "manifest.json")))
    ok(man["features"]["small"]["shape"] == [24, 32, 3] and man["features"]["grey"]["shape"] == [19, 26, 1],
       "manifest features list the decoded frame shape", man["features"])
    ds = robocache.Dataset(os.path.join(D, "jpeg"), keys=["small"], window=3)
    ok(len(ds) > 0 and np.array_equal(ds[0]["small"], st.read(ds.episodes[0]["id"], "small")["data"][:3]),
       "robocache.Dataset items decode the JPEG rows (a window of 3 steps)")
    # the compression workers encode the frames in any order: the same episodes whatever their
    # number and the buffer count (the manifest's digests cover rows, lengths and decoded pixels)
    def episode_digests(out):
        with open(os.path.join(D, out, "manifest.json")) as f:
            return {e["id"]: e["content_sha256"] for e in json.load(f)["episodes"]}
    same = []
    for threads, buffers in (("1", "2"), ("4", "3")):
        out = "jpeg-t%s-b%s" % (threads, buffers)
        code, _, err = rc("run", os.path.join(D, "jpeg.yaml"), "--backend", "cpu", "--progress", "never",
                          "--output", os.path.join(D, out), "--threads", threads, "--buffers", buffers)
        same.append(code == 0 and episode_digests(out) == episode_digests("jpeg"))
    ok(all(same), "encoding jpeg: the same episodes with 1 worker and 2 buffers, and with 4 workers and 3 buffers",
       same)
done()
