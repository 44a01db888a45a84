"""convert_peer.py - the conversion of bench/pipeline.yaml written as a straightforward script:
h5py reads each raw episode, numpy (--engine numpy) or PyTorch on the GPU (--engine torch) fuses
six streams onto the 50 Hz intersection grid, resamples the action and voxelizes every LiDAR
sweep into sparse counts in first-appearance order, and h5py writes shards of 4 episodes with
the same chunking and zstd filter 32015 level 3 (gzip level 1 where this h5py cannot load a
32015 filter; the JSON says which).  --compare checks the result against robocache-convert's
shards (values close, valid flags and voxel lists equal), so the two do the same work.

usage: convert_peer.py --engine numpy|torch --input RAW --output DIR --json FILE [--compare TRAIN]"""
import argparse
import glob
import json
import os
import sys
import time

import h5py
import numpy as np

RATE_HZ = 50
MAX_GAP_NS = 100_000_000
FUSE = [("joint_pos", "linear"), ("joint_vel", "linear"), ("imu", "nearest"), ("gripper", "previous"),
        ("base_quat", "slerp"), ("camera_features", "linear")]
ACTION = "action"
VOX_MIN = np.array([-40, -40, -3], np.float32)
VOX_SIZE = np.array([0.2, 0.2, 0.2], np.float32)
VOX_N = np.array([400, 400, 30], np.int64)
PER_SHARD = 4
UNITS = {"ns": 1, "us": 1000, "ms": 1000000, "s": 1000000000}


# ---- read ----

def read_ns(ds):
    units = ds.attrs["units"]
    units = units.decode() if isinstance(units, bytes) else str(units)
    t = ds[()]
    if t.dtype.kind == "f":  # llround(t * 1e9): half away from zero
        v = t * 1e9
        return (np.sign(v) * np.floor(np.abs(v) + 0.5)).astype(np.int64)
    return t.astype(np.int64) * UNITS[units]


def read_episode(g):
    ep = {}
    for name, _ in FUSE + [(ACTION, None)]:
        ep[name] = (read_ns(g[name]["t"]), g[name]["data"][()].astype(np.float32))
    ep["lidar"] = (read_ns(g["lidar"]["t"]), g["lidar"]["points"][()].astype(np.float32),
                   g["lidar"]["offsets"][()].astype(np.int64))
    return ep


def timeline(ep):
    t0 = max(ep[s][0][0] for s, _ in FUSE + [(ACTION, None)])
    t1 = min(ep[s][0][-1] for s, _ in FUSE + [(ACTION, None)])
    k = np.arange(0, (t1 - t0) * RATE_HZ // 1_000_000_000 + 2, dtype=np.int64)
    g = t0 + k * (1_000_000_000 // RATE_HZ)  # 50 Hz: k * 1e9 / rate is an exact integer
    return g[g <= t1]


# ---- numpy engine ----

def np_resample(t, x, g, method):
    i = np.clip(np.searchsorted(t, g, side="right") - 1, 0, len(t) - 2)
    t0, t1 = t[i], t[i + 1]
    w = np.clip((g - t0).astype(np.float64) / (t1 - t0).astype(np.float64), 0.0, 1.0)
    if method == "linear":
        out = x[i] + (x[i + 1] - x[i]) * w.astype(np.float32)[:, None]
    elif method == "previous":
        out = x[np.where(g >= t1, i + 1, i)]
    elif method == "nearest":
        out = x[np.where(w > 0.5, i + 1, i)]
    else:  # slerp, in float64
        a = x[i].astype(np.float64)
        b = x[i + 1].astype(np.float64)
        a /= np.linalg.norm(a, axis=1, keepdims=True)
        b /= np.linalg.norm(b, axis=1, keepdims=True)
        d = np.sum(a * b, axis=1, keepdims=True)
        b = np.where(d < 0, -b, b)
        th = np.arccos(np.clip(np.abs(d), 0.0, 1.0))
        wd = w[:, None]
        small = th < 1e-4
        s0 = np.where(small, 1.0 - wd, np.sin((1.0 - wd) * th))
        s1 = np.where(small, wd, np.sin(wd * th))
        r = s0 * a + s1 * b
        out = (r / np.linalg.norm(r, axis=1, keepdims=True)).astype(np.float32)
    bad = ((t1 - t0) > MAX_GAP_NS) & (g < t1)
    valid = (g >= t[0]) & (g <= t[-1]) & ~bad
    return out.astype(np.float32), valid


def np_voxelize(points, offsets):
    F = len(offsets) - 1
    frame = np.repeat(np.arange(F, dtype=np.int64), np.diff(offsets))
    f = np.floor((points[:, :3] - VOX_MIN) / VOX_SIZE)
    inside = np.all((f >= 0) & (f < VOX_N), axis=1)
    ijk = f[inside].astype(np.int64)
    cells = int(np.prod(VOX_N))
    key = frame[inside] * cells + (ijk[:, 0] * VOX_N[1] + ijk[:, 1]) * VOX_N[2] + ijk[:, 2]
    uniq, first, cnt = np.unique(key, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    uniq, cnt = uniq[order], cnt[order]
    v = uniq % cells
    coords = np.stack([v % VOX_N[2], (v // VOX_N[2]) % VOX_N[1], v // (VOX_N[1] * VOX_N[2])], axis=1)
    per_frame = np.bincount(uniq // cells, minlength=F)
    return coords.astype(np.int32), cnt.astype(np.uint32), np.concatenate([[0], np.cumsum(per_frame)])


def convert_numpy(ep, g):
    cols, valid = [], np.ones(len(g), bool)
    for name, method in FUSE:
        o, v = np_resample(ep[name][0], ep[name][1], g, method)
        cols.append(o)
        valid &= v
    act, _ = np_resample(ep[ACTION][0], ep[ACTION][1], g, "linear")
    return np.concatenate(cols, axis=1), valid.astype(np.uint8), act


# ---- torch engine (the PyTorch peer's ops, one episode at a time on the GPU) ----

def convert_torch(ep, g, tops, torch, dev):
    gg = torch.from_numpy(g).to(dev).unsqueeze(0)
    streams = [(torch.from_numpy(ep[n][0]).to(dev).unsqueeze(0), torch.from_numpy(ep[n][1]).to(dev).unsqueeze(0), m)
               for n, m in FUSE]
    obs, valid = tops.fuse(streams, gg, torch.float32, MAX_GAP_NS)
    ta = torch.from_numpy(ep[ACTION][0]).to(dev).unsqueeze(0)
    xa = torch.from_numpy(ep[ACTION][1]).to(dev).unsqueeze(0)
    act, _ = tops.resample(ta, xa, gg, "linear", MAX_GAP_NS)
    return obs[0].cpu().numpy(), valid[0].cpu().numpy(), act[0].cpu().numpy()


def voxelize_torch(points, offsets, tops, torch, dev):
    p = torch.from_numpy(points).to(dev)
    F = len(offsets) - 1
    fr = torch.repeat_interleave(torch.arange(F, device=dev), torch.from_numpy(np.diff(offsets)).to(dev))
    mn = torch.from_numpy(VOX_MIN).to(dev)
    sz = torch.from_numpy(VOX_SIZE).to(dev)
    n = torch.from_numpy(VOX_N).to(dev)
    coords, cnt, per_frame = tops.vox_sparse_count_frames(p, fr, mn, sz, n)
    pf = np.zeros(F, np.int64)
    pf[: per_frame.numel()] = per_frame.cpu().numpy()
    return coords.cpu().numpy(), cnt.cpu().numpy().astype(np.uint32), np.concatenate([[0], np.cumsum(pf)])


# ---- write ----

def chunk_rows(a):
    row = a.dtype.itemsize * int(np.prod(a.shape[1:], dtype=np.int64))
    return max(1, min(len(a), 1048576 // max(row, 1)))


def pick_codec(tmp):
    """zstd 32015 through HDF5_PLUGIN_PATH when this h5py can load it (checked in a child, since
    a plugin built for another HDF5 can crash the process), else gzip level 1."""
    import subprocess
    probe = ("import h5py,numpy as np,sys; f=h5py.File(sys.argv[1],'w'); "
             "f.create_dataset('a',data=np.arange(1000.),chunks=(100,),compression=32015,compression_opts=(3,)); "
             "f.close(); f=h5py.File(sys.argv[1],'r'); assert (f['a'][()]==np.arange(1000.)).all()")
    r = subprocess.run([sys.executable, "-c", probe, os.path.join(tmp, "probe.h5")], capture_output=True)
    return ("zstd", 32015, (3,)) if r.returncode == 0 else ("gzip", "gzip", 1)


def put(grp, name, a, codec):
    a = np.ascontiguousarray(a)
    if len(a) == 0:
        grp.create_dataset(name, data=a, maxshape=(None,) + a.shape[1:], chunks=(1,) + a.shape[1:])
        return
    grp.create_dataset(name, data=a, chunks=(chunk_rows(a),) + a.shape[1:], compression=codec[1],
                       compression_opts=codec[2])


# ---- compare with robocache-convert's shards ----

def compare(train, results):
    """results: {episode id: (obs, valid, act, coords, values, offsets)} of this script."""
    ok, notes = True, []
    for path in sorted(glob.glob(os.path.join(train, "shard-*.h5"))):
        with h5py.File(path, "r") as f:
            for eid, g in f["episodes"].items():
                if eid not in results:
                    ok = False
                    notes.append("%s: missing in the peer's output" % eid)
                    continue
                obs, valid, act, coords, values, offsets = results[eid]
                checks = [
                    ("observation", np.allclose(g["observation/data"][()], obs, rtol=1e-4, atol=1e-4)),
                    ("valid", np.array_equal(g["observation/valid"][()], valid)),
                    ("action", np.allclose(g["action/data"][()], act, rtol=1e-4, atol=1e-4)),
                    ("voxel coords", np.array_equal(g["lidar_grid/coords"][()], coords)),
                    ("voxel counts", np.array_equal(g["lidar_grid/values"][()], values)),
                    ("voxel offsets", np.array_equal(g["lidar_grid/offsets"][()], offsets)),
                ]
                for what, good in checks:
                    if not good:
                        ok = False
                        notes.append("%s: %s differs" % (eid, what))
    return ok, notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=["numpy", "torch"], required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--compare", default=None)
    a = ap.parse_args()
    tops = torch = dev = None
    if a.engine == "torch":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import torch_ops as tops
        import torch
        dev = torch.device("cuda")
        torch.zeros(1, device=dev)  # context creation belongs to no stage
    os.makedirs(a.output, exist_ok=True)
    codec = pick_codec(a.output)
    wall0 = time.perf_counter()  # after imports, CUDA start-up and the codec probe
    files = sorted(glob.glob(os.path.join(a.input, "**", "*.h5"), recursive=True))
    raw_bytes = sum(os.path.getsize(p) for p in files)
    stage = {"read": 0.0, "resample": 0.0, "voxelize": 0.0, "write": 0.0}
    kept = {} if a.compare else None
    shard, n_in_shard, n_shards, episodes, stat_rows = None, 0, 0, 0, []
    for path in files:
        with h5py.File(path, "r") as fin:
            for eid in sorted(fin["episodes"].keys()):
                t = time.perf_counter()
                ep = read_episode(fin["episodes"][eid])
                stage["read"] += time.perf_counter() - t
                t = time.perf_counter()
                g = timeline(ep)
                if a.engine == "numpy":
                    obs, valid, act = convert_numpy(ep, g)
                else:
                    obs, valid, act = convert_torch(ep, g, tops, torch, dev)
                stage["resample"] += time.perf_counter() - t
                t = time.perf_counter()
                tl, pts, offs = ep["lidar"]
                if a.engine == "numpy":
                    coords, values, voffs = np_voxelize(pts, offs)
                else:
                    coords, values, voffs = voxelize_torch(pts, offs, tops, torch, dev)
                stage["voxelize"] += time.perf_counter() - t
                t = time.perf_counter()
                if shard is None:
                    shard = h5py.File(os.path.join(a.output, "shard-%05d.h5" % n_shards), "w")
                    n_shards += 1
                e = shard.create_group("episodes/" + eid)
                for name, arr in (("observation/data", obs), ("observation/t", g), ("observation/valid", valid),
                                  ("action/data", act), ("action/t", g), ("lidar_grid/coords", coords),
                                  ("lidar_grid/values", values), ("lidar_grid/offsets", voffs),
                                  ("lidar_grid/t", tl)):
                    put(e, name, arr, codec)
                e.attrs["steps"] = np.int64(len(g))
                stat_rows.append(obs[valid == 1].astype(np.float64))
                n_in_shard += 1
                episodes += 1
                if n_in_shard == PER_SHARD:
                    shard.close()
                    shard, n_in_shard = None, 0
                stage["write"] += time.perf_counter() - t
                if kept is not None:
                    kept[eid] = (obs, valid, act, coords, values, voffs)
    t = time.perf_counter()
    if shard is not None:
        shard.close()
    allv = np.concatenate(stat_rows) if stat_rows else np.zeros((0, 1))
    stats = {"mean": allv.mean(0).tolist(), "std": allv.std(0).tolist(), "min": allv.min(0).tolist(),
             "max": allv.max(0).tolist()} if len(allv) else {}
    with open(os.path.join(a.output, "manifest.json"), "w") as f:
        json.dump({"episodes": episodes, "shards": n_shards, "stats": {"observation": stats}}, f)
    stage["write"] += time.perf_counter() - t
    wall = time.perf_counter() - wall0
    rec = {"engine": a.engine, "codec": codec[0], "episodes": episodes, "shards": n_shards,
           "raw_bytes": raw_bytes, "wall_s": wall, "stages_busy_s": stage}
    if a.compare:
        rec["agrees_with_robocache"], rec["differences"] = compare(a.compare, kept)
    with open(a.json, "w") as f:
        json.dump(rec, f, indent=1)
    print(json.dumps(rec))


if __name__ == "__main__":
    main()
