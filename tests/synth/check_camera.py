#!/usr/bin/python3
"""check_camera.py — synth's camera presets checked with h5py and Pillow, from the layouts as
docs/INPUT.md and docs/LAYOUTS.md describe them: `camera` adds robocache-raw image streams
cam_30hz and cam_50hz (uint8 [S, 480, 640, 3], one frame per chunk, int64 ns times at their
rates) whose content moves; `aloha` writes one ALOHA file per episode (four 480x640 cameras,
[S, 14] joints, 50 Hz); `aloha-jpeg` the compressed variant, whose padded rows decode (Pillow)
to nearly the `aloha` frames of the same seed, with zero padding after compress_len.  Same seed,
same bytes; the aloha files convert through the aloha layout.  Prints TAP."""
import glob
import io
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok  # noqa: E402

RC_BIN = os.environ["RC_BIN"]
CAMS = ["cam_high", "cam_low", "cam_left_wrist", "cam_right_wrist"]


def synth(d, preset, *extra):
    r = subprocess.run([RC_BIN, "synth", d, "--preset", preset, "--seed", "4"] + list(extra),
                       capture_output=True, text=True)
    ok(r.returncode == 0, "synth --preset %s %s exits 0" % (preset, " ".join(extra)), r.stderr)
    return r.stdout


with tempfile.TemporaryDirectory() as T:
    # ---- camera: robocache-raw image streams ----
    out = synth(os.path.join(T, "cam"), "camera", "--episodes", "1", "--seconds", "0.4")
    with h5py.File(os.path.join(T, "cam", "raw-00000.h5"), "r") as f:
        ep = f["episodes/ep-000000"]
        ok("lidar" in ep and "joint_pos" in ep, "the camera preset keeps the series and LiDAR streams")
        prev = None
        for name, rate in (("cam_30hz", 30), ("cam_50hz", 50)):
            d, t = ep[name + "/data"], ep[name + "/t"]
            ok(d.dtype == np.uint8 and d.shape[1:] == (480, 640, 3) and d.chunks == (1, 480, 640, 3),
               "%s: uint8 [S, 480, 640, 3], one frame per chunk" % name, (d.dtype, d.shape, d.chunks))
            tt = t[()]
            ok(t.dtype == np.int64 and t.attrs["units"] in (b"ns", "ns") and len(tt) == d.shape[0],
               "%s: int64 ns times, one per frame" % name)
            steps = np.diff(tt) / 1e9
            ok(len(tt) >= 0.4 * rate * 0.5 and np.all(steps > 0) and abs(np.median(steps) - 1.0 / rate) < 0.2 / rate,
               "%s: %d frames, median step %.4f s at %d Hz" % (name, len(tt), np.median(steps), rate))
            frames = d[()]
            moves = [float(np.abs(frames[i + 1].astype(int) - frames[i]).mean()) for i in range(len(frames) - 1)]
            ok(min(moves) > 0.05, "%s: consecutive frames differ (moving content; least mean change %.3f)"
               % (name, min(moves)))
            ok(frames.std() > 20, "%s: frames have contrast (std %.1f)" % (name, frames.std()))
            if prev is not None:
                ok(not np.array_equal(prev[0], frames[0]), "the two cameras see different content")
            prev = frames
    ok("1 files, 1 episodes" in out, "summary counts the camera file", out)

    # ---- aloha and aloha-jpeg ----
    out = synth(os.path.join(T, "al"), "aloha", "--episodes", "2", "--seconds", "0.2")
    files = sorted(os.listdir(os.path.join(T, "al")))
    ok(files == ["episode_0.hdf5", "episode_1.hdf5"], "aloha: one file per episode, episode_<i>.hdf5", files)
    size = sum(os.path.getsize(os.path.join(T, "al", f)) for f in files)
    ok(("2 files, 2 episodes" in out) and ("%d bytes" % size in out), "aloha: summary names files and bytes", out)
    synth(os.path.join(T, "aj"), "aloha-jpeg", "--episodes", "2", "--seconds", "0.2")
    synth(os.path.join(T, "aj2"), "aloha-jpeg", "--episodes", "2", "--seconds", "0.2")
    for f in files:
        a, b = (open(os.path.join(T, d, f), "rb").read() for d in ("aj", "aj2"))
        ok(a == b, "aloha-jpeg: same seed, same bytes (%s)" % f)
    with h5py.File(os.path.join(T, "al", "episode_0.hdf5"), "r") as fa, \
            h5py.File(os.path.join(T, "aj", "episode_0.hdf5"), "r") as fj:
        S = fa["observations/qpos"].shape[0]
        ok(S == 10 and all(fa[k].shape == (S, 14) and fa[k].dtype == np.float64 for k in
                           ("observations/qpos", "observations/qvel", "observations/effort", "action")),
           "aloha: qpos, qvel, effort, action float64 [S, 14], S = 10 at 50 Hz for 0.2 s")
        ok(all(fa["observations/images/" + c].shape == (S, 480, 640, 3) for c in CAMS), "aloha: four uint8 cameras")
        cl = fj["compress_len"][()]
        ok(cl.shape == (4, S) and fj["compress_len"].dtype == np.float32 and int(fj.attrs["compress"]) == 1,
           "aloha-jpeg: compress_len float32 [4, S], attribute compress = 1")
        worst, pads, bad = 0.0, True, []
        for ci, c in enumerate(CAMS):
            rows = fj["observations/images/" + c]
            ok(rows.dtype == np.uint8 and rows.ndim == 2 and rows.shape[0] == S and rows.chunks == (1, rows.shape[1]),
               "aloha-jpeg %s: uint8 [S, P] rows, one per chunk" % c)
            for i in range(S):
                k = int(cl[ci, i])
                row = rows[i]
                if not 0 < k <= row.shape[0]:
                    bad.append((c, i, k))
                    continue
                pads &= bool(np.all(row[k:] == 0))
                img = np.asarray(Image.open(io.BytesIO(row[:k].tobytes())).convert("RGB"))
                raw = fa["observations/images/" + c][i]
                worst = max(worst, float(np.abs(img.astype(int) - raw).mean()))
        ok(not bad, "aloha-jpeg: every compress_len within its row", bad[:3])
        ok(pads, "aloha-jpeg: rows zero-padded after compress_len")
        ok(worst < 2.0, "aloha-jpeg: frames decode (Pillow) to the aloha frames within mean error %.3f < 2" % worst)

    # ---- the aloha files convert through the aloha layout ----
    spec = os.path.join(T, "aloha.yaml")
    with open(spec, "w") as f:
        f.write("version: 1\ninput: {dir: %s, pattern: \"*.hdf5\", layout: aloha}\noutput: {dir: %s}\n"
                "timeline: {rate_hz: 30}\nstages:\n  - fuse: {name: obs, streams: [{name: qpos, method: linear}]}\n"
                "  - resample: {name: cam_high, stream: cam_high, method: nearest}\n"
                % (os.path.join(T, "al"), os.path.join(T, "conv")))
    r = subprocess.run([RC_BIN, "run", spec, "--backend", "cpu"], capture_output=True, text=True)
    ok(r.returncode == 0, "synth aloha episodes convert with layout aloha", r.stderr[-400:])
    shards = glob.glob(os.path.join(T, "conv", "**", "*.h5"), recursive=True)
    frames = 0
    for s in shards:
        with h5py.File(s, "r") as f:
            for e in f["episodes"]:
                frames += f["episodes/%s/cam_high/data" % e].shape[0]
    ok(frames == 12, "the converted shards hold 2 x 6 cam_high frames at 30 Hz (found %d)" % frames)

done()
