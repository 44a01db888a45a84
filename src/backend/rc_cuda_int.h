/* rc_cuda_int.h — the C-callable face of the CUDA backend (the kernels/ .cu files, compiled by nvcc).
 * rc_backend.c calls these only when RC_HAVE_CUDA is defined; no CUDA header is needed to
 * include this file, so the C side of the library stays free of them.  Every failure is
 * RC_E_BACKEND with the CUDA call, the kernel or launcher, and cudaGetErrorString. */
#ifndef RC_CUDA_H
#define RC_CUDA_H

#include <stdint.h>

/* The library's C headers get C linkage here, so .cu files that include this header first
 * link against them. */
#ifdef __cplusplus
extern "C" {
#endif

#include "backend/rc_backend.h" /* rc_cuda_device, rc_common.h, rc_ops.h */
#include "ops/rc_ops.h"

/* An open device: its id, its copy and kernel streams, and device buffers kept between calls. */
typedef struct rc_cuda rc_cuda;

/* Where the last fuse call spent its time on the device, from CUDA events: seconds from the
 * call's start to the start and end of the host-to-device copies, the kernel and the
 * device-to-host copies (valid = 0 when no call has run). */
typedef struct rc_cuda_timing {
    int valid;
    double h2d_begin, h2d_end, kernel_begin, kernel_end, d2h_begin, d2h_end;
} rc_cuda_timing;

/* The runtime version this binary was linked with (e.g. 13000) and the driver's (0 when no
 * driver is loaded). */
void rc_cuda_versions(int *runtime_version, int *driver_version);

/* Fills up to max devices and *n with how many exist.  No device is RC_E_BACKEND "no CUDA
 * device: <what is missing>": "no NVIDIA driver (...)" when libcuda.so.1 cannot be loaded, a
 * driver too old for the runtime, no GPU, else the runtime's cudaGetErrorString. */
rc_status rc_cuda_list_devices(rc_cuda_device *out, int max, int *n, rc_err *err);

/* Selects device `device`, creates a stream and launches a probe kernel that must return a
 * known value; a binary without an image for the device fails here with "kernel image not
 * usable on <name> sm_XY: ...".  *out is freed with rc_cuda_close (accepts NULL). */
rc_status rc_cuda_open(int device, rc_cuda **out, rc_err *err);
void rc_cuda_close(rc_cuda *c);
/* "NAME (sm_XY)" of the open device. */
const char *rc_cuda_describe(const rc_cuda *c);

/* kernels/fuse.cu: the n_jobs fuse jobs in one launch; host buffers in and out, as
 * rc_fuse_cpu. */
rc_status rc_cuda_fuse(rc_cuda *c, const rc_fuse_job *jobs, int n_jobs, rc_err *err);

/* kernels/voxelize.cu: F frames, frame f = points[offsets[f] .. offsets[f+1]) ([*, p->C]),
 * into frames[f] (host buffers), as rc_voxelize_cpu frame by frame. */
rc_status rc_cuda_voxelize(rc_cuda *c, const rc_vox_params *p, const float *points,
                           const int64_t *offsets, int64_t F, rc_vox_frame *frames, rc_err *err);

/* kernels/image.cu: the batch's distinct frames resized on the device (host buffers in and
 * out), the bytes of rc_image_resize_cpu; g checked and sources in range by the caller. */
rc_status rc_cuda_image_resize(rc_cuda *c, const rc_image_geom *g, const rc_image_batch *batch, rc_err *err);

/* Page-locks n bytes of host memory at p that the caller mapped (cudaHostRegister, portable
 * to every context), so copies from it run asynchronously; 1 on success, 0 when the driver
 * refuses (the error is cleared: copies from pageable memory still work).  Undone by
 * rc_cuda_host_unregister before p is unmapped. */
int rc_cuda_host_register(void *p, size_t n);
void rc_cuda_host_unregister(void *p);
rc_cuda_timing rc_cuda_last_timing(const rc_cuda *c);

/* NVTX ranges (kernels/device.cu, nvtx3 from the toolkit) around the pipeline's intervals, so
 * Nsight Systems shows them: "NAME ep N" (episode < 0: just NAME).  Per calling thread. */
void rc_cuda_range_push(const char *name, int64_t episode);
void rc_cuda_range_pop(void);

#ifdef __cplusplus
}
#endif

#endif
