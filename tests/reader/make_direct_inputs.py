#!/usr/bin/env python3
"""make_direct_inputs.py OUT_DIR — h5py files for test_direct: every storage layout and filter
the direct reader decodes, and every case it must leave to H5Dread.  Writes OUT_DIR/cases.txt,
one line per dataset: file, dataset path, expected path ("ok" or the fallback reason)."""
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(18)
cases = []


def smooth(shape, dtype):
    """Compressible data: a random walk along the first axis."""
    x = np.cumsum(rng.normal(size=shape), axis=0)
    return (x * 100).astype(dtype) if np.dtype(dtype).kind in "iu" else x.astype(dtype)


def add(f, name, data, expect, **kw):
    f.create_dataset(name, data=data, **kw)
    cases.append((os.path.basename(f.filename), "/" + name, expect))


with h5py.File(os.path.join(out, "plain.h5"), "w") as f:
    add(f, "contig_f32", smooth((1000, 7), "f4"), "ok")
    add(f, "contig_f64", smooth((333,), "f8"), "ok")
    add(f, "contig_i64", np.arange(-50, 950, dtype="i8"), "ok")
    add(f, "contig_u8_4d", rng.integers(0, 256, (3, 5, 6, 3), dtype="u1"), "ok")
    add(f, "scalar_f32", np.float32(2.5), "ok")
    add(f, "contig_empty", np.zeros((0, 4), "f4"), "ok")
    add(f, "chunk_rows", smooth((1000, 7), "f4"), "ok", chunks=(64, 7))
    add(f, "chunk_both_edges", smooth((1000, 7), "f4"), "ok", chunks=(64, 3))
    add(f, "chunk_3d_i16", smooth((37, 11, 5), "i2"), "ok", chunks=(8, 4, 2))
    add(f, "chunk_bigger_than_data", smooth((10, 7), "f4"), "ok", chunks=(100, 7), maxshape=(None, 7))
    add(f, "chunk_empty", np.zeros((0, 3), "f4"), "ok", chunks=(16, 3), maxshape=(None, 3))
    for level in (1, 4, 9):
        add(f, f"gzip{level}", smooth((1000, 7), "f4"), "ok", chunks=(100, 7), compression="gzip",
            compression_opts=level)
    add(f, "gzip_edges_2d", smooth((1000, 7), "f8"), "ok", chunks=(128, 4), compression="gzip")
    add(f, "gzip_random", rng.integers(0, 256, (5000,), dtype="u1"), "ok", chunks=(999,),
        compression="gzip", compression_opts=1)
    add(f, "shuffle_gzip", smooth((1000, 7), "f4"), "ok", chunks=(100, 7), shuffle=True,
        compression="gzip")
    add(f, "shuffle_gzip_i64", np.arange(12345, dtype="i8") * 3, "ok", chunks=(1000,), shuffle=True,
        compression="gzip")
    add(f, "shuffle_only", smooth((500, 3), "f8"), "ok", chunks=(64, 3), shuffle=True)
    # large enough (over 4 MiB decoded) for several decode threads: whole and edge chunks
    add(f, "gzip_big", smooth((300000, 7), "f4"), "ok", chunks=(1000, 7), compression="gzip")
    add(f, "shuffle_gzip_big_edges", smooth((200001, 9), "f4"), "ok", chunks=(1024, 4), shuffle=True,
        compression="gzip")
    # Over the 8 MiB of one pread, not a multiple of it: read in pieces with read-ahead.
    add(f, "contig_pieces", rng.integers(0, 256, (2 * (8 << 20) + 12345,), dtype="u1"), "ok")
    # Chunks placed in the file last first: the read-ahead's places out of grid order.
    d = f.create_dataset("chunk_reversed", shape=(1000, 7), dtype="f4", chunks=(100, 7), compression="gzip")
    rev = smooth((1000, 7), "f4")
    for r in range(900, -1, -100):
        d[r:r + 100] = rev[r:r + 100]
    cases.append(("plain.h5", "/chunk_reversed", "ok"))
    # A declared chunk of 80 MB for 10 values: never decoded here (HDF5 may).
    add(f, "chunk_huge", smooth((10,), "f4"), "sizes", chunks=(20_000_000,), maxshape=(None,),
        compression="gzip")
    # Left to H5Dread: a checksum filter, byte order, fill values, compound, compact.
    add(f, "fletcher32", smooth((1000, 7), "f4"), "filter", chunks=(100, 7), fletcher32=True)
    add(f, "big_endian", smooth((1000, 7), ">f4"), "type")
    add(f, "big_endian_gzip", smooth((1000, 7), ">f4"), "type", chunks=(100, 7), compression="gzip")
    d = f.create_dataset("unallocated", shape=(1000, 7), dtype="f4", chunks=(100, 7), fillvalue=7.0)
    d[:200] = smooth((200, 7), "f4")
    cases.append(("plain.h5", "/unallocated", "unallocated"))
    add(f, "compound", np.array([(1, 2.0), (3, 4.0)], dtype=[("a", "i4"), ("b", "f8")]), "type")
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    sp = h5py.h5s.create_simple((20, 3))
    h5py.h5d.create(f.id, b"compact", h5py.h5t.NATIVE_FLOAT, sp, dcpl=dcpl).write(
        h5py.h5s.ALL, h5py.h5s.ALL, smooth((20, 3), "f4"))
    cases.append(("plain.h5", "/compact", "layout"))

# HDF5 addresses count from the end of a user block: the direct reader must add it.
with h5py.File(os.path.join(out, "userblock.h5"), "w", userblock_size=512) as f:
    add(f, "contig", smooth((1000, 7), "f4"), "ok")
    add(f, "gzip", smooth((1000, 7), "f4"), "ok", chunks=(100, 7), compression="gzip")

# zstd (filter 32015) as the repository's plugin writes it (one frame per chunk, size recorded).
try:
    with h5py.File(os.path.join(out, "zstd.h5"), "w") as f:
        add(f, "zstd", smooth((1000, 7), "f4"), "ok", chunks=(100, 7), compression=32015,
            compression_opts=(3,))
        add(f, "shuffle_zstd_edges", smooth((1000, 7), "f8"), "ok", chunks=(64, 4), shuffle=True,
            compression=32015, compression_opts=(19,))
except Exception as e:  # the plugin folder is in HDF5_PLUGIN_PATH under make check
    sys.exit(f"make_direct_inputs.py: cannot write zstd with the robocache plugin: {e}")

# lz4 (filter 32004) when an HDF5 lz4 plugin is installed (Debian: hdf5-filter-plugin).
try:
    with h5py.File(os.path.join(out, "lz4.h5"), "w") as f:
        add(f, "lz4", smooth((1000, 7), "f4"), "ok", chunks=(100, 7), compression=32004)
        # 1 KiB blocks: many blocks per chunk; random bytes: blocks stored raw.
        add(f, "lz4_blocks", smooth((1000, 7), "f8"), "ok", chunks=(200, 7), compression=32004,
            compression_opts=(1024,))
        add(f, "lz4_random", rng.integers(0, 256, (10000,), dtype="u1"), "ok", chunks=(3000,),
            compression=32004, compression_opts=(1000,))
except Exception:
    os.remove(os.path.join(out, "lz4.h5"))
    cases = [c for c in cases if c[0] != "lz4.h5"]
    print("# no HDF5 lz4 plugin: lz4 cases not written", file=sys.stderr)

with open(os.path.join(out, "cases.txt"), "w") as f:
    for c in cases:
        f.write(" ".join(c) + "\n")
