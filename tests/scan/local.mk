# tests/scan — `scan` on synth data against a numpy model, with injected timestamp faults; the
# columns it names and the quaternion rows it reports as run does; the camera figures (frozen
# and dropped frames, dt_ns of image stages) on a file with known faults.
TESTS += tests/scan/test_scan.py tests/scan/test_scan_columns.py tests/scan/test_scan_camera.py
EXTRA_DIST += tests/scan/test_scan.py tests/scan/test_scan_columns.py tests/scan/test_scan_camera.py
