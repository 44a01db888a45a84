#!/usr/bin/env python3
"""frames.py - writes the LiDAR sweeps of rc-bench's single-frame cases (bench_frame.c) into a
folder that travels to the GPU machine, in KITTI's velodyne layout (little-endian float32 x, y,
z, intensity per point, no header): a KITTI .bin is checked and copied; an ASCII PCD file
(FIELDS with x, y, z of SIZE 4 TYPE F, COUNT 1, DATA ascii) is converted, intensity 0 where it
has none.  bench/pack.sh runs it with the real sweeps the tests use; standard library only.

usage: frames.py OUTDIR NAME=SRC...     (writes OUTDIR/NAME.bin; the case tag is NAME)"""
import os
import re
import struct
import sys

MAX_POINTS = 4 << 20  # as rc-bench's bench_frame.c accepts


def fail(src, why):
    raise SystemExit("frames.py: %s: %s" % (src, why))


def kitti(src):
    with open(src, "rb") as f:
        data = f.read(MAX_POINTS * 16 + 1)
    if not data or len(data) % 16 or len(data) > MAX_POINTS * 16:
        fail(src, "expected a KITTI sweep of 1 .. %d points of 4 float32, found %d bytes" % (MAX_POINTS, len(data)))
    return data


def pcd(src):
    """An ASCII PCD's points as KITTI rows."""
    head, fields = {}, None
    with open(src, "rb") as f:
        for _ in range(20):
            line = f.readline().decode("ascii", "replace").strip()
            if not line or line.startswith("#"):
                continue
            key, _, val = line.partition(" ")
            head[key.upper()] = val.split()
            if key.upper() == "DATA":
                break
        if head.get("DATA") != ["ascii"]:
            fail(src, "expected DATA ascii in the first 20 lines, found %r" % head.get("DATA"))
        fields = head.get("FIELDS") or []
        n = len(fields)
        for k in ("SIZE", "TYPE", "COUNT"):
            if len(head.get(k) or []) != n:
                fail(src, "expected %d values in %s, found %r" % (n, k, head.get(k)))
        want = ["x", "y", "z"] + (["intensity"] if "intensity" in fields else [])
        cols = []
        for name in want:
            if name not in fields:
                fail(src, "no field %r among %r" % (name, fields))
            i = fields.index(name)
            if head["SIZE"][i] != "4" or head["TYPE"][i] != "F" or head["COUNT"][i] != "1":
                fail(src, "field %r: expected SIZE 4 TYPE F COUNT 1" % name)
            cols.append(i)
        if any(c != "1" for c in head["COUNT"]):
            fail(src, "expected COUNT 1 for every field")
        try:
            points = int(head.get("POINTS", ["-1"])[0])
        except ValueError:
            points = -1
        if not 1 <= points <= MAX_POINTS:
            fail(src, "expected POINTS 1 .. %d, found %r" % (MAX_POINTS, head.get("POINTS")))
        out = bytearray()
        for k in range(points):
            vals = f.readline().split()
            if len(vals) != n:
                fail(src, "point %d: expected %d values, found %d" % (k, n, len(vals)))
            try:
                row = [float(vals[c]) for c in cols] + ([0.0] if len(cols) == 3 else [])
                out += struct.pack("<4f", *row)
            except (ValueError, OverflowError):
                fail(src, "point %d: expected float32 values, found %r" % (k, b" ".join(vals)))
    return bytes(out)


def main(argv):
    if len(argv) < 3 or any("=" not in a for a in argv[2:]):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    for item in argv[2:]:
        name, _, src = item.partition("=")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name):
            fail(src, "NAME must be 1 to 40 letters, digits, '-' or '_', found %r" % name)
        data = pcd(src) if src.endswith(".pcd") else kitti(src)
        dst = os.path.join(argv[1], name + ".bin")
        with open(dst + ".tmp", "wb") as f:
            f.write(data)
        os.replace(dst + ".tmp", dst)
        print("frames.py: %s -> %s (%d points)" % (src, dst, len(data) // 16))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
