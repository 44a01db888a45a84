# e2e_common.py — shared by the end-to-end tests: TAP output (ok and done of tests/tap.py),
# running robocache-convert, synthesizing inputs, writing specs, and an independent numpy model
# of the resample ops.
import atexit
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

RC_BIN = os.environ["RC_BIN"]

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok  # noqa: E402,F401  (the tests import done and ok from here)


def rc(*args, cwd=None):
    """Runs robocache-convert; returns (exit code, stdout, stderr)."""
    p = subprocess.run([RC_BIN] + [str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def tmpdir():
    """A fresh folder, removed when the test exits (the disk is shared)."""
    d = tempfile.mkdtemp(prefix="rc-e2e-")
    atexit.register(shutil.rmtree, d, True)
    return d


def shard_episodes(out):
    """{episode id: its h5py group} over every shard of output folder out."""
    import h5py
    eps = {}
    for sh in sorted(x for x in os.listdir(out) if x.endswith(".h5")):
        f = h5py.File(os.path.join(out, sh), "r")
        for eid in f["episodes"]:
            eps[eid] = f["episodes"][eid]
    return eps


SPEC_TEMPLATE = """version: 1
input:
  dir: {input}
  pattern: "*.h5"
  layout: robocache-raw
output:
  dir: {output}
  shard_max_episodes: {per_shard}
  compression: {{codec: zstd, level: 3}}
  split: {{val_fraction: 0.5, seed: 17}}
on_error: {on_error}
timeline: {{rate_hz: {rate}, span: {span}}}
stages:
  - fuse:
      name: observation
      dtype: {dtype}
      max_gap_ms: 100
      streams:
        - {{name: joint_pos, method: linear}}
        - {{name: gripper, method: previous}}
        - {{name: base_quat, method: slerp}}
        - {{name: imu, method: nearest}}
  - resample: {{name: action, stream: action, method: linear}}
  - voxelize:
      name: lidar_grid
      stream: lidar
      range: [[-20, 20], [-20, 20], [-2, 4]]
      voxel_size: [0.5, 0.5, 0.5]
      mode: {mode}
      layout: {layout}
      max_points_per_voxel: 8
      max_voxels: 4000
stats: true
"""


def sketch_bound(col, p):
    """docs/FORMAT.md "Quantile sketch": numpy.quantile(col, p) is q = a + (b - a) g between the
    order statistics a and b; the sketch's quantile is within 2^-11 ((1-g)|a| + g|b|) of it, plus
    the rounding of the interpolation."""
    s = np.sort(np.asarray(col, dtype=np.float64))
    h = (len(s) - 1) * p
    i = math.floor(h)
    g = h - i
    a, b = s[i], s[min(i + 1, len(s) - 1)]
    return 2.0 ** -11 * ((1 - g) * abs(a) + g * abs(b)) + 4 * np.spacing(max(abs(a), abs(b)))


def write_spec(path, **kw):
    args = dict(per_shard=2, on_error="fail", rate=50, span="intersection", dtype="float32",
                mode="count", layout="sparse")
    args.update(kw)
    with open(path, "w") as f:
        f.write(SPEC_TEMPLATE.format(**args))
    return path


def read_ns(t_ds):
    """Timestamps of a raw stream as int64 ns, converted as docs/INPUT.md says."""
    units = t_ds.attrs["units"]
    if isinstance(units, bytes):
        units = units.decode()
    t = t_ds[()]
    if t.dtype.kind == "f":
        return np.array([_llround(float(v) * 1e9) for v in t], dtype=np.int64)
    mult = {"ns": 1, "us": 1000, "ms": 1000000, "s": 1000000000}[units]
    return t.astype(np.int64) * mult


def grid(t_start, t_end, rate):
    """t_k = t_start + round(k * 1e9 / rate) while t_k <= t_end (docs/SPEC.md §4)."""
    out = []
    k = 0
    while True:
        v = t_start + _llround(float(k) * 1e9 / rate)
        if v > t_end:
            break
        out.append(v)
        k += 1
    return np.array(out, dtype=np.int64)


def _llround(x):
    """C llround of a double: round half away from zero, exactly."""
    if x < 0:
        return -_llround(-x)
    f = math.floor(x)
    return int(f) + (1 if x - f >= 0.5 else 0)


def bracket(t, tk):
    """Largest i with t[i] <= tk, clamped to [0, S-1]."""
    i = int(np.searchsorted(t, tk, side="right")) - 1
    return min(max(i, 0), len(t) - 1)


def resample_previous(t, x, g):
    return np.stack([x[bracket(t, tk)] for tk in g]).astype(np.float32)


def resample_nearest(t, x, g):
    rows = []
    for tk in g:
        i = bracket(t, tk)
        if tk > t[i] and i + 1 < len(t) and (t[i + 1] - tk) < (tk - t[i]):
            i += 1
        rows.append(x[i])
    return np.stack(rows).astype(np.float32)


def resample_linear_approx(t, x, g):
    """Linear interpolation in float64 (the bit-exact model is in tests/ops)."""
    return np.stack([np.interp(g.astype(np.float64), t.astype(np.float64), x[:, j].astype(np.float64))
                     for j in range(x.shape[1])], axis=1)
