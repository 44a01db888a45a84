"""torch_ops.py - the PyTorch peers of rc-bench: resample, fuse, voxelize and the image resize
written the way a
PyTorch user would, on the same GPU, on inputs of the same shapes and distributions (the
real-looking clouds are the very points rc-bench dumped).  Device time of the ops with CUDA
events, median and p99 over the timed runs after warm-up; one JSON line per case, named as
rc-bench names the case.  Also importable: convert_peer.py --engine torch uses the functions.

usage: torch_ops.py [--quick] [--runs N] [--warmup N] [--dump DIR] [--frame KITTI_BIN]... GROUP...
(resample fuse voxelize image frame all)"""
import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import benchlib  # noqa: E402

try:
    import torch
except ImportError:  # the generator and tests never import this module's timing side
    torch = None

SPAN_NS = 10_000_000_000
EPOCH_NS = 1_700_000_000_000_000_000
C_COLS = 4
MODES = ["occupancy", "count", "mean", "points"]


# ---- the ops ----

def bracket(t, g):
    """Largest i with t[i] <= g, clamped to [0, S-2] so that i + 1 exists; t [B,S], g [B,T]."""
    i = torch.searchsorted(t, g, right=True) - 1
    return i.clamp(0, t.shape[1] - 2)


def weight(t, i, g):
    t0 = t.gather(1, i)
    t1 = t.gather(1, i + 1)
    w = ((g - t0).to(torch.float64) / (t1 - t0).to(torch.float64)).clamp(0.0, 1.0)
    return w.to(torch.float32), t1 - t0, t1


def rows(x, i):
    return x.gather(1, i.unsqueeze(-1).expand(-1, -1, x.shape[2]))


def resample(t, x, g, method, max_gap_ns):
    """One stream [B,S] / [B,S,D] onto [B,T]: (out [B,T,D] float32, in_long_gap [B,T]): a step
    strictly inside a bracket whose samples lie more than max_gap_ns apart."""
    i = bracket(t, g)
    w, gap, t1 = weight(t, i, g)
    gap = (gap > max_gap_ns) & (g < t1)
    if method == "linear":
        return torch.lerp(rows(x, i), rows(x, i + 1), w.unsqueeze(-1)), gap
    if method == "previous":
        j = torch.where(g >= t.gather(1, i + 1), i + 1, i)
        return rows(x, j), gap
    if method == "nearest":
        return rows(x, torch.where(w > 0.5, i + 1, i)), gap
    if method == "slerp":
        a = rows(x, i).double()
        b = rows(x, i + 1).double()
        a = a / a.norm(dim=-1, keepdim=True)
        b = b / b.norm(dim=-1, keepdim=True)
        d = (a * b).sum(-1, keepdim=True)
        b = torch.where(d < 0, -b, b)
        theta = torch.acos(d.abs().clamp(max=1.0))
        wd = w.double().unsqueeze(-1)
        small = theta < 1e-4
        s0 = torch.where(small, 1.0 - wd, torch.sin((1.0 - wd) * theta))
        s1 = torch.where(small, wd, torch.sin(wd * theta))
        r = s0 * a + s1 * b
        return (r / r.norm(dim=-1, keepdim=True)).float(), gap
    raise ValueError(method)


def valid_of(t, g, in_long_gap):
    return (g >= t[:, :1]) & (g <= t[:, -1:]) & ~in_long_gap


def fuse(streams, g, dtype, max_gap_ns):
    """streams: [(t, x, method)]; returns (out [B,T,W] of dtype, valid [B,T] uint8)."""
    outs, ok = [], None
    for t, x, m in streams:
        o, gap = resample(t, x, g, m, max_gap_ns)
        outs.append(o)
        v = valid_of(t, g, gap)
        ok = v if ok is None else ok & v
    return torch.cat(outs, dim=-1).to(dtype), ok.to(torch.uint8)


def vox_keys(pts, mn, size, n):
    """Dense voxel index (x slowest) per point, or the cell count for a dropped point."""
    f = torch.floor((pts[:, :3] - mn) / size)
    inside = ((f >= 0) & (f < n.to(f.dtype))).all(dim=1)
    ijk = f.clamp(min=0).to(torch.int64)
    key = (ijk[:, 0] * n[1] + ijk[:, 1]) * n[2] + ijk[:, 2]
    cells = int(n[0]) * int(n[1]) * int(n[2])
    return torch.where(inside, key, torch.full_like(key, cells)), cells


def vox_dense(pts, mn, size, n, mode):
    key, cells = vox_keys(pts, mn, size, n)
    if mode == "occupancy":
        return torch.zeros(cells + 1, dtype=torch.uint8, device=pts.device).index_fill_(0, key, 1)[:cells]
    cnt = torch.zeros(cells + 1, dtype=torch.int32, device=pts.device)
    cnt.index_add_(0, key, torch.ones_like(key, dtype=torch.int32))
    if mode == "count":
        return cnt[:cells]
    s = torch.zeros(cells + 1, pts.shape[1], dtype=torch.float32, device=pts.device)
    s.index_add_(0, key, pts)  # float atomics: the order of the sum varies from run to run
    return (s / cnt.clamp(min=1).unsqueeze(1))[:cells]


def first_appearance(key, sentinel):
    """Segments of equal keys numbered by their first point: (uniq keys in that order, counts,
    per-point segment rank, per-point rank inside its segment, permutation sorting points)."""
    N = key.numel()
    ks, perm = torch.sort(key, stable=True)
    uniq, inv, cnt = torch.unique_consecutive(ks, return_inverse=True, return_counts=True)
    starts = torch.cumsum(cnt, 0) - cnt
    in_seg = torch.arange(N, device=key.device) - starts[inv]
    first = torch.where(uniq != sentinel, perm[starts], torch.full_like(uniq, N))
    order = torch.argsort(first, stable=True)
    vrank = torch.empty_like(order)
    vrank[order] = torch.arange(order.numel(), device=key.device)
    return uniq[order], cnt[order], vrank[inv], in_seg, perm, ks


def zyx(key, n):
    nyz = int(n[1]) * int(n[2])
    return torch.stack([key % int(n[2]), (key % nyz) // int(n[2]), key // nyz], dim=1).to(torch.int32)


def vox_points(pts, mn, size, n, max_points, max_voxels):
    """Hard voxelization: the first max_voxels voxels by first appearance, each with its first
    max_points points in input order; (coords, voxels, num_points)."""
    key, cells = vox_keys(pts, mn, size, n)
    uniq, cnt, vr, in_seg, perm, ks = first_appearance(key, cells)
    keep = (ks != cells) & (in_seg < max_points) & (vr < max_voxels)
    vox = torch.zeros(max_voxels, max_points, pts.shape[1], dtype=pts.dtype, device=pts.device)
    vox[vr[keep], in_seg[keep]] = pts[perm[keep]]
    m = min(int((uniq != cells).sum()), max_voxels)
    return zyx(uniq[:m], n), vox, cnt[:m].clamp(max=max_points).to(torch.int32)


def vox_sparse_count_frames(pts, frame_of_point, mn, size, n):
    """Per-frame sparse counts in first-appearance order: (coords, counts, voxels per frame)."""
    key, cells = vox_keys(pts, mn, size, n)
    key = frame_of_point * (cells + 1) + key
    uniq, cnt, _, _, _, _ = first_appearance(key, -1)
    keep = uniq % (cells + 1) != cells
    uniq, cnt = uniq[keep], cnt[keep]
    per_frame = torch.bincount(uniq // (cells + 1))
    return zyx(uniq % (cells + 1), n), cnt.to(torch.int32), per_frame


# ---- inputs, as rc-bench makes them ----

def grid_params(g, device):
    size = [[0.4, 0.4, 0.2], [0.2, 0.2, 0.1]][g]
    mn = torch.tensor([-51.2, -51.2, -3.0], dtype=torch.float32, device=device)
    sz = torch.tensor(size, dtype=torch.float32, device=device)
    n = torch.tensor([[256, 256, 32], [512, 512, 64]][g], dtype=torch.int64, device=device)
    return mn, sz, n


def make_stream(B, S, D, method, gen, device):
    period = SPAN_NS // S
    t0 = EPOCH_NS + torch.arange(B, device=device, dtype=torch.int64).unsqueeze(1) * 2 * SPAN_NS
    jitter = (torch.rand(B, S, generator=gen, device=device) * (period // 4)).to(torch.int64)
    t = t0 + torch.arange(S, device=device, dtype=torch.int64) * period + jitter
    if method == "slerp":
        q = 0.5 + 0.05 * torch.randn(B, S, 4, generator=gen, device=device)
        x = q / q.norm(dim=-1, keepdim=True)
    else:
        x = torch.rand(B, S, D, generator=gen, device=device) * 2 - 1
    return t, x.float()


def make_grid(B, T, device):
    t0 = EPOCH_NS + torch.arange(B, device=device, dtype=torch.int64).unsqueeze(1) * 2 * SPAN_NS
    return t0 + torch.arange(T, device=device, dtype=torch.int64) * (SPAN_NS // T)


def resize_frames(x, size, interp):
    """uint8 frames [B, H, W, C] -> uint8 [B, h, w, C] as a PyTorch user resizes camera frames:
    to float, interpolate (area, or bilinear with antialias), round, back to uint8."""
    import torch.nn.functional as F
    y = x.permute(0, 3, 1, 2).float()
    if interp == "area":
        y = F.interpolate(y, size=size, mode="area")
    else:
        y = F.interpolate(y, size=size, mode="bilinear", antialias=True, align_corners=False)
    return y.round_().clamp_(0, 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous()


# ---- timing ----

def time_ms(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    out = []
    for _ in range(runs):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        out.append(a.elapsed_time(b))
    return out


def emit(group, name, params, ms, deterministic, call_ms=None):
    rec = {"group": group, "name": name, "engine": "torch", "params": params,
           "deterministic": deterministic, "kernel_ms": benchlib.stats(ms)}
    if call_ms is not None:
        rec["call_pinned_ms"] = benchlib.stats(call_ms)
    print(json.dumps(rec), flush=True)


def bench_resample(a, dev, gen):
    sizes = [(32, 500, 250, 256), (256, 500, 250, 256), (256, 1000, 500, 128), (1024, 1000, 500, 128)]
    for B, S, T, D in sizes[:2] if a.quick else sizes:
        B = B // 8 if a.quick else B
        t, x = make_stream(B, S, D, "linear", gen, dev)
        g = make_grid(B, T, dev)
        for tag, dt in (("f32", torch.float32), ("bf16", torch.bfloat16)):
            ms = time_ms(lambda: fuse([(t, x, "linear")], g, dt, 100_000_000), a.runs, a.warmup)
            emit("resample", "resample/%s/B%d-S%d-T%d-D%d" % (tag, B, S, T, D),
                 {"B": B, "S": S, "T": T, "D": D, "dtype": str(dt)}, ms, True)
        del t, x, g


def bench_fuse(a, dev, gen):
    defs = [(2000, 64, "linear"), (1000, 4, "slerp"), (300, 32, "nearest"), (100, 8, "previous")]
    for B in (256, 1024):
        B = B // 16 if a.quick else B
        streams = [make_stream(B, S, D, m, gen, dev) + (m,) for S, D, m in defs]
        g = make_grid(B, 500, dev)
        for tag, dt in (("f32", torch.float32), ("bf16", torch.bfloat16)):
            ms = time_ms(lambda: fuse(streams, g, dt, 100_000_000), a.runs, a.warmup)
            emit("fuse", "fuse/%s/B%d-4streams-T500-W108" % (tag, B),
                 {"B": B, "T": 500, "width": 108, "dtype": str(dt)}, ms, True)
        del streams, g


def vox_case(a, pts, g, tag, dev):
    gname = ["256x256x32", "512x512x64"][g]
    mn, sz, n = grid_params(g, dev)
    for m in MODES:
        if m == "points":
            fn = lambda: vox_points(pts, mn, sz, n, 32, 100000)  # noqa: E731
            layout = "points"
        else:
            fn = lambda: vox_dense(pts, mn, sz, n, m)  # noqa: E731
            layout = "dense"
        ms = time_ms(fn, a.runs, a.warmup)
        emit("voxelize", "voxelize/%s/%s/%s/%s" % (m, layout, tag, gname),
             {"mode": m, "layout": layout, "grid": gname, "points": pts.shape[0]}, ms, m != "mean")


def load_cloud(path, dev):
    import numpy as np
    return torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(-1, C_COLS)).to(dev)


def bench_voxelize(a, dev, gen):
    Ns = [100_000, 1_000_000, 10_000_000, 100_000_000][: 2 if a.quick else 4]
    lo = torch.tensor([-51.2, -51.2, -3.0, 0.0], device=dev)
    span = torch.tensor([102.4, 102.4, 6.4, 1.0], device=dev)
    for N in Ns:
        pts = torch.rand(N, C_COLS, generator=gen, device=dev) * span + lo
        for g in ([1] if N >= 100_000_000 else [0] if a.quick else [0, 1]):
            vox_case(a, pts, g, "uniform-%dpts" % N, dev)
        del pts
        torch.cuda.empty_cache()
    if not a.dump:
        return
    pts = load_cloud(os.path.join(a.dump, "scene.f32"), dev)
    vox_case(a, pts, 0 if a.quick else 1, "scene-%dpts" % pts.shape[0], dev)
    pts = load_cloud(os.path.join(a.dump, "frames.f32"), dev)
    F = 8 if a.quick else 64
    per = pts.shape[0] // F
    fr = torch.arange(F, device=dev, dtype=torch.int64).repeat_interleave(per)
    mn, sz, n = grid_params(1, dev)
    ms = time_ms(lambda: vox_sparse_count_frames(pts, fr, mn, sz, n), a.runs, a.warmup)
    emit("voxelize", "voxelize/count/sparse/batch-%dx%dpts/512x512x64" % (F, per),
         {"mode": "count", "layout": "sparse", "frames": F, "points": pts.shape[0]}, ms, True)
    # points mode frame by frame, as rc-bench's batch (at most 16,000 voxels per frame)
    ms = time_ms(lambda: [vox_points(pts[f * per:(f + 1) * per], mn, sz, n, 32, 16000) for f in range(F)],
                 a.runs, a.warmup)
    emit("voxelize", "voxelize/points/points/batch-%dx%dpts/512x512x64" % (F, per),
         {"mode": "points", "layout": "points", "frames": F, "points": pts.shape[0]}, ms, True)


# One LiDAR sweep as rc-bench's bench_frame.c runs it: points mode (pillars) and sparse count over
# x, y in [-51.2, 51.2), z in [-5, 3); the same first-appearance rule (vox_points,
# vox_sparse_count_frames).
FRAME_MIN = [-51.2, -51.2, -5.0]
FRAME_GRIDS = {"points": ([0.16, 0.16, 8.0], [640, 640, 1]), "count": ([0.1, 0.1, 0.2], [1024, 1024, 40])}
FRAME_MAX_POINTS_PER_VOXEL, FRAME_MAX_VOXELS = 32, 16000


def frame_tag(path):
    """The case tag of a sweep file, as bench_frame.c makes it."""
    return re.sub(r"[^A-Za-z0-9_-]", "", os.path.basename(path).split(".")[0])[:40] or "frame"


def host_ms(fn, runs, warmup):
    """Host wall of fn (which ends synchronised), ms per run."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def bench_frame(a, dev, gen):
    import numpy as np
    for path in a.frame or []:
        host = torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(-1, C_COLS)).pin_memory()
        pts = host.to(dev)
        N = host.shape[0]
        for mode, (size, n) in FRAME_GRIDS.items():
            mn = torch.tensor(FRAME_MIN, dtype=torch.float32, device=dev)
            sz = torch.tensor(size, dtype=torch.float32, device=dev)
            nn = torch.tensor(n, dtype=torch.int64, device=dev)
            if mode == "points":
                def op(p):
                    return vox_points(p, mn, sz, nn, FRAME_MAX_POINTS_PER_VOXEL, FRAME_MAX_VOXELS)
            else:
                zero = torch.zeros(N, dtype=torch.int64, device=dev)

                def op(p):
                    return vox_sparse_count_frames(p, zero, mn, sz, nn)

            def call():  # the whole call: the sweep in from page-locked memory, the results out
                outs = op(host.to(dev, non_blocking=True))
                [o.cpu() for o in outs]
                torch.cuda.synchronize()

            ms = time_ms(lambda: op(pts), a.runs, a.warmup)
            call_ms = host_ms(call, a.runs, a.warmup)
            grid = "%dx%dx%d" % tuple(n)
            emit("frame", "frame/%s/%s-%dpts/%s" % (mode, frame_tag(path), N, grid),
                 {"mode": mode, "layout": "points" if mode == "points" else "sparse", "grid": grid, "points": N,
                  "source": os.path.basename(path), "host_buffers": "page-locked in, pageable out"},
                 ms, True, call_ms)
        del host, pts
        torch.cuda.empty_cache()


def bench_image(a, dev, gen):
    B = 16 if a.quick else 256
    x = torch.randint(0, 256, (B, 480, 640, 3), generator=gen, device=dev, dtype=torch.int32).to(torch.uint8)
    for interp in ("area", "bilinear"):
        ms = time_ms(lambda: resize_frames(x, (224, 224), interp), a.runs, a.warmup)
        emit("image", "image/%s/B%d-480x640x3-224x224" % (interp, B),
             {"B": B, "in": [480, 640, 3], "out": [224, 224], "interpolation": interp,
              "torch": "interpolate(mode=%s)" % ("'area'" if interp == "area" else "'bilinear', antialias=True")},
             ms, True)
    del x
    torch.cuda.empty_cache()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--dump", default=None)
    ap.add_argument("--frame", action="append", help="a LiDAR sweep (KITTI .bin) for the frame group")
    ap.add_argument("groups", nargs="+")
    a = ap.parse_args()
    a.runs = a.runs or (5 if a.quick else 50)
    dev = torch.device("cuda")
    gen = torch.Generator(device=dev)
    gen.manual_seed(1234)
    for grp in a.groups:
        for name, fn in (("resample", bench_resample), ("fuse", bench_fuse), ("voxelize", bench_voxelize),
                         ("image", bench_image), ("frame", bench_frame)):
            if grp in (name, "all"):
                fn(a, dev, gen)


if __name__ == "__main__":
    main()
