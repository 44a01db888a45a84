# src/backend — backend selection (cpu | cuda | auto, never a silent fallback), the C face of
# the CUDA kernels, and the fatbin reader behind `info`.
librobocache_a_SOURCES += \
	src/backend/rc_backend.h src/backend/rc_backend.c \
	src/backend/rc_cuda_int.h \
	src/backend/rc_fatbin.c
