# tests/fuzz — libFuzzer targets for the spec loader (fuzz_spec), the reader's checks on
# well-formed HDF5 files of fuzzed content (fuzz_episode) and the reader on raw file bytes
# (fuzz_reader, which reaches HDF5 1.10's own parser bugs: docs/RELIABILITY.md), built by `make fuzz`
# with clang (-fsanitize=fuzzer,address,undefined) from the library sources they exercise, so
# those are instrumented too.  Not part of `make check`: tests/fuzz/run.sh runs each target for a
# bounded time (CI: .ci/run).  FUZZ_CC names the compiler; `make fuzz` says what to install when
# it cannot build libFuzzer targets.
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -std=c11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CPPFLAGS = -I$(top_srcdir)/src -I$(top_builddir) -I$(top_srcdir)/tests -I$(top_srcdir)/tests/fuzz $(HDF5_CFLAGS) \
	$(YAML_CFLAGS) -DFUZZ_SCHEMA_DIR='"$(abs_top_srcdir)/schemas"'
FUZZ_LIBS = $(HDF5_LIBS) $(YAML_LIBS) $(CRYPTO_LIBS) $(ZSTD_LIBS) $(DEFLATE_LIBS) $(LZ4_LIBS) $(TURBOJPEG_LIBS) -lm
# Whole modules (GNU make wildcard), so a file added to one of them needs no edit here.
FUZZ_SPEC_SRC = $(wildcard $(top_srcdir)/src/common/*.c) $(wildcard $(top_srcdir)/src/spec/*.c)
FUZZ_READER_SRC = $(FUZZ_SPEC_SRC) $(wildcard $(top_srcdir)/src/reader/*.c) $(wildcard $(top_srcdir)/src/compress/*.c)
FUZZ_TARGETS = tests/fuzz/fuzz_spec tests/fuzz/fuzz_episode tests/fuzz/fuzz_reader

tests/fuzz/fuzz_spec: $(top_srcdir)/tests/fuzz/fuzz_spec.c $(top_srcdir)/tests/fuzz/fuzz_file.h $(FUZZ_SPEC_SRC)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -o $@ $(top_srcdir)/tests/fuzz/fuzz_spec.c \
		$(FUZZ_SPEC_SRC) $(FUZZ_LIBS)
tests/fuzz/fuzz_episode: $(top_srcdir)/tests/fuzz/fuzz_episode.c $(top_srcdir)/tests/fuzz/fuzz_file.h $(FUZZ_READER_SRC)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -o $@ $(top_srcdir)/tests/fuzz/fuzz_episode.c \
		$(FUZZ_READER_SRC) $(FUZZ_LIBS)
tests/fuzz/fuzz_reader: $(top_srcdir)/tests/fuzz/fuzz_reader.c $(top_srcdir)/tests/fuzz/fuzz_file.h $(FUZZ_READER_SRC)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -o $@ $(top_srcdir)/tests/fuzz/fuzz_reader.c \
		$(FUZZ_READER_SRC) $(FUZZ_LIBS)

.PHONY: fuzz
fuzz:
	@$(MKDIR_P) tests/fuzz
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return (int)(n & 0) + (d == 0); }\n' >tests/fuzz/probe.c
	@if ! $(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o tests/fuzz/probe tests/fuzz/probe.c >/dev/null 2>&1; then \
		rm -f tests/fuzz/probe tests/fuzz/probe.c; \
		echo "make fuzz: '$(FUZZ_CC) -fsanitize=fuzzer' does not work here: install clang and libclang-rt-14-dev (Debian), or set FUZZ_CC" >&2; \
		exit 1; \
	fi
	@rm -f tests/fuzz/probe tests/fuzz/probe.c
	$(MAKE) $(AM_MAKEFLAGS) $(FUZZ_TARGETS)
CLEANFILES += $(FUZZ_TARGETS)
EXTRA_DIST += tests/fuzz/fuzz_spec.c tests/fuzz/fuzz_episode.c tests/fuzz/fuzz_reader.c tests/fuzz/fuzz_file.h \
	tests/fuzz/run.sh tests/fuzz/lsan.supp tests/fuzz/make_seeds.py tests/fuzz/corpus-spec \
	tests/fuzz/corpus-episode tests/fuzz/corpus-reader tests/fuzz/hdf5-findings
