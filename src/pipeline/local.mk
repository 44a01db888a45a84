# src/pipeline — the run: the streaming threads (reader, compute, compression workers, writer)
# and their queues, progress, the timing report.
librobocache_a_SOURCES += \
	src/pipeline/rc_pipeline.c src/pipeline/rc_pipeline.h src/pipeline/rc_stream_int.h \
	src/pipeline/rc_stage_queue.c src/pipeline/rc_stage_queue_int.h \
	src/pipeline/rc_reader_stage.c src/pipeline/rc_compute_stage.c \
	src/pipeline/rc_reader_pool.c src/pipeline/rc_reader_pool_int.h \
	src/pipeline/rc_episode_wire.c src/pipeline/rc_episode_wire_int.h \
	src/pipeline/rc_compress_stage.c src/pipeline/rc_write_stage.c \
	src/pipeline/rc_exact_stats_check.c src/pipeline/rc_interrupt.c src/pipeline/rc_run_paths.c \
	src/pipeline/rc_progress.c src/pipeline/rc_progress_int.h \
	src/pipeline/rc_report_write.c
