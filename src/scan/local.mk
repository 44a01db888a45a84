# src/scan — timestamp health of the input (`scan`) and the per-episode figures run --report
# shows; see docs/SCAN.md.
librobocache_a_SOURCES += \
	src/scan/rc_scan.h \
	src/scan/rc_scan_figures.c \
	src/scan/rc_scan_camera.c \
	src/scan/rc_scan_rank.c \
	src/scan/scan_int.h \
	src/scan/rc_scan_json.c \
	src/scan/rc_scan_input.c
