"""test_frames.py - bench/frames.py, which writes the LiDAR sweeps of rc-bench's frame cases: the
real KITTI sweep copied byte for byte, the real 120k-point ASCII PCD sweep converted to KITTI rows
(its point count from the header, every value the float32 of its text, intensity 0), and the
inputs it must refuse (a size not a multiple of 16 bytes, a binary PCD, a header that disagrees
with itself, fewer rows than POINTS, a value that is no number, a bad NAME) with the file named and nothing written.  TAP."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

from bench_tap import SRC, done, ok
from tap import skip

FRAMES = os.path.join(SRC, "bench", "frames.py")
DATA = os.environ.get("RC_SHARED_DATA", os.path.join(SRC, "..", "shared", "data"))
KITTI, PCD = os.path.join(DATA, "kitti_000008.bin"), os.path.join(DATA, "cupcl_sample.pcd")

tmp = tempfile.mkdtemp(prefix="rc-frames-")


def run(*items, out=None):
    out = out or os.path.join(tmp, "out")
    r = subprocess.run([sys.executable, FRAMES, out] + list(items), capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr, out


try:
    if os.path.exists(KITTI) and os.path.exists(PCD):
        rc, log, out = run("kitti=" + KITTI, "cupcl=" + PCD)
        ok(rc == 0 and open(os.path.join(out, "kitti.bin"), "rb").read() == open(KITTI, "rb").read(),
           "the KITTI sweep is copied byte for byte", log)
        data = open(os.path.join(out, "cupcl.bin"), "rb").read() if rc == 0 else b""
        with open(PCD) as f:
            rows = [ln.split() for ln in f.read().splitlines()[11:] if ln.strip()]
        ok(len(data) == 16 * 119978 == 16 * len(rows), "the PCD sweep: 119,978 points of 16 bytes", len(data))
        want = b"".join(struct.pack("<4f", float(r[0]), float(r[1]), float(r[2]), 0.0) for r in rows)
        ok(data == want, "every PCD value is the float32 of its text, intensity 0")
        ok("(17238 points)" in log and "(119978 points)" in log, "it says what it wrote", log)
    else:
        for d in ("the KITTI sweep is copied byte for byte", "the PCD sweep: 119,978 points of 16 bytes",
                  "every PCD value is the float32 of its text, intensity 0", "it says what it wrote"):
            skip(d, "no real data at %s" % DATA)

    def bad(name, content, desc, item_name="x", expect=None):
        p = os.path.join(tmp, name)
        with open(p, "wb") as f:
            f.write(content)
        out = os.path.join(tmp, "bad-" + name)
        rc, log, _ = run("%s=%s" % (item_name, p), out=out)
        ok(rc != 0 and p in log and (expect is None or expect in log) and
           not os.path.exists(os.path.join(out, item_name + ".bin")), desc, log)

    head = "VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 2\nHEIGHT 1\nPOINTS %d\nDATA %s\n"
    bad("short.bin", b"\0" * 20, "a KITTI file of 20 bytes (not a multiple of 16) is refused", expect="20 bytes")
    bad("empty.bin", b"", "an empty KITTI file is refused")
    bad("binary.pcd", (head % (2, "binary")).encode() + b"\0" * 24, "a binary PCD is refused", expect="DATA ascii")
    bad("short.pcd", (head % (3, "ascii") + "1 2 3\n4 5 6\n").encode(), "fewer rows than POINTS is refused",
        expect="point 2")
    bad("text.pcd", (head % (1, "ascii") + "1 x 3\n").encode(), "a value that is not a number is refused",
        expect="point 0")
    bad("cols.pcd", (head % (1, "ascii")).replace("SIZE 4 4 4", "SIZE 4 4").encode() + b"1 2 3\n",
        "SIZE with fewer values than FIELDS is refused", expect="SIZE")
    bad("double.pcd", (head % (1, "ascii")).replace("SIZE 4 4 4", "SIZE 8 8 8").encode() + b"1 2 3\n",
        "float64 fields are refused", expect="SIZE 4 TYPE F COUNT 1")
    bad("name.bin", b"\0" * 16, "a NAME with a '/' is refused", item_name="../x", expect="NAME")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
done()
