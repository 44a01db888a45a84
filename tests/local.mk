# tests — TAP programs and scripts, one category per folder: unit/ (C, library internals),
# cli/ (exit codes and messages), spec/ (valid and invalid specs), synth/, ops/, e2e/, scan/,
# malformed/ (bad inputs through the CLI), safety/ (disk full, signals, paths), fuzz/ (make fuzz).
TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
TEST_LIBS = $(RC_LIBS)
EXTRA_DIST += tests/tap.h tests/tap.py tests/lib.sh
# tests/fresh: the README's two commands on a fresh Debian 12 root, run by .ci/run (not make check).
EXTRA_DIST += tests/fresh/run.sh

check_PROGRAMS += tests/unit/test_error
tests_unit_test_error_SOURCES = tests/unit/test_error.c
tests_unit_test_error_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_error_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/unit/test_budget
tests_unit_test_budget_SOURCES = tests/unit/test_budget.c
tests_unit_test_budget_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_budget_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/unit/test_out_keep
tests_unit_test_out_keep_SOURCES = tests/unit/test_out_keep.c
tests_unit_test_out_keep_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_out_keep_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/unit/test_isolate
tests_unit_test_isolate_SOURCES = tests/unit/test_isolate.c
tests_unit_test_isolate_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_isolate_LDADD = $(TEST_LIBS)

TESTS += tests/unit/test_error tests/unit/test_budget tests/unit/test_out_keep tests/unit/test_isolate tests/cli/exit_codes.sh tests/cli/install.sh tests/cli/first_contact.sh \
	tests/cli/log_options.sh tests/cli/no_gpu.sh
EXTRA_DIST += tests/cli/exit_codes.sh tests/cli/install.sh tests/cli/first_contact.sh \
	tests/cli/log_options.sh tests/cli/no_gpu.sh
include tests/spec/local.mk
include tests/synth/local.mk
include tests/reader/local.mk
include tests/ops/local.mk
include tests/compress/local.mk
include tests/writer/local.mk
include tests/cuda/local.mk
include tests/e2e/local.mk
include tests/streaming/local.mk
include tests/golden/local.mk
include tests/verify/local.mk
include tests/determinism/local.mk
include tests/layouts/local.mk
include tests/realdata/local.mk
include tests/docs/local.mk
include tests/scale/local.mk
include tests/slurm/local.mk
include tests/scan/local.mk
include tests/malformed/local.mk
include tests/safety/local.mk
include tests/fuzz/local.mk

# tests/scripts: scripts/deps.sh, the package list of ./scripts/demo and ./scripts/check.
TESTS += tests/scripts/deps.sh
EXTRA_DIST += tests/scripts/deps.sh

# inspect SHARD --json and inspect DIR, checked against h5py and manifest.json.
TESTS += tests/cli/test_inspect.py
EXTRA_DIST += tests/cli/test_inspect.py

include tests/python/local.mk
