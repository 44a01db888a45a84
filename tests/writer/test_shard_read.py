#!/usr/bin/env python3
# test_shard_read.py — reads the fixture shard (shard_fixture, fixture.h) with h5py through the
# built HDF5 plugin (HDF5_PLUGIN_PATH) and checks it against data generated here independently:
# values, dtypes (float16, bfloat16 convention), shapes, chunk shapes (docs/FORMAT.md rule),
# filter 32015 + level, root/episode attributes, content_sha256 recomputed per docs/FORMAT.md,
# byte-identical output of two processes, and `inspect` (output, digests, mismatch and damage).
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import bail, diag, done, ok  # noqa: E402


# (episode, rel_path, dtype name, dims, seed): the table of fixture.h, restated.
FIXTURE = [
    ("ep-000000", "state/data", "float32", (4097, 64), 1),
    ("ep-000000", "state/t", "int64", (4097,), 2),
    ("ep-000000", "state/valid", "uint8", (4097,), 3),
    ("ep-000000", "camera/data", "uint8", (3, 16, 16, 3), 4),
    ("ep-000000", "half/data", "float16", (1000, 3), 5),
    ("ep-000000", "brain/data", "bfloat16", (777, 5), 6),
    ("ep-000000", "count/data", "uint32", (5, 2, 2), 7),
    ("ep-000000", "index/data", "int32", (1,), 8),
    ("ep-000000", "wide/data", "uint16", (10,), 9),
    ("ep-000001", "state/data", "float32", (1, 64), 10),
    ("ep-000001", "big/data", "uint8", (3, 600000), 11),
    ("ep-000001", "exact/data", "int32", (262144,), 12),
    ("ep-000001", "over/data", "int32", (262145,), 13),
    ("ep-000001", "voxel/grid/data", "float16", (2, 4, 5, 6), 14),
    ("ep-000001", "voxel/mean/data", "float32", (3, 4, 3, 2, 4), 15),
    ("ep-000001", "voxel/sparse/coords", "int32", (0, 3), 16),
]
LEVEL = 5
SPEC = 'version: 1\n# fixture spec "quoted"\ninput: {dir: raw}\n'
STORED = {"float32": "<f4", "int64": "<i8", "uint8": "|u1", "float16": "<f2", "bfloat16": "<u2",
          "uint32": "<u4", "int32": "<i4", "uint16": "<u2"}


def expected(dtype, dims, s):
    i = np.arange(int(np.prod(dims)), dtype=np.int64)
    if dtype == "uint8":
        v = ((i * 31 + s) % 251).astype(np.uint8)
    elif dtype == "uint16":
        v = ((i * 977 + s) % 65521).astype(np.uint16)
    elif dtype == "uint32":
        v = ((i.astype(np.uint64) * np.uint64(2654435761) + np.uint64(s)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    elif dtype == "int32":
        v = ((i * 7919 + s) % 200003 - 100000).astype(np.int32)
    elif dtype == "int64":
        v = (i * 1000003 + s) * 1000 - (1 << 40)
    elif dtype == "float32":
        v = (((i * 37 + s) % 1000) / 8.0 - 60.0).astype(np.float32)
    elif dtype == "float16":
        v = ((((i * 7 + s) % 2048) - 1024) / 16.0).astype(np.float16)
    elif dtype == "bfloat16":
        f = ((((i * 13 + s) % 256) - 128) / 4.0).astype(np.float32)
        v = (f.view(np.uint32) >> 16).astype(np.uint16)
    return v.reshape(dims)


def dtype_name(ds):
    if ds.attrs.get("dtype") in (b"bfloat16", "bfloat16"):
        return "bfloat16"
    return ds.dtype.name


def content_sha256(group):
    """docs/FORMAT.md "Content digest", from the decoded data only."""
    paths = []
    group.visititems(lambda name, obj: paths.append(name) if isinstance(obj, h5py.Dataset) else None)
    h = hashlib.sha256()
    for rel in sorted(paths, key=lambda p: p.encode()):
        ds = group[rel]
        h.update(rel.encode() + b"\0" + dtype_name(ds).encode() + b"\0")
        h.update(struct.pack("<Q", ds.ndim) + b"".join(struct.pack("<Q", d) for d in ds.shape))
        h.update(hashlib.sha256(np.ascontiguousarray(ds[()]).tobytes()).digest())
    return h.hexdigest()


def chunk_rows(dtype, dims):
    row = np.dtype(STORED[dtype]).itemsize * int(np.prod(dims[1:]))
    return max(1, min(dims[0], max(1, (1 << 20) // row)))  # an empty dataset: 1-row chunks


def run(*args):
    return subprocess.run(list(args), capture_output=True, text=True)


tmp = tempfile.mkdtemp(prefix="rc-test-read.")
try:
    fixture = os.path.join(os.environ["RC_BUILDDIR"], "tests", "writer", "shard_fixture")
    a, b = os.path.join(tmp, "a.h5"), os.path.join(tmp, "b.h5")
    ra, rb = run(fixture, a), run(fixture, b)
    if ra.returncode or rb.returncode:
        bail("shard_fixture failed: " + ra.stderr + rb.stderr)
    ok(open(a, "rb").read() == open(b, "rb").read(), "two processes writing the same content give identical bytes")
    written = dict(line.split() for line in ra.stdout.splitlines())
    ok(sorted(os.listdir(tmp)) == ["a.h5", "b.h5"], "no temporary files left after commit")

    with h5py.File(a, "r") as f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        ok(attrs.get("format") == "robocache-shard" and attrs.get("format_version") == 1,
           "root format and format_version")
        ok(attrs.get("tool_version") == "0.1.0-fixture" and attrs.get("backend") == "cpu" and
           attrs.get("spec_sha256") == hashlib.sha256(SPEC.encode()).hexdigest() and
           attrs.get("created_from") == "0123456789abcdef" * 4, "root provenance attributes")
        ok(f["meta/pipeline"][()].decode() == SPEC, "/meta/pipeline holds the spec text")
        ok(sorted(f["episodes"].keys()) == ["ep-000000", "ep-000001"], "episodes present")
        good_values = good_layout = good_filter = True
        for ep, rel, dt, dims, seed in FIXTURE:
            ds = f["episodes"][ep][rel]
            want = expected(dt, dims, seed)
            if ds.dtype != np.dtype(STORED[dt]) or ds.shape != dims or dtype_name(ds) != dt or \
                    not np.array_equal(ds[()], want):
                good_values = False
                diag("%s/%s: dtype %s shape %s" % (ep, rel, ds.dtype, ds.shape))
            if ds.chunks != (chunk_rows(dt, dims),) + dims[1:]:
                good_layout = False
                diag("%s/%s: chunks %s, rule gives %d rows" % (ep, rel, ds.chunks, chunk_rows(dt, dims)))
            dcpl = ds.id.get_create_plist()
            filt = dcpl.get_filter(0) if dcpl.get_nfilters() == 1 else None
            chunk_bytes = int(np.prod(ds.chunks)) * ds.dtype.itemsize
            if filt is None or filt[0] != 32015 or tuple(filt[2]) != (LEVEL, chunk_bytes) or filt[1] & 1:
                good_filter = False
                diag("%s/%s: filter %s" % (ep, rel, filt))
        ok(good_values, "every dataset reads back through the plugin with the expected dtype, shape and values")
        ok(good_layout, "chunk shapes follow the docs/FORMAT.md rule (1 MiB of rows, at most the dataset)")
        ok(good_filter, "every dataset has exactly filter 32015, mandatory, cd_values = (level, chunk bytes)")
        ok(f["episodes/ep-000000/half/data"].dtype == np.float16, "float16 reads as numpy float16")
        e0 = f["episodes/ep-000000"].attrs
        ok(e0["source_file"] == b"raw/raw-00000.h5" and e0["source_group"] == b"ep-000000" and
           e0["steps"] == 4097 and e0["steps"].dtype == np.int64, "episode attributes source_file, source_group, steps")
        digests = {ep: content_sha256(f["episodes"][ep]) for ep in ("ep-000000", "ep-000001")}
        stored = {ep: f["episodes"][ep].attrs["content_sha256"].decode() for ep in digests}
        ok(digests == stored == written, "content_sha256 recomputed per docs/FORMAT.md equals the attribute")
        ds_sha = hashlib.sha256(f["episodes/ep-000001/over/data"][()].tobytes()).hexdigest()

    # Without the plugin (empty plugin folder) the data cannot be decoded: the reads above did go
    # through plugins/libh5zstd_rc.so.
    empty = os.path.join(tmp, "no-plugins")
    os.mkdir(empty)
    r = subprocess.run([sys.executable, "-c", "import h5py, sys; h5py.File(sys.argv[1])['episodes/ep-000000/state/t'][()]", a],
                       capture_output=True, text=True, env=dict(os.environ, HDF5_PLUGIN_PATH=empty))
    ok(r.returncode != 0 and ("32015" in r.stderr or "filter" in r.stderr),
       "without the plugin h5py cannot decode (so the reads above used it)")
    os.rmdir(empty)

    rc_bin = os.environ["RC_BIN"]
    r = run(rc_bin, "inspect", a)
    ok(r.returncode == 0, "inspect exits 0 on a good shard")
    out = r.stdout
    ok("format: robocache-shard 1" in out and "backend: cpu" in out and "  | version: 1" in out and
       "spec_sha256: " + hashlib.sha256(SPEC.encode()).hexdigest() in out, "inspect prints format and provenance")
    ok(out.count("content_sha256 ok ") == 2 and ("content_sha256 ok " + written["ep-000000"]) in out,
       "inspect recomputes both episode digests")
    ok("over/data  int32  shape [262145]  chunks [262144]  zstd level 5  sha256 " + ds_sha in out,
       "inspect prints dtype, shape, chunks, filter and content digest of a dataset")
    ok("brain/data  bfloat16  shape [777, 5]" in out and "voxel/grid/data  float16  shape [2, 4, 5, 6]" in out,
       "inspect names bfloat16 and nested datasets")
    ok("voxel/mean/data  float32  shape [3, 4, 3, 2, 4]  chunks [3, 4, 3, 2, 4]" in out and
       "voxel/sparse/coords  int32  shape [0, 3]  chunks [1, 3]  zstd level 5  sha256 " + hashlib.sha256(b"").hexdigest() in out,
       "inspect shows a rank-5 dataset and an empty one")

    # A tampered digest attribute: inspect must report the mismatch and exit 2.
    c = os.path.join(tmp, "c.h5")
    shutil.copy(a, c)
    with h5py.File(c, "r+") as f:
        f["episodes/ep-000001"].attrs["content_sha256"] = np.bytes_("0" * 64)
    r = run(rc_bin, "inspect", c)
    ok(r.returncode == 2 and "content_sha256 MISMATCH" in r.stdout and "content_sha256 ok" in r.stdout,
       "a wrong content_sha256 is reported as MISMATCH (exit 2)")

    # A damaged compressed chunk (zstd frames carry no checksum): either the decode fails, naming
    # file, episode and dataset, or the recomputed digest differs; exit 2 both ways.
    d = os.path.join(tmp, "d.h5")
    shutil.copy(a, d)
    with h5py.File(d, "r") as f:
        info = f["episodes/ep-000000/state/data"].id.get_chunk_info(0)
    with open(d, "r+b") as fh:
        fh.seek(info.byte_offset + info.size // 2)
        byte = fh.read(1)
        fh.seek(info.byte_offset + info.size // 2)
        fh.write(bytes([byte[0] ^ 0xFF]))
    r = run(rc_bin, "inspect", d)
    decode_failed = d in r.stderr and "episode ep-000000" in r.stderr and "state/data" in r.stderr
    mismatch = "content_sha256 MISMATCH: stored " + written["ep-000000"] in r.stdout
    ok(r.returncode == 2 and (decode_failed or mismatch), "a damaged chunk makes inspect exit 2 (%s)" %
       ("decode failed" if decode_failed else "digest mismatch" if mismatch else "undetected"))
    diag(r.stderr)

    # A damaged frame header: the decode must fail, naming file, episode and dataset.
    with open(d, "r+b") as fh:
        fh.seek(info.byte_offset)
        fh.write(b"\0\0\0\0")
    r = run(rc_bin, "inspect", d)
    ok(r.returncode == 2 and d in r.stderr and "episode ep-000000" in r.stderr and
       "/episodes/ep-000000/state/data" in r.stderr and "decoding the dataset failed" in r.stderr,
       "a chunk with a broken frame header: inspect exits 2 naming file, episode and dataset")
    diag(r.stderr)

    # Malformed shards: a missing episode attribute, a dataset of a type we never write.
    g = os.path.join(tmp, "g.h5")
    shutil.copy(a, g)
    with h5py.File(g, "r+") as f:
        del f["episodes/ep-000001"].attrs["steps"]
    r = run(rc_bin, "inspect", g)
    ok(r.returncode == 2 and "episode ep-000001" in r.stderr and "expected attributes source_file, source_group, steps"
       in r.stderr, "an episode without 'steps': exit 2 naming the episode")
    shutil.copy(a, g)
    with h5py.File(g, "r+") as f:
        f["episodes/ep-000000/state/extra"] = np.zeros(3, dtype=np.float64)
    r = run(rc_bin, "inspect", g)
    ok(r.returncode == 2 and "/episodes/ep-000000/state/extra" in r.stderr and "element types" in r.stderr,
       "a float64 dataset: exit 2 naming its path")
    shutil.copy(a, g)
    with h5py.File(g, "r+") as f:
        del f["meta"]
    r = run(rc_bin, "inspect", g)
    ok(r.returncode == 3 and "/meta/pipeline" in r.stderr, "a shard without /meta/pipeline: exit 3 naming the path")

    # Not a shard, missing, wrong version, usage.
    e = os.path.join(tmp, "e.h5")
    with h5py.File(e, "w") as f:
        f["x"] = np.arange(3)
    r = run(rc_bin, "inspect", e)
    ok(r.returncode == 3 and e in r.stderr and "not a robocache shard" in r.stderr,
       "an HDF5 file that is not a shard: exit 3 naming the file")
    r = run(rc_bin, "inspect", os.path.join(tmp, "missing.h5"))
    ok(r.returncode == 3 and "missing.h5" in r.stderr, "a missing file: exit 3 naming it")
    shutil.copy(a, e)
    with h5py.File(e, "r+") as f:
        f.attrs["format_version"] = np.int64(2)
    r = run(rc_bin, "inspect", e)
    ok(r.returncode == 3 and "expected format_version 1, found 2" in r.stderr, "format_version 2: exit 3 saying so")
    ok(run(rc_bin, "inspect").returncode == 1 and run(rc_bin, "inspect", a, b).returncode == 1 and
       run(rc_bin, "inspect", "--bogus").returncode == 1, "inspect usage errors exit 1")
    r = run(rc_bin, "inspect", "--help")
    ok(r.returncode == 0 and "usage: robocache-convert inspect SHARD" in r.stdout, "inspect --help")
finally:
    shutil.rmtree(tmp)

done()
