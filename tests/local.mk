# tests — TAP programs and scripts, one category per folder: unit/ (C, library internals),
# cli/ (exit codes and messages), spec/ (valid and invalid specs), synth/, ops/, e2e/, scan/,
# malformed/ (bad inputs through the CLI), safety/ (disk full, signals, paths), fuzz/ (make fuzz).
TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
TEST_LIBS = $(RC_LIBS)
EXTRA_DIST += tests/tap.h tests/lib.sh

check_PROGRAMS += tests/unit/test_error
tests_unit_test_error_SOURCES = tests/unit/test_error.c
tests_unit_test_error_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_error_LDADD = $(TEST_LIBS)

TESTS += tests/unit/test_error tests/cli/exit_codes.sh
EXTRA_DIST += tests/cli/exit_codes.sh
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
