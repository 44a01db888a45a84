# tests/bench — the benchmark tooling on recorded results files (no GPU): bench/gate's
# thresholds and exit codes, and bench/gen_performance.py's tables and verdicts.
TESTS += tests/bench/test_gate.py tests/bench/test_gen_performance.py
EXTRA_DIST += tests/bench/test_gate.py tests/bench/test_gen_performance.py tests/bench/fixtures
