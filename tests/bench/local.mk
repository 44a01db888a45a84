# tests/bench — the benchmark tooling on recorded results (no GPU): benchlib's statistics and ncu
# parser and collect.py (test_collect.py), bench/gate's thresholds and exit codes (test_gate.py),
# and gen_performance.py's tables, verdicts and the committed page (test_gen_performance.py).
TESTS += tests/bench/test_collect.py tests/bench/test_gate.py tests/bench/test_gen_performance.py
EXTRA_DIST += tests/bench/bench_tap.py tests/bench/test_collect.py tests/bench/test_gate.py tests/bench/test_gen_performance.py \
	tests/bench/fixtures
