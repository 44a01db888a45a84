/* rc_backend.h — backend/'s public header.  The compute backend a run uses: "cpu" (OpenMP,
 * src/ops/) or "cuda" (kernels/).  `auto` picks CUDA when it is compiled in and a device runs
 * the kernels, and the choice is reported; `cuda` fails with RC_E_BACKEND when CUDA cannot
 * run — never a silent fallback.  Both backends produce the same bits (docs/SPEC.md §4).  Also
 * what `info` reports (devices, versions, the CUDA targets a binary carries: rc_fatbin.c) and
 * the NVTX ranges of the pipeline.  Nothing here needs a CUDA header. */
#ifndef RC_BACKEND_H
#define RC_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_common.h"
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
/* Frames per voxelize call that suit the backend (callers bound it further by memory): on the
 * CPU a few per OpenMP thread, since the threads share each call's frames and small calls keep
 * the caller's result buffers small and hot from one call to the next; 0 on CUDA, where fewer,
 * larger calls save launches and copies. */
int64_t rc_backend_vox_frames_hint(const rc_backend *b);
/* Resizes one episode's image batch (rc_ops.h): out[k] = resize(crop(frames[source[k]]))
 * with the integer arithmetic of docs/KERNELS.md, the same bytes on both backends; each
 * distinct source frame is resized once.  g must pass rc_image_geom_check and every source[k]
 * lie in [0, S): otherwise RC_E_INTERNAL (callers check them first, with the file and
 * episode in scope).  Host buffers in and out. */
rc_status rc_backend_image_resize(rc_backend *b, const rc_image_geom *g, const rc_image_batch *batch,
                                  rc_err *err);
/* Page-locks host memory the caller mapped (a slot's shared memory, n bytes at p) on CUDA
 * (cudaHostRegister), so copies from it to the device run asynchronously and read it in place:
 * no staging copy.  1 when p is now page-locked (undo it with rc_backend_host_unregister before
 * unmapping), 0 on the CPU backend or when the driver refuses (the copies then still work, as
 * from any pageable memory). */
int rc_backend_host_register(rc_backend *b, void *p, size_t n);
void rc_backend_host_unregister(rc_backend *b, void *p);
/* Device-side intervals of the last rc_backend_fuse call, seconds after its start, for the
 * trace's CUDA stream tracks: [0] copy in, [1] kernel, [2] copy out, each {begin, end}.
 * Returns 0 (nothing filled) on the CPU backend. */
int rc_backend_fuse_timing(const rc_backend *b, double iv[3][2]);
void rc_backend_close(rc_backend *b);

/* ---- the CUDA side, for `info` and Nsight ---- */

/* One device as the runtime sees it. */
typedef struct rc_cuda_device {
    char name[256];
    int sm_major, sm_minor; /* compute capability */
    uint64_t mem_bytes;     /* global memory */
    int multiprocessors;
} rc_cuda_device;

/* 1 when this binary has the CUDA backend. */
int rc_backend_cuda_compiled(void);
/* The CUDA runtime version this binary was linked with and the driver's (1000*major +
 * 10*minor; 0 when none). */
void rc_backend_cuda_versions(int *runtime_version, int *driver_version);
/* Fills up to max devices and *n with how many exist.  RC_E_BACKEND when there is none, or
 * "CUDA backend not compiled in". */
rc_status rc_backend_cuda_devices(rc_cuda_device *out, int max, int *n, rc_err *err);
/* NVTX ranges around the pipeline's intervals, so Nsight Systems shows the same slices as
 * --trace: "NAME ep N" (episode < 0: just NAME), per calling thread.  Nothing without CUDA. */
void rc_backend_range_push(const char *name, int64_t episode);
void rc_backend_range_pop(void);

/* ---- which CUDA targets a binary carries (rc_fatbin.c) ----
 * Reads an ELF image (an executable or an object file), finds its .nv_fatbin section and walks
 * the fatbin containers in it, listing each SASS (machine code for one sm_XY) and PTX
 * (compute_XY, JIT-compiled by the driver) entry.  `robocache-convert info` reports this for
 * its own /proc/self/exe; the build's promise of sm_80 + sm_90 SASS + compute_90 PTX is
 * checked by tests/cuda/info.sh. */

typedef enum rc_fatbin_kind { RC_FATBIN_PTX = 1, RC_FATBIN_SASS = 2 } rc_fatbin_kind;

typedef struct rc_fatbin_target {
    rc_fatbin_kind kind;
    int sm; /* 80 for sm_80 / compute_80 */
} rc_fatbin_target;

/* Walks the fatbin containers of one .nv_fatbin section (sec[0..n)) and adds each distinct
 * (kind, sm) to out (capacity max, *n_out in use; kept sorted by sm, then PTX after SASS).
 * Entries of other kinds are ignored.  RC_E_INPUT, naming the offset, when a container or
 * entry header is cut short or points past the section; RC_E_INTERNAL when max is too small. */
rc_status rc_fatbin_walk(const uint8_t *sec, size_t n, rc_fatbin_target *out, int max, int *n_out,
                         rc_err *err);

/* The targets of ELF image elf[0..n): *n_out = 0 when it has no .nv_fatbin section.
 * RC_E_INPUT when the image is not a 64-bit little-endian ELF or its headers are out of bounds. */
rc_status rc_fatbin_list(const uint8_t *elf, size_t n, rc_fatbin_target *out, int max, int *n_out,
                         rc_err *err);

/* The same for a file (read whole); RC_E_IO when it cannot be read. */
rc_status rc_fatbin_list_file(const char *path, rc_fatbin_target *out, int max, int *n_out,
                              rc_err *err);

/* "sm_90 SASS" or "compute_90 PTX" into buf. */
void rc_fatbin_target_name(const rc_fatbin_target *t, char *buf, size_t n);

#endif
