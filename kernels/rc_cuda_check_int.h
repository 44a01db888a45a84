/* rc_cuda_check_int.h — how the kernels/ .cu files check CUDA: every runtime call and every launch goes
 * through RC_CUDA_TRY / RC_CUDA_LAUNCHED, which turn a failure into RC_E_BACKEND naming the
 * call, what it was doing (the launcher or kernel) and cudaGetErrorString — never an exit.
 * Like RC_TRY they need `rc_status st` and a `done:` label; in C++ every local must be
 * declared before the first check (a goto may not jump over an initialisation). */
#ifndef RC_CUDA_CHECK_H
#define RC_CUDA_CHECK_H

#include <cuda_runtime.h>

#include "backend/rc_cuda_int.h" /* first: gives rc_common.h and rc_ops.h C linkage */

#define RC_CUDA_TRY(call, err, what)                                                        \
    do {                                                                                    \
        cudaError_t e_ = (call);                                                            \
        if (e_ != cudaSuccess) {                                                            \
            st = rc_err_set((err), RC_E_BACKEND, __FILE__, __LINE__, "%s: %s failed: %s",   \
                            (what), #call, cudaGetErrorString(e_));                         \
            goto done;                                                                      \
        }                                                                                   \
    } while (0)

/* Right after a <<<...>>> launch: a bad configuration or a missing kernel image shows here. */
#define RC_CUDA_LAUNCHED(kernel, err)                                                       \
    do {                                                                                    \
        cudaError_t e_ = cudaGetLastError();                                                \
        if (e_ != cudaSuccess) {                                                            \
            st = rc_err_set((err), RC_E_BACKEND, __FILE__, __LINE__,                        \
                            "kernel %s: launch failed: %s", #kernel, cudaGetErrorString(e_)); \
            goto done;                                                                      \
        }                                                                                   \
    } while (0)

/* Blocks needed for n work items at `threads` per block, capped at the grid's x limit
 * (kernels use grid-stride loops, so the cap only changes how many passes each thread makes). */
static inline unsigned rc_cuda_blocks(int64_t n, int threads)
{
    int64_t b = (n + threads - 1) / threads;
    if (b < 1) b = 1;
    return b > 0x7FFFFFFF ? 0x7FFFFFFFu : (unsigned)b;
}

#endif
