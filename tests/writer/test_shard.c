/* test_shard.c — the shard writer's life cycle and failure paths: commit leaves the final file
 * and no temporary, abort leaves nothing, an injected zstd failure fails the put (never an
 * uncompressed chunk), misuse and HDF5 failures come back as errors naming file and path, equal
 * content gives equal bytes, and the 32015 filter decodes what HDF5 and other zstd encoders
 * write (frames without a content size, several frames) and rejects damaged chunks. */
#include "config.h"

#include <dirent.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "compress/rc_compress.h"
#include "fixture.h"
#include "tap.h"
#include "writer/rc_writer.h"

/* Linked with -Wl,--wrap=ZSTD_compressCCtx: the library's calls come here, and fail on demand. */
size_t __real_ZSTD_compressCCtx(ZSTD_CCtx *cctx, void *dst, size_t cap, const void *src, size_t n, int level);
static int g_fail_compress;
size_t __wrap_ZSTD_compressCCtx(ZSTD_CCtx *cctx, void *dst, size_t cap, const void *src, size_t n, int level);
size_t __wrap_ZSTD_compressCCtx(ZSTD_CCtx *cctx, void *dst, size_t cap, const void *src, size_t n, int level)
{
    if (g_fail_compress) return (size_t)-1; /* ZSTD_error_GENERIC */
    return __real_ZSTD_compressCCtx(cctx, dst, cap, src, n, level);
}

static char g_dir[256];

static const rc_shard_info g_info = {"0.1.0-test", "aa", "cpu", "bb", "spec: text\n", 3};

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Number of entries in g_dir whose name contains ".tmp.". */
static int temp_files(void)
{
    int n = 0;
    DIR *d = opendir(g_dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".tmp.")) n++;
    if (d) closedir(d);
    return n;
}

static char *path_in_dir(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", g_dir, name);
    return buf[k];
}

/* Writes the fixture datasets of episode ep-000000 to path; RC_OK or the first failure. */
static rc_status write_small(const char *path, rc_err *err)
{
    rc_status st = RC_OK;
    rc_shard *sh = NULL;
    char hex[65];
    RC_TRY(rc_shard_create(path, &g_info, &sh, err));
    RC_TRY(rc_shard_episode_begin(sh, "ep-000000", "raw.h5", "ep-000000", 4097, err));
    for (size_t i = 0; i < FIXTURE_N && !strcmp(g_fixture[i].episode, "ep-000000"); i++) {
        const fixture_ds *d = &g_fixture[i];
        void *buf = malloc(fixture_count(d) * (uint64_t)rc_elem_size(d->elem));
        fixture_fill(d, buf);
        st = rc_shard_put(sh, d->rel_path, d->elem, d->rank, d->dims, buf, err);
        free(buf);
        if (st != RC_OK) goto done;
    }
    RC_TRY(rc_shard_episode_end(sh, hex, err));
    st = rc_shard_commit(sh, err);
    sh = NULL;
done:
    rc_shard_abort(sh);
    return st;
}

static char *slurp(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)*n);
    if (fread(b, 1, (size_t)*n, f) != (size_t)*n) *n = -1;
    fclose(f);
    return b;
}

static void test_commit_abort(void)
{
    rc_err err;
    rc_err_clear(&err);
    const char *a = path_in_dir("a.h5"), *b = path_in_dir("b.h5");
    tap_ok(write_small(a, &err) == RC_OK, "write and commit a shard: %s", err.msg);
    tap_ok(exists(a) && temp_files() == 0, "commit leaves the final file and no temporary file");
    tap_ok(write_small(b, &err) == RC_OK, "write the same content again");
    long na, nb;
    char *ba = slurp(a, &na), *bb = slurp(b, &nb);
    tap_ok(ba && bb && na == nb && na > 0 && !memcmp(ba, bb, (size_t)na), "equal content gives equal bytes (%ld)", na);
    free(ba);
    free(bb);

    rc_shard *sh = NULL;
    const char *c = path_in_dir("c.h5");
    uint8_t row[3] = {1, 2, 3};
    uint64_t dims[1] = {3};
    tap_ok(rc_shard_create(c, &g_info, &sh, &err) == RC_OK && temp_files() == 1, "create makes one temporary file");
    int put_ok = rc_shard_episode_begin(sh, "e", "f", "g", 3, &err) == RC_OK &&
                 rc_shard_put(sh, "x", RC_ELEM_U8, 1, dims, row, &err) == RC_OK;
    uint64_t written = sh ? rc_shard_bytes(sh) : 0;
    tap_ok(put_ok && written > 0, "a put counts compressed bytes (%llu)", (unsigned long long)written);
    rc_shard_abort(sh);
    tap_ok(!exists(c) && temp_files() == 0, "abort leaves neither the final nor the temporary file");
    rc_shard_abort(NULL);
}

static void test_compress_failure(void)
{
    rc_err err;
    rc_shard *sh = NULL;
    const char *p = path_in_dir("fail.h5");
    uint8_t row[64] = {0};
    uint64_t dims[2] = {4, 16};
    rc_err_clear(&err);
    rc_shard_create(p, &g_info, &sh, &err);
    rc_shard_episode_begin(sh, "e1", "f", "g", 4, &err);
    g_fail_compress = 1;
    rc_status st = rc_shard_put(sh, "obs/data", RC_ELEM_U8, 2, dims, row, &err);
    g_fail_compress = 0;
    tap_ok(st != RC_OK && strstr(err.msg, "zstd") && !strcmp(err.path, "/episodes/e1/obs/data") && !strcmp(err.file, p),
           "a failing compression fails the put, naming file and path: %s | %s", err.path, err.msg);
    rc_shard_abort(sh);
    tap_ok(!exists(p) && temp_files() == 0, "nothing left behind after the failure and abort");
}

static void test_misuse(void)
{
    rc_err err;
    rc_shard *sh = NULL;
    const char *p = path_in_dir("misuse.h5");
    uint32_t v[8] = {0};
    uint64_t dims[5] = {2, 2, 1, 1, 1}, zero[2] = {2, 0};
    char hex[65];
    rc_err_clear(&err);
    tap_ok(rc_shard_create(path_in_dir("no/such/dir/x.h5"), &g_info, &sh, &err) == RC_E_IO && !sh &&
               strstr(err.file, "no/such/dir/x.h5") && strstr(err.msg, "creating temporary file"),
           "create in a missing folder: RC_E_IO naming the file: %s", err.msg);
    rc_shard_info no_backend = g_info;
    no_backend.backend = NULL;
    tap_ok(rc_shard_create(p, &no_backend, &sh, &err) == RC_E_INTERNAL && !sh && !exists(p) && temp_files() == 0,
           "create with a NULL attribute string is refused and leaves nothing: %s", err.msg);
    rc_shard_create(p, &g_info, &sh, &err);
    tap_ok(rc_shard_put(sh, "x", RC_ELEM_U32, 1, dims, v, &err) != RC_OK && strstr(err.msg, "episode_begin"),
           "put before episode_begin is refused: %s", err.msg);
    tap_ok(rc_shard_episode_end(sh, hex, &err) != RC_OK, "episode_end without an episode is refused");
    tap_ok(rc_shard_episode_begin(sh, "a/b", "f", "g", 1, &err) != RC_OK && strstr(err.msg, "'a/b'"),
           "an episode id with '/' is refused: %s", err.msg);
    rc_shard_episode_begin(sh, "ep", "f", "g", 2, &err);
    tap_ok(rc_shard_episode_begin(sh, "ep2", "f", "g", 2, &err) != RC_OK && strstr(err.msg, "ended"),
           "a second episode_begin before episode_end is refused: %s", err.msg);
    uint64_t dims9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, empty[2] = {0, 2};
    tap_ok(rc_shard_put(sh, "r9", RC_ELEM_U32, 9, dims9, v, &err) != RC_OK && strstr(err.msg, "found 9"),
           "rank 9 is refused: %s", err.msg);
    tap_ok(rc_shard_put(sh, "r8", RC_ELEM_U32, 8, dims9, v, &err) == RC_OK, "rank 8 is accepted");
    tap_ok(rc_shard_put(sh, "none", RC_ELEM_U32, 2, empty, NULL, &err) == RC_OK, "an empty dataset (0 rows, no data) is accepted");
    tap_ok(rc_shard_put(sh, "nodata", RC_ELEM_U32, 1, dims, NULL, &err) != RC_OK && strstr(err.msg, "NULL"),
           "rows without data are refused: %s", err.msg);
    tap_ok(rc_shard_put(sh, "r0", RC_ELEM_U32, 0, dims, v, &err) != RC_OK, "rank 0 is refused");
    tap_ok(rc_shard_put(sh, "z", RC_ELEM_U32, 2, zero, v, &err) != RC_OK && strstr(err.msg, "dims[1] = 0"),
           "a zero dimension is refused: %s", err.msg);
    tap_ok(rc_shard_put(sh, "a//b", RC_ELEM_U32, 1, dims, v, &err) != RC_OK && strstr(err.msg, "non-empty"),
           "an empty path component is refused: %s", err.msg);
    tap_ok(rc_shard_put(sh, "../up", RC_ELEM_U32, 1, dims, v, &err) != RC_OK, "a '..' path component is refused");
    tap_ok(rc_shard_put(sh, "x/y", RC_ELEM_U32, 1, dims, v, &err) == RC_OK, "a valid put after refusals works");
    rc_status st = rc_shard_put(sh, "x/y", RC_ELEM_U32, 1, dims, v, &err);
    tap_ok(st == RC_E_IO && !strcmp(err.path, "/episodes/ep/x/y") && !strcmp(err.file, p) &&
               strstr(err.msg, "creating the dataset failed: "),
           "an HDF5 failure (duplicate dataset) names file and path and HDF5's reason: %s", err.msg);
    tap_ok(rc_shard_put(sh, "x", RC_ELEM_U32, 1, dims, v, &err) != RC_OK, "a dataset where a group is is refused");
    st = rc_shard_commit(sh, &err);
    tap_ok(st != RC_OK && strstr(err.msg, "ended before commit") && !exists(p) && temp_files() == 0,
           "commit with an open episode fails and removes the temporary file: %s", err.msg);
}

/* Writes raw chunk bytes with H5Dwrite_chunk into a 1-D uint8 dataset of n rows with filter
 * 32015, then reads it back through the filter; returns the H5Dread status. */
static herr_t read_raw_chunk(const void *chunk, size_t chunk_n, size_t n, uint8_t *out)
{
    const char *p = path_in_dir("raw.h5");
    hsize_t dims[1] = {n}, off[1] = {0};
    unsigned cd[1] = {3};
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t s = H5Screate_simple(1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, dims);
    H5Pset_filter(dcpl, RC_H5Z_FILTER_ZSTD, H5Z_FLAG_MANDATORY, 1, cd);
    hid_t d = H5Dcreate2(f, "d", H5T_STD_U8LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Dwrite_chunk(d, H5P_DEFAULT, 0, off, chunk_n, chunk);
    H5Dclose(d);
    d = H5Dopen2(f, "d", H5P_DEFAULT);
    herr_t r = H5Dread(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(s);
    H5Fclose(f);
    unlink(p);
    return r;
}

static void test_filter(void)
{
    enum { N = 300000 };
    uint8_t *in = malloc(N), *out = malloc(N), *z = malloc(ZSTD_compressBound(N) * 2);
    rc_err err;
    for (int i = 0; i < N; i++) in[i] = (uint8_t)((i * 7) ^ (i >> 9));
    tap_ok(rc_zstd_filter_register(NULL) == RC_OK && rc_zstd_filter_register(NULL) == RC_OK,
           "rc_zstd_filter_register is idempotent");

    /* A frame without a content size in its header: the decoder must stream. */
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
    size_t zn = ZSTD_compress2(c, z, ZSTD_compressBound(N), in, N);
    tap_ok(ZSTD_getFrameContentSize(z, zn) == ZSTD_CONTENTSIZE_UNKNOWN, "reference frame has no content size");
    memset(out, 0, N);
    tap_ok(read_raw_chunk(z, zn, N, out) >= 0 && !memcmp(in, out, N), "a frame of unknown size decodes (streaming)");

    /* Two frames back to back (unknown sizes) decode to the concatenation. */
    size_t z1 = ZSTD_compress2(c, z, ZSTD_compressBound(N), in, N / 2);
    size_t z2 = ZSTD_compress2(c, z + z1, ZSTD_compressBound(N), in + N / 2, N - N / 2);
    memset(out, 0, N);
    tap_ok(read_raw_chunk(z, z1 + z2, N, out) >= 0 && !memcmp(in, out, N), "two concatenated frames decode");
    ZSTD_freeCCtx(c);

    /* Our compressor: one frame that records its size, decodable by plain ZSTD_decompress. */
    void *mine;
    size_t mine_n;
    rc_err_clear(&err);
    tap_ok(rc_zstd_compress_chunk(in, N, 3, &mine, &mine_n, &err) == RC_OK &&
               ZSTD_getFrameContentSize(mine, mine_n) == N && ZSTD_decompress(out, N, mine, mine_n) == N &&
               !memcmp(in, out, N),
           "rc_zstd_compress_chunk writes one frame with its content size");
    memset(out, 0, N);
    tap_ok(read_raw_chunk(mine, mine_n, N, out) >= 0 && !memcmp(in, out, N), "HDF5 decodes our chunk");

    /* Damaged chunks must fail the read, never return garbage. */
    uint8_t *bad = malloc(mine_n);
    memcpy(bad, mine, mine_n);
    bad[0] ^= 0xff; /* magic number */
    tap_ok(read_raw_chunk(bad, mine_n, N, out) < 0, "a chunk with a broken magic number fails the read");
    tap_ok(read_raw_chunk(mine, mine_n / 2, N, out) < 0, "a truncated chunk fails the read");
    memcpy(bad, mine, mine_n);
    bad[mine_n - 1] ^= 0x55;
    bad[mine_n / 2] ^= 0x55;
    tap_ok(read_raw_chunk(bad, mine_n, N, out) < 0 || memcmp(in, out, N) == 0,
           "a chunk with damaged payload fails the read (or decodes exactly)");
    uint8_t tiny[4] = {0x28, 0xb5, 0x2f, 0xfd};
    tap_ok(read_raw_chunk(tiny, sizeof tiny, N, out) < 0, "a frame header alone fails the read");
    free(bad);
    free(mine);

    /* The forward filter (HDF5 compresses, as h5py would write): round trip through H5Dwrite. */
    const char *p = path_in_dir("fwd.h5");
    hsize_t dims[1] = {N}, chunk[1] = {N / 3};
    unsigned cd[1] = {1};
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t s = H5Screate_simple(1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, chunk);
    H5Pset_filter(dcpl, RC_H5Z_FILTER_ZSTD, H5Z_FLAG_MANDATORY, 1, cd);
    hid_t d = H5Dcreate2(f, "d", H5T_STD_U8LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    herr_t w = H5Dwrite(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, in);
    hsize_t stored = 0;
    /* Chunks sit in HDF5's chunk cache until the dataset is flushed: flush under failure. */
    hid_t d2 = H5Dcreate2(f, "d2", H5T_STD_U8LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    herr_t w2 = H5Dwrite(d2, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, in);
    g_fail_compress = 1;
    if (w2 >= 0) w2 = H5Dflush(d2);
    g_fail_compress = 0;
    tap_ok(w2 < 0, "a failing compression in the filter fails the write (mandatory filter)");
    H5Dclose(d2);
    H5Dclose(d);
    H5Fclose(f);
    f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
    d = H5Dopen2(f, "d", H5P_DEFAULT);
    stored = H5Dget_storage_size(d);
    memset(out, 0, N);
    herr_t r = H5Dread(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
    tap_ok(w >= 0 && r >= 0 && !memcmp(in, out, N) && stored > 0 && stored < N,
           "HDF5's own writes go through the filter and read back (%llu of %d bytes)", (unsigned long long)stored, N);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(s);
    H5Fclose(f);
    unlink(p);
    free(in);
    free(out);
    free(z);
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "%s/rc-test-shard.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(g_dir)) TAP_BAIL("mkdtemp failed");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    test_commit_abort();
    test_compress_failure();
    test_misuse();
    test_filter();
    unlink(path_in_dir("a.h5"));
    unlink(path_in_dir("b.h5"));
    rmdir(g_dir);
    return tap_done();
}
