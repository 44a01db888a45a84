"""test_camera_peer.py - bench/peers/camera_peer.py, the h5py + Pillow peer of the camera
benchmark, does the job robocache-convert does with bench/pipeline-camera.yaml: on a short synth
ALOHA episode its frame choice equals robocache's source_index and --compare says so; its frames
are Pillow's own resize and JPEG encoding (close to robocache's once decoded, not equal).  Its frame rule alone is checked on a
30 Hz timeline over 50 Hz frames (frames skipped, ties, edges).  TAP; skipped without Pillow."""
import json
import os
import subprocess
import sys

import h5py
import numpy as np

from bench_tap import SRC, done, ok, scratch_dir

sys.path.insert(0, os.path.join(SRC, "bench", "peers"))
try:
    import PIL  # noqa: F401
except ImportError:
    print("1..0 # SKIP Pillow (python3-pil) is not installed")
    sys.exit(0)
import camera_peer  # noqa: E402

RC = os.environ["RC_BIN"]
D = scratch_dir("rc-campeer-")
r = subprocess.run([RC, "synth", os.path.join(D, "aloha"), "--preset", "aloha", "--episodes", "1", "--seconds", "1"],
                   capture_output=True, text=True)
ok(r.returncode == 0, "synth --preset aloha, one 1 s episode", r.stderr)
r = subprocess.run([RC, "run", os.path.join(SRC, "bench", "pipeline-camera.yaml"), "--input", os.path.join(D, "aloha"),
                    "--output", os.path.join(D, "rc"), "--backend", "cpu", "--progress", "never"],
                   capture_output=True, text=True)
ok(r.returncode == 0, "robocache-convert runs bench/pipeline-camera.yaml", r.stderr)
r = subprocess.run([sys.executable, os.path.join(SRC, "bench", "peers", "camera_peer.py"), "--input",
                    os.path.join(D, "aloha"), "--output", os.path.join(D, "peer"), "--json", os.path.join(D, "p.json"),
                    "--compare", os.path.join(D, "rc")], capture_output=True, text=True)
rec = json.load(open(os.path.join(D, "p.json"))) if r.returncode == 0 else {}
ok(r.returncode == 0 and rec.get("frames") == 4 * 50 and rec.get("agrees_with_robocache") is True,
   "the peer converts the 4 cameras x 50 frames and agrees on every frame choice", r.stderr + json.dumps(rec))
with h5py.File(os.path.join(D, "rc", "shard-00000.h5"), "r") as f, \
        h5py.File(os.path.join(D, "peer", "shard-00000.h5"), "r") as p:
    a = camera_peer.decode(f["episodes/episode_0/cam_high"], 50).astype(int)
    b = camera_peer.decode(p["episodes/episode_0/cam_high"], 50).astype(int)
    ok(a.shape == b.shape == (50, 224, 224, 3) and np.abs(a - b).mean() < 2.0,
       "both store 224x224 JPEG frames that decode close to each other (mean |diff| %.3f)" % np.abs(a - b).mean())

# the frame rule itself, on a 30 Hz timeline over 50 Hz frames: robocache's nearest choice
t = np.arange(50, dtype=np.int64) * 20_000_000
g = np.rint(np.arange(30) * (1e9 / 30)).astype(np.int64)
want = [min(range(50), key=lambda i: (abs(int(t[i]) - int(x)), i)) for x in g]
ok(np.array_equal(camera_peer.nearest_frames(t, g), want), "nearest_frames: the closest frame, ties to the earlier")
g2 = np.array([-5, 10_000_000, 30_000_000, 980_000_000, 990_000_000], dtype=np.int64)
ok(list(camera_peer.nearest_frames(t, g2)) == [0, 0, 1, 49, 49], "nearest_frames: edges held, ties to the earlier")
done()
