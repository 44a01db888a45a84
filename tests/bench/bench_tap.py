"""bench_tap.py - what the tests/bench tests share: the source tree (RC_SRCDIR, or this file's
repository), bench/ on the import path, and the TAP output of tests/tap.py (ok, done) and
its self-removing scratch_dir."""
import os
import sys

SRC = os.environ.get("RC_SRCDIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(SRC, "bench"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok, scratch_dir  # noqa: E402,F401  (the bench tests import them from here)
