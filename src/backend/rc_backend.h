/* rc_backend.h — the compute backend a run uses: "cpu" (OpenMP, src/ops/) or "cuda"
 * (kernels/).  `auto` picks CUDA when it is compiled in and a device runs the kernels, and the
 * choice is reported; `cuda` fails with RC_E_BACKEND when CUDA cannot run — never a silent
 * fallback.  Both backends produce the same bits (SPEC section 4). */
#ifndef RC_BACKEND_H
#define RC_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"
#include "ops/rc_image.h"
#include "ops/rc_ops.h"

typedef struct rc_backend rc_backend;

/* requested: "auto", "cpu" or "cuda".  threads: OpenMP threads for the CPU backend (0 = default).
 * On success *out is ready; *reason (if not NULL) receives why auto chose what it chose. */
rc_status rc_backend_open(const char *requested, int threads, rc_backend **out, char *reason,
                          int reason_n, rc_err *err);
const char *rc_backend_name(const rc_backend *b); /* "cpu" or "cuda" */
/* What runs the work, for logs and reports: the CUDA device "NAME (sm_XY)", or the host. */
const char *rc_backend_describe(const rc_backend *b);
/* Runs n_jobs fuse jobs (host buffers in and out). */
rc_status rc_backend_fuse(rc_backend *b, const rc_fuse_job *jobs, int n_jobs, rc_err *err);
/* Voxelizes F frames: frame f is points[offsets[f] .. offsets[f+1]) ([*, p->C] float32) into
 * frames[f] (host buffers, allocated by the caller as rc_ops.h says). */
rc_status rc_backend_voxelize(rc_backend *b, const rc_vox_params *p, const float *points,
                              const int64_t *offsets, int64_t F, rc_vox_frame *frames, rc_err *err);
/* Resizes one episode's image batch (rc_image.h): out[k] = resize(crop(frames[source[k]]))
 * with the integer arithmetic of docs/KERNELS.md, the same bytes on both backends; each
 * distinct source frame is resized once.  g must pass rc_image_geom_check and every source[k]
 * lie in [0, S): otherwise RC_E_INTERNAL (callers check them first, with the file and
 * episode in scope).  Host buffers in and out. */
rc_status rc_backend_image_resize(rc_backend *b, const rc_image_geom *g, const rc_image_batch *batch,
                                  rc_err *err);
/* Host memory for episodes in flight: page-locked on CUDA (cudaHostAlloc, so copies to the
 * device run asynchronously), plain on the CPU.  NULL when none can be had; *pinned (if not
 * NULL) says which kind came.  rc_backend_host_free takes the same b and accepts NULL. */
void *rc_backend_host_alloc(rc_backend *b, size_t n, int *pinned);
void rc_backend_host_free(rc_backend *b, void *p, int pinned);
/* Device-side intervals of the last rc_backend_fuse call, seconds after its start, for the
 * trace's CUDA stream tracks: [0] copy in, [1] kernel, [2] copy out, each {begin, end}.
 * Returns 0 (nothing filled) on the CPU backend. */
int rc_backend_fuse_timing(const rc_backend *b, double iv[3][2]);
void rc_backend_close(rc_backend *b);

#endif
