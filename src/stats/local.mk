# src/stats — statistics of what a run wrote: per episode and output (rc_stats.c, exact and
# mergeable), per run and split (rc_run_stats.c, the manifest's figures), and what a run
# measured (rc_report.c: stage intervals, thread busy time, skipped episodes).
librobocache_a_SOURCES += \
	src/stats/rc_quantile_sketch.c src/stats/rc_quantile_sketch_int.h \
	src/stats/rc_stats.c src/stats/rc_stats.h \
	src/stats/rc_run_stats.c src/stats/rc_stats_manifest.c \
	src/stats/rc_report.c
