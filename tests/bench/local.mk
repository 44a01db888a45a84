# tests/bench — the benchmark tooling on recorded results (no GPU): benchlib's statistics and ncu
# parser and collect.py (test_collect.py), bench/gate's thresholds and exit codes (test_gate.py),
# gen_performance.py's tables, verdicts and the committed page (test_gen_performance.py), and the
# camera peer's frame choice against robocache-convert's (test_camera_peer.py); bench/frames.py on the
# real sweeps and malformed ones (test_frames.py).
TESTS += tests/bench/test_collect.py tests/bench/test_gate.py tests/bench/test_gen_performance.py tests/bench/test_camera_peer.py \
	tests/bench/test_frames.py
EXTRA_DIST += tests/bench/bench_tap.py tests/bench/test_camera_peer.py tests/bench/test_frames.py tests/bench/test_collect.py tests/bench/test_gate.py tests/bench/test_gen_performance.py \
	tests/bench/fixtures
