# test_aloha_jpeg.py — ALOHA's compressed layout (JPEG frames zero-padded in uint8 [S, P] rows,
# compress_len beside them; synth --preset aloha-jpeg) converts: the frames robocache decodes are
# byte for byte Pillow's decoding of the same JPEG bytes (the first compress_len bytes of each
# row), before and after an image stage's resize; a corrupt frame (damaged header, lost end
# marker, another frame size) is exit 2 naming the file, the episode, the stream and the frame
# index, and nothing is written.  A robocache-raw camera stored the same way (data uint8 [S, P]
# with attribute encoding = "jpeg", JPEGs written here by Pillow, one greyscale) converts to
# Pillow's decoding too.
import io
import os
import shutil
import sys

import h5py
import numpy as np
from PIL import Image

SRC = os.environ["RC_SRCDIR"]
sys.path.insert(0, os.path.join(SRC, "tests", "e2e"))
sys.path.insert(0, os.path.join(SRC, "tests", "ops"))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402
import ref_image  # noqa: E402

D = tmpdir()
code, _, err = rc("synth", os.path.join(D, "aj"), "--preset", "aloha-jpeg", "--episodes", "1", "--seconds", "1",
                  "--seed", "3")
ok(code == 0, "synth --preset aloha-jpeg", err)
SPEC = """version: 1
input: {dir: %s, pattern: "*.hdf5", layout: aloha}
output: {dir: %s}
timeline: {rate_hz: 30}
stages:
  - image: {name: high, stream: cam_high}
  - image: {name: low_small, stream: cam_low, method: previous, resize: [60, 80]}
"""


def convert(inp, out):
    path = os.path.join(D, out + ".yaml")
    with open(path, "w") as f:
        f.write(SPEC % (inp, out))
    return rc("run", path, "--backend", "cpu", "--progress", "never")


code, _, err = convert("aj", "out")
ok(code == 0, "the compressed ALOHA episode converts (exit 0)", err)

CAMS = ["cam_high", "cam_low", "cam_left_wrist", "cam_right_wrist"]  # compress_len's rows


def pillow_frames(path, cam):
    with h5py.File(path, "r") as f:
        rows = f["observations/images/" + cam][()]
        lens = f["compress_len"][()][CAMS.index(cam)]
    return np.stack([np.asarray(Image.open(io.BytesIO(rows[i, :int(lens[i])].tobytes())).convert("RGB"))
                     for i in range(len(rows))])


src = os.path.join(D, "aj", "episode_0.hdf5")
if code == 0:
    ep = h5py.File(os.path.join(D, "out", "shard-00000.h5"), "r")["episodes/episode_0"]
    high = pillow_frames(src, "cam_high")
    si = ep["high/source_index"][()]
    ok(ep["high/data"].shape == (len(si), 480, 640, 3) and np.array_equal(ep["high/data"][()], high[si]),
       "cam_high: the decoded frames equal Pillow's decoding of the same JPEG bytes (%d steps)" % len(si))
    low = pillow_frames(src, "cam_low")
    si = ep["low_small/source_index"][()]
    want = np.stack([ref_image.resize(low[s], (0, 0, 480, 640), (60, 80), "area") for s in si])
    ok(np.array_equal(ep["low_small/data"][()], want), "cam_low: decoded, then resized as the reference resizes")


def corrupt(name, fn):
    """A copy of the input with frame 17 of cam_low changed by fn(row, length) -> row."""
    d = os.path.join(D, name)
    os.makedirs(d)
    shutil.copy(src, d)
    with h5py.File(os.path.join(d, "episode_0.hdf5"), "a") as f:
        ds = f["observations/images/cam_low"]
        row = ds[17]
        ds[17] = fn(row, int(f["compress_len"][1, 17]))
    return convert(name, "out-" + name)


def header(row, n):
    row = row.copy()
    row[2:40] = 0x5A
    return row


def truncated(row, n):
    row = row.copy()
    row[n // 2:] = 0
    return row


def other_size(row, n):
    buf = io.BytesIO()
    Image.fromarray(np.full((240, 320, 3), 90, np.uint8)).save(buf, format="JPEG", quality=80)
    b = np.frombuffer(buf.getvalue(), np.uint8)
    out = np.zeros_like(row)
    out[:len(b)] = b
    return out


for name, fn, says in (("header", header, ""), ("truncated", truncated, "end-of-image"),
                       ("size", other_size, "")):
    code, _, err = corrupt(name, fn)
    ok(code == 2 and "episode_0.hdf5" in err and "episode_0" in err and "cam_low" in err and "frame 17" in err
       and says in err, "a corrupt frame (%s): exit 2 naming file, episode, stream and frame 17" % name, err)
    ok(not os.path.exists(os.path.join(D, "out-" + name, "manifest.json")), "  and nothing is written")

# robocache-raw: JPEG rows marked encoding = "jpeg", colour and greyscale, with jittered times
rng = np.random.default_rng(4)
os.makedirs(os.path.join(D, "raw"))
want = {}
with h5py.File(os.path.join(D, "raw", "cams.h5"), "w") as f:
    for name, mode, S in (("rgb", "RGB", 12), ("grey", "L", 9)):
        jpegs = []
        for i in range(S):
            y, x = np.mgrid[0:36, 0:52]
            px = ((x * 4 + y * 3 + 17 * i) % 256).astype(np.uint8)
            im = Image.fromarray(np.stack([px, px[::-1], 255 - px], -1) if mode == "RGB" else px, mode)
            buf = io.BytesIO()
            im.save(buf, format="JPEG", quality=85)
            jpegs.append(np.frombuffer(buf.getvalue(), np.uint8))
        rows = np.zeros((S, max(len(j) for j in jpegs) + 7), np.uint8)
        for i, j in enumerate(jpegs):
            rows[i, :len(j)] = j
        g = f.create_group("episodes/e0/" + name)
        g["data"] = rows
        g["data"].attrs["encoding"] = "jpeg"
        g["t"] = (np.arange(S) * 50_000_000 + rng.integers(0, 9_000_000, S)).astype(np.int64)
        g["t"].attrs["units"] = "ns"
        dec = [np.asarray(Image.open(io.BytesIO(j.tobytes()))) for j in jpegs]
        want[name] = np.stack([d if d.ndim == 3 else d[..., None] for d in dec])
with open(os.path.join(D, "raw.yaml"), "w") as f:
    f.write("version: 1\ninput: {dir: raw}\noutput: {dir: out-raw}\ntimeline: {rate_hz: 20, span: union}\n"
            "stages:\n  - image: {name: rgb, stream: rgb}\n  - image: {name: grey, stream: grey}\n")
code, _, err = rc("run", os.path.join(D, "raw.yaml"), "--backend", "cpu", "--progress", "never")
ok(code == 0, "robocache-raw cameras stored as JPEG rows (encoding jpeg) convert", err)
if code == 0:
    ep = h5py.File(os.path.join(D, "out-raw", "shard-00000.h5"), "r")["episodes/e0"]
    for name in ("rgb", "grey"):
        si = ep[name + "/source_index"][()]
        ok(np.array_equal(ep[name + "/data"][()], want[name][si]),
           "%s: the frames equal Pillow's decoding, shape %s" % (name, ep[name + "/data"].shape))
done()
