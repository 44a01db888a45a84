/* fuse.cu — resample and fuse (SPEC section 4) on the GPU: the one canonical kernel for both
 * (a resample stage is a fuse of one stream).  It must match rc_fuse_cpu (src/ops/) bit for
 * bit: every output element comes from the same rc_numeric.h functions, and nvcc runs with
 * -fmad=false.  Test: tests/cuda/test_fuse_exact.c.
 *
 * Launch shape: one launch for a whole batch of jobs (episodes).  Their rows are numbered
 * back to back; one thread owns one output row of one job: it binary-searches each stream's
 * bracket once, writes every column of the row (a slerp block as one quaternion) and the
 * row's valid flag, so valid needs no cross-thread reduction.  Rows are independent, so the
 * grid is a plain ceil-div with a grid-stride loop.  A window job (method window, rc_window.h)
 * is one more kind of row in the same launch: its thread copies the N most recent samples and
 * writes the row's mask (docs/KERNELS.md says why it is not a kernel of its own).
 *
 * Streams: inputs go in on the copy-in stream, the kernel runs on the kernel stream after an
 * event, results come back on the copy-out stream after another; the launcher waits on the last
 * event only.  Device buffers are kept in rc_cuda between calls. */
#include <string.h>

#include "rc_cuda_check.h"
#include "rc_cuda_ctx.h"
#include "ops/rc_numeric.h"
#include "ops/rc_window.h"
extern "C" {
#include "common/rc_alloc.h"
}

#define FUSE_THREADS 256
#define ALIGN_BYTES 256 /* cudaMalloc's own alignment; keeps every carved array aligned */

/* One column block as the kernel sees it: device pointers into the packed input buffer. */
typedef struct dev_col {
    const int64_t *t; /* [S] */
    const float *x;   /* [S, D] */
    int64_t S;
    int32_t D;
    int32_t method;
    int32_t col;
    int32_t window; /* method window: N */
} dev_col;

/* One job: its rows are global rows [row0, row0 + T). */
typedef struct dev_job {
    int64_t row0, T;
    const int64_t *grid; /* [T] */
    void *out;           /* [T, width] of dtype */
    uint8_t *valid;      /* [T] */
    uint8_t *mask;       /* window jobs: [T, N]; NULL otherwise */
    int64_t max_gap_ns;
    int32_t col0, n_cols; /* into the dev_col array */
    int32_t width, dtype;
} dev_job;

/* ---- kernel ---- */

/* The job holding global row g: the last job whose row0 <= g (jobs are in row order). */
__device__ static int job_of_row(const dev_job *jobs, int n_jobs, int64_t g)
{
    int lo = 0, hi = n_jobs - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (jobs[mid].row0 <= g) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

__global__ void fuse_kernel(const dev_job *jobs, int n_jobs, const dev_col *cols, int64_t n_rows)
{
    for (int64_t g = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; g < n_rows;
         g += (int64_t)gridDim.x * blockDim.x) {
        const dev_job *jb = &jobs[job_of_row(jobs, n_jobs, g)];
        int64_t k = g - jb->row0;
        int64_t tk = jb->grid[k];
        int64_t base = k * jb->width;
        int ok = 1;
        for (int c = 0; c < jb->n_cols; c++) {
            const dev_col *cl = &cols[jb->col0 + c];
            int64_t at = base + cl->col;
            if (cl->method == RC_METHOD_WINDOW) { /* the job's one block (rc_ops.h) */
                uint8_t *m = jb->mask ? jb->mask + k * (int64_t)cl->window : NULL;
                ok &= rc_window_row(cl->t, cl->x, cl->S, cl->D, cl->window, tk, jb->out,
                                    (rc_dtype)jb->dtype, at, m) > 0;
                continue;
            }
            if (cl->S < 1) { /* as rc_fuse_cpu: a stream without samples gives NaN, invalid */
                for (int32_t j = 0; j < cl->D; j++) rc_store(jb->out, (rc_dtype)jb->dtype, at + j, __builtin_nanf(""));
                ok = 0;
                continue;
            }
            int64_t i = rc_bracket(cl->t, cl->S, tk);
            ok &= rc_valid_at(cl->t, cl->S, i, tk, jb->max_gap_ns);
            if (cl->method == RC_METHOD_SLERP && cl->D == 4) {
                float q[4];
                rc_slerp_row(cl->t, cl->x, cl->S, i, tk, q);
                for (int j = 0; j < 4; j++) rc_store(jb->out, (rc_dtype)jb->dtype, at + j, q[j]);
            } else {
                for (int32_t j = 0; j < cl->D; j++)
                    rc_store(jb->out, (rc_dtype)jb->dtype, at + j,
                             rc_resample_elem(cl->t, cl->x, cl->S, cl->D, (rc_method)cl->method, i, tk, j));
            }
        }
        if (jb->valid) jb->valid[k] = (uint8_t)ok;
    }
}

/* ---- launcher ---- */

static size_t align_up(size_t n) { return (n + ALIGN_BYTES - 1) / ALIGN_BYTES * ALIGN_BYTES; }

/* Bytes of the packed device buffers: inputs (times, values, grids) and outputs. */
static void fuse_sizes(const rc_fuse_job *jobs, int n_jobs, size_t *in_bytes, size_t *out_bytes,
                       int *n_cols, int64_t *n_rows)
{
    *in_bytes = *out_bytes = 0;
    *n_cols = 0;
    *n_rows = 0;
    for (int j = 0; j < n_jobs; j++) {
        const rc_fuse_job *jb = &jobs[j];
        for (int c = 0; c < jb->n_cols; c++) {
            const rc_series *s = &jb->cols[c].src;
            *in_bytes += align_up((size_t)s->S * sizeof(int64_t));
            *in_bytes += align_up((size_t)s->S * (size_t)s->D * sizeof(float));
        }
        *in_bytes += align_up((size_t)jb->T * sizeof(int64_t));
        *out_bytes += align_up((size_t)jb->T * (size_t)jb->width * (size_t)rc_dtype_size(jb->dtype));
        *out_bytes += align_up((size_t)jb->T);
        if (jb->mask) *out_bytes += align_up((size_t)jb->T * (size_t)jb->cols[0].window);
        *n_cols += jb->n_cols;
        *n_rows += jb->T;
    }
}

/* Shapes a job must have for its writes to stay inside its buffers (rc_fuse_cpu trusts its
 * callers; a device fault would lose the message, so the launcher checks). */
static rc_status fuse_check_jobs(const rc_fuse_job *jobs, int n_jobs, rc_err *err)
{
    rc_status st = RC_OK;
    for (int j = 0; j < n_jobs; j++) {
        const rc_fuse_job *jb = &jobs[j];
        RC_FAIL_IF(jb->T < 0 || jb->width < 0 || jb->n_cols < 0, err, RC_E_INTERNAL,
                   "fuse job %d: expected T, width, n_cols >= 0, found %lld, %d, %d", j,
                   (long long)jb->T, jb->width, jb->n_cols);
        for (int c = 0; c < jb->n_cols; c++) {
            const rc_fuse_col *cl = &jb->cols[c];
            RC_FAIL_IF(cl->src.S < 0 || cl->col < 0 || cl->src.D < 0 || cl->col + cl->src.D > jb->width,
                       err, RC_E_INTERNAL, "fuse job %d block %d: expected S >= 0 and columns "
                       "inside width %d, found S = %lld, columns [%d, %d)", j, c, jb->width,
                       (long long)cl->src.S, cl->col, cl->col + cl->src.D);
            RC_FAIL_IF(cl->method == RC_METHOD_WINDOW &&
                           (jb->n_cols != 1 || cl->window < 1 || (int64_t)cl->window * cl->src.D != jb->width),
                       err, RC_E_INTERNAL, "fuse job %d: expected a window job to be one block of N >= 1 "
                       "slots filling width %d, found %d blocks, N = %d, D = %d", j, jb->width, jb->n_cols,
                       cl->window, cl->src.D);
        }
        RC_FAIL_IF(jb->mask && (jb->n_cols != 1 || jb->cols[0].method != RC_METHOD_WINDOW), err,
                   RC_E_INTERNAL, "fuse job %d: a mask is for window jobs only", j);
    }
done:
    return st;
}

/* Copies n bytes of host src to the next aligned slot of the device buffer at *cursor. */
static char *stage(char **cursor, const void *src, size_t n, cudaStream_t s, cudaError_t *e)
{
    char *at = *cursor;
    *cursor += align_up(n);
    if (n && *e == cudaSuccess) *e = cudaMemcpyAsync(at, src, n, cudaMemcpyHostToDevice, s);
    return at;
}

/* Makes *buf hold at least n bytes (grow only; the old contents are not kept). */
static cudaError_t reserve(void **buf, size_t *cap, size_t n)
{
    if (n <= *cap && *buf) return cudaSuccess;
    if (*buf) cudaFree(*buf);
    *buf = NULL;
    *cap = 0;
    cudaError_t e = cudaMalloc(buf, n ? n : 1);
    if (e == cudaSuccess) *cap = n ? n : 1;
    return e;
}

static double seconds_between(cudaEvent_t a, cudaEvent_t b)
{
    float ms = 0;
    return cudaEventElapsedTime(&ms, a, b) == cudaSuccess ? ms / 1e3 : 0;
}

/* Copies in on c->h2d, the kernel on c->stream once the copies are in (event ev_in), copies
 * out on c->d2h once the kernel ran (event ev_kernel); the host waits for ev_out only, never
 * for the whole device.  Device buffers persist in c between calls. */
extern "C" rc_status rc_cuda_fuse(rc_cuda *c, const rc_fuse_job *jobs, int n_jobs, rc_err *err)
{
    rc_status st = RC_OK;
    size_t in_bytes, out_bytes;
    int n_cols, ci = 0;
    int64_t n_rows, row0 = 0;
    char *d_in = NULL, *d_out = NULL, *in_cur, *out_cur;
    dev_job *h_jobs = NULL, *d_jobs = NULL;
    dev_col *h_cols = NULL, *d_cols = NULL;
    cudaError_t e = cudaSuccess;
    cudaStream_t s = c->h2d;

    if (n_jobs <= 0) return RC_OK;
    RC_TRY(fuse_check_jobs(jobs, n_jobs, err));
    fuse_sizes(jobs, n_jobs, &in_bytes, &out_bytes, &n_cols, &n_rows);
    if (n_rows == 0) return RC_OK;
    h_jobs = (dev_job *)rc_calloc((size_t)n_jobs, sizeof *h_jobs);
    h_cols = (dev_col *)rc_calloc((size_t)(n_cols > 0 ? n_cols : 1), sizeof *h_cols);
    RC_FAIL_IF(!h_jobs || !h_cols, err, RC_E_NOMEM, "out of memory for %d fuse job descriptors", n_jobs);
    RC_CUDA_TRY(cudaSetDevice(c->device), err, "rc_cuda_fuse");
    RC_CUDA_TRY(reserve(&c->f_in, &c->f_in_cap, in_bytes), err, "rc_cuda_fuse inputs");
    RC_CUDA_TRY(reserve(&c->f_out, &c->f_out_cap, out_bytes), err, "rc_cuda_fuse outputs");
    RC_CUDA_TRY(reserve(&c->f_jobs, &c->f_jobs_cap, (size_t)n_jobs * sizeof *d_jobs), err, "rc_cuda_fuse");
    RC_CUDA_TRY(reserve(&c->f_cols, &c->f_cols_cap, (size_t)(n_cols > 0 ? n_cols : 1) * sizeof *d_cols), err,
                "rc_cuda_fuse");
    d_in = (char *)c->f_in;
    d_out = (char *)c->f_out;
    d_jobs = (dev_job *)c->f_jobs;
    d_cols = (dev_col *)c->f_cols;
    c->last.valid = 0;
    RC_CUDA_TRY(cudaEventRecord(c->ev_start, s), err, "rc_cuda_fuse");

    /* Pack inputs and describe them with device pointers. */
    in_cur = d_in;
    out_cur = d_out;
    for (int j = 0; j < n_jobs; j++) {
        const rc_fuse_job *jb = &jobs[j];
        dev_job *dj = &h_jobs[j];
        dj->row0 = row0;
        row0 += jb->T;
        dj->T = jb->T;
        dj->grid = (const int64_t *)stage(&in_cur, jb->grid, (size_t)jb->T * sizeof(int64_t), s, &e);
        dj->out = out_cur;
        out_cur += align_up((size_t)jb->T * (size_t)jb->width * (size_t)rc_dtype_size(jb->dtype));
        dj->valid = (uint8_t *)out_cur;
        out_cur += align_up((size_t)jb->T);
        if (jb->mask) {
            dj->mask = (uint8_t *)out_cur;
            out_cur += align_up((size_t)jb->T * (size_t)jb->cols[0].window);
        }
        dj->max_gap_ns = jb->max_gap_ns;
        dj->col0 = ci;
        dj->n_cols = jb->n_cols;
        dj->width = jb->width;
        dj->dtype = (int32_t)jb->dtype;
        for (int k = 0; k < jb->n_cols; k++, ci++) {
            const rc_fuse_col *cl = &jb->cols[k];
            dev_col *dc = &h_cols[ci];
            dc->t = (const int64_t *)stage(&in_cur, cl->src.t_ns, (size_t)cl->src.S * sizeof(int64_t), s, &e);
            dc->x = (const float *)stage(&in_cur, cl->src.x,
                                         (size_t)cl->src.S * (size_t)cl->src.D * sizeof(float), s, &e);
            dc->S = cl->src.S;
            dc->D = cl->src.D;
            dc->method = (int32_t)cl->method;
            dc->col = cl->col;
            dc->window = cl->window;
        }
    }
    RC_CUDA_TRY(e, err, "rc_cuda_fuse: copying series and grids to the device");
    RC_CUDA_TRY(cudaMemcpyAsync(d_jobs, h_jobs, (size_t)n_jobs * sizeof *d_jobs,
                                cudaMemcpyHostToDevice, s), err, "rc_cuda_fuse");
    RC_CUDA_TRY(cudaMemcpyAsync(d_cols, h_cols, (size_t)(n_cols > 0 ? n_cols : 1) * sizeof *d_cols,
                                cudaMemcpyHostToDevice, s), err, "rc_cuda_fuse");
    RC_CUDA_TRY(cudaEventRecord(c->ev_in, s), err, "rc_cuda_fuse");

    RC_CUDA_TRY(cudaStreamWaitEvent(c->stream, c->ev_in, 0), err, "rc_cuda_fuse");
    fuse_kernel<<<rc_cuda_blocks(n_rows, FUSE_THREADS), FUSE_THREADS, 0, c->stream>>>(d_jobs, n_jobs, d_cols, n_rows);
    RC_CUDA_LAUNCHED(fuse_kernel, err);
    RC_CUDA_TRY(cudaEventRecord(c->ev_kernel, c->stream), err, "rc_cuda_fuse");

    s = c->d2h;
    RC_CUDA_TRY(cudaStreamWaitEvent(s, c->ev_kernel, 0), err, "rc_cuda_fuse");
    for (int j = 0; j < n_jobs; j++) {
        const rc_fuse_job *jb = &jobs[j];
        size_t n_out = (size_t)jb->T * (size_t)jb->width * (size_t)rc_dtype_size(jb->dtype);
        if (n_out)
            RC_CUDA_TRY(cudaMemcpyAsync(jb->out, h_jobs[j].out, n_out, cudaMemcpyDeviceToHost, s),
                        err, "rc_cuda_fuse: copying fused rows back");
        if (jb->valid && jb->T)
            RC_CUDA_TRY(cudaMemcpyAsync(jb->valid, h_jobs[j].valid, (size_t)jb->T,
                                        cudaMemcpyDeviceToHost, s), err, "rc_cuda_fuse: copying valid back");
        if (jb->mask && jb->T)
            RC_CUDA_TRY(cudaMemcpyAsync(jb->mask, h_jobs[j].mask, (size_t)jb->T * (size_t)jb->cols[0].window,
                                        cudaMemcpyDeviceToHost, s), err, "rc_cuda_fuse: copying the window mask back");
    }
    RC_CUDA_TRY(cudaEventRecord(c->ev_out, s), err, "rc_cuda_fuse");
    RC_CUDA_TRY(cudaEventSynchronize(c->ev_out), err, "fuse_kernel (run and copy back)");
    /* the kernel's interval starts when its inputs are in (the wait before it) */
    c->last.h2d_begin = 0;
    c->last.h2d_end = c->last.kernel_begin = seconds_between(c->ev_start, c->ev_in);
    c->last.kernel_end = c->last.d2h_begin = seconds_between(c->ev_start, c->ev_kernel);
    c->last.d2h_end = seconds_between(c->ev_start, c->ev_out);
    c->last.valid = 1;
done:
    rc_free(h_jobs);
    rc_free(h_cols);
    return st;
}
