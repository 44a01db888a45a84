"""bench_tap.py - what the tests/bench tests share: the source tree (RC_SRCDIR, or this file's
repository), bench/ on the import path, and TAP output (ok, done)."""
import os
import sys

SRC = os.environ.get("RC_SRCDIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(SRC, "bench"))
_n = 0
_failed = 0


def ok(cond, desc, diag=None):
    """One TAP line; on failure the last 25 lines of diag as comments."""
    global _n, _failed
    _n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", _n, desc))
    if not cond:
        _failed += 1
        if diag is not None:
            for line in str(diag).splitlines()[-25:]:
                print("# " + line)
    return cond


def done():
    print("1..%d" % _n)
    sys.exit(1 if _failed else 0)
