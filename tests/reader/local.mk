# tests/reader — the reader on synth output (test_reader) and on h5py-written valid and
# malformed files (malformed.sh runs make_bad_inputs.py, then read_bad).
check_PROGRAMS += tests/reader/test_reader tests/reader/read_bad
tests_reader_test_reader_SOURCES = tests/reader/test_reader.c tests/reader/raw_layout.h
tests_reader_test_reader_CPPFLAGS = $(TEST_CPPFLAGS)
tests_reader_test_reader_LDADD = $(TEST_LIBS)
tests_reader_read_bad_SOURCES = tests/reader/read_bad.c tests/reader/raw_layout.h
tests_reader_read_bad_CPPFLAGS = $(TEST_CPPFLAGS)
tests_reader_read_bad_LDADD = $(TEST_LIBS)
TESTS += tests/reader/test_reader tests/reader/malformed.sh
EXTRA_DIST += tests/reader/malformed.sh tests/reader/make_bad_inputs.py
