# verify_common.py — shared by the verify tests: TAP helpers (tests/e2e/e2e_common.py), one small
# conversion whose outputs hold every element type (float32, float16, bfloat16, uint8, uint32,
# int32, int64), and copies of it to damage with h5py.
import atexit
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402,F401

import h5py  # noqa: E402
import numpy as np  # noqa: E402

SPEC = """version: 1
input:
  dir: raw
output:
  dir: out
  shard_max_episodes: 1
  split: {val_fraction: 0.5, seed: 17}
timeline: {rate_hz: 25, span: intersection}
stages:
  - fuse:
      name: observation
      max_gap_ms: 30
      streams:
        - {name: joint_pos, method: linear}
        - {name: base_quat, method: slerp}
  - resample: {name: action_half, stream: action, method: linear, dtype: float16}
  - resample: {name: action_bf16, stream: action, method: nearest, dtype: bfloat16}
  - voxelize:
      name: grid
      stream: lidar
      range: [[-10, 10], [-10, 10], [-2, 2]]
      voxel_size: [2, 2, 2]
      mode: count
      layout: sparse
stats: true
"""


def scratch():
    """A temporary folder removed when the test exits."""
    d = tmpdir()
    atexit.register(shutil.rmtree, d, True)
    return d


def make_output(base):
    """Synthesizes 3 episodes and converts them into base/out (one episode per shard)."""
    os.makedirs(base, exist_ok=True)
    with open(os.path.join(base, "spec.yaml"), "w") as f:
        f.write(SPEC)
    code, _, err = rc("-q", "synth", os.path.join(base, "raw"), "--preset", "tiny", "--seed", "3",
                      "--episodes", "3", "--seconds", "1.5")
    if code != 0:
        raise RuntimeError("synth failed: " + err)
    code, _, err = rc("-q", "run", os.path.join(base, "spec.yaml"), "--backend", "cpu")
    if code != 0:
        raise RuntimeError("run failed: " + err)
    return os.path.join(base, "out")


def copy_output(src, dst):
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    return dst


def manifest(out):
    with open(os.path.join(out, "manifest.json")) as f:
        return json.load(f)


def write_manifest(out, m):
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(m, f, indent=2)


def shard_of(out, episode):
    """Path of the shard holding the episode, from the manifest."""
    for e in manifest(out)["episodes"]:
        if e["id"] == episode:
            return os.path.join(out, e["shard"])
    raise KeyError(episode)


def replace_dataset(f, path, data, attrs=None):
    """Deletes f[path] and writes data there (uncompressed: verify reads any layout)."""
    del f[path]
    ds = f.create_dataset(path, data=data)
    for k, v in (attrs or {}).items():
        ds.attrs[k] = v
    return ds


def verify(out, golden, *extra):
    return rc("verify", out, golden, *extra)
