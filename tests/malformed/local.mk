# tests/malformed — the malformed-input corpus through the CLI: make_corpus.py writes bad inputs,
# bad specs and damaged shards with their expected exit code and message; run_corpus.py checks
# each (exit code, message, nothing left behind, bounded memory).
TESTS += tests/malformed/run_corpus.py
EXTRA_DIST += tests/malformed/make_corpus.py tests/malformed/make_hostile.py tests/malformed/run_corpus.py
