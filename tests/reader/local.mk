# tests/reader — the reader on synth output (test_reader) and on h5py-written valid and
# malformed files (malformed.sh runs make_bad_inputs.py, then read_bad); direct reads against
# H5Dread (direct.sh runs make_direct_inputs.py, then test_direct on them, the golden shards and
# the real data files); test_direct_ranges: the read-ahead's range merging and window.
check_PROGRAMS += tests/reader/test_reader tests/reader/read_bad tests/reader/test_direct \
	tests/reader/test_direct_ranges
tests_reader_test_reader_SOURCES = tests/reader/test_reader.c tests/reader/raw_layout.h
tests_reader_test_reader_CPPFLAGS = $(TEST_CPPFLAGS)
tests_reader_test_reader_LDADD = $(TEST_LIBS)
tests_reader_read_bad_SOURCES = tests/reader/read_bad.c tests/reader/raw_layout.h
tests_reader_read_bad_CPPFLAGS = $(TEST_CPPFLAGS)
tests_reader_read_bad_LDADD = $(TEST_LIBS)
tests_reader_test_direct_SOURCES = tests/reader/test_direct.c
tests_reader_test_direct_CPPFLAGS = $(TEST_CPPFLAGS)
tests_reader_test_direct_LDADD = $(TEST_LIBS) -lpthread
tests_reader_test_direct_ranges_SOURCES = tests/reader/test_direct_ranges.c
tests_reader_test_direct_ranges_CPPFLAGS = $(TEST_CPPFLAGS)
tests_reader_test_direct_ranges_LDADD = $(TEST_LIBS)
TESTS += tests/reader/test_direct_ranges tests/reader/test_reader tests/reader/malformed.sh tests/reader/direct.sh
EXTRA_DIST += tests/reader/malformed.sh tests/reader/make_bad_inputs.py tests/reader/direct.sh \
	tests/reader/make_direct_inputs.py
