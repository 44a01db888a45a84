# bench — the GPU benchmarks (docs/PERFORMANCE.md is generated from their results).  Nothing
# here is built by `make` or `make check`: `make bench` builds rc-bench in a CUDA build, and
# bench/run-gpu.sh runs it with the PyTorch and h5py+numpy peers on the GPU machine.
RC_BENCH_SRC = bench/rc_bench.c bench/bench.h bench/bench_common.c bench/bench_cupti.c \
	bench/bench_mem.c bench/bench_fuse.c bench/bench_vox.c bench/bench_frame.c bench/bench_image.c
RC_BENCH_FILES = bench/README.md bench/run-gpu.sh bench/pack.sh bench/collect.py bench/gate bench/gen_performance.py \
	bench/benchlib.py bench/pipeline.yaml bench/pipeline-robomimic.yaml bench/pipeline-camera.yaml bench/make_inputs.py bench/frames.py \
	bench/peers/torch_ops.py bench/peers/convert_peer.py bench/peers/camera_peer.py bench/cpu_profile.py \
	bench/results
EXTRA_DIST += $(RC_BENCH_FILES)
if HAVE_CUDA
EXTRA_PROGRAMS = bench/rc-bench
bench_rc_bench_SOURCES = $(RC_BENCH_SRC)
bench_rc_bench_CPPFLAGS = $(AM_CPPFLAGS) $(CUDA_CFLAGS)
bench_rc_bench_LDADD = $(RC_LIBS) -lcupti -lm
CLEANFILES += $(EXTRA_PROGRAMS)
bench: bench/rc-bench$(EXEEXT)
else
EXTRA_DIST += $(RC_BENCH_SRC)
bench:
	@echo "make bench: rc-bench needs a CUDA build (configure --with-cuda=yes)" >&2; exit 1
endif
.PHONY: bench
