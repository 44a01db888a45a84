# src/common — errors, logging, allocation, the clock, the memory budget, digests, JSON, mkdir -p and path checks; includes nothing else of ours.
librobocache_a_SOURCES += src/common/rc_common.h \
	src/common/rc_error.c src/common/rc_log.c src/common/rc_alloc.c src/common/rc_clock.c \
	src/common/rc_fault.c src/common/rc_budget.c src/common/rc_utf8.c src/common/rc_isolate.c src/common/rc_sha256.c \
	src/common/rc_json.c src/common/rc_json_read.c src/common/rc_fs.c
