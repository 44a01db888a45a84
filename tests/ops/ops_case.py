"""ops_case.py — runs tests/ops/ops_driver on one case and parses its result.  The case format
(little-endian) mirrors ops_driver.c: u32 magic "RCOP", u32 op, then the op's fields.  Shared by
the ops Python tests; holds no reference arithmetic."""
import os
import struct
import subprocess
import tempfile

import numpy as np

MAGIC = 0x504F4352
METHOD = {"linear": 0, "nearest": 1, "previous": 2, "slerp": 3}
QUAT = {"wxyz": 0, "xyzw": 1}
DTYPE = {"f32": 0, "f16": 1, "bf16": 2}
MODE = {"occupancy": 0, "count": 1, "mean": 2, "points": 3}


def _driver():
    return os.path.join(os.environ["RC_BUILDDIR"], "tests", "ops", "ops_driver")


def _run(payload):
    with tempfile.TemporaryDirectory() as d:
        cin, cout = os.path.join(d, "case.bin"), os.path.join(d, "result.bin")
        with open(cin, "wb") as f:
            f.write(payload)
        r = subprocess.run([_driver(), cin, cout], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("ops_driver failed (%d): %s" % (r.returncode, r.stderr.strip()))
        with open(cout, "rb") as f:
            return f.read()


class Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, dtype, n):
        dt = np.dtype(dtype)
        a = np.frombuffer(self.data, dtype=dt, count=n, offset=self.at)
        self.at += n * dt.itemsize
        return a.copy()

    def one(self, dtype):
        return self.take(dtype, 1)[0]

    def done(self):
        if self.at != len(self.data):
            raise RuntimeError("result has %d bytes, parsed %d" % (len(self.data), self.at))


def run_fuse(blocks, grid, dtype="f32", max_gap_ns=0, threads=0):
    """blocks: list of (method, t int64[S], x float32[S, D], quat).  Returns (out, valid):
    out float32 [T, width] (f32) or uint16 bits (f16/bf16), valid uint8 [T]."""
    grid = np.asarray(grid, dtype="<i8")
    p = struct.pack("<IIiiqqi", MAGIC, 1, len(blocks), DTYPE[dtype], len(grid), max_gap_ns, threads)
    p += grid.tobytes()
    width = 0
    for method, t, x, quat in blocks:
        t = np.asarray(t, dtype="<i8")
        x = np.asarray(x, dtype="<f4").reshape(len(t), -1)
        p += struct.pack("<iiiq", METHOD[method], QUAT[quat], x.shape[1], len(t))
        p += t.tobytes() + x.tobytes()
        width += x.shape[1]
    r = Reader(_run(p))
    out = r.take("<f4" if dtype == "f32" else "<u2", len(grid) * width).reshape(len(grid), width)
    valid = r.take("u1", len(grid))
    r.done()
    return out, valid


def run_window(t, x, grid, n, dtype="f32", threads=0):
    """One window job (method window, N = n).  Returns (out, mask, valid): out float32
    [T, N, D] (f32) or uint16 bits (f16/bf16), mask uint8 [T, N], valid uint8 [T]."""
    grid = np.asarray(grid, dtype="<i8")
    t = np.asarray(t, dtype="<i8")
    x = np.asarray(x, dtype="<f4").reshape(len(t), -1)
    T, D = len(grid), x.shape[1]
    p = struct.pack("<IIiiiqi", MAGIC, 4, DTYPE[dtype], n, D, T, threads) + grid.tobytes()
    p += struct.pack("<q", len(t)) + t.tobytes() + x.tobytes()
    r = Reader(_run(p))
    out = r.take("<f4" if dtype == "f32" else "<u2", T * n * D).reshape(T, n, D)
    mask = r.take("u1", T * n).reshape(T, n)
    valid = r.take("u1", T)
    r.done()
    return out, mask, valid


def run_convert(values):
    """Returns (f16 bits, bf16 bits) of float32 values, as uint16 arrays."""
    v = np.asarray(values, dtype="<f4")
    r = Reader(_run(struct.pack("<IIq", MAGIC, 2, len(v)) + v.tobytes()))
    h, b = r.take("<u2", len(v)), r.take("<u2", len(v))
    r.done()
    return h, b


def run_voxelize(points, mode, sparse, rng, size, max_points=0, max_voxels=0):
    """points float32 [N, C]; rng [[min, max]] * 3; size [3].  Returns a dict, or None when
    rc_vox_params_init rejected the parameters."""
    pts = np.asarray(points, dtype="<f4")
    N, C = pts.shape
    p = struct.pack("<IIiiiii", MAGIC, 3, MODE[mode], int(sparse), C, max_points, max_voxels)
    p += np.asarray(rng, dtype="<f8").reshape(6).tobytes()
    p += np.asarray(size, dtype="<f8").reshape(3).tobytes()
    p += struct.pack("<q", N) + pts.tobytes()
    r = Reader(_run(p))
    res = {"init_rc": int(r.one("<i4"))}
    if res["init_rc"] != 0:
        r.done()
        return None
    res["n"] = r.take("<i4", 3)
    res["min"] = r.take("<f4", 3)
    res["size"] = r.take("<f4", 3)
    res["rc"] = int(r.one("<i4"))
    for k in ("n_voxels", "dropped_range", "dropped_points", "dropped_voxels"):
        res[k] = int(r.one("<i8"))
    nx, ny, nz = (int(a) for a in res["n"])
    vdt, vcols = {"occupancy": ("u1", 1), "count": ("<u4", 1), "mean": ("<f4", C)}.get(mode, (None, 0))
    if mode == "points":
        res["coords"] = r.take("<i4", max_voxels * 3).reshape(max_voxels, 3)
        res["voxels"] = r.take("<f4", max_voxels * max_points * C).reshape(max_voxels, max_points, C)
        res["num_points"] = r.take("<i4", max_voxels)
    elif sparse:
        res["coords"] = r.take("<i4", N * 3).reshape(N, 3)
        res["values"] = r.take(vdt, N * vcols).reshape(N, vcols) if mode == "mean" else r.take(vdt, N)
    else:
        d = r.take(vdt, nx * ny * nz * vcols)
        res["dense"] = d.reshape(nx, ny, nz, C) if mode == "mean" else d.reshape(nx, ny, nz)
    r.done()
    return res


def bits_equal(a, b):
    """Bitwise equality of two arrays of the same dtype and shape; returns (ok, diagnosis)."""
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    if a.shape != b.shape or a.dtype.itemsize != b.dtype.itemsize:
        return False, "shape/dtype %s %s vs %s %s" % (a.shape, a.dtype, b.shape, b.dtype)
    ua = a.view("u%d" % a.dtype.itemsize)
    ub = b.view("u%d" % b.dtype.itemsize)
    bad = np.nonzero(ua.reshape(-1) != ub.reshape(-1))[0]
    if len(bad) == 0:
        return True, ""
    i = bad[0]
    return False, "%d of %d elements differ; first at flat %d: got %r (0x%x) expected %r (0x%x)" % (
        len(bad), ua.size, i, a.reshape(-1)[i], ua.reshape(-1)[i], b.reshape(-1)[i], ub.reshape(-1)[i])
