"""make_hostile.py — the second round of hostile inputs for make_corpus.py (same case table):
inputs that reach outside their file, declare sizes past the memory budget, decode to more than
their chunk, or carry timestamps, names and spec integers at the edges of their types.  Uses
make_corpus's helpers; its functions are called from make_corpus.main()."""
import os
import shutil
import struct

import h5py
import numpy as np

import make_corpus as mc

BLOCK = 1 << 17             # a zstd block at most
BOMB_BYTES = 30517 * BLOCK  # what a zstd bomb chunk decodes to: 4.0e9 bytes, under HDF5's 4 GiB


def zstd_bomb(content_size=True):
    """One zstd frame of RLE blocks decoding to BOMB_BYTES zero bytes (~122 KB).  With
    content_size it states the size in its header; without it a decoder has to stream."""
    block = BLOCK
    if content_size:        # single segment, 8-byte content size
        head = struct.pack("<IB", 0xFD2FB528, 0xE0) + struct.pack("<Q", BOMB_BYTES)
    else:                   # window descriptor 2^17 bytes, no content size
        head = struct.pack("<IBB", 0xFD2FB528, 0x00, 0x38)
    n = BOMB_BYTES // block
    rle = struct.pack("<I", (block << 3) | (1 << 1))[:3] + b"\0"
    last = struct.pack("<I", (block << 3) | (1 << 1) | 1)[:3] + b"\0"
    return head + rle * (n - 1) + last


def bomb_dataset(where, content_size=True):
    """Replaces dataset `where` by a zstd-filtered copy (filter 32015, through the plugin) whose
    first chunk is a bomb."""
    def post(f):
        old = f[where]
        data, attrs = old[()], dict(old.attrs)
        del f[where]
        d = f.create_dataset(where, data=data, chunks=data.shape, compression=32015)
        for k, v in attrs.items():
            d.attrs[k] = v
        d.id.write_direct_chunk((0,) * data.ndim, zstd_bomb(content_size))
    return post


def input_cases(c):
    F, E = "{F}", "episode " + mc.EP
    def where(p):
        return [F, E, mc.G + p]

    # A raw input whose zstd chunk decodes to 4 GiB: refused at the chunk's own size.
    c.data_case("zstd_bomb_input", 2, where("/imu/data"), post=bomb_dataset(mc.G + "/imu/data"))
    c.data_case("zstd_bomb_input_streamed", 2, where("/imu/data"),
                post=bomb_dataset(mc.G + "/imu/data", content_size=False))


def spec_cases(c):
    pass


def shard_cases(c, shard):
    """Shards whose first observation chunk is a zstd bomb: `inspect` and `verify` refuse them."""
    with h5py.File(shard, "r") as f:
        ep = sorted(f["episodes"])[0]
    path = "/episodes/%s/observation/data" % ep
    for name, content_size in (("shard_zstd_bomb", True), ("shard_zstd_bomb_streamed", False)):
        d = c.folder(name)
        good, bad = os.path.join(d, "good"), os.path.join(d, "bad")
        shutil.copytree(os.path.dirname(shard), good)
        shutil.copytree(os.path.dirname(shard), bad)
        with h5py.File(os.path.join(bad, os.path.basename(shard)), "r+") as f:
            f[path].id.write_direct_chunk((0,) * f[path].ndim, zstd_bomb(content_size))
        target = "{D}/bad/" + os.path.basename(shard)
        c.add(name, "inspect " + target, 2, [target, path])
        c.add(name, "verify {D}/good {D}/bad", 3, [target, path])
