# src/ops — the CPU backend of docs/SPEC.md §4 and the per-element arithmetic it shares with
# kernels/ (in rc_ops.h).
librobocache_a_SOURCES += \
	src/ops/rc_ops.h \
	src/ops/rc_vox_params.c \
	src/ops/rc_fuse_cpu.c \
	src/ops/rc_voxmap.c src/ops/rc_voxmap_int.h \
	src/ops/rc_voxelize_cpu.c \
	src/ops/rc_resize.c src/ops/rc_image_resize_cpu.c
