/* test_direct.c — direct reads (src/reader/rc_direct*) against H5Dread, byte for byte.
 *   test_direct CASES_DIR FILE...
 * CASES_DIR/cases.txt (make_direct_inputs.py) lists h5py-made datasets with the path each must
 * take; each "ok" one is read directly (in this thread and in four threads at once from one
 * plan) and compared with H5Dread.  Chunks this program writes itself with H5Dwrite_chunk cover
 * zstd as other encoders write it (no content size, several frames), HDF5's lz4 framing, and a
 * corrupt chunk, and a damaged chunk of a large dataset decoded by several threads.  Every
 * further FILE (shards, real data) has each numeric dataset read through
 * rc_direct_read and compared with H5Dread. */
#include "config.h"

#include <hdf5.h>
#include <lz4.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "reader/rc_direct_int.h"
#include "tap.h"

#define N_THREADS 4

typedef struct job {
    const rc_direct_plan *plan;
    void *buf;
    int rc;
} job;

static void *exec_job(void *arg)
{
    job *j = arg;
    rc_direct_ctx *ctx = rc_direct_ctx_new();
    j->rc = ctx ? rc_direct_exec(ctx, j->plan, j->buf) : -1;
    rc_direct_ctx_free(ctx);
    return NULL;
}

/* The dataset's bytes as H5Dread gives them in mem, or NULL when H5Dread fails. */
static void *h5_read(hid_t dset, hid_t mem, size_t n)
{
    void *b = malloc(n ? n : 1);
    memset(b, 0x55, n);
    herr_t rc;
    H5E_BEGIN_TRY { rc = H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, b); } H5E_END_TRY;
    if (rc < 0) {
        free(b);
        return NULL;
    }
    return b;
}

static size_t n_bytes(hid_t dset, hid_t mem)
{
    hid_t space = H5Dget_space(dset);
    hssize_t n = H5Sget_simple_extent_npoints(space);
    H5Sclose(space);
    return (size_t)n * H5Tget_size(mem);
}

/* One listed case: the expected path, then (direct ones) the bytes in 1 and N_THREADS threads. */
static void check_case(const char *dir, const char *file, const char *path, const char *expect)
{
    char fn[4096];
    snprintf(fn, sizeof fn, "%s/%s", dir, file);
    hid_t f = H5Fopen(fn, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = f >= 0 ? H5Dopen2(f, path, H5P_DEFAULT) : -1;
    if (d < 0) TAP_BAIL("cannot open %s %s", fn, path);
    hid_t ft = H5Dget_type(d), mem = H5Tget_native_type(ft, H5T_DIR_ASCEND);
    size_t n = n_bytes(d, mem);
    rc_direct_plan plan;
    rc_direct_why why = rc_direct_plan_make(d, mem, n, &plan);
    tap_ok(!strcmp(rc_direct_why_name(why), expect), "%s %s: path %s (expected %s)", file, path,
           rc_direct_why_name(why), expect);
    void *want = h5_read(d, mem, n);
    if (!want) TAP_BAIL("H5Dread fails on %s %s", file, path);
    if (why == RC_DIRECT_OK) {
        job jobs[N_THREADS];
        pthread_t th[N_THREADS];
        for (int i = 0; i < N_THREADS; i++) {
            jobs[i] = (job){&plan, malloc(n ? n : 1), -1};
            memset(jobs[i].buf, 0xAA, n);
        }
        exec_job(&jobs[0]);
        tap_ok(jobs[0].rc == 0 && !memcmp(jobs[0].buf, want, n), "%s %s: direct = H5Dread (%zu bytes)",
               file, path, n);
        for (int i = 1; i < N_THREADS; i++) pthread_create(&th[i], NULL, exec_job, &jobs[i]);
        int same = 1;
        for (int i = 1; i < N_THREADS; i++) {
            pthread_join(th[i], NULL);
            same &= jobs[i].rc == 0 && !memcmp(jobs[i].buf, want, n);
        }
        tap_ok(same, "%s %s: %d threads on one plan, each = H5Dread", file, path, N_THREADS - 1);
        /* the plan's chunks shared out among decode threads (a large filtered dataset) */
        rc_direct_set_threads(8);
        int shared = rc_direct_threads_for(&plan), big = plan.n_filters > 0 && n >= ((size_t)4 << 20);
        tap_ok(big ? shared == 8 : shared == 1, "%s %s: %d decode thread(s) (%s)", file, path, shared,
               big ? "filtered, 4 MiB or more" : "small or unfiltered: the calling thread alone");
        memset(jobs[1].buf, 0xAA, n);
        exec_job(&jobs[1]);
        rc_direct_set_threads(1);
        tap_ok(jobs[1].rc == 0 && !memcmp(jobs[1].buf, want, n), "%s %s: with 8 decode threads = H5Dread",
               file, path);
        for (int i = 0; i < N_THREADS; i++) free(jobs[i].buf);
        rc_direct_plan_free(&plan);
    }
    /* The entry point: same bytes, counted under the expected path. */
    rc_direct_counts before, after;
    rc_direct_counts_get(&before);
    void *got = malloc(n ? n : 1);
    memset(got, why == RC_DIRECT_OK ? 0xAA : 0x55, n); /* H5Dread leaves compound padding alone */
    herr_t rc = rc_direct_read(d, mem, got, n);
    rc_direct_counts_get(&after);
    tap_ok(rc >= 0 && !memcmp(got, want, n) && after.reads[why] == before.reads[why] + 1 &&
               after.bytes[why] == before.bytes[why] + n,
           "%s %s: rc_direct_read = H5Dread, counted as %s", file, path, rc_direct_why_name(why));
    free(got);
    free(want);
    H5Tclose(mem);
    H5Tclose(ft);
    H5Dclose(d);
    H5Fclose(f);
}

/* A 1-D chunked float32 dataset of 3000 values in 3 chunks, each chunk stored as encode()
 * makes it (written with H5Dwrite_chunk); filter_id 0: no filter. */
typedef size_t (*encoder)(const void *src, size_t n, void *dst, size_t cap);

static hid_t raw_chunks(hid_t f, const char *name, int filter_id, encoder enc, const float *v)
{
    hsize_t dims[1] = {3000}, chunk[1] = {1000};
    hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, chunk);
    unsigned cd[1] = {3};
    H5Pset_filter(dcpl, (H5Z_filter_t)filter_id, H5Z_FLAG_OPTIONAL, 1, cd);
    hid_t d = H5Dcreate2(f, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0) TAP_BAIL("cannot create %s", name);
    size_t cap = 2 * sizeof(float) * 1000 + 4096;
    void *buf = malloc(cap);
    for (hsize_t c = 0; c < 3; c++) {
        size_t n = enc(v + c * 1000, 1000 * sizeof(float), buf, cap);
        hsize_t off[1] = {c * 1000};
        if (H5Dwrite_chunk(d, H5P_DEFAULT, 0, off, n, buf) < 0) TAP_BAIL("cannot write a chunk of %s", name);
    }
    free(buf);
    H5Pclose(dcpl);
    H5Sclose(space);
    return d;
}

/* zstd as streaming encoders write it: no content size in the header, the chunk in two frames. */
static size_t zstd_streamed(const void *src, size_t n, void *dst, size_t cap)
{
    size_t total = 0;
    for (int half = 0; half < 2; half++) {
        ZSTD_CCtx *c = ZSTD_createCCtx();
        ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
        ZSTD_inBuffer in = {(const char *)src + half * (n / 2), half ? n - n / 2 : n / 2, 0};
        ZSTD_outBuffer out = {(char *)dst + total, cap - total, 0};
        while (ZSTD_compressStream2(c, &out, &in, ZSTD_e_end) != 0) {}
        total += out.pos;
        ZSTD_freeCCtx(c);
    }
    if (ZSTD_getFrameContentSize(dst, total) != ZSTD_CONTENTSIZE_UNKNOWN) TAP_BAIL("zstd frame records its size");
    return total;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}

/* HDF5's lz4 framing with 1000-byte blocks; the last block stored raw. */
static size_t lz4_framed(const void *src, size_t n, void *dst, size_t cap)
{
    uint8_t *o = dst;
    size_t at = 12, block = 1000;
    put_be(o, n, 8);
    put_be(o + 8, block, 4);
    for (size_t done = 0; done < n; done += block) {
        size_t b = n - done < block ? n - done : block;
        int z = done + b == n ? 0 : LZ4_compress_default((const char *)src + done, (char *)o + at + 4, (int)b,
                                                         (int)(cap - at - 4));
        if (z <= 0 || (size_t)z >= b) {
            memcpy(o + at + 4, (const char *)src + done, b);
            z = (int)b;
        }
        put_be(o + at, (uint64_t)z, 4);
        at += 4 + (size_t)z;
    }
    return at;
}

static size_t zstd_corrupt(const void *src, size_t n, void *dst, size_t cap)
{
    return ZSTD_compress(dst, cap, src, n, 3) - 9; /* the frame cut short */
}

static void check_written(const char *dir)
{
    char fn[4096];
    snprintf(fn, sizeof fn, "%s/written.h5", dir);
    hid_t f = H5Fcreate(fn, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    float *v = malloc(3000 * sizeof *v), *got = malloc(3000 * sizeof *got);
    for (int i = 0; i < 3000; i++) v[i] = (float)(i % 97) * 0.25f - (float)(i / 500);
    H5Dclose(raw_chunks(f, "zstd_streamed", 32015, zstd_streamed, v));
    H5Dclose(raw_chunks(f, "lz4_framed", 32004, lz4_framed, v));
    hid_t d = raw_chunks(f, "zstd_corrupt", 32015, zstd_corrupt, v);
    rc_direct_plan plan;
    tap_ok(rc_direct_plan_make(d, H5T_NATIVE_FLOAT, sizeof(float) * 3000, &plan) == RC_DIRECT_DRIVER,
           "a file open for writing: H5Dread (its caches may be newer than the disk)");
    H5Dclose(d);
    H5Fclose(f);
    f = H5Fopen(fn, H5F_ACC_RDONLY, H5P_DEFAULT);
    /* zstd without content size: H5Dread (the plugin) is the reference. */
    d = H5Dopen2(f, "zstd_streamed", H5P_DEFAULT);
    float *want = h5_read(d, H5T_NATIVE_FLOAT, sizeof(float) * 3000);
    tap_ok(rc_direct_plan_make(d, H5T_NATIVE_FLOAT, sizeof(float) * 3000, &plan) == RC_DIRECT_OK,
           "zstd streamed: planned direct");
    rc_direct_ctx *ctx = rc_direct_ctx_new();
    tap_ok(want && rc_direct_exec(ctx, &plan, got) == 0 && !memcmp(got, want, 3000 * sizeof *got) &&
               !memcmp(got, v, 3000 * sizeof *got),
           "zstd streamed, two frames per chunk: direct = H5Dread = the written values");
    rc_direct_plan_free(&plan);
    free(want);
    H5Dclose(d);
    /* lz4: with an lz4 plugin H5Dread is the reference; the written values always are. */
    d = H5Dopen2(f, "lz4_framed", H5P_DEFAULT);
    want = h5_read(d, H5T_NATIVE_FLOAT, sizeof(float) * 3000);
    tap_ok(rc_direct_plan_make(d, H5T_NATIVE_FLOAT, sizeof(float) * 3000, &plan) == RC_DIRECT_OK &&
               rc_direct_exec(ctx, &plan, got) == 0 && !memcmp(got, v, 3000 * sizeof *got) &&
               (!want || !memcmp(got, want, 3000 * sizeof *got)),
           "lz4 framing, compressed and raw blocks: direct = the written values%s",
           want ? " = H5Dread" : " (no lz4 plugin for H5Dread)");
    rc_direct_plan_free(&plan);
    free(want);
    H5Dclose(d);
    /* A corrupt chunk: the direct path gives up, H5Dread decides (and fails), counted as decode. */
    d = H5Dopen2(f, "zstd_corrupt", H5P_DEFAULT);
    rc_direct_counts before, after;
    rc_direct_counts_get(&before);
    herr_t rc;
    H5E_BEGIN_TRY { rc = rc_direct_read(d, H5T_NATIVE_FLOAT, got, sizeof(float) * 3000); } H5E_END_TRY;
    rc_direct_counts_get(&after);
    tap_ok(rc < 0 && after.reads[RC_DIRECT_DECODE] == before.reads[RC_DIRECT_DECODE] + 1,
           "corrupt zstd chunk: falls back to H5Dread, which fails; counted as decode");
    /* A buffer of the wrong size is never read into. */
    tap_ok(rc_direct_plan_make(d, H5T_NATIVE_FLOAT, sizeof(float) * 2999, &plan) == RC_DIRECT_SIZES,
           "a buffer one element short: sizes");
    H5Dclose(d);
    rc_direct_ctx_free(ctx);
    free(v);
    free(got);
    H5Fclose(f);
}

/* A large gzip dataset with one chunk in the middle overwritten: with 8 decode threads the exec
 * fails (whichever thread met it), and rc_direct_read falls back and counts it as decode. */
static void check_corrupt_shared(const char *dir)
{
    char fn[4096];
    snprintf(fn, sizeof fn, "%s/corrupt_big.h5", dir);
    enum { N = 2000000, CHUNK = 25000 };
    float *v = malloc(N * sizeof *v), *got = malloc(N * sizeof *got);
    for (int i = 0; i < N; i++) v[i] = (float)(i % 1013) * 0.5f;
    hid_t f = H5Fcreate(fn, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t dims[1] = {N}, chunk[1] = {CHUNK}, where[1];
    hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, chunk);
    H5Pset_deflate(dcpl, 4);
    hid_t d = H5Dcreate2(f, "big", H5T_NATIVE_FLOAT, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0 || H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) TAP_BAIL("cannot write %s", fn);
    haddr_t at = 0;
    hsize_t stored = 0;
    if (H5Dget_chunk_info(d, space, 50, where, NULL, &at, &stored) < 0) TAP_BAIL("no chunk 50 in %s", fn);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(f);
    FILE *w = fopen(fn, "r+b");
    uint8_t junk[64];
    memset(junk, 0x5A, sizeof junk);
    if (!w || fseek(w, (long)at + (long)stored / 2, SEEK_SET) != 0 || fwrite(junk, 1, sizeof junk, w) != sizeof junk)
        TAP_BAIL("cannot damage %s", fn);
    fclose(w);
    f = H5Fopen(fn, H5F_ACC_RDONLY, H5P_DEFAULT);
    d = H5Dopen2(f, "big", H5P_DEFAULT);
    rc_direct_plan plan;
    tap_ok(rc_direct_plan_make(d, H5T_NATIVE_FLOAT, N * sizeof(float), &plan) == RC_DIRECT_OK,
           "a damaged chunk in a large gzip dataset: planned direct");
    rc_direct_set_threads(8);
    rc_direct_ctx *ctx = rc_direct_ctx_new();
    tap_ok(rc_direct_exec(ctx, &plan, got) != 0, "8 decode threads: the damaged chunk fails the whole read");
    rc_direct_ctx_free(ctx);
    rc_direct_plan_free(&plan);
    rc_direct_counts before, after;
    rc_direct_counts_get(&before);
    herr_t rc;
    H5E_BEGIN_TRY { rc = rc_direct_read(d, H5T_NATIVE_FLOAT, got, N * sizeof(float)); } H5E_END_TRY;
    rc_direct_counts_get(&after);
    rc_direct_set_threads(1);
    tap_ok(rc < 0 && after.reads[RC_DIRECT_DECODE] == before.reads[RC_DIRECT_DECODE] + 1,
           "8 decode threads: rc_direct_read falls back to H5Dread, which fails too; counted as decode");
    H5Dclose(d);
    H5Fclose(f);
    free(v);
    free(got);
}

typedef struct walk {
    const char *file;
    int n, n_direct, n_bad;
} walk;

static herr_t visit(hid_t loc, const char *name, const H5L_info_t *info, void *arg)
{
    walk *w = arg;
    hid_t d;
    (void)info;
    H5E_BEGIN_TRY { d = H5Dopen2(loc, name, H5P_DEFAULT); } H5E_END_TRY;
    if (d < 0) return 0; /* a group */
    hid_t ft = H5Dget_type(d);
    H5T_class_t cls = H5Tget_class(ft);
    if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
        hid_t mem = H5Tget_native_type(ft, H5T_DIR_ASCEND);
        size_t n = n_bytes(d, mem);
        void *want = h5_read(d, mem, n), *got = malloc(n ? n : 1);
        rc_direct_plan plan;
        rc_direct_why why = rc_direct_plan_make(d, mem, n, &plan);
        rc_direct_plan_free(&plan);
        if (want && rc_direct_read(d, mem, got, n) >= 0 && !memcmp(got, want, n)) {
            w->n_direct += why == RC_DIRECT_OK;
            if (why != RC_DIRECT_OK) tap_diag("%s /%s: H5Dread (%s)", w->file, name, rc_direct_why_name(why));
        } else {
            w->n_bad++;
            tap_diag("%s /%s differs from H5Dread (path %s)", w->file, name, rc_direct_why_name(why));
        }
        w->n++;
        free(want);
        free(got);
        H5Tclose(mem);
    }
    H5Tclose(ft);
    H5Dclose(d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) TAP_BAIL("usage: test_direct CASES_DIR [FILE...]");
    char fn[4096], file[256], path[1024], expect[64];
    snprintf(fn, sizeof fn, "%s/cases.txt", argv[1]);
    FILE *cases = fopen(fn, "r");
    if (!cases) TAP_BAIL("cannot open %s", fn);
    while (fscanf(cases, "%255s %1023s %63s", file, path, expect) == 3) check_case(argv[1], file, path, expect);
    fclose(cases);
    check_written(argv[1]);
    check_corrupt_shared(argv[1]);
    for (int i = 2; i < argc; i++) {
        walk w = {argv[i], 0, 0, 0};
        hid_t f = H5Fopen(argv[i], H5F_ACC_RDONLY, H5P_DEFAULT);
        if (f < 0) TAP_BAIL("cannot open %s", argv[i]);
        H5Lvisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, visit, &w);
        H5Fclose(f);
        tap_ok(w.n > 0 && w.n_bad == 0, "%s: %d numeric datasets (%d direct) read as H5Dread reads them",
               argv[i], w.n, w.n_direct);
    }
    return tap_done();
}
