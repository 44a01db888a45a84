# test_kitti.py — the real KITTI velodyne sweep 000008 (17238 points x, y, z, intensity) as a
# robocache-raw cloud of one frame, voxelized three ways and checked against a numpy reference
# written here from docs/SPEC.md §4 (float32 subtract, divide, floor; kept when 0 <= i < n; voxels
# in first-appearance order; mean sums in float64 in input order): sparse count with
# 0.05 x 0.05 x 0.1 m voxels over [0, 70.4) x [-40, 40) x [-3, 1) (the data README counts 13092
# voxels and 16897 points there), dense occupancy with 0.5 m voxels, sparse mean with 0.5 m.
import json
import os
import shutil
import sys

import h5py
import numpy as np

SRC = os.environ["RC_SRCDIR"]
sys.path.insert(0, os.path.join(SRC, "tests", "e2e"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402
import make_raw  # noqa: E402

RANGE = [[0, 70.4], [-40, 40], [-3, 1]]
SPEC = """version: 1
input: {{dir: {inp}, layout: robocache-raw}}
output: {{dir: {out}}}
timeline: {{rate_hz: 10}}
stages:
  - voxelize: {{name: fine, stream: lidar, range: {rng}, voxel_size: [0.05, 0.05, 0.1], mode: count, layout: sparse}}
  - voxelize: {{name: occ, stream: lidar, range: {rng}, voxel_size: [0.5, 0.5, 0.5], mode: occupancy}}
  - voxelize: {{name: mean, stream: lidar, range: {rng}, voxel_size: [0.5, 0.5, 0.5], mode: mean, layout: sparse}}
"""


def reference(pts, size):
    """(n, keep mask, voxel index [P, 3] int64, first-appearance order of the kept voxels,
    inverse: each kept point's slot in that order)."""
    n = []
    for a in range(3):
        q = (RANGE[a][1] - RANGE[a][0]) / size[a]
        n.append(int(np.floor(q + 0.5)))
    lo = np.array([r[0] for r in RANGE], dtype=np.float32)
    sz = np.array(size, dtype=np.float32)
    f = np.floor((pts[:, :3] - lo) / sz)  # all float32
    keep = np.all((f >= 0) & (f < np.array(n)), axis=1)
    idx = f[keep].astype(np.int64)
    key = (idx[:, 0] * n[1] + idx[:, 1]) * n[2] + idx[:, 2]
    uniq, first, inv = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # voxels by their first point
    slot = np.empty_like(order)
    slot[order] = np.arange(len(order))
    return n, keep, idx, idx[first[order]], slot[inv]


D = tmpdir()
inp = os.path.join(D, "raw")
os.makedirs(inp)
pts = make_raw.make_kitti(os.path.join(inp, "kitti.h5"))["points"]
ok(pts.shape == (17238, 4), "KITTI sweep: 17238 points of 4 float32", pts.shape)
out = os.path.join(D, "out")
spec = os.path.join(D, "k.yaml")
with open(spec, "w") as f:
    f.write(SPEC.format(inp=inp, out=out, rng=json.dumps(RANGE)))
code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never", "--report", os.path.join(D, "rep.json"))
ok(code == 0, "the sweep voxelizes (exit 0)", err)
ep = h5py.File(os.path.join(out, "shard-00000.h5"), "r")["episodes/kitti_000008"]

n, keep, idx, vox, slot = reference(pts, [0.05, 0.05, 0.1])
ok(n == [1408, 1600, 40] and int(keep.sum()) == 16897 and len(vox) == 13092,
   "reference at 0.05 x 0.05 x 0.1: 16897 points kept in 13092 voxels, as the data README says",
   (n, int(keep.sum()), len(vox)))
coords = ep["fine/coords"][()]
ok(np.array_equal(coords, vox[:, ::-1].astype(np.int32)), "fine: coords (z, y, x) of every voxel in first-appearance order",
   coords.shape)
counts = np.bincount(slot, minlength=len(vox)).astype(np.uint32)
ok(np.array_equal(ep["fine/values"][()], counts), "fine: every voxel's point count")
ok(list(ep["fine/offsets"][()]) == [0, 13092] and list(ep["fine/t"][()]) == [0], "fine: one frame, offsets [0, 13092]")

n, keep, idx, vox, slot = reference(pts, [0.5, 0.5, 0.5])
dense = np.zeros(n, dtype=np.uint8)
dense[tuple(vox.T)] = 1
grid = ep["occ/data"][()]
ok(grid.shape == (1, 141, 160, 8) and grid.dtype == np.uint8, "occ: one dense [141, 160, 8] uint8 grid", grid.shape)
ok(np.array_equal(grid[0], dense), "occ: occupancy equals the reference (%d voxels)" % int(dense.sum()))
kept = pts[keep].astype(np.float64)
sums = np.zeros((len(vox), 4))
np.add.at(sums, slot, kept)  # in input order
mean = (sums / np.bincount(slot)[:, None]).astype(np.float32)
ok(np.array_equal(ep["mean/coords"][()], vox[:, ::-1].astype(np.int32)), "mean: coords equal the reference")
ok(np.array_equal(ep["mean/values"][()], mean), "mean: the per-voxel mean of x, y, z, intensity equals the reference")
rep = json.load(open(os.path.join(D, "rep.json")))["voxelize"]
out_fine = 17238 - 16897
out_half = 17238 - int(keep.sum())
ok(rep["points_in"] == 3 * 17238 and rep["dropped_out_of_range"] == out_fine + 2 * out_half,
   "the report counts 3 x 17238 points in and the %d out of range" % (out_fine + 2 * out_half), rep)
shutil.rmtree(D)
done()
