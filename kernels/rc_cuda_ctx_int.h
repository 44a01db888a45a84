/* rc_cuda_ctx_int.h — the rc_cuda handle of src/backend/rc_cuda_int.h as the .cu files see it: the
 * device the backend opened, its three streams (host-to-device copies, kernels, device-to-host
 * copies: docs/SPEC.md §7) with the events that order them, the device buffers the launchers
 * keep between calls (cudaMalloc/cudaFree would synchronise the device on every call), and the
 * stream timings of the last fuse call for the trace. */
#ifndef RC_CUDA_CTX_H
#define RC_CUDA_CTX_H

#include <cuda_runtime.h>

#include "backend/rc_cuda_int.h"

/* Device buffers of kernels/voxelize.cu and kernels/image.cu, kept between calls (defined
 * there). */
struct vox_cache;
struct img_cache;

struct rc_cuda {
    int device;
    cudaStream_t stream;      /* kernels */
    cudaStream_t h2d, d2h;    /* copies in and out */
    cudaEvent_t ev_start, ev_in, ev_kernel, ev_out; /* fuse: copied in, ran, copied out */
    char describe[300];       /* "NAME (sm_XY)" */
    /* kernels/fuse.cu: packed inputs, outputs and descriptors, grown as needed */
    void *f_in, *f_out, *f_jobs, *f_cols;
    size_t f_in_cap, f_out_cap, f_jobs_cap, f_cols_cap;
    struct vox_cache *vox;
    struct img_cache *img;
    rc_cuda_timing last;      /* the last fuse call's stream intervals */
};

/* Frees c->vox (kernels/voxelize.cu) and c->img (kernels/image.cu). */
void rc_vox_cache_free(rc_cuda *c);
void rc_img_cache_free(rc_cuda *c);

#endif
