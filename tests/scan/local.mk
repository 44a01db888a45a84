# tests/scan — `scan` on synth data against a numpy model, with injected timestamp faults; the
# columns it names and the quaternion rows it reports as run does.
TESTS += tests/scan/test_scan.py tests/scan/test_scan_columns.py
EXTRA_DIST += tests/scan/test_scan.py tests/scan/test_scan_columns.py
