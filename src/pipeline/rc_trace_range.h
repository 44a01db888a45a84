/* rc_trace_range.h — NVTX ranges around the pipeline's intervals, so Nsight Systems shows the
 * same slices as --trace (SPEC section 7).  Only CUDA builds have them (nvtx3 is header-only in
 * the CUDA toolkit; kernels/device.cu wraps it); elsewhere they compile to nothing. */
#ifndef RC_TRACE_RANGE_H
#define RC_TRACE_RANGE_H

#include <stdint.h>

#ifdef RC_HAVE_CUDA
#include "backend/rc_cuda.h"
#define rc_trace_range_push(name, episode) rc_cuda_range_push((name), (episode))
#define rc_trace_range_pop() rc_cuda_range_pop()
#else
#define rc_trace_range_push(name, episode) ((void)(name), (void)(episode))
#define rc_trace_range_pop() ((void)0)
#endif

#endif
