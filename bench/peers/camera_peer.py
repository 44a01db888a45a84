"""camera_peer.py - the conversion of bench/pipeline-camera.yaml written as a straightforward
script: h5py reads each ALOHA episode's four cameras (480x640 RGB at the layout's 50 Hz, frame i
at i * 20 ms), numpy picks per step of the 50 Hz timeline the nearest frame (ties to the
earlier, the edge frames held), Pillow resizes each picked frame to 224x224 (Image.BOX, the
area filter) and encodes it as JPEG at quality 90, and h5py writes the JPEG bytes as zero-padded
rows with their lengths (robocache's layout) with the zstd filter 32015 level 3 (gzip level 1
where this h5py cannot load it; the JSON says which), one shard per episode.  --compare checks
that robocache-convert's shards took the same frames (source_index equal) and reports how far
its decoded frames are from the peer's (max and mean absolute difference; equality is not the
bar: the resize rounding and the JPEG encoders differ).

usage: camera_peer.py --input RAW --output DIR --json FILE [--compare OUT]"""
import argparse
import glob
import io
import json
import os
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convert_peer import pick_codec  # noqa: E402

CAMERAS = ["cam_high", "cam_low", "cam_left_wrist", "cam_right_wrist"]
LAYOUT_HZ = 50
RATE_HZ = 50
SIZE = (224, 224)  # height, width
QUALITY = 90
BLOCK = 64         # frames read at a time, so memory stays bounded


def nearest_frames(t, g):
    """Per step of g, the nearest frame of t (ties to the earlier; edges held)."""
    i = np.clip(np.searchsorted(t, g, side="right") - 1, 0, len(t) - 1)
    j = np.minimum(i + 1, len(t) - 1)
    later = (g > t[i]) & (t[j] - g < g - t[i])
    src = np.where(later, j, i)
    src[g < t[0]] = 0
    src[g >= t[-1]] = len(t) - 1
    return src


def grid_of(spans):
    """The timeline over the cameras' common span: t_k = t0 + round(k * 1e9 / rate)."""
    t0 = max(s[0] for s in spans)
    t1 = min(s[1] for s in spans)
    k = np.arange(0, int((t1 - t0) * RATE_HZ // 1_000_000_000) + 2, dtype=np.int64)
    g = t0 + np.rint(k * (1e9 / RATE_HZ)).astype(np.int64)
    return g[g <= t1]


def convert_episode(path, out_path, codec, Image, stage):
    t = time.perf_counter()
    fin = h5py.File(path, "r")
    dsets = {c: fin["observations/images/" + c] for c in CAMERAS}
    times = {c: np.arange(dsets[c].shape[0], dtype=np.int64) * (1_000_000_000 // LAYOUT_HZ) for c in CAMERAS}
    g = grid_of([(times[c][0], times[c][-1]) for c in CAMERAS])
    stage["read"] += time.perf_counter() - t
    chosen, frames = {}, 0
    fout = h5py.File(out_path, "w")
    eid = os.path.splitext(os.path.basename(path))[0]  # the aloha layout's episode id
    ep = fout.create_group("episodes/" + eid)
    for c in CAMERAS:
        src = nearest_frames(times[c], g)
        chosen[c] = src
        jpegs = []
        for k0 in range(0, len(g), BLOCK):
            idx = src[k0:k0 + BLOCK]
            t = time.perf_counter()
            lo, hi = int(idx.min()), int(idx.max()) + 1
            block = dsets[c][lo:hi]
            stage["read"] += time.perf_counter() - t
            t = time.perf_counter()
            for i in idx:
                buf = io.BytesIO()
                Image.fromarray(block[i - lo]).resize((SIZE[1], SIZE[0]), Image.BOX).save(buf, format="JPEG",
                                                                                         quality=QUALITY)
                jpegs.append(np.frombuffer(buf.getvalue(), np.uint8))
            stage["resize"] += time.perf_counter() - t
            frames += len(idx)
        t = time.perf_counter()
        rows = np.zeros((len(jpegs), max(len(j) for j in jpegs)), np.uint8)
        for k, j in enumerate(jpegs):
            rows[k, :len(j)] = j
        ep.create_dataset(c + "/data", data=rows, chunks=(1, rows.shape[1]), compression=codec[1],
                          compression_opts=codec[2])
        ep[c + "/jpeg_len"] = np.array([len(j) for j in jpegs], np.int64)
        ep[c + "/source_index"] = src
        stage["write"] += time.perf_counter() - t
    fout.close()
    fin.close()
    return eid, chosen, frames


def decode(g, n):
    """The first n frames of an output group holding JPEG rows (data, jpeg_len)."""
    from PIL import Image
    rows, lens = g["data"][:n], g["jpeg_len"][:n]
    return np.stack([np.asarray(Image.open(io.BytesIO(rows[i, :int(lens[i])].tobytes()))) for i in range(len(rows))])


def compare(out_dir, results):
    """(agrees, details): robocache's source_index equals ours for every episode and camera."""
    eps = {}
    for sh in sorted(glob.glob(os.path.join(out_dir, "**", "shard-*.h5"), recursive=True)):
        f = h5py.File(sh, "r")
        for eid in f["episodes"]:
            eps[eid] = f["episodes"][eid]
    details, agrees = [], True
    for eid, (chosen, peer_path) in results.items():
        if eid not in eps:
            details.append("%s: not in robocache's output" % eid)
            agrees = False
            continue
        with h5py.File(peer_path, "r") as pf:
            for c in CAMERAS:
                si = eps[eid][c]["source_index"][()]
                if not np.array_equal(si, chosen[c]):
                    agrees = False
                    details.append("%s/%s: source_index differs at %d steps" % (eid, c, int((si != chosen[c]).sum())))
                a = decode(eps[eid][c], min(16, len(si))).astype(np.int16)
                b = decode(pf["episodes/%s/%s" % (eid, c)], len(a)).astype(np.int16)
                d = np.abs(a - b)
                details.append("%s/%s: decoded pixels vs the peer's, max |diff| %d, mean %.3f" % (eid, c, int(d.max()),
                                                                                               float(d.mean())))
    return agrees, details


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--compare", default=None)
    a = ap.parse_args()
    from PIL import Image  # python3-pil
    os.makedirs(a.output, exist_ok=True)
    codec = pick_codec(a.output)
    wall0 = time.perf_counter()
    files = sorted(glob.glob(os.path.join(a.input, "**", "*.hdf5"), recursive=True))
    raw_bytes = sum(os.path.getsize(p) for p in files)
    stage = {"read": 0.0, "resize": 0.0, "write": 0.0}  # resize: resize and JPEG encoding
    results, frames = {}, 0
    for n, path in enumerate(files):
        out_path = os.path.join(a.output, "shard-%05d.h5" % n)
        eid, chosen, k = convert_episode(path, out_path, codec, Image, stage)
        results[eid] = (chosen, out_path)
        frames += k
    wall = time.perf_counter() - wall0
    rec = {"engine": "h5py+pillow", "codec": codec[0], "episodes": len(files), "frames": frames,
           "raw_bytes": raw_bytes, "wall_s": wall, "frames_per_s": frames / wall if wall > 0 else None,
           "stages_busy_s": stage}
    if a.compare:
        rec["agrees_with_robocache"], rec["differences"] = compare(a.compare, results)
    with open(a.json, "w") as f:
        json.dump(rec, f, indent=1)
    print(json.dumps(rec))


if __name__ == "__main__":
    main()
