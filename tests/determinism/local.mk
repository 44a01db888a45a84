# tests/determinism — same spec and input give the same content across reruns, thread counts,
# shard sizes and input file names and order; verify agrees and catches a deliberate change.
TESTS += tests/determinism/test_determinism.py
EXTRA_DIST += tests/determinism/test_determinism.py
