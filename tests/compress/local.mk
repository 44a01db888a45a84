# tests/compress — rc_jpeg (libjpeg-turbo): round trips, and corrupt, truncated and lying frames.
check_PROGRAMS += tests/compress/test_jpeg
tests_compress_test_jpeg_SOURCES = tests/compress/test_jpeg.c
tests_compress_test_jpeg_CPPFLAGS = $(TEST_CPPFLAGS)
tests_compress_test_jpeg_LDADD = $(TEST_LIBS)
TESTS += tests/compress/test_jpeg
