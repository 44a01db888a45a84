/* rc_backend.c — picks the compute backend of a run (docs/SPEC.md §2): "cpu" (OpenMP over
 * rc_fuse_cpu / rc_voxelize_cpu of src/ops/), "cuda" (kernels/ through rc_cuda_int.h) or "auto".
 * Image resizes go to rc_image_resize_cpu or kernels/image.cu the same way.
 * `cuda` either runs the kernels or fails with RC_E_BACKEND and the precise reason; `auto`
 * takes CUDA only after its probe kernel ran, and hands the reason for its choice back.
 * Nothing here includes a CUDA header. */
#include "config.h"

#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "backend/rc_backend.h"
#include "common/rc_common.h"
#ifdef RC_HAVE_CUDA
#include "backend/rc_cuda_int.h"
#endif

enum { KIND_CPU, KIND_CUDA };

struct rc_backend {
    int kind;
    int threads; /* CPU: OpenMP threads, 0 = OpenMP's default */
#ifdef RC_HAVE_CUDA
    rc_cuda *cuda; /* KIND_CUDA: the open device */
#endif
};

static void say(char *reason, int reason_n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *reason, int reason_n, const char *fmt, ...)
{
    va_list ap;
    if (!reason || reason_n <= 0) return;
    va_start(ap, fmt);
    vsnprintf(reason, (size_t)reason_n, fmt, ap);
    va_end(ap);
}

/* Opens the CUDA backend into b, or fails with RC_E_BACKEND saying why it cannot run. */
static rc_status open_cuda(rc_backend *b, rc_err *err)
{
#ifdef RC_HAVE_CUDA
    b->kind = KIND_CUDA;
    return rc_cuda_open(0, &b->cuda, err);
#else
    (void)b;
    return rc_err_set(err, RC_E_BACKEND, __FILE__, __LINE__,
                      "CUDA backend not compiled in (this build found no nvcc; configure "
                      "--with-cuda=yes on a machine with the CUDA toolkit)");
#endif
}

rc_status rc_backend_open(const char *requested, int threads, rc_backend **out, char *reason,
                          int reason_n, rc_err *err)
{
    rc_status st = RC_OK;
    rc_backend *b = NULL;
    *out = NULL;
    RC_FAIL_IF(!requested || (strcmp(requested, "auto") && strcmp(requested, "cpu") &&
                              strcmp(requested, "cuda")),
               err, RC_E_USAGE, "backend: expected auto, cpu or cuda, found '%s'",
               requested ? requested : "(none)");
    RC_FAIL_IF(threads < 0, err, RC_E_USAGE, "threads: expected 0 (default) or more, found %d", threads);
    b = rc_calloc(1, sizeof *b);
    RC_FAIL_IF(!b, err, RC_E_NOMEM, "out of memory for the backend handle");
    b->kind = KIND_CPU;
    b->threads = threads;
    if (!strcmp(requested, "cuda")) {
        RC_TRY(open_cuda(b, err));
        say(reason, reason_n, "cuda: requested; running on %s", rc_backend_describe(b));
    } else if (!strcmp(requested, "auto")) {
        rc_err why;
        rc_err_clear(&why);
        if (open_cuda(b, &why) == RC_OK) {
            say(reason, reason_n, "auto chose cuda: %s runs the kernels", rc_backend_describe(b));
        } else {
            b->kind = KIND_CPU;
            say(reason, reason_n, "auto chose cpu: %s", why.msg);
        }
    } else {
        say(reason, reason_n, "cpu: requested");
    }
    if (b->kind == KIND_CPU && threads > 0) omp_set_num_threads(threads);
    *out = b;
    b = NULL;
done:
    rc_backend_close(b);
    return st;
}

const char *rc_backend_name(const rc_backend *b) { return b->kind == KIND_CUDA ? "cuda" : "cpu"; }

const char *rc_backend_describe(const rc_backend *b)
{
#ifdef RC_HAVE_CUDA
    if (b->kind == KIND_CUDA) return rc_cuda_describe(b->cuda);
#endif
    (void)b;
    return "OpenMP on the host";
}

rc_status rc_backend_fuse(rc_backend *b, const rc_fuse_job *jobs, int n_jobs, rc_err *err)
{
#ifdef RC_HAVE_CUDA
    if (b->kind == KIND_CUDA) return rc_cuda_fuse(b->cuda, jobs, n_jobs, err);
#endif
    (void)b;
    (void)err;
    rc_fuse_cpu(jobs, n_jobs);
    return RC_OK;
}

/* Frames per OpenMP thread in one CPU voxelize call: enough for schedule(dynamic) to even out
 * frames of different sizes. */
#define RC_CPU_VOX_FRAMES_PER_THREAD 4

int64_t rc_backend_vox_frames_hint(const rc_backend *b)
{
    if (b->kind != KIND_CPU) return 0;
    int threads = b->threads > 0 ? b->threads : omp_get_max_threads();
    return (int64_t)RC_CPU_VOX_FRAMES_PER_THREAD * (threads > 0 ? threads : 1);
}

rc_status rc_backend_voxelize(rc_backend *b, const rc_vox_params *p, const float *points,
                              const int64_t *offsets, int64_t F, rc_vox_frame *frames, rc_err *err)
{
    rc_status st = RC_OK;
    int64_t failed = -1; /* the first frame whose sparse index could not be allocated */
#ifdef RC_HAVE_CUDA
    if (b->kind == KIND_CUDA) return rc_cuda_voxelize(b->cuda, p, points, offsets, F, frames, err);
#endif
    (void)b;
    /* Frames are independent and each is computed by one thread in input order
     * (rc_voxelize_cpu), so the result does not depend on the thread count. */
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t f = 0; f < F; f++) {
        if (rc_voxelize_cpu(p, points + offsets[f] * p->C, offsets[f + 1] - offsets[f], &frames[f]) != 0) {
#pragma omp critical(rc_backend_voxelize_failed)
            if (failed < 0 || f < failed) failed = f;
        }
    }
    RC_FAIL_IF(failed >= 0, err, RC_E_NOMEM,
               "voxelize frame %lld: out of memory for the sparse index of %lld points",
               (long long)failed, (long long)(offsets[failed + 1] - offsets[failed]));
done:
    return st;
}

rc_status rc_backend_image_resize(rc_backend *b, const rc_image_geom *g, const rc_image_batch *batch,
                                  rc_err *err)
{
    rc_status st = RC_OK;
    char why[256];
    RC_FAIL_IF(rc_image_geom_check(g, why, sizeof why) != 0, err, RC_E_INTERNAL, "image resize: %s", why);
    for (int64_t k = 0; k < batch->T; k++)
        RC_FAIL_IF(batch->source[k] < 0 || batch->source[k] >= batch->S, err, RC_E_INTERNAL,
                   "image resize: step %lld reads frame %lld of %lld", (long long)k,
                   (long long)batch->source[k], (long long)batch->S);
#ifdef RC_HAVE_CUDA
    if (b->kind == KIND_CUDA) return rc_cuda_image_resize(b->cuda, g, batch, err);
#endif
    (void)b;
    RC_FAIL_IF(rc_image_resize_cpu(g, batch) != 0, err, RC_E_NOMEM,
               "image resize: out of memory for the weight tables or a %dx%dx%d intermediate per thread",
               g->crop_h, g->out_w, g->C);
done:
    return st;
}

int rc_backend_host_register(rc_backend *b, void *p, size_t n)
{
#ifdef RC_HAVE_CUDA
    if (b->kind == KIND_CUDA) return rc_cuda_host_register(p, n);
#endif
    (void)b, (void)p, (void)n;
    return 0;
}

void rc_backend_host_unregister(rc_backend *b, void *p)
{
#ifdef RC_HAVE_CUDA
    if (b->kind == KIND_CUDA) rc_cuda_host_unregister(p);
#endif
    (void)b, (void)p;
}

int rc_backend_fuse_timing(const rc_backend *b, double iv[3][2])
{
#ifdef RC_HAVE_CUDA
    if (b->kind == KIND_CUDA) {
        rc_cuda_timing t = rc_cuda_last_timing(b->cuda);
        if (!t.valid) return 0;
        iv[0][0] = t.h2d_begin;
        iv[0][1] = t.h2d_end;
        iv[1][0] = t.kernel_begin;
        iv[1][1] = t.kernel_end;
        iv[2][0] = t.d2h_begin;
        iv[2][1] = t.d2h_end;
        return 1;
    }
#endif
    (void)b;
    (void)iv;
    return 0;
}

void rc_backend_close(rc_backend *b)
{
    if (!b) return;
#ifdef RC_HAVE_CUDA
    rc_cuda_close(b->cuda);
#endif
    rc_free(b);
}

int rc_backend_cuda_compiled(void)
{
#ifdef RC_HAVE_CUDA
    return 1;
#else
    return 0;
#endif
}

void rc_backend_cuda_versions(int *runtime_version, int *driver_version)
{
#ifdef RC_HAVE_CUDA
    rc_cuda_versions(runtime_version, driver_version);
#else
    *runtime_version = *driver_version = 0;
#endif
}

rc_status rc_backend_cuda_devices(rc_cuda_device *out, int max, int *n, rc_err *err)
{
#ifdef RC_HAVE_CUDA
    return rc_cuda_list_devices(out, max, n, err);
#else
    (void)out;
    (void)max;
    *n = 0;
    return rc_err_set(err, RC_E_BACKEND, __FILE__, __LINE__, "CUDA backend not compiled in");
#endif
}

void rc_backend_range_push(const char *name, int64_t episode)
{
#ifdef RC_HAVE_CUDA
    rc_cuda_range_push(name, episode);
#else
    (void)name;
    (void)episode;
#endif
}

void rc_backend_range_pop(void)
{
#ifdef RC_HAVE_CUDA
    rc_cuda_range_pop();
#endif
}
