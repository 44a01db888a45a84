# tests/verify — the verify command: element comparison and manifest parsing (C), differences it
# must find in edited copies of an output (h5py), and malformed outputs it must refuse.
check_PROGRAMS += tests/verify/test_compare
tests_verify_test_compare_SOURCES = tests/verify/test_compare.c
tests_verify_test_compare_CPPFLAGS = $(TEST_CPPFLAGS)
tests_verify_test_compare_LDADD = $(TEST_LIBS)
TESTS += tests/verify/test_compare tests/verify/test_differences.py tests/verify/test_malformed.py
EXTRA_DIST += tests/verify/verify_common.py tests/verify/test_differences.py tests/verify/test_malformed.py
