#!/usr/bin/env python3
# test_zstd_compat.py — what docs/FORMAT.md states about other readers of filter 32015: every
# chunk of a converted shard is exactly one zstd frame whose header records the chunk's decoded
# size, and cd_values[0] is the level (cd_values[1], our own, the chunk's decoded size).  That is what the registered zstd plugin
# (HDF5Plugin-Zstandard, the one the hdf5plugin Python package bundles) needs: it sizes its output
# from the frame header and decodes one frame.  The other way round, our plugin (through
# HDF5_PLUGIN_PATH) reads chunks written without a recorded size and as several frames.
# libzstd is called through ctypes, independently of the filter under test.
import ctypes
import ctypes.util
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok, scratch_dir  # noqa: E402


zstd = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
zstd.ZSTD_findFrameCompressedSize.restype = ctypes.c_size_t
zstd.ZSTD_findFrameCompressedSize.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
zstd.ZSTD_getFrameContentSize.restype = ctypes.c_ulonglong
zstd.ZSTD_getFrameContentSize.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
zstd.ZSTD_compressBound.restype = ctypes.c_size_t
zstd.ZSTD_createCCtx.restype = ctypes.c_void_p
zstd.ZSTD_CCtx_setParameter.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
zstd.ZSTD_compress2.restype = ctypes.c_size_t
zstd.ZSTD_compress2.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
zstd.ZSTD_isError.argtypes = [ctypes.c_size_t]
zstd.ZSTD_freeCCtx.argtypes = [ctypes.c_void_p]
ZSTD_c_contentSizeFlag = 200
UNKNOWN = 2**64 - 1


def compress(raw, record_size):
    cctx = zstd.ZSTD_createCCtx()
    zstd.ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1 if record_size else 0)
    out = ctypes.create_string_buffer(zstd.ZSTD_compressBound(len(raw)))
    size = zstd.ZSTD_compress2(cctx, out, len(out), raw, len(raw))
    zstd.ZSTD_freeCCtx(cctx)
    assert not zstd.ZSTD_isError(size)
    return out.raw[:size]


rc_bin = os.environ["RC_BIN"]
tmp = scratch_dir("rc-zstdcompat.")
os.chdir(tmp)
subprocess.run([rc_bin, "synth", "raw", "--preset", "tiny", "--episodes", "2", "--seconds", "2", "--seed", "5"],
               check=True, stdout=subprocess.DEVNULL)
with open("p.yaml", "w") as f:
    f.write("version: 1\ninput: {dir: raw, layout: robocache-raw}\n"
            "output: {dir: train, compression: {codec: zstd, level: 7}}\ntimeline: {rate_hz: 50}\n"
            "stages:\n  - resample: {name: action, stream: action, method: linear}\n"
            "  - voxelize: {name: grid, stream: lidar, range: [[-20, 20], [-20, 20], [-2, 4]],"
            " voxel_size: [1, 1, 1], mode: count}\n")
subprocess.run([rc_bin, "run", "p.yaml"], check=True, stdout=subprocess.DEVNULL)

# 1. Our chunks, as another 32015 decoder sees them.
datasets = []
with h5py.File("train/shard-00000.h5", "r") as f:
    f.visititems(lambda name, o: datasets.append(name) if isinstance(o, h5py.Dataset) and o.chunks else None)
    n_chunks = 0
    bad = []
    opts = set()
    chunk_sizes = set()
    for name in datasets:
        d = f[name]
        plist = d.id.get_create_plist()
        filters = [plist.get_filter(i) for i in range(plist.get_nfilters())]
        z = [flt for flt in filters if flt[0] == 32015]
        if not z:
            continue
        opts.add(tuple(z[0][2]))
        chunk_bytes = int(np.prod(d.chunks)) * d.dtype.itemsize
        chunk_sizes.add(chunk_bytes)
        for i in range(d.id.get_num_chunks()):
            info = d.id.get_chunk_info(i)
            _, raw = d.id.read_direct_chunk(info.chunk_offset)
            one_frame = zstd.ZSTD_findFrameCompressedSize(raw, len(raw)) == len(raw)
            size = zstd.ZSTD_getFrameContentSize(raw, len(raw))
            n_chunks += 1
            if not one_frame or size != chunk_bytes:
                bad.append("%s chunk %d: one frame %s, recorded size %d of %d" % (name, i, one_frame, size, chunk_bytes))
ok(n_chunks > 0, "the shard has zstd-filtered chunks (%d in %d datasets)" % (n_chunks, len(datasets)))
ok(not bad, "every chunk is one zstd frame recording the chunk's decoded size" + ("" if not bad else ": " + bad[0]))
ok(all(o[0] == 7 and (len(o) == 1 or len(o) == 2 and o[1] in chunk_sizes) for o in opts) and opts,
   "cd_values[0] is the level, cd_values[1] (when present) the chunk's decoded size: %s" % sorted(opts))

# 2. Chunks other writers may produce, read through our plugin.
data = np.arange(4096, dtype=np.float32).reshape(64, 64)
with h5py.File("other.h5", "w") as f:
    for name, frames in (("sized", [True]), ("unsized", [False]), ("two_frames", [True, True])):
        d = f.create_dataset(name, shape=data.shape, dtype=data.dtype, chunks=data.shape,
                             compression=32015, compression_opts=(3,))
        raw = data.tobytes()
        half = len(raw) // 2
        if len(frames) == 1:
            blob = compress(raw, frames[0])
        else:
            blob = compress(raw[:half], True) + compress(raw[half:], True)
        d.id.write_direct_chunk((0, 0), blob)
with h5py.File("other.h5", "r") as f:
    for name in ("sized", "unsized", "two_frames"):
        try:
            got = f[name][...]
            same = np.array_equal(got, data)
        except OSError as e:
            same = False
            print("# %s: %s" % (name, e))
        ok(same, "our plugin reads a chunk written as %s" % name.replace("_", " "))

subprocess.run(["rm", "-rf", tmp])
done()
