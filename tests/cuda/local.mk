# tests/cuda — the CUDA backend.  Runs everywhere (TESTS): test_fatbin (the fatbin reader, and
# with CUDA an object nvcc builds here with known targets), test_backend_select (cuda never
# falls back silently; auto says why) and info.sh (`info` lists the targets really embedded).  Needs a GPU: the bit-exactness programs comparing the cuda and cpu
# backends byte for byte.  They are built by `make check` but run only by `make check-gpu`,
# which FAILS when no device can run the kernels (CI has no GPU, so they are not in TESTS).
check_PROGRAMS += tests/cuda/test_fatbin tests/cuda/test_backend_select \
	tests/cuda/test_fuse_exact tests/cuda/test_voxelize_exact tests/cuda/test_window_exact \
	tests/cuda/test_image_exact
tests_cuda_test_backend_select_SOURCES = tests/cuda/test_backend_select.c
tests_cuda_test_backend_select_CPPFLAGS = $(TEST_CPPFLAGS)
tests_cuda_test_backend_select_LDADD = $(TEST_LIBS)
tests_cuda_test_fatbin_SOURCES = tests/cuda/test_fatbin.c
tests_cuda_test_fatbin_CPPFLAGS = $(TEST_CPPFLAGS) \
	-DRC_KNOWN_FATBIN_OBJ='"$(abs_top_builddir)/tests/cuda/fatbin_known.o"'
tests_cuda_test_fatbin_LDADD = $(TEST_LIBS)
tests_cuda_test_fuse_exact_SOURCES = tests/cuda/test_fuse_exact.c tests/cuda/gpu_common.h
tests_cuda_test_fuse_exact_CPPFLAGS = $(TEST_CPPFLAGS)
tests_cuda_test_fuse_exact_LDADD = $(TEST_LIBS)
tests_cuda_test_window_exact_SOURCES = tests/cuda/test_window_exact.c tests/cuda/gpu_common.h
tests_cuda_test_window_exact_CPPFLAGS = $(TEST_CPPFLAGS)
tests_cuda_test_window_exact_LDADD = $(TEST_LIBS)
tests_cuda_test_voxelize_exact_SOURCES = tests/cuda/test_voxelize_exact.c tests/cuda/gpu_common.h
tests_cuda_test_voxelize_exact_CPPFLAGS = $(TEST_CPPFLAGS)
tests_cuda_test_voxelize_exact_LDADD = $(TEST_LIBS)
tests_cuda_test_image_exact_SOURCES = tests/cuda/test_image_exact.c tests/cuda/gpu_common.h
tests_cuda_test_image_exact_CPPFLAGS = $(TEST_CPPFLAGS)
tests_cuda_test_image_exact_LDADD = $(TEST_LIBS)

if HAVE_CUDA
# Exactly these two targets, and not the build's CUDA_ARCH_FLAGS: the test must see what
# this command asked for.
tests/cuda/fatbin_known.o: tests/cuda/fatbin_known.cu
	@$(MKDIR_P) tests/cuda
	$(AM_V_GEN)$(NVCC) -gencode=arch=compute_86,code=sm_86 -gencode=arch=compute_75,code=compute_75 \
		-c $(top_srcdir)/tests/cuda/fatbin_known.cu -o $@
EXTRA_tests_cuda_test_fatbin_DEPENDENCIES = tests/cuda/fatbin_known.o
CLEANFILES += tests/cuda/fatbin_known.o
endif

TESTS += tests/cuda/test_fatbin tests/cuda/test_backend_select tests/cuda/info.sh
EXTRA_DIST += tests/cuda/info.sh tests/cuda/gpu_info.sh tests/cuda/gpu_e2e.sh tests/cuda/fatbin_known.cu \
	tests/cuda/gpu-session.sh tests/cuda/pack-for-device.sh tests/cuda/gpu_streaming.sh

# make check-gpu: the GPU programs and gpu_info.sh through the same TAP driver as make check
# (logs beside them); exits non-zero when any of them fails or bails out, e.g. with no device.
GPU_TESTS = tests/cuda/test_fuse_exact tests/cuda/test_voxelize_exact tests/cuda/test_window_exact \
	tests/cuda/test_image_exact \
	tests/cuda/gpu_info.sh \
	tests/cuda/gpu_e2e.sh tests/cuda/gpu_streaming.sh
check-gpu: all $(check_PROGRAMS)
	@fail=0; for t in $(GPU_TESTS); do \
	  b=$${t%.sh}; \
	  case $$t in *.sh) run="$(SHELL) $(srcdir)/$$t";; *) run=./$$t;; esac; \
	  $(AM_TESTS_ENVIRONMENT) $(LOG_DRIVER) --test-name "$$t" --log-file "$$b.log" \
	    --trs-file "$$b.trs" --color-tests no --enable-hard-errors yes --expect-failure no \
	    -- $$run; \
	  grep -q '^:global-test-result: PASS' "$$b.trs" || fail=1; \
	done; \
	if test $$fail -eq 0; then echo "check-gpu: every GPU test passed"; \
	else echo "check-gpu: FAILED (logs: tests/cuda/*.log)"; exit 1; fi
.PHONY: check-gpu
