# tests/streaming — the streaming pipeline (docs/SPEC.md §7): its queue, the writer's
# pre-compressed chunk path, the episode image of the reader processes, output bytes independent of workers and buffers, bounded memory,
# the report and trace, progress lines, and a clean stop on SIGINT/SIGTERM.
check_PROGRAMS += tests/streaming/test_stage_queue tests/streaming/test_put_compressed tests/streaming/test_episode_wire
tests_streaming_test_stage_queue_SOURCES = tests/streaming/test_stage_queue.c
tests_streaming_test_stage_queue_CPPFLAGS = $(TEST_CPPFLAGS)
tests_streaming_test_stage_queue_LDADD = $(TEST_LIBS)
tests_streaming_test_put_compressed_SOURCES = tests/streaming/test_put_compressed.c
tests_streaming_test_put_compressed_CPPFLAGS = $(TEST_CPPFLAGS)
tests_streaming_test_put_compressed_LDADD = $(TEST_LIBS)
tests_streaming_test_episode_wire_SOURCES = tests/streaming/test_episode_wire.c
tests_streaming_test_episode_wire_CPPFLAGS = $(TEST_CPPFLAGS)
tests_streaming_test_episode_wire_LDADD = $(TEST_LIBS)
TESTS += tests/streaming/test_stage_queue tests/streaming/test_put_compressed tests/streaming/test_episode_wire \
	tests/streaming/determinism.py tests/streaming/memory_bound.py tests/streaming/report_trace.py \
	tests/streaming/stop_signal.sh tests/streaming/progress.sh
EXTRA_DIST += tests/streaming/determinism.py tests/streaming/memory_bound.py \
	tests/streaming/report_trace.py tests/streaming/stop_signal.sh tests/streaming/progress.sh \
	tests/streaming/bench-gpu.sh
