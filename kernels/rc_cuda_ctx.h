/* rc_cuda_ctx.h — the rc_cuda handle of src/backend/rc_cuda.h as the .cu files see it: the
 * device the backend opened and the one stream its copies and launches are ordered on (the
 * streaming stage of SPEC section 7 will hand in its own streams through the same struct). */
#ifndef RC_CUDA_CTX_H
#define RC_CUDA_CTX_H

#include <cuda_runtime.h>

#include "backend/rc_cuda.h"

struct rc_cuda {
    int device;
    cudaStream_t stream;
    char describe[300]; /* "NAME (sm_XY)" */
};

#endif
