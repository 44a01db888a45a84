/* test_put_compressed.c — the writer's path for chunks compressed elsewhere: datasets written
 * with rc_shard_put_compressed from rc_shard_compress_chunk and rc_shard_data_sha256, chunks
 * compressed in reverse order, give a file byte-identical to the same datasets written with
 * rc_shard_put (multi-chunk with a partial last chunk, a single chunk, an empty dataset, a
 * multi-dimensional one) and the same content digest; rows per chunk asked for (one frame per
 * chunk, as image stages ask) are kept within the rule's; shapes it cannot write fail by name. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "tap.h"
#include "writer/rc_writer.h"

static const rc_shard_info g_info = {"0.1.0-test", "aa", "cpu", "bb", "spec: text\n", 3};

typedef struct ds {
    const char *path;
    rc_elem elem;
    int rank;
    uint64_t dims[4];
} ds;

static const ds g_ds[] = {
    {"big/data", RC_ELEM_F32, 2, {300000, 3}},    /* 3.6 MB: 4 chunks, the last one partial */
    {"big/t", RC_ELEM_I64, 1, {300000}},
    {"small/valid", RC_ELEM_U8, 1, {17}},
    {"empty/coords", RC_ELEM_I32, 2, {0, 3}},
    {"grid/data", RC_ELEM_U16, 4, {5, 40, 40, 20}},
};
#define N_DS (sizeof g_ds / sizeof g_ds[0])

static void *make_data(const ds *d, unsigned seed)
{
    size_t n = (size_t)rc_elem_size(d->elem);
    for (int k = 0; k < d->rank; k++) n *= d->dims[k];
    uint8_t *p = malloc(n ? n : 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) { /* compressible but not constant */
        x = x * 1103515245u + 12345u;
        p[i] = (uint8_t)((i % 7 == 0) ? x >> 24 : i / 4096);
    }
    return p;
}

static unsigned char *slurp(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)*n + 1);
    if (fread(b, 1, (size_t)*n, f) != (size_t)*n) *n = -1;
    fclose(f);
    return b;
}

/* Writes every dataset into path, directly (compressed = 0) or from pre-compressed chunks. */
static rc_status write_shard(const char *path, void **data, int compressed, char hex[65], rc_err *err)
{
    rc_status st = RC_OK;
    rc_shard *sh = NULL;
    RC_TRY(rc_shard_create(path, &g_info, &sh, err));
    RC_TRY(rc_shard_episode_begin(sh, "ep-1", "in.h5", "/episodes/ep-1", 5, err));
    for (size_t i = 0; i < N_DS; i++) {
        const ds *d = &g_ds[i];
        if (!compressed) {
            RC_TRY(rc_shard_put(sh, d->path, d->elem, d->rank, d->dims, data[i], err));
            continue;
        }
        uint64_t rows = rc_shard_chunk_rows(d->elem, d->rank, d->dims);
        uint64_t n = rows ? (d->dims[0] + rows - 1) / rows : 0;
        void **z = rc_calloc(n + 1, sizeof *z);
        size_t *z_n = rc_calloc(n + 1, sizeof *z_n);
        uint8_t sha[32];
        for (uint64_t c = n; c-- > 0;) /* any order: workers finish when they finish */
            RC_TRY(rc_shard_compress_chunk(d->elem, d->rank, d->dims, data[i], c, 3, &z[c], &z_n[c], err));
        rc_shard_data_sha256(d->elem, d->rank, d->dims, data[i], sha);
        st = rc_shard_put_compressed(sh, d->path, d->elem, d->rank, d->dims, z, z_n, sha, err);
        for (uint64_t c = 0; c < n; c++) rc_free(z[c]);
        rc_free(z);
        rc_free(z_n);
        if (st != RC_OK) goto done;
    }
    RC_TRY(rc_shard_episode_end(sh, hex, err));
    st = rc_shard_commit(sh, err);
    sh = NULL;
done:
    rc_shard_abort(sh);
    return st;
}

int main(void)
{
    char dir[] = "/tmp/rc-putz.XXXXXX", a[300], b[300], ha[65] = "", hb[65] = "";
    if (!mkdtemp(dir)) TAP_BAIL("mkdtemp failed");
    snprintf(a, sizeof a, "%s/direct.h5", dir);
    snprintf(b, sizeof b, "%s/precompressed.h5", dir);
    void *data[N_DS];
    for (size_t i = 0; i < N_DS; i++) data[i] = make_data(&g_ds[i], (unsigned)i + 1);
    rc_err err;
    rc_err_clear(&err);
    tap_ok(rc_shard_chunk_rows(RC_ELEM_F32, 2, g_ds[0].dims) == 87381, "1 MiB chunks of 12-byte rows hold 87381 rows");
    tap_ok(rc_shard_chunk_rows(RC_ELEM_U8, 1, g_ds[2].dims) == 17, "a dataset smaller than a chunk is one chunk");
    uint64_t bad[2] = {4, 0};
    tap_ok(rc_shard_chunk_rows(RC_ELEM_F32, 2, bad) == 0, "a zero inner dimension cannot be chunked");
    tap_ok(rc_shard_chunk_rows_as(RC_ELEM_F32, 2, g_ds[0].dims, 1) == 1 &&
               rc_shard_chunk_rows_as(RC_ELEM_F32, 2, g_ds[0].dims, 500) == 500 &&
               rc_shard_chunk_rows_as(RC_ELEM_F32, 2, g_ds[0].dims, 0) == 87381 &&
               rc_shard_chunk_rows_as(RC_ELEM_F32, 2, g_ds[0].dims, 87382) == 87381 &&
               rc_shard_chunk_rows_as(RC_ELEM_F32, 2, bad, 1) == 0,
           "rows asked for: 1..the rule's rows are kept, 0 or more keep the rule, an unwritable shape stays 0");
    int ok_a = write_shard(a, data, 0, ha, &err) == RC_OK;
    tap_ok(ok_a, "rc_shard_put writes the shard%s%s", ok_a ? "" : ": ", ok_a ? "" : err.msg);
    int ok_b = write_shard(b, data, 1, hb, &err) == RC_OK;
    tap_ok(ok_b, "rc_shard_put_compressed writes the shard%s%s", ok_b ? "" : ": ", ok_b ? "" : err.msg);
    long na = 0, nb = 0;
    unsigned char *ba = slurp(a, &na), *bb = slurp(b, &nb);
    tap_ok(ba && bb && na == nb && na > 0 && !memcmp(ba, bb, (size_t)na),
           "both files have the same %ld bytes", na);
    tap_ok(!strcmp(ha, hb) && strlen(ha) == 64, "and the same content digest %s", ha);

    /* one row per chunk: every chunk of the small dataset is its own zstd frame of one row */
    {
        rc_shard *sh1 = NULL;
        void *zz[17];
        size_t zn[17];
        uint8_t sha1[32];
        int fine = 1;
        snprintf(a, sizeof a, "%s/rows.h5", dir);
        rc_err_clear(&err);
        fine &= rc_shard_create(a, &g_info, &sh1, &err) == RC_OK;
        fine &= rc_shard_episode_begin(sh1, "ep-1", "in.h5", "/episodes/ep-1", 17, &err) == RC_OK;
        for (uint64_t c = 0; c < 17; c++)
            fine &= rc_shard_compress_chunk_as(RC_ELEM_U8, 1, g_ds[2].dims, 1, data[2], c, 3, &zz[c], &zn[c], &err) ==
                    RC_OK;
        rc_shard_data_sha256(RC_ELEM_U8, 1, g_ds[2].dims, data[2], sha1);
        fine &= rc_shard_put_compressed_as(sh1, "small/valid", RC_ELEM_U8, 1, g_ds[2].dims, 1, zz, zn, sha1, &err) ==
                RC_OK;
        char h1[65];
        fine &= rc_shard_episode_end(sh1, h1, &err) == RC_OK && rc_shard_commit(sh1, &err) == RC_OK;
        for (uint64_t c = 0; c < 17; c++) rc_free(zz[c]);
        tap_ok(fine, "17 one-row chunks compressed elsewhere are written by rc_shard_put_compressed_as%s%s", fine ? "" : ": ",
               fine ? "" : err.msg);
        unlink(a);
    }

    /* misuse comes back as an error naming the dataset */
    rc_shard *sh = NULL;
    snprintf(a, sizeof a, "%s/bad.h5", dir);
    rc_shard_create(a, &g_info, &sh, &err);
    rc_shard_episode_begin(sh, "ep-1", "in.h5", "/episodes/ep-1", 5, &err);
    uint8_t sha[32] = {0};
    rc_err_clear(&err);
    tap_ok(rc_shard_put_compressed(sh, "x/data", RC_ELEM_F32, 2, g_ds[0].dims, NULL, NULL, sha, &err) ==
               RC_E_INTERNAL && strstr(err.path, "x/data") && strstr(err.msg, "compressed chunks"),
           "no chunks for a non-empty dataset: an error naming it (%s)", err.msg);
    void *z = NULL;
    size_t z_n = 0;
    rc_err_clear(&err);
    tap_ok(rc_shard_compress_chunk(RC_ELEM_U8, 1, g_ds[2].dims, data[2], 1, 3, &z, &z_n, &err) == RC_E_INTERNAL &&
               z == NULL, "a chunk past the end is an error, not a read past the data");
    rc_shard_abort(sh);
    for (size_t i = 0; i < N_DS; i++) free(data[i]);
    free(ba);
    free(bb);
    unlink(b);
    snprintf(a, sizeof a, "%s/direct.h5", dir);
    unlink(a);
    rmdir(dir);
    return tap_done();
}
