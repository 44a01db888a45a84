"""test_voxelize.py — rc_vox_params_init and rc_voxelize_cpu against the independent reference
ref_ops.voxelize, bit for bit: every mode (occupancy, count, mean, points) and layout (dense,
sparse) on random, edge and adversarial frames, including truncation counts and rejected
parameters."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops_case  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tap  # noqa: E402
import ref_ops  # noqa: E402

rng = np.random.default_rng(99)
RANGE = [[-2.0, 2.0], [-1.0, 3.0], [0.0, 1.0]]
SIZE = [0.25, 0.5, 0.3]  # z: 1.0 / 0.3 rounds to n = 3, the top 0.1 m is outside


def canon(a):
    a = np.array(a)
    if a.dtype == np.float32:
        a.view(np.uint32)[np.isnan(a)] = 0x7FC00000
    return a


def check(name, pts, mode, sparse, rng_=RANGE, size=SIZE, max_points=0, max_voxels=0):
    layout = "points" if mode == "points" else ("sparse" if sparse else "dense")
    label = "%s %s %s" % (mode, layout, name)
    got = ops_case.run_voxelize(pts, mode, sparse, rng_, size, max_points, max_voxels)
    ref = ref_ops.voxelize(pts, rng_, size, mode, sparse, max_points, max_voxels)
    if not tap.ok(got is not None and got["rc"] == 0, "%s: accepted and run" % label):
        return
    bad = []
    for key in ref:
        g = got[key]
        r = ref[key]
        if isinstance(r, int):
            if g != r:
                bad.append("%s: got %d expected %d" % (key, g, r))
            continue
        ok, diag = ops_case.bits_equal(g, canon(r) if mode == "mean" else r)
        if not ok:
            bad.append("%s: %s" % (key, diag))
    tap.ok(not bad, "%s: bit-exact with the reference" % label, "\n".join(bad))


def cloud(N, C, spread=1.3):
    lo = np.array([r[0] for r in RANGE])
    hi = np.array([r[1] for r in RANGE])
    mid, half = (lo + hi) / 2, (hi - lo) / 2 * spread
    p = rng.uniform(mid - half, mid + half, size=(N, 3))
    extra = rng.standard_normal((N, C - 3)) * 10
    return np.concatenate([p, extra], axis=1).astype(np.float32)


ALL = [("occupancy", 0), ("count", 0), ("mean", 0), ("occupancy", 1), ("count", 1), ("mean", 1)]
random4 = cloud(3000, 4)
clustered = cloud(2000, 3, spread=0.2)  # many points per voxel
border = np.array([[-2.0, -1.0, 0.0], [2.0, 3.0, 1.0], [-2.0, 3.0, 0.9], [1.9999999, 2.9999998, 0.8999999],
                   [-2.0000002, 0.0, 0.5], [0.0, -1.0000001, 0.5], [0.25, 0.5, 0.3], [-0.25, -0.5, 0.6],
                   [0.0, 0.0, 0.9000001]], dtype=np.float32)
def boundaries(rng_, size):
    """Every voxel boundary of each axis and its float32 neighbours (other axes mid-range):
    floor((p - min) / size) decides these, and another order of operations (e.g. multiplying
    by 1/size) moves some of them."""
    pts = []
    for a in range(3):
        lo, sz = np.float32(rng_[a][0]), np.float32(size[a])
        for k in range(-1, int((rng_[a][1] - rng_[a][0]) / size[a]) + 3):
            e = np.float32(lo + np.float32(k) * sz)
            for v in (np.nextafter(e, np.float32(-np.inf)), e, np.nextafter(e, np.float32(np.inf))):
                p = [np.float32((r[0] + r[1]) / 2) for r in rng_]
                p[a] = v
                pts.append(p)
    return np.array(pts, dtype=np.float32)


boundary = boundaries(RANGE, SIZE)
LONG_RANGE, LONG_SIZE = [[0.0, 12.0], [-40.0, 40.0], [-3.0, 9.0]], [0.3, 0.1, 0.7]
long_boundary = boundaries(LONG_RANGE, LONG_SIZE)
nasty = np.array([[np.nan, 0, 0.5], [0, np.inf, 0.5], [0, 0, -np.inf], [3e38, 0, 0.5], [-3e38, 0, 0.5],
                  [1e-45, 1e-45, 1e-45], [-1e-45, 0, 0.5], [0.1, 0.1, 0.1], [0.1, 0.1, 0.1]],
                 dtype=np.float32)
nasty_c4 = np.concatenate([nasty, np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [np.nan], [7.0],
                                            [np.inf], [8.0]], dtype=np.float32)], axis=1)
for mode, sparse in ALL:
    check("random C=4", random4, mode, sparse)
    check("clustered", clustered, mode, sparse)
    check("points on range borders", border, mode, sparse)
    check("points on voxel boundaries", boundary, mode, sparse)
    check("voxel boundaries of long axes", long_boundary, mode, sparse, rng_=LONG_RANGE, size=LONG_SIZE)
    check("NaN/Inf/huge/tiny points", nasty_c4, mode, sparse)
    check("empty frame", np.zeros((0, 3), dtype=np.float32), mode, sparse)
check("n rounds half away (1/0.4 = 2.5 -> 3)", cloud(500, 3), "count", 0, size=[0.5, 0.5, 0.4])
check("negative range", cloud(400, 3) - np.float32(10), "count", 1,
      rng_=[[-12.0, -8.0], [-11.0, -7.0], [-10.0, -9.0]], size=[0.1, 0.1, 0.1])
big = (rng.standard_normal((3000, 3)) * 50).astype(np.float32)
check("2^20 cells per axis (sparse only)", big, "mean", 1,
      rng_=[[-100.0, 100.0]] * 3, size=[200.0 / 2**20] * 3)

for mp, mv in ((1, 1), (3, 5), (5, 40), (100, 1000)):
    check("random max_points=%d max_voxels=%d" % (mp, mv), random4, "points", 0, max_points=mp,
          max_voxels=mv)
    check("clustered max_points=%d max_voxels=%d" % (mp, mv), clustered, "points", 0, max_points=mp,
          max_voxels=mv)
check("NaN/Inf points", nasty_c4, "points", 0, max_points=2, max_voxels=4)
res = ops_case.run_voxelize(clustered, "points", 0, RANGE, SIZE, 3, 5)
tap.ok(res["dropped_points"] > 0 and res["dropped_voxels"] > 0 and res["n_voxels"] == 5,
       "truncation is exercised (points and voxels dropped)", str(res))

for name, r_, s_ in (("size 0", RANGE, [0.0, 0.5, 0.3]), ("negative size", RANGE, [0.25, -0.5, 0.3]),
                     ("empty range", [[1.0, 1.0], [0, 1], [0, 1]], [0.1] * 3),
                     ("inverted range", [[1.0, 0.0], [0, 1], [0, 1]], [0.1] * 3),
                     ("n rounds to 0", [[0.0, 0.04], [0, 1], [0, 1]], [0.1] * 3),
                     ("2^31 cells", [[0.0, 2.0**31], [0, 1], [0, 1]], [1.0] * 3),
                     ("2^63 cells in all", [[0.0, 2.0**21], [0.0, 2.0**21], [0.0, 2.0**21]], [1.0] * 3),
                     ("NaN range", [[np.nan, 1.0], [0, 1], [0, 1]], [0.1] * 3)):
    tap.ok(ops_case.run_voxelize(border, "count", 0, r_, s_) is None, "rejected: %s" % name)
tap.ok(ops_case.run_voxelize(border, "points", 0, RANGE, SIZE, 0, 4) is None, "rejected: max_points 0")
tap.ok(ops_case.run_voxelize(border[:, :2], "count", 0, RANGE, SIZE) is None, "rejected: C = 2")
res = ops_case.run_voxelize(border, "count", 0, RANGE, SIZE)
tap.ok(list(res["n"]) == [16, 8, 3], "n = round((max - min) / size) per axis", str(res["n"]))
res = ops_case.run_voxelize(border, "count", 1, [[0.0, 2.0**20], [0.0, 2.0**21], [0.0, 2.0**21]], [1.0] * 3)
tap.ok(res is not None and list(res["n"]) == [2**20, 2**21, 2**21], "accepted: 2^62 cells in all (sparse)")
tap.done()
