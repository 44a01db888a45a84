# tests/ops — the CPU ops against an independent numpy reference (bit for bit), through a small
# driver program that runs one binary case; plus the thread-count invariance of rc_fuse_cpu and
# the image resize through the cpu backend's entry (test_image_backend).
check_PROGRAMS += tests/ops/ops_driver
tests_ops_ops_driver_SOURCES = tests/ops/ops_driver.c
tests_ops_ops_driver_CPPFLAGS = $(TEST_CPPFLAGS)
tests_ops_ops_driver_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/ops/test_fuse_threads
tests_ops_test_fuse_threads_SOURCES = tests/ops/test_fuse_threads.c
tests_ops_test_fuse_threads_CPPFLAGS = $(TEST_CPPFLAGS)
tests_ops_test_fuse_threads_LDADD = $(TEST_LIBS)
TESTS += tests/ops/test_fuse_threads

check_PROGRAMS += tests/ops/test_image_backend
tests_ops_test_image_backend_SOURCES = tests/ops/test_image_backend.c
tests_ops_test_image_backend_CPPFLAGS = $(TEST_CPPFLAGS)
tests_ops_test_image_backend_LDADD = $(TEST_LIBS)
TESTS += tests/ops/test_image_backend

OPS_PY_TESTS = tests/ops/test_resample.py tests/ops/test_convert.py tests/ops/test_slerp.py \
	tests/ops/test_voxelize.py tests/ops/test_window.py tests/ops/test_widths.py tests/ops/test_image_resize.py
TESTS += $(OPS_PY_TESTS)
EXTRA_DIST += tests/ops/ops_case.py tests/ops/ref_ops.py tests/ops/ref_image.py $(OPS_PY_TESTS)
