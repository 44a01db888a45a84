# tests/scale — sharded runs: task selection, exact stats, the quantile sketch and the JSON reader (C); the partition,
# 4 tasks + merge = 1 task, merge refusals and task isolation (h5py); --resume after SIGKILLs.
check_PROGRAMS += tests/scale/test_scale
tests_scale_test_scale_SOURCES = tests/scale/test_scale.c
tests_scale_test_scale_CPPFLAGS = $(TEST_CPPFLAGS)
tests_scale_test_scale_LDADD = $(TEST_LIBS)
TESTS += tests/scale/test_scale
check_PROGRAMS += tests/scale/test_sketch
tests_scale_test_sketch_SOURCES = tests/scale/test_sketch.c
tests_scale_test_sketch_CPPFLAGS = $(TEST_CPPFLAGS)
tests_scale_test_sketch_LDADD = $(TEST_LIBS) -lm
TESTS += tests/scale/test_sketch
TESTS += tests/scale/test_shard_merge.py
EXTRA_DIST += tests/scale/test_shard_merge.py
TESTS += tests/scale/test_merge_refusals.py
EXTRA_DIST += tests/scale/test_merge_refusals.py
TESTS += tests/scale/test_resume.py
EXTRA_DIST += tests/scale/test_resume.py
