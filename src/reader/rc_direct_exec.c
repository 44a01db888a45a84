/* rc_direct_exec.c — the HDF5-free half of a direct read: pread of the planned bytes, the chunk
 * filters undone in reverse order of application, and each chunk's part copied to its place in
 * the caller's buffer (straight into it when the chunk's part is one contiguous run); a large
 * filtered dataset's chunks are shared out among threads, each chunk's bytes the same whichever
 * thread decodes it. */
#include "config.h"
#include "reader/rc_direct_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "reader/rc_direct_decode_int.h"

#define FILTER_ZSTD 32015
#define FILTER_LZ4 32004
/* A large contiguous dataset is read in preads of PIECE bytes, the kernel asked (read-ahead) for
 * AHEAD bytes past each; chunks are asked for AHEAD bytes past the one being read. */
#define PIECE ((size_t)8 << 20)
#define AHEAD ((uint64_t)64 << 20)
/* A filtered chunked dataset of at least SHARE_MIN decoded bytes is decoded by several threads
 * (rc_direct_set_threads), their scratch (a stored and two decoded chunks each) at most
 * SHARE_SCRATCH in all. */
#define SHARE_MIN ((size_t)4 << 20)
#define SHARE_SCRATCH ((uint64_t)256 << 20)

struct rc_direct_ctx {
    rd_decoders dec;
    uint8_t *in;        /* one stored chunk */
    size_t in_cap;
    uint8_t *tmp[2];    /* decoded stages, chunk_bytes each */
    size_t tmp_cap[2];
};

rc_direct_ctx *rc_direct_ctx_new(void) { return rc_calloc(1, sizeof(rc_direct_ctx)); }

void rc_direct_ctx_free(rc_direct_ctx *ctx)
{
    if (!ctx) return;
    rd_decoders_free(&ctx->dec);
    rc_free(ctx->in);
    rc_free(ctx->tmp[0]);
    rc_free(ctx->tmp[1]);
    rc_free(ctx);
}

/* Grows *buf to at least n bytes (contents not kept). */
static int reserve(uint8_t **buf, size_t *cap, size_t n)
{
    if (*cap >= n) return 0;
    uint8_t *p = rc_malloc(n ? n : 1);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    rc_free(*buf);
    *buf = p;
    *cap = n;
    return 0;
}

/* Reads exactly n bytes at off; -1 on an error or end of file. */
static int read_at(int fd, void *buf, size_t n, uint64_t off)
{
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t got = pread(fd, p, n, (off_t)off);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        p += got;
        n -= (size_t)got;
        off += (uint64_t)got;
    }
    return 0;
}

/* Reads n bytes at off (inside the file: the plan checked) in pieces, with read-ahead. */
static int read_ahead(int fd, uint8_t *buf, size_t n, uint64_t off)
{
    if (n <= PIECE) return read_at(fd, buf, n, off);
    rc_direct_range whole = {off, n};
    rc_direct_ahead a = {fd, &whole, 1, 0, 0};
    for (size_t at = 0; at < n; at += PIECE) {
        size_t k = n - at < PIECE ? n - at : PIECE;
        rc_direct_ahead_to(&a, off + at + k + AHEAD, 2 * AHEAD);
        if (read_at(fd, buf + at, k, off + at) != 0) return -1;
    }
    return 0;
}

/* The places of p's chunks, sorted and merged, for read-ahead; NULL (no read-ahead) when there is
 * no memory for them. */
static rc_direct_range *chunk_ranges(const rc_direct_plan *p, size_t *n)
{
    rc_direct_range *r = rc_malloc((size_t)p->n_chunks * sizeof *r);
    if (!r) return NULL;
    for (uint64_t i = 0; i < p->n_chunks; i++) r[i] = (rc_direct_range){p->chunks[i].offset, p->chunks[i].stored};
    *n = rc_direct_ranges_merge(r, (size_t)p->n_chunks, UINT64_MAX);
    return r;
}

/* Chunk i's first element, its extent inside the dataset, and whether that part of buf is
 * one contiguous run (every axis after the first whole and unclipped). */
static int chunk_box(const rc_direct_plan *p, uint64_t i, uint64_t start[], uint64_t extent[])
{
    int whole = 1;
    for (int k = p->rank - 1; k >= 0; k--) {
        uint64_t grid = p->dims[k] / p->chunk[k] + (p->dims[k] % p->chunk[k] != 0);
        start[k] = i % grid * p->chunk[k];
        i /= grid;
        uint64_t left = p->dims[k] - start[k];
        extent[k] = left < p->chunk[k] ? left : p->chunk[k];
        if (k > 0 && (extent[k] != p->chunk[k] || p->chunk[k] != p->dims[k])) whole = 0;
    }
    return whole;
}

/* Copies n runs of run bytes, src and dst advancing by their strides; the common narrow runs
 * (one column of 1, 2, 4 or 8 bytes: h5py chunks [N, 1] datasets of few columns so) as single
 * loads and stores. */
static void copy_runs(uint8_t *dst, size_t dst_step, const uint8_t *src, size_t src_step, size_t run,
                      uint64_t n)
{
#define RUNS(K)                                                                                   \
    for (uint64_t i = 0; i < n; i++, dst += dst_step, src += src_step) memcpy(dst, src, K);     \
    return
    switch (run) {
    case 1: RUNS(1);
    case 2: RUNS(2);
    case 4: RUNS(4);
    case 8: RUNS(8);
    default: RUNS(run);
    }
#undef RUNS
}

/* Copies the chunk's part (extent, from a full decoded chunk) into buf at start: runs along the
 * last axis, stepped along the one before it, for every index of the axes before those. */
static void scatter(const rc_direct_plan *p, const uint8_t *chunk, const uint64_t start[],
                    const uint64_t extent[], uint8_t *buf)
{
    int r = p->rank;
    size_t src_stride[H5S_MAX_RANK], dst_stride[H5S_MAX_RANK], dst = 0;
    uint64_t idx[H5S_MAX_RANK] = {0};
    src_stride[r - 1] = dst_stride[r - 1] = p->elem;
    for (int k = r - 2; k >= 0; k--) {
        src_stride[k] = src_stride[k + 1] * p->chunk[k + 1];
        dst_stride[k] = dst_stride[k + 1] * p->dims[k + 1];
    }
    for (int k = 0; k < r; k++) dst += start[k] * dst_stride[k];
    size_t run = (size_t)extent[r - 1] * p->elem;
    if (r == 1) {
        memcpy(buf + dst, chunk, run);
        return;
    }
    for (;;) {
        size_t s_at = 0, d_at = dst;
        for (int k = 0; k < r - 2; k++) {
            s_at += idx[k] * src_stride[k];
            d_at += idx[k] * dst_stride[k];
        }
        copy_runs(buf + d_at, dst_stride[r - 2], chunk + s_at, src_stride[r - 2], run, extent[r - 2]);
        int k = r - 3;
        while (k >= 0 && ++idx[k] == extent[k]) idx[k--] = 0;
        if (k < 0) return;
    }
}

/* Undoes chunk c's filters into a full decoded chunk; *out is where it ended (dst when the last
 * stage could write there, else a scratch buffer).  -1 when it does not decode. */
static int decode_chunk(rc_direct_ctx *ctx, const rc_direct_plan *p, const struct rc_direct_chunk *c,
                        uint8_t *dst, const uint8_t **out)
{
    const uint8_t *cur = ctx->in;
    size_t n = (size_t)c->stored, want = p->chunk_bytes;
    int last = -1;
    for (int f = 0; f < p->n_filters; f++)
        if (!(c->skip >> f & 1)) last = f;
    for (int f = p->n_filters - 1; f >= 0; f--) {
        if (c->skip >> f & 1) continue;
        uint8_t *to = f == last && dst ? dst : cur == ctx->tmp[0] ? ctx->tmp[1] : ctx->tmp[0];
        int id = p->filter_id[f], rc = 0;
        if (id == H5Z_FILTER_SHUFFLE) {
            if (n != want) return -1;
            rd_unshuffle(cur, n, p->filter_cd0[f], to);
        } else if (id == H5Z_FILTER_DEFLATE) rc = rd_inflate(&ctx->dec, cur, n, to, want);
        else if (id == FILTER_ZSTD) rc = rd_unzstd(&ctx->dec, cur, n, to, want);
        else if (id == FILTER_LZ4) rc = rd_unlz4(cur, n, to, want);
        else return -1;
        if (rc != 0) return -1;
        cur = to;
        n = want;
    }
    if (n != want) return -1; /* no filter applied: the chunk is stored as it is */
    *out = cur;
    return 0;
}

/* Chunk i of p read, decoded and placed into buf with ctx's scratch (reserved by the caller). */
static int do_chunk(rc_direct_ctx *ctx, const rc_direct_plan *p, uint64_t i, uint8_t *buf)
{
    uint64_t start[H5S_MAX_RANK] = {0}, extent[H5S_MAX_RANK] = {0};
    const struct rc_direct_chunk *c = &p->chunks[i];
    int whole = chunk_box(p, i, start, extent) && extent[0] == p->chunk[0];
    size_t at = 0;
    for (int k = 0; k < p->rank; k++) at = at * p->dims[k] + start[k];
    uint8_t *dst = whole ? buf + at * p->elem : NULL;
    const uint8_t *got;
    if (dst && (c->skip & ((1u << p->n_filters) - 1)) == ((1u << p->n_filters) - 1))
        /* Nothing to undo: read the chunk where it belongs. */
        return c->stored != p->chunk_bytes || read_at(p->fd, dst, p->chunk_bytes, c->offset) != 0 ? -1 : 0;
    if (read_at(p->fd, ctx->in, (size_t)c->stored, c->offset) != 0) return -1;
    if (decode_chunk(ctx, p, c, dst, &got) != 0) return -1;
    if (got == dst) return 0;
    if (dst) memcpy(dst, got, p->chunk_bytes);
    else scatter(p, got, start, extent, buf);
    return 0;
}

/* ctx's scratch for p's chunks. */
static int reserve_for(rc_direct_ctx *ctx, const rc_direct_plan *p)
{
    if (reserve(&ctx->in, &ctx->in_cap, p->max_stored) != 0) return -1;
    if (p->n_filters > 0 && (reserve(&ctx->tmp[0], &ctx->tmp_cap[0], p->chunk_bytes) != 0 ||
                             reserve(&ctx->tmp[1], &ctx->tmp_cap[1], p->chunk_bytes) != 0))
        return -1;
    return 0;
}

/* The chunks of one dataset shared out among threads: each takes the next chunk not taken. */
typedef struct chunk_share {
    const rc_direct_plan *p;
    uint8_t *buf;
    _Atomic uint64_t next;
    atomic_int failed;
    pthread_mutex_t ahead_mu; /* guards ahead */
    rc_direct_ahead ahead;
} chunk_share;

typedef struct chunk_worker {
    chunk_share *share;
    rc_direct_ctx *ctx;
    pthread_t tid;
    int started;
    int helper; /* not the calling thread: one without scratch just leaves its share to the others */
} chunk_worker;

static void *chunk_worker_main(void *arg)
{
    chunk_worker *w = arg;
    chunk_share *sh = w->share;
    const rc_direct_plan *p = sh->p;
    if (reserve_for(w->ctx, p) != 0) {
        if (!w->helper) atomic_store(&sh->failed, 1); /* errno: ENOMEM, in the calling thread */
        return NULL;
    }
    for (;;) {
        uint64_t i = atomic_fetch_add(&sh->next, 1);
        if (i >= p->n_chunks || atomic_load(&sh->failed)) break;
        const struct rc_direct_chunk *c = &p->chunks[i];
        /* read-ahead from whichever thread is free to ask: the window only moves forward */
        if (pthread_mutex_trylock(&sh->ahead_mu) == 0) {
            rc_direct_ahead_to(&sh->ahead, c->offset + c->stored + AHEAD, 2 * AHEAD);
            pthread_mutex_unlock(&sh->ahead_mu);
        }
        if (do_chunk(w->ctx, p, i, sh->buf) != 0) atomic_store(&sh->failed, 1);
    }
    return NULL;
}

static atomic_int decode_threads = 1;

void rc_direct_set_threads(int n)
{
    atomic_store(&decode_threads, n < 1 ? 1 : n > RC_DIRECT_MAX_THREADS ? RC_DIRECT_MAX_THREADS : n);
}

/* How many threads decode p: one unless it is filtered and large enough to be worth the threads'
 * start, and no more than one per chunk or than SHARE_SCRATCH of scratch allows. */
int rc_direct_threads_for(const rc_direct_plan *p)
{
    int n = atomic_load(&decode_threads);
    if (n <= 1 || p->n_filters == 0 || p->total < SHARE_MIN || p->n_chunks < 2) return 1;
    uint64_t scratch = (uint64_t)p->max_stored + 2 * (uint64_t)p->chunk_bytes;
    uint64_t by_mem = scratch ? SHARE_SCRATCH / scratch : (uint64_t)n;
    if ((uint64_t)n > by_mem) n = by_mem < 1 ? 1 : (int)by_mem;
    if ((uint64_t)n > p->n_chunks) n = (int)p->n_chunks;
    return n;
}

static int exec_chunked(rc_direct_ctx *ctx, const rc_direct_plan *p, uint8_t *buf)
{
    size_t n_ranges = 0;
    rc_direct_range *ranges = p->n_chunks > 1 ? chunk_ranges(p, &n_ranges) : NULL;
    chunk_share sh = {.p = p, .buf = buf, .ahead = {p->fd, ranges, n_ranges, 0, 0}};
    chunk_worker w[RC_DIRECT_MAX_THREADS] = {{0}};
    int n = rc_direct_threads_for(p);
    atomic_init(&sh.next, 0);
    atomic_init(&sh.failed, 0);
    pthread_mutex_init(&sh.ahead_mu, NULL);
    w[0] = (chunk_worker){&sh, ctx, 0, 0, 0};
    /* the helpers, each with decoding state of its own; one that cannot start leaves its share */
    for (int k = 1; k < n; k++) {
        w[k].share = &sh;
        w[k].helper = 1;
        if (!(w[k].ctx = rc_direct_ctx_new())) break;
        if (pthread_create(&w[k].tid, NULL, chunk_worker_main, &w[k]) != 0) break;
        w[k].started = 1;
    }
    chunk_worker_main(&w[0]);
    for (int k = 1; k < n; k++) {
        if (w[k].started) pthread_join(w[k].tid, NULL);
        rc_direct_ctx_free(w[k].ctx);
    }
    pthread_mutex_destroy(&sh.ahead_mu);
    rc_free(ranges);
    return atomic_load(&sh.failed) ? -1 : 0;
}

int rc_direct_exec(rc_direct_ctx *ctx, const rc_direct_plan *p, void *buf)
{
    if (p->total == 0) return 0;
    if (!p->chunked) return read_ahead(p->fd, buf, p->total, p->offset);
    return exec_chunked(ctx, p, buf);
}
