# src/convert — one episode through the spec's stages, in memory: the timeline, the plan of
# fuse/resample jobs, image resamples and image stages, voxelize packing, the output list.
librobocache_a_SOURCES += \
	src/convert/rc_timeline.c \
	src/convert/rc_convert.c src/convert/rc_convert_vox.c src/convert/rc_convert_image.c src/convert/rc_convert_camera.c src/convert/rc_convert_jpeg.c src/convert/rc_convert_prepare.c \
	src/convert/rc_outputs.c src/convert/rc_describe.c src/convert/rc_convert.h src/convert/convert_int.h
