# test_int_streams.py — integer streams of every width (int8, int16, int32, int64, uint8, uint16,
# uint32, uint64), with the extremes of each type among their values, in a raw file named as a
# user names them, converted under every method that takes a series (linear, nearest, previous,
# window) and checked against ref_ops.py on the values as HDF5 converts them to float32 (round
# to nearest; numpy's astype(float32) rounds the same way), bit for bit.
import os
import shutil
import sys

import h5py
import numpy as np

SRC = os.environ["RC_SRCDIR"]
sys.path.insert(0, os.path.join(SRC, "tests", "e2e"))
sys.path.insert(0, os.path.join(SRC, "tests", "ops"))
from e2e_common import done, grid, ok, rc, tmpdir  # noqa: E402
import ref_ops  # noqa: E402

TYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
METHODS = ("linear", "nearest", "previous", "window")
rng = np.random.default_rng(8)
D = tmpdir()
os.makedirs(os.path.join(D, "in"))
src = {}
with h5py.File(os.path.join(D, "in", "counters.h5"), "w") as f:
    g = f.create_group("episodes/cart_run")
    for k, ty in enumerate(TYPES):
        info = np.iinfo(ty)
        S = 30 + 3 * k
        x = rng.integers(info.min, info.max, size=(S, 3), dtype=ty, endpoint=True)
        x[1, 0], x[2, 1], x[3, 2] = info.min, info.max, 0
        x[4] = [info.max, info.min, info.max]
        t = (np.arange(S) * int(1e9 / (20 + 3 * k)) + k * 1000).astype(np.int64)
        s = g.create_group("enc_" + ty)
        s["data"], s["t"] = x, t
        s["t"].attrs["units"] = "ns"
        src[ty] = (t, x)
spec = "version: 1\ninput: {dir: in}\noutput: {dir: out}\ntimeline: {rate_hz: 50, span: union}\nstages:\n"
for ty in TYPES:
    for m in METHODS:
        extra = ", window: 2" if m == "window" else ""
        spec += "  - resample: {name: %s_%s, stream: enc_%s, method: %s%s}\n" % (ty, m, ty, m, extra)
with open(os.path.join(D, "ints.yaml"), "w") as f:
    f.write(spec)
code, _, err = rc("run", os.path.join(D, "ints.yaml"), "--backend", "cpu", "--progress", "never")
ok(code == 0, "eight integer types under four methods convert (exit 0)", err)
ep = h5py.File(os.path.join(D, "out", "shard-00000.h5"), "r")["episodes/cart_run"] if code == 0 else None
t_all = [v for ty in TYPES for v in (src[ty][0][0], src[ty][0][-1])]
g = grid(int(min(t_all)), int(max(t_all)), 50)
for ty in TYPES:
    t, x = src[ty]
    xf = x.astype(np.float32)
    for m in METHODS:
        name = "%s_%s" % (ty, m)
        if ep is None or name not in ep:
            ok(False, "%s: output present" % name)
            continue
        got = ep[name + "/data"][()]
        if m == "window":
            r, mask = ref_ops.window(t, xf, g, 2)
            same = np.array_equal(got.view(np.uint32), r.view(np.uint32)) and np.array_equal(ep[name + "/mask"][()], mask)
        else:
            r = ref_ops.resample(m, [int(v) for v in t], xf, [int(v) for v in g])
            same = np.array_equal(got.view(np.uint32), r.view(np.uint32))
        ok(same, "%s (extremes %d and %d among the values): %s equals the reference bit for bit"
           % (ty, np.iinfo(ty).min, np.iinfo(ty).max, m), np.argwhere(got != r)[:3] if got.shape == r.shape else got.shape)
shutil.rmtree(D)
done()
