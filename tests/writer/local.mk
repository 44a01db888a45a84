# tests/writer — the shard writer, zstd filter, digest, stats, manifest, JSON, SHA-256 and the
# inspect command.  shard_fixture writes the fixture shard that the h5py test reads back.
check_PROGRAMS += tests/writer/shard_fixture
tests_writer_shard_fixture_SOURCES = tests/writer/shard_fixture.c tests/writer/fixture.h
tests_writer_shard_fixture_CPPFLAGS = $(TEST_CPPFLAGS)
tests_writer_shard_fixture_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/writer/test_primitives
tests_writer_test_primitives_SOURCES = tests/writer/test_primitives.c
tests_writer_test_primitives_CPPFLAGS = $(TEST_CPPFLAGS)
tests_writer_test_primitives_LDADD = $(TEST_LIBS)
TESTS += tests/writer/test_primitives

check_PROGRAMS += tests/writer/test_shard
tests_writer_test_shard_SOURCES = tests/writer/test_shard.c tests/writer/fixture.h
tests_writer_test_shard_CPPFLAGS = $(TEST_CPPFLAGS)
tests_writer_test_shard_LDADD = $(TEST_LIBS)
# The test fails zstd on demand by wrapping the library's calls to ZSTD_compressCCtx.
tests_writer_test_shard_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=ZSTD_compressCCtx
TESTS += tests/writer/test_shard

TESTS += tests/writer/test_shard_read.py
EXTRA_DIST += tests/writer/test_shard_read.py

check_PROGRAMS += tests/writer/manifest_fixture
tests_writer_manifest_fixture_SOURCES = tests/writer/manifest_fixture.c
tests_writer_manifest_fixture_CPPFLAGS = $(TEST_CPPFLAGS)
tests_writer_manifest_fixture_LDADD = $(TEST_LIBS)
TESTS += tests/writer/test_manifest.py
EXTRA_DIST += tests/writer/test_manifest.py

# Filter 32015 as other HDF5 zstd plugins read and write it (docs/FORMAT.md).
TESTS += tests/writer/test_zstd_compat.py
EXTRA_DIST += tests/writer/test_zstd_compat.py
