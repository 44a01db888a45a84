# src/pipeline — the run: timeline, per-episode conversion, the run loop, the timing report.
librobocache_a_SOURCES += \
	src/pipeline/rc_timeline.c src/pipeline/rc_timeline.h \
	src/pipeline/rc_convert.c src/pipeline/rc_convert_vox.c src/pipeline/rc_convert_image.c \
	src/pipeline/rc_convert.h \
	src/pipeline/rc_pipeline.c src/pipeline/rc_pipeline.h \
	src/pipeline/rc_report.c src/pipeline/rc_report.h
