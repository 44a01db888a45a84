# kernels — the CUDA backend: one canonical kernel file per op (fuse.cu also serves resample,
# image.cu resizes camera frames),
# device.cu (device discovery and the probe kernel), and their private headers.  Built by the
# .cu.o rule of Makefile.am (nvcc, CUDA_ARCH_FLAGS, -fmad=false) only when configure found nvcc.
RC_KERNEL_SRC = kernels/device.cu kernels/fuse.cu kernels/voxelize.cu kernels/image.cu
RC_KERNEL_HDR = kernels/rc_cuda_check_int.h kernels/rc_cuda_ctx_int.h
if HAVE_CUDA
librobocache_a_SOURCES += $(RC_KERNEL_SRC) $(RC_KERNEL_HDR)
# nvcc writes no dependency files here: every kernel is rebuilt when a header it includes changes.
kernels/device.$(OBJEXT) kernels/fuse.$(OBJEXT) kernels/voxelize.$(OBJEXT) kernels/image.$(OBJEXT): \
	$(RC_KERNEL_HDR) src/backend/rc_cuda_int.h src/backend/rc_backend.h src/ops/rc_ops.h src/spec/rc_spec.h \
	src/common/rc_common.h
else
EXTRA_DIST += $(RC_KERNEL_SRC) $(RC_KERNEL_HDR)
endif
