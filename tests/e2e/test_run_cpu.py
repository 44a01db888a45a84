# test_run_cpu.py — the whole conversion on the CPU backend (docs/SPEC.md §1, §3, §4, §6):
# synth -> run -> read back with h5py through the zstd plugin, and compare every output with an
# independent numpy model of the raw input; the manifest, report and trace; determinism across
# --threads and runs.
import filecmp
import hashlib
import json
import os
import struct

import h5py
import numpy as np

from e2e_common import (bracket, done, grid, ok, rc, read_ns, resample_linear_approx,
                        resample_nearest, resample_previous, tmpdir, write_spec)

D = tmpdir()
raw = os.path.join(D, "raw")
code, out, err = rc("synth", raw, "--preset", "tiny", "--episodes", "3", "--seconds", "3", "--seed", "5")
ok(code == 0, "synth tiny dataset", err)
spec = write_spec(os.path.join(D, "p.yaml"), input="raw", output="train")
code, out, err = rc("run", spec, "--backend", "cpu", "--threads", "2", "--report", os.path.join(D, "rep.json"),
                    "--trace", os.path.join(D, "trace.json"), "--progress", "never")
ok(code == 0, "run --backend cpu exits 0", err)
train = os.path.join(D, "train")
names = sorted(os.listdir(train)) if os.path.isdir(train) else []
ok(names == ["manifest.json", "shard-00000.h5", "shard-00001.h5"],
   "3 episodes at 2 per shard give 2 shards and a manifest, no temporary files", names)
ok("backend: cpu" in err, "stderr says which backend ran", err)

man = json.load(open(os.path.join(train, "manifest.json")))
spec_text = open(spec, "rb").read()
spec_hex = hashlib.sha256(spec_text).hexdigest()
ok(man.get("spec_sha256") == spec_hex, "manifest spec digest is SHA-256 of the spec file")
ok(man.get("backend") == "cpu", "manifest names the backend")
ok([e["id"] for e in man["episodes"]] == ["ep-000000", "ep-000001", "ep-000002"],
   "manifest lists every episode in input order", man.get("episodes"))

# Independent model of the raw input.
raw_eps = {}
for fn in sorted(os.listdir(raw)):
    with h5py.File(os.path.join(raw, fn), "r") as f:
        for eid in f["episodes"]:
            g = f["episodes"][eid]
            raw_eps[eid] = {s: (read_ns(g[s]["t"]), g[s]["data"][()] if "data" in g[s] else None,
                                g[s]["points"][()] if "points" in g[s] else None,
                                g[s]["offsets"][()] if "offsets" in g[s] else None)
                            for s in g}


def digest(g):
    """content_sha256 as docs/FORMAT.md defines it: one record per dataset, in byte order of the
    path, each ending with the SHA-256 of the dataset's decoded little-endian bytes."""
    paths = []
    g.visititems(lambda n, o: paths.append(n) if isinstance(o, h5py.Dataset) else None)
    h = hashlib.sha256()
    for rel in sorted(paths, key=str.encode):
        ds = g[rel]
        a = ds[()]
        name = ds.attrs.get("dtype", None)
        name = name.decode() if isinstance(name, bytes) else name
        name = name or {"u1": "uint8", "u2": "uint16", "i4": "int32", "u4": "uint32", "i8": "int64",
                        "f2": "float16", "f4": "float32"}[a.dtype.str[1:]]
        h.update(rel.encode() + b"\0" + name.encode() + b"\0")
        h.update(struct.pack("<Q", a.ndim) + b"".join(struct.pack("<Q", d) for d in a.shape))
        h.update(hashlib.sha256(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()).digest())
    return h.hexdigest()


obs_rows = []
for e in man["episodes"]:
    with h5py.File(os.path.join(train, e["shard"]), "r") as f:
        eid = e["id"]
        if e is man["episodes"][0]:
            ok(f.attrs["format"] in ("robocache-shard", b"robocache-shard") and int(f.attrs["format_version"]) == 1,
               "shard root attributes format / format_version")
            pipe = f["meta/pipeline"][()]
            pipe = pipe if isinstance(pipe, bytes) else pipe.encode() if isinstance(pipe, str) else bytes(pipe)
            ok(pipe.rstrip(b"\0") == spec_text, "/meta/pipeline holds the spec text as run")
            dcpl = f["episodes"][eid]["observation/data"].id.get_create_plist()
            ok(any(dcpl.get_filter(i)[0] == 32015 for i in range(dcpl.get_nfilters())),
               "datasets carry zstd filter 32015")
        g = f["episodes"][eid]
        r = raw_eps[eid]
        used = ["joint_pos", "gripper", "base_quat", "imu", "action"]
        t0 = max(r[s][0][0] for s in used)
        t1 = min(r[s][0][-1] for s in used)
        G = grid(t0, t1, 50)
        obs = g["observation/data"][()]
        ok(np.array_equal(g["observation/t"][()], G), eid + ": observation/t is the 50 Hz intersection grid")
        ok(int(g.attrs["steps"]) == len(G) and e["steps"] == len(G), eid + ": steps attribute and manifest agree")
        ok(obs.shape == (len(G), 7 + 1 + 4 + 6) and obs.dtype == np.float32, eid + ": observation is [T, 18] float32",
           obs.shape)
        jp = resample_linear_approx(r["joint_pos"][0], r["joint_pos"][1], G)
        ok(np.allclose(obs[:, 0:7], jp, rtol=1e-5, atol=1e-5), eid + ": joint_pos linear matches numpy.interp",
           np.abs(obs[:, 0:7] - jp).max())
        ok(np.array_equal(obs[:, 7:8], resample_previous(r["gripper"][0], r["gripper"][1], G)),
           eid + ": gripper previous is exact")
        q = obs[:, 8:12].astype(np.float64)
        ok(np.allclose(np.linalg.norm(q, axis=1), 1, atol=1e-6), eid + ": slerp output is unit norm")
        ok(np.array_equal(obs[:, 12:18], resample_nearest(r["imu"][0], r["imu"][1], G)), eid + ": imu nearest is exact")
        valid = np.ones(len(G), np.uint8)
        for s in ["joint_pos", "gripper", "base_quat", "imu"]:
            t = r[s][0]
            for k, tk in enumerate(G):
                i = bracket(t, tk)
                if tk < t[0] or tk > t[-1] or (i + 1 < len(t) and tk < t[i + 1] and t[i + 1] - t[i] > 100_000_000):
                    valid[k] = 0
        ok(np.array_equal(g["observation/valid"][()], valid), eid + ": valid marks steps inside gaps > 100 ms",
           np.nonzero(g["observation/valid"][()] != valid))
        act = resample_linear_approx(r["action"][0], r["action"][1], G)
        ok(np.allclose(g["action/data"][()], act, rtol=1e-5, atol=1e-5), eid + ": action linear matches numpy.interp")
        # voxelize count, sparse, against a numpy model (float32 index, first-appearance order)
        tl, _, pts, offs = r["lidar"]
        mn = np.array([-20, -20, -2], np.float32)
        sz = np.array([0.5, 0.5, 0.5], np.float32)
        n = np.array([80, 80, 12])
        coords, values, o = [], [], [0]
        for fi in range(len(tl)):
            p = pts[offs[fi]:offs[fi + 1], :3].astype(np.float32)
            idx = np.floor((p - mn) / sz)
            keep = np.all((idx >= 0) & (idx < n), axis=1)
            order, counts = [], {}
            for ix, iy, iz in idx[keep].astype(np.int64):
                key = (iz, iy, ix)
                if key not in counts:
                    order.append(key)
                    counts[key] = 0
                counts[key] += 1
            coords += order
            values += [counts[k] for k in order]
            o.append(o[-1] + len(order))
        ok(np.array_equal(g["lidar_grid/offsets"][()], np.array(o)), eid + ": voxel offsets per frame")
        ok(np.array_equal(g["lidar_grid/coords"][()], np.array(coords, np.int32).reshape(-1, 3)),
           eid + ": voxel coords z,y,x in first-appearance order")
        ok(np.array_equal(g["lidar_grid/values"][()], np.array(values, np.uint32)), eid + ": voxel counts")
        ok(np.array_equal(g["lidar_grid/t"][()], tl), eid + ": one voxel frame per sweep, with its timestamp")
        attr = g.attrs["content_sha256"]
        attr = attr.decode() if isinstance(attr, bytes) else attr
        ok(attr == digest(g) == e["content_sha256"], eid + ": content_sha256 recomputed from decoded data")
        obs_rows.append(obs[g["observation/valid"][()] == 1])

allv = np.concatenate(obs_rows).astype(np.float64)
st = man["stats"]["observation"]
ok(np.allclose(st["mean"], allv.mean(axis=0), rtol=1e-9, atol=1e-9) and
   np.allclose(st["std"], allv.std(axis=0), rtol=1e-6, atol=1e-9) and
   np.array_equal(np.array(st["min"]), allv.min(axis=0)) and np.array_equal(np.array(st["max"]), allv.max(axis=0)),
   "manifest stats (valid rows) match numpy")
ok(all(e["split"] in ("train", "val") for e in man["episodes"]), "every episode has a split")

rep = json.load(open(os.path.join(D, "rep.json")))
ok(rep["backend"] == "cpu" and set(rep["stages"]) == {"read", "resample", "voxelize", "compress", "write"} and
   all(rep["stages"][s]["items"] > 0 for s in rep["stages"]), "report has every stage with items", rep.get("stages"))
ok(rep["stages"]["write"]["bytes_out"] > 0 and rep["episodes_written"] == 3, "report counts bytes and episodes")
tr = json.load(open(os.path.join(D, "trace.json")))
ok(sum(1 for e in tr["traceEvents"] if e["ph"] == "X") >= 12, "trace holds the stage intervals")

# Same bytes for --threads 1 and a second run.
code, _, err = rc("run", spec, "--backend", "cpu", "--threads", "1", "--output", os.path.join(D, "train1"),
                  "--progress", "never")
ok(code == 0, "second run with --threads 1", err)
same = all(filecmp.cmp(os.path.join(train, n_), os.path.join(D, "train1", n_), shallow=False) for n_ in names)
ok(same, "--threads 1 and --threads 2 give byte-identical shards and manifest")

code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
ok(code == 1 and "--force" in err, "an existing conversion is not overwritten without --force", err)
code, _, err = rc("run", spec, "--backend", "cpu", "--force", "--progress", "never")
ok(code == 0 and all(filecmp.cmp(os.path.join(train, n_), os.path.join(D, "train1", n_), shallow=False)
                     for n_ in names), "--force reruns and gives the same bytes again", err)
done()
