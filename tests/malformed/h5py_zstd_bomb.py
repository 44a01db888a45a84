#!/usr/bin/python3
"""h5py_zstd_bomb.py — the zstd plugin (HDF5_PLUGIN_PATH) in a foreign HDF5 program: a dataset
written through it records its chunk size in cd_values[1], good chunks read back, and a chunk
forged into a zstd bomb (~122 KB decoding to 4.0e9 bytes) fails the read in h5py without the
program's memory growing (TAP)."""
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import h5py  # noqa: E402
import numpy as np  # noqa: E402

import make_hostile  # noqa: E402

RSS_BOUND_KB = 512 * 1024
READER = """
import sys, h5py
try:
    h5py.File(sys.argv[1], "r")["d"][()]
except OSError as e:
    print("refused:", e)
    sys.exit(0)
sys.exit("read a bomb")
"""

n = failed = 0


def ok(cond, desc, diag=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, desc))
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[:20]:
            print("# " + line)


with tempfile.TemporaryDirectory(prefix="rc-h5py-bomb-") as tmp:
    data = np.arange(64 * 7, dtype=np.float32).reshape(64, 7)
    for name, content_size in (("sized", True), ("streamed", False)):
        path = os.path.join(tmp, name + ".h5")
        with h5py.File(path, "w") as f:
            d = f.create_dataset("d", data=data, chunks=(16, 7), compression=32015, compression_opts=(5,))
            cd = d.id.get_create_plist().get_filter_by_id(32015)[1]
        ok(tuple(cd) == (5, 16 * 7 * 4), "%s: cd_values = [level, chunk bytes]" % name, "got %s" % (cd,))
        with h5py.File(path, "r") as f:
            ok(np.array_equal(f["d"][()], data), "%s: the dataset reads back through the plugin" % name)
        with h5py.File(path, "r+") as f:
            f["d"].id.write_direct_chunk((16, 0), make_hostile.zstd_bomb(content_size))
        p = subprocess.run([sys.executable, "-c", READER, path], capture_output=True, text=True)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        ok(p.returncode == 0 and "refused" in p.stdout, "%s: h5py fails the read of the bomb chunk" % name,
           p.stdout + p.stderr)
        ok(rss < RSS_BOUND_KB, "%s: h5py's peak RSS %d MB < %d MB" % (name, rss // 1024, RSS_BOUND_KB // 1024))
print("1..%d" % n)
sys.exit(1 if failed else 0)
