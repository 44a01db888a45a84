/* fuse.cu — resample and fuse (docs/SPEC.md §4) on the GPU: the one canonical kernel for both
 * (a resample stage is a fuse of one stream).  It must match rc_fuse_cpu (src/ops/) bit for
 * bit: every output element comes from the same rc_ops.h functions, and nvcc runs with
 * -fmad=false.  Test: tests/cuda/test_fuse_exact.c.
 *
 * Launch shape: one launch for a whole batch of jobs (episodes).  Each job's rows are cut into
 * tiles of R consecutive rows (R = 128, or 32 when that many would leave SMs idle), the tiles
 * of all jobs numbered back to back; one thread block owns one tile (grid-stride over tiles)
 * and looks its job up in a table of the tiles.  The tile's column blocks are taken 256 / R at
 * a time.  Phase 1: one thread per (block, row) pair
 * runs the bracket search, the valid rule and the branch of rc_resample_pair once for all the
 * block's columns and leaves a small descriptor in shared memory (a slerp pair computes its
 * quaternion there).  Phase 2: after a barrier all threads walk the tile's elements of those
 * columns in row-major order, so consecutive threads store consecutive addresses (coalesced),
 * each element made from its descriptor with rc_pair_elem's own arithmetic and stored
 * through rc_store.  A row's valid flag is the AND of its pairs' flags, read back by one thread
 * per row and written once after the last chunk: no atomics.  A window job (method window,
 * rc_ops.h) is one more kind of job in the same launch: one thread per row of its tile
 * copies the N most recent samples and writes the row's mask (docs/KERNELS.md says why it is
 * not a kernel of its own).
 *
 * Streams: inputs go in on the copy-in stream, the kernel runs on the kernel stream after an
 * event, results come back on the copy-out stream after another; the launcher waits on the last
 * event only.  Device buffers are kept in rc_cuda between calls. */
#include <string.h>

#include "rc_cuda_check_int.h"
#include "rc_cuda_ctx_int.h"
#include "ops/rc_ops.h"
extern "C" {
#include "common/rc_common.h"
}

/* Tile shape.  Phase 1 of a tile is a chain of dependent reads (the job table, the bracket
 * search) during which the block loads no data, so a tile should hold enough rows for phase 2
 * to dominate: R = FUSE_ROWS_LARGE rows.  A batch with fewer such tiles than the GPU has SMs
 * takes R = FUSE_ROWS_SMALL instead, four times the tiles (on an H100 with rc-bench, 128 rows
 * were the faster of 32, 64 and 128 from 64k rows up, 32 rows on 8k rows).  R is a multiple
 * of the warp, so in phase 1 each warp holds rows of one column block (one method per warp:
 * slerp's double arithmetic does not diverge from the cheap blocks, and the warp's bracket
 * searches walk the same t).  FUSE_THREADS / R blocks per pass make phase 1 one (block, row)
 * pair per thread; jobs with more blocks take several passes.  FUSE_UNROLL elements per
 * thread are loaded before any is stored, so each thread keeps that many independent reads in
 * flight.  FUSE_MIN_BLOCKS caps registers at 48 (5 blocks of 256 threads per SM on
 * sm_80/sm_90); slerp and window rows, out of line, spill instead. */
#define FUSE_THREADS 256
#define FUSE_ROWS_LARGE 128
#define FUSE_ROWS_SMALL 32
#define FUSE_UNROLL 4
#define FUSE_MIN_BLOCKS 5
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

/* One job: its tiles are global tiles [tile0, tile0 + ceil(T / R)).  Its blocks lie
 * back to back in column order (fuse_check_jobs), so a chunk of blocks is one column range. */
typedef struct dev_job {
    int64_t tile0, T;
    const int64_t *grid; /* [T] */
    void *out;           /* [T, width] of dtype */
    uint8_t *valid;      /* [T] */
    uint8_t *mask;       /* window jobs: [T, N]; NULL otherwise */
    int64_t max_gap_ns;
    int32_t col0, n_cols; /* into the dev_col array */
    int32_t width, dtype;
} dev_job;

/* How phase 2 makes every element j of one (block, row) pair, with the arithmetic of
 * rc_pair_elem / rc_slerp_row: PAIR_COPY x0 = p[j] (edge hold, nearest, previous);
 * PAIR_LERP RC_FMAF(wf, p[D + j] - x0, x0), i.e. rc_lerp_elem(x[i], x[i+1], w) with its
 * (float)w; PAIR_NAN (a stream without samples, an unknown method); PAIR_SLERP the row
 * rc_slerp_row wrote to shared memory. */
enum { PAIR_COPY = RC_PAIR_COPY, PAIR_LERP = RC_PAIR_LERP, PAIR_NAN = RC_PAIR_NAN, PAIR_SLERP };

typedef struct pair_desc {
    const float *p; /* PAIR_COPY / PAIR_LERP: the first sample row read, x + i0 * D */
    float wf;       /* PAIR_LERP: (float)rc_weight */
    int32_t kind;
} pair_desc;

/* One chunk's shared memory for tiles of R rows: phase 1 writes it, phase 2 reads it, a
 * barrier between. */
template <int R> struct chunk_smem {
    static constexpr int CHUNK = FUSE_THREADS / R; /* column blocks per pass */
    static_assert(R * CHUNK == FUSE_THREADS, "phase 1: one (block, row) pair per thread");
    static_assert(R % 32 == 0, "phase 1: a warp holds rows of one block");
    pair_desc pair[CHUNK][R];
    float q[CHUNK][R][4]; /* PAIR_SLERP rows */
    uint8_t ok[CHUNK][R]; /* each pair's valid flag, one writer each */
    int32_t start[CHUNK]; /* block b's first column, counted from the chunk's */
    int32_t D[CHUNK];
};

/* ---- device helpers ---- */

/* The slerp row of one pair into q (shared memory).  Out of line: its double arithmetic needs
 * far more registers than the rest of the kernel, which would otherwise be sized for it. */
__device__ static __noinline__ void slerp_pair(const dev_col *cl, int64_t i, int64_t tk, float *q)
{
    rc_slerp_row(cl->t, cl->x, cl->S, i, tk, q);
}

/* What rc_fuse_cpu does for block cl at step tk, decided once for all its columns: the branch
 * of rc_resample_pair (edge hold first, for every method), or the slerp row into q.  Returns
 * the pair's rc_valid_at. */
__device__ static int pair_plan(const dev_col *cl, int64_t tk, int64_t max_gap_ns, pair_desc *d, float *q)
{
    d->p = NULL;
    d->wf = 0.0f;
    d->kind = PAIR_NAN;
    if (cl->S < 1) return 0; /* as rc_fuse_cpu: a stream without samples gives NaN, invalid */
    int64_t i = rc_bracket(cl->t, cl->S, tk);
    int ok = rc_valid_at(cl->t, cl->S, i, tk, max_gap_ns);
    if (cl->method == RC_METHOD_SLERP && cl->D == 4) {
        slerp_pair(cl, i, tk, q);
        d->kind = PAIR_SLERP;
        return ok;
    }
    const rc_pair pr = rc_resample_pair(cl->t, cl->S, (rc_method)cl->method, i, tk); /* slerp with D != 4: NaN */
    d->kind = pr.kind;
    if (pr.kind != RC_PAIR_NAN) d->p = cl->x + pr.row * cl->D;
    if (pr.kind == RC_PAIR_LERP) d->wf = (float)pr.w;
    return ok;
}

/* Phase 1 of one chunk (blocks cc[0..nb) of the job, rows k0 + [0, rows)): thread tid plans
 * pair (block tid / R, row tid % R). */
template <int R>
__device__ static void chunk_plan(chunk_smem<R> *sm, unsigned tid, const dev_job *jb, const dev_col *cc, int nb,
                                  int64_t k0, int rows)
{
    const int b = (int)(tid / R), r = (int)(tid % R);
    if (b >= nb || r >= rows) return;
    sm->ok[b][r] = (uint8_t)pair_plan(&cc[b], jb->grid[k0 + r], jb->max_gap_ns, &sm->pair[b][r], sm->q[b][r]);
    if (r == 0) {
        sm->start[b] = cc[b].col - cc[0].col;
        sm->D[b] = cc[b].D;
    }
}

/* Phase 2 of one chunk: the tile's [rows, cw] elements of the chunk's columns, taken flat in
 * row-major order, so consecutive threads store to consecutive addresses of out (its rows are
 * contiguous, [T, width]).  Element (r, c) of thread tid advances by FUSE_THREADS per step
 * without a division.  at0 is the out index of (row 0, the chunk's first column).  DT is the
 * job's dtype, a template argument so that rc_store's dtype test leaves the loop. */
template <int R, int DT>
__device__ static void chunk_store(const chunk_smem<R> *sm, unsigned tid, int nb, unsigned cw, int rows,
                                   void *out, int64_t at0, int64_t width)
{
    const unsigned dr = FUSE_THREADS / cw, dc = FUSE_THREADS % cw;
    unsigned r = tid / cw, c = tid % cw; /* c + dc < 2 cw <= 2^32: no wrap */
    int64_t at = at0 + r * width;          /* out index of (r, the chunk's first column) */
    while (r < (unsigned)rows) {
        float a[FUSE_UNROLL], x1[FUSE_UNROLL], wf[FUSE_UNROLL];
        int lerp[FUSE_UNROLL];
        int64_t idx[FUSE_UNROLL];
#pragma unroll
        for (int u = 0; u < FUSE_UNROLL; u++) { /* loads only: all of them in flight at once */
            idx[u] = -1;
            lerp[u] = 0;
            if (r < (unsigned)rows) {
                int b = 0;
                while (b + 1 < nb && (int32_t)c >= sm->start[b + 1]) b++; /* last block starting <= c */
                const pair_desc d = sm->pair[b][r];
                const int32_t j = (int32_t)c - sm->start[b];
                if (d.kind == PAIR_SLERP) a[u] = sm->q[b][r][j];
                else if (d.kind == PAIR_NAN) a[u] = __builtin_nanf("");
                else a[u] = __ldg(d.p + j); /* x is read-only for the kernel's lifetime */
                lerp[u] = d.kind == PAIR_LERP;
                x1[u] = lerp[u] ? __ldg(d.p + sm->D[b] + j) : 0.0f;
                wf[u] = d.wf;
                idx[u] = at + c;
            }
            r += dr;
            c += dc;
            at += (int64_t)dr * width;
            if (c >= cw) {
                c -= cw;
                r++;
                at += width;
            }
        }
#pragma unroll
        for (int u = 0; u < FUSE_UNROLL; u++)
            if (idx[u] >= 0)
                rc_store(out, (rc_dtype)DT, idx[u], lerp[u] ? RC_FMAF(wf[u], x1[u] - a[u], a[u]) : a[u]);
    }
}

/* A window job's tile: one thread per row (rc_window_row copies the N most recent samples and
 * writes the row's mask); the row is valid when a slot is filled.  Not a hot path, and out of
 * line for the same reason as slerp_pair. */
__device__ static __noinline__ void window_tile(unsigned tid, const dev_job *jb, const dev_col *cl, int64_t k0,
                                                int rows)
{
    if ((int)tid >= rows) return;
    int64_t k = k0 + tid;
    uint8_t *m = jb->mask ? jb->mask + k * (int64_t)cl->window : NULL;
    int32_t filled = rc_window_row(cl->t, cl->x, cl->S, cl->D, cl->window, jb->grid[k], jb->out,
                                   (rc_dtype)jb->dtype, k * jb->width + cl->col, m);
    jb->valid[k] = (uint8_t)(filled > 0);
}

/* ---- kernel ---- */

/* One thread block per tile of R rows of one job; per chunk of blocks, phase 1 plans
 * every (block, row) pair into shared memory and phase 2 writes the chunk's columns of the
 * tile; the rows' valid flags are written once, after the last chunk. */
template <int R>
__global__ void __launch_bounds__(FUSE_THREADS, FUSE_MIN_BLOCKS)
fuse_kernel(const dev_job *jobs, const int32_t *tile_job, const dev_col *cols, int64_t n_tiles)
{
    constexpr int CHUNK = chunk_smem<R>::CHUNK;
    __shared__ chunk_smem<R> sm;
    const unsigned tid = threadIdx.x;

    for (int64_t g = blockIdx.x; g < n_tiles; g += gridDim.x) {
        const dev_job *jb = &jobs[tile_job[g]];
        const int64_t k0 = (g - jb->tile0) * R; /* the tile's first row */
        const int rows = (int)(jb->T - k0 < R ? jb->T - k0 : R);
        if (jb->n_cols == 1 && cols[jb->col0].method == RC_METHOD_WINDOW) {
            window_tile(tid, jb, &cols[jb->col0], k0, rows);
            continue; /* touches no shared memory: the next tile needs no barrier */
        }
        int ok = 1; /* thread t < rows: row k0 + t's valid, ANDed over the chunks */
        for (int cb = 0; cb < jb->n_cols; cb += CHUNK) {
            const int nb = jb->n_cols - cb < CHUNK ? jb->n_cols - cb : CHUNK;
            const dev_col *cc = &cols[jb->col0 + cb];
            const unsigned cw = (unsigned)(cc[nb - 1].col + cc[nb - 1].D - cc[0].col); /* back to back */
            chunk_plan(&sm, tid, jb, cc, nb, k0, rows);
            __syncthreads();
            if ((int)tid < rows)
                for (int b = 0; b < nb; b++) ok &= sm.ok[b][tid];
            if (cw > 0) {
                const int64_t at0 = k0 * jb->width + cc[0].col, w = jb->width;
                if (jb->dtype == RC_DTYPE_F32) chunk_store<R, RC_DTYPE_F32>(&sm, tid, nb, cw, rows, jb->out, at0, w);
                else if (jb->dtype == RC_DTYPE_F16) chunk_store<R, RC_DTYPE_F16>(&sm, tid, nb, cw, rows, jb->out, at0, w);
                else chunk_store<R, RC_DTYPE_BF16>(&sm, tid, nb, cw, rows, jb->out, at0, w);
            }
            __syncthreads(); /* the next chunk or tile rewrites the shared descriptors */
        }
        if ((int)tid < rows) jb->valid[k0 + tid] = (uint8_t)ok;
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
 * callers; a device fault would lose the message, so the launcher checks).  The kernel also
 * needs the blocks back to back in order, from column 0 to width (a window block is N * D
 * columns wide), so that a chunk of consecutive blocks is one range of columns: every caller
 * (src/convert/rc_convert.c, the tests, bench/) builds them that way. */
static rc_status fuse_check_jobs(const rc_fuse_job *jobs, int n_jobs, rc_err *err)
{
    rc_status st = RC_OK;
    for (int j = 0; j < n_jobs; j++) {
        const rc_fuse_job *jb = &jobs[j];
        int64_t next = 0; /* where the next block must start */
        RC_FAIL_IF(jb->T < 0 || jb->width < 0 || jb->n_cols < 0, err, RC_E_INTERNAL,
                   "fuse job %d: expected T, width, n_cols >= 0, found %lld, %d, %d", j,
                   (long long)jb->T, jb->width, jb->n_cols);
        for (int c = 0; c < jb->n_cols; c++) {
            const rc_fuse_col *cl = &jb->cols[c];
            RC_FAIL_IF(cl->src.S < 0 || cl->src.D < 0, err, RC_E_INTERNAL, "fuse job %d block %d: "
                       "expected S, D >= 0, found S = %lld, D = %d", j, c, (long long)cl->src.S, cl->src.D);
            RC_FAIL_IF(cl->method == RC_METHOD_WINDOW &&
                           (jb->n_cols != 1 || cl->window < 1 || (int64_t)cl->window * cl->src.D != jb->width),
                       err, RC_E_INTERNAL, "fuse job %d: expected a window job to be one block of N >= 1 "
                       "slots filling width %d, found %d blocks, N = %d, D = %d", j, jb->width, jb->n_cols,
                       cl->window, cl->src.D);
            RC_FAIL_IF(cl->col != next, err, RC_E_INTERNAL, "fuse job %d block %d: expected the blocks back "
                       "to back in order from column 0 (this one at column %lld), found column %d",
                       j, c, (long long)next, cl->col);
            next += cl->method == RC_METHOD_WINDOW ? (int64_t)cl->window * cl->src.D : cl->src.D;
        }
        RC_FAIL_IF(next != jb->width, err, RC_E_INTERNAL, "fuse job %d: expected its blocks to fill "
                   "width %d, found %lld columns", j, jb->width, (long long)next);
        RC_FAIL_IF(jb->mask && (jb->n_cols != 1 || jb->cols[0].method != RC_METHOD_WINDOW), err,
                   RC_E_INTERNAL, "fuse job %d: a mask is for window jobs only", j);
    }
done:
    return st;
}

/* Tiles of rows rows that the jobs make. */
static int64_t fuse_tiles(const rc_fuse_job *jobs, int n_jobs, int rows)
{
    int64_t n = 0;
    for (int j = 0; j < n_jobs; j++) n += (jobs[j].T + rows - 1) / rows;
    return n;
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
    int n_cols, ci = 0, n_sm = 0, rows_per_tile;
    int64_t n_rows, n_tiles = 0;
    char *d_in = NULL, *d_out = NULL, *in_cur, *out_cur;
    dev_job *h_jobs = NULL, *d_jobs = NULL;
    dev_col *h_cols = NULL, *d_cols = NULL;
    int32_t *h_tile_job = NULL, *d_tile_job = NULL;
    size_t jobs_bytes, tiles_bytes;
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
    RC_CUDA_TRY(cudaDeviceGetAttribute(&n_sm, cudaDevAttrMultiProcessorCount, c->device), err, "rc_cuda_fuse");
    rows_per_tile = fuse_tiles(jobs, n_jobs, FUSE_ROWS_LARGE) >= n_sm ? FUSE_ROWS_LARGE : FUSE_ROWS_SMALL;
    /* the job descriptors, then the job of every tile (the kernel looks its tile up, no search) */
    jobs_bytes = align_up((size_t)n_jobs * sizeof *d_jobs);
    tiles_bytes = (size_t)fuse_tiles(jobs, n_jobs, rows_per_tile) * sizeof *h_tile_job;
    h_tile_job = (int32_t *)rc_malloc(tiles_bytes);
    RC_FAIL_IF(!h_tile_job, err, RC_E_NOMEM, "out of memory for the fuse tiles' job table");
    RC_CUDA_TRY(reserve(&c->f_in, &c->f_in_cap, in_bytes), err, "rc_cuda_fuse inputs");
    RC_CUDA_TRY(reserve(&c->f_out, &c->f_out_cap, out_bytes), err, "rc_cuda_fuse outputs");
    RC_CUDA_TRY(reserve(&c->f_jobs, &c->f_jobs_cap, jobs_bytes + tiles_bytes), err, "rc_cuda_fuse");
    RC_CUDA_TRY(reserve(&c->f_cols, &c->f_cols_cap, (size_t)(n_cols > 0 ? n_cols : 1) * sizeof *d_cols), err,
                "rc_cuda_fuse");
    d_in = (char *)c->f_in;
    d_out = (char *)c->f_out;
    d_jobs = (dev_job *)c->f_jobs;
    d_tile_job = (int32_t *)((char *)c->f_jobs + jobs_bytes);
    d_cols = (dev_col *)c->f_cols;
    c->last.valid = 0;
    RC_CUDA_TRY(cudaEventRecord(c->ev_start, s), err, "rc_cuda_fuse");

    /* Pack inputs and describe them with device pointers. */
    in_cur = d_in;
    out_cur = d_out;
    for (int j = 0; j < n_jobs; j++) {
        const rc_fuse_job *jb = &jobs[j];
        dev_job *dj = &h_jobs[j];
        dj->tile0 = n_tiles;
        for (int64_t t = (jb->T + rows_per_tile - 1) / rows_per_tile; t > 0; t--) h_tile_job[n_tiles++] = j;
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
    RC_CUDA_TRY(cudaMemcpyAsync(d_tile_job, h_tile_job, (size_t)n_tiles * sizeof *d_tile_job,
                                cudaMemcpyHostToDevice, s), err, "rc_cuda_fuse");
    RC_CUDA_TRY(cudaMemcpyAsync(d_cols, h_cols, (size_t)(n_cols > 0 ? n_cols : 1) * sizeof *d_cols,
                                cudaMemcpyHostToDevice, s), err, "rc_cuda_fuse");
    RC_CUDA_TRY(cudaEventRecord(c->ev_in, s), err, "rc_cuda_fuse");

    RC_CUDA_TRY(cudaStreamWaitEvent(c->stream, c->ev_in, 0), err, "rc_cuda_fuse");
    if (rows_per_tile == FUSE_ROWS_LARGE)
        fuse_kernel<FUSE_ROWS_LARGE><<<rc_cuda_blocks(n_tiles, 1), FUSE_THREADS, 0, c->stream>>>(d_jobs, d_tile_job, d_cols,
                                                                                                 n_tiles);
    else
        fuse_kernel<FUSE_ROWS_SMALL><<<rc_cuda_blocks(n_tiles, 1), FUSE_THREADS, 0, c->stream>>>(d_jobs, d_tile_job, d_cols,
                                                                                                 n_tiles);
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
    rc_free(h_tile_job);
    return st;
}
