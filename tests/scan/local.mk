# tests/scan — `scan` on synth data against a numpy model, with injected timestamp faults.
TESTS += tests/scan/test_scan.py
EXTRA_DIST += tests/scan/test_scan.py
