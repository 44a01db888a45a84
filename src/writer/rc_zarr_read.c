/* rc_zarr_read.c — reads a zarr shard back as logical datasets (rc_zarr_int.h): the root
 * .zattrs names the episodes, and for each logical dataset its array and rows per episode; an
 * episode's rows are decoded from the chunks that hold them.  Every size read from the store is
 * checked against the others and the memory budget before anything is allocated from it. */
#include "config.h"
#include "writer/rc_zarr_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

#include "common/rc_common.h"
#include "writer/rc_digest_int.h"

/* Largest metadata file read (.zattrs, .zarray). */
#define RC_ZARR_META_MAX (64u << 20)

typedef struct zds {
    char *rel, *array;    /* logical path; array path in the store */
    rc_elem elem;
    int rank;
    uint64_t shape[RC_SHARD_MAX_RANK], chunk_rows;
    int level;
    size_t row_bytes;
    int64_t *start, *rows; /* [episodes, store order] first row and rows (-1: absent) */
} zds;

typedef struct zep {
    char id[256], file[1024], group[512], hex[80];
    int64_t steps;
} zep;

struct rc_zarr_reader {
    char *path;
    zep *ep;          /* store order */
    size_t n_ep;
    size_t *order;    /* [n_ep] store index of the i-th episode in byte order of ids */
    zep **sorted;     /* [n_ep] scratch for sorting */
    zds *ds;
    size_t n_ds;
};

static int elem_of(const char *dtype)
{
    for (int e = RC_ELEM_U8; e <= RC_ELEM_F32; e++)
        if (!strcmp(rc_elem_name((rc_elem)e), dtype)) return e;
    return -1;
}

/* Reads file path (at most max bytes) into *buf (NUL-terminated); *n its size. */
static rc_status read_all(const char *path, size_t max, char **buf, size_t *n, rc_err *err)
{
    rc_status st = RC_OK;
    struct stat sb;
    FILE *f = NULL;
    *buf = NULL;
    /* lstat: a symbolic link could lead outside the store */
    RC_FAIL_IF(lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode), err, RC_E_IO,
               "expected a plain file %s, found none or another kind (a link?)", path);
    RC_FAIL_IF((uint64_t)sb.st_size > max, err, RC_E_IO, "expected %s under %zu bytes, found %lld", path, max,
               (long long)sb.st_size);
    f = fopen(path, "rb");
    RC_FAIL_IF(!f, err, RC_E_IO, "cannot open %s: %s", path, strerror(errno));
    *buf = rc_malloc((size_t)sb.st_size + 1);
    RC_FAIL_IF(!*buf, err, RC_E_NOMEM, "out of memory");
    *n = fread(*buf, 1, (size_t)sb.st_size, f);
    RC_FAIL_IF(*n != (size_t)sb.st_size, err, RC_E_IO, "reading %s failed", path);
    (*buf)[*n] = '\0';
done:
    if (f) fclose(f);
    if (st != RC_OK) {
        rc_free(*buf);
        *buf = NULL;
    }
    return st;
}

rc_status rc_zarr_read_json(const char *path, rc_jv **out, rc_err *err)
{
    rc_status st = RC_OK;
    char *text = NULL;
    size_t n;
    RC_TRY(read_all(path, RC_ZARR_META_MAX, &text, &n, err));
    RC_TRY(rc_json_read_text(text, n, out, err));
done:
    rc_free(text);
    return st;
}

/* Integers of a JSON array into out[max]; the count, or -1 when it is not such an array. */
static int ints_of(const rc_jv *v, uint64_t *out, int max)
{
    if (!v || v->type != RC_JV_ARRAY || v->n < 1 || (int)v->n > max) return -1;
    for (size_t i = 0; i < v->n; i++) {
        char *end;
        if (v->items[i].type != RC_JV_NUMBER || v->items[i].text[0] == '-') return -1;
        errno = 0;
        out[i] = strtoull(v->items[i].text, &end, 10);
        if (*end || errno) return -1;
    }
    return (int)v->n;
}

/* Reads <array>/.zarray and checks it against the dataset's type and rows. */
static rc_status read_zarray(const rc_zarr_reader *r, zds *d, uint64_t total_rows, rc_err *err)
{
    rc_status st = RC_OK;
    rc_jv *v = NULL;
    char path[4096];
    uint64_t chunks[RC_SHARD_MAX_RANK];
    snprintf(path, sizeof path, "%s/%s/.zarray", r->path, d->array);
    rc_err_scope(err, r->path, NULL, "%s", d->array);
    RC_TRY(rc_zarr_read_json(path, &v, err));
    const rc_jv *comp = rc_jv_get(v, "compressor");
    const char *dtype = rc_jv_get_string(v, "dtype"), *order = rc_jv_get_string(v, "order");
    const char *cid = rc_jv_get_string(comp, "id");
    int64_t level = -1, fmt = 0;
    rc_jv_get_int(comp, "level", &level);
    rc_jv_get_int(v, "zarr_format", &fmt);
    d->rank = ints_of(rc_jv_get(v, "shape"), d->shape, RC_SHARD_MAX_RANK);
    int n_chunks = ints_of(rc_jv_get(v, "chunks"), chunks, RC_SHARD_MAX_RANK);
    RC_FAIL_IF(fmt != 2 || !cid || strcmp(cid, "zstd") || !dtype || strcmp(dtype, rc_zarr_dtype(d->elem)) ||
                   !order || strcmp(order, "C") || d->rank < 1 || n_chunks != d->rank,
               err, RC_E_INPUT, "expected a zarr v2 array of dtype %s, C order, compressor zstd",
               rc_zarr_dtype(d->elem));
    d->level = (int)level;
    d->chunk_rows = chunks[0];
    d->row_bytes = (size_t)rc_elem_size(d->elem);
    uint64_t row = d->row_bytes;
    for (int k = 1; k < d->rank; k++) {
        RC_FAIL_IF(chunks[k] != d->shape[k] || d->shape[k] == 0, err, RC_E_INPUT,
                   "expected chunks of whole rows (chunk dim %d = shape dim)", k);
        row = rc_budget_mul(row, d->shape[k]);
    }
    RC_TRY(rc_budget_check(row, RC_E_INPUT, "a row of the array", err));
    d->row_bytes = (size_t)row;
    RC_FAIL_IF(d->chunk_rows == 0 || d->shape[0] != total_rows, err, RC_E_INPUT,
               "expected %llu rows (the episodes' rows summed) and chunks of >= 1 rows, found shape[0] %llu",
               (unsigned long long)total_rows, (unsigned long long)d->shape[0]);
    RC_TRY(rc_budget_check(rc_budget_mul(row, d->chunk_rows), RC_E_INPUT, "a chunk of the array", err));
done:
    rc_jv_free(v);
    return st;
}

static int by_id(const void *a, const void *b)
{
    return strcmp((*(const zep *const *)a)->id, (*(const zep *const *)b)->id);
}

static void copy_str(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

static rc_status read_root(rc_zarr_reader *r, rc_shard_root *root, rc_err *err)
{
    rc_status st = RC_OK;
    rc_jv *v = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/.zattrs", r->path);
    rc_err_scope(err, r->path, NULL, ".zattrs");
    RC_TRY(rc_zarr_read_json(path, &v, err));
    const char *fmt = rc_jv_get_string(v, "format");
    RC_FAIL_IF(!fmt || strcmp(fmt, RC_ZARR_FORMAT), err, RC_E_IO, "not a robocache zarr shard: expected format \"%s\"",
               RC_ZARR_FORMAT);
    copy_str(root->format, sizeof root->format, fmt);
    RC_FAIL_IF(rc_jv_get_int(v, "format_version", &root->format_version) < 0 || root->format_version != 1, err,
               RC_E_IO, "expected format_version 1");
    copy_str(root->tool_version, sizeof root->tool_version, rc_jv_get_string(v, "tool_version"));
    copy_str(root->spec_sha256, sizeof root->spec_sha256, rc_jv_get_string(v, "spec_sha256"));
    copy_str(root->backend, sizeof root->backend, rc_jv_get_string(v, "backend"));
    copy_str(root->created_from, sizeof root->created_from, rc_jv_get_string(v, "created_from"));
    const char *pipe = rc_jv_get_string(v, "pipeline");
    root->pipeline = rc_strdup(pipe ? pipe : "");
    RC_FAIL_IF(!root->pipeline, err, RC_E_NOMEM, "out of memory");
    int64_t chunk_bytes = 0;
    RC_FAIL_IF(rc_jv_get_int(v, "chunk_bytes", &chunk_bytes) < 0 || chunk_bytes < 0, err, RC_E_IO,
               "expected an integer chunk_bytes");
    root->stored_bytes = (uint64_t)chunk_bytes;
    const rc_jv *eps = rc_jv_get(v, "episodes"), *dss = rc_jv_get(v, "datasets");
    RC_FAIL_IF(!eps || eps->type != RC_JV_ARRAY || !dss || dss->type != RC_JV_ARRAY, err, RC_E_IO,
               "expected arrays episodes and datasets");
    r->ep = rc_calloc(eps->n ? eps->n : 1, sizeof *r->ep);
    r->order = rc_calloc(eps->n ? eps->n : 1, sizeof *r->order);
    r->ds = rc_calloc(dss->n ? dss->n : 1, sizeof *r->ds);
    RC_FAIL_IF(!r->ep || !r->order || !r->ds, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < eps->n; i++) {
        const rc_jv *e = &eps->items[i];
        zep *p = &r->ep[i];
        const char *id = rc_jv_get_string(e, "id"), *hex = rc_jv_get_string(e, "content_sha256");
        RC_FAIL_IF(!id || !id[0] || strlen(id) >= sizeof p->id || !hex || rc_jv_get_int(e, "steps", &p->steps) < 0,
                   err, RC_E_IO, "expected episode %zu with id, steps and content_sha256", i);
        copy_str(p->id, sizeof p->id, id);
        copy_str(p->hex, sizeof p->hex, hex);
        copy_str(p->file, sizeof p->file, rc_jv_get_string(e, "source_file"));
        copy_str(p->group, sizeof p->group, rc_jv_get_string(e, "source_group"));
        r->n_ep++;
    }
    r->sorted = rc_calloc(r->n_ep ? r->n_ep : 1, sizeof *r->sorted);
    RC_FAIL_IF(!r->sorted, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < r->n_ep; i++) r->sorted[i] = &r->ep[i];
    qsort(r->sorted, r->n_ep, sizeof *r->sorted, by_id);
    for (size_t i = 0; i < r->n_ep; i++) r->order[i] = (size_t)(r->sorted[i] - r->ep);
    for (size_t i = 0; i < dss->n; i++) {
        const rc_jv *e = &dss->items[i];
        zds *d = &r->ds[i];
        const char *rel = rc_jv_get_string(e, "path"), *arr = rc_jv_get_string(e, "array");
        const char *dtype = rc_jv_get_string(e, "dtype");
        const rc_jv *rows = rc_jv_get(e, "rows");
        int elem = dtype ? elem_of(dtype) : -1;
        RC_FAIL_IF(!rel || !arr || elem < 0 || !rows || rows->type != RC_JV_ARRAY || rows->n != r->n_ep ||
                       strstr(arr, "..") || arr[0] == '/',
                   err, RC_E_IO, "expected dataset %zu with path, array (inside the store), dtype and rows per episode",
                   i);
        d->rel = rc_strdup(rel);
        d->array = rc_strdup(arr);
        d->start = rc_calloc(r->n_ep ? r->n_ep : 1, sizeof *d->start);
        d->rows = rc_calloc(r->n_ep ? r->n_ep : 1, sizeof *d->rows);
        r->n_ds++;
        RC_FAIL_IF(!d->rel || !d->array || !d->start || !d->rows, err, RC_E_NOMEM, "out of memory");
        d->elem = (rc_elem)elem;
        uint64_t total = 0;
        for (size_t k = 0; k < r->n_ep; k++) {
            uint64_t n = 0;
            const rc_jv *x = &rows->items[k];
            if (x->type == RC_JV_NULL) {
                d->rows[k] = -1;
                continue;
            }
            RC_FAIL_IF(x->type != RC_JV_NUMBER || x->text[0] == '-' || (n = strtoull(x->text, NULL, 10)) > INT64_MAX ||
                           total + n < total,
                       err, RC_E_IO, "expected rows of dataset %s as counts", rel);
            d->start[k] = (int64_t)total;
            d->rows[k] = (int64_t)n;
            total += n;
        }
        RC_TRY(read_zarray(r, d, total, err));
    }
done:
    rc_jv_free(v);
    return st;
}

static void reader_free(rc_zarr_reader *r)
{
    for (size_t i = 0; i < r->n_ds; i++) {
        rc_free(r->ds[i].rel);
        rc_free(r->ds[i].array);
        rc_free(r->ds[i].start);
        rc_free(r->ds[i].rows);
    }
    rc_free(r->ds);
    rc_free(r->ep);
    rc_free(r->order);
    rc_free(r->sorted);
    rc_free(r->path);
    rc_free(r);
}

rc_status rc_zarr_reader_open(const char *path, rc_zarr_reader **out, rc_shard_root *root, rc_err *err)
{
    rc_status st = RC_OK;
    rc_zarr_reader *r = rc_calloc(1, sizeof *r);
    *out = NULL;
    RC_FAIL_IF(!r || !(r->path = rc_strdup(path)), err, RC_E_NOMEM, "out of memory");
    RC_TRY(read_root(r, root, err));
    *out = r;
    r = NULL;
done:
    if (r) reader_free(r);
    return st;
}

size_t rc_zarr_reader_n_episodes(const rc_zarr_reader *r)
{
    return r->n_ep;
}

/* Decodes rows [start, start + n) of d into buf. */
static rc_status read_rows(const rc_zarr_reader *r, const zds *d, uint64_t start, uint64_t n, uint8_t *buf,
                           rc_err *err)
{
    rc_status st = RC_OK;
    size_t full = (size_t)d->chunk_rows * d->row_bytes;
    uint8_t *chunk = n ? rc_malloc(full) : NULL;
    char *z = NULL, path[4096];
    RC_FAIL_IF(n && !chunk, err, RC_E_NOMEM, "out of memory for a %zu-byte chunk", full);
    for (uint64_t row = start; row < start + n;) {
        uint64_t c = row / d->chunk_rows, off = row % d->chunk_rows;
        uint64_t take = d->chunk_rows - off < start + n - row ? d->chunk_rows - off : start + n - row;
        int len = snprintf(path, sizeof path, "%s/%s/%llu", r->path, d->array, (unsigned long long)c);
        for (int k = 1; k < d->rank; k++) len += snprintf(path + len, sizeof path - (size_t)len, ".0");
        size_t zn;
        RC_TRY(read_all(path, ZSTD_compressBound(full) + 64, &z, &zn, err));
        unsigned long long size = ZSTD_getFrameContentSize(z, zn);
        RC_FAIL_IF(size != full, err, RC_E_INPUT, "expected chunk %s to decode to %zu bytes", path, full);
        size_t got = ZSTD_decompress(chunk, full, z, zn);
        RC_FAIL_IF(ZSTD_isError(got) || got != full, err, RC_E_INPUT, "decoding chunk %s failed (corrupt?)", path);
        memcpy(buf + (row - start) * d->row_bytes, chunk + off * d->row_bytes, (size_t)take * d->row_bytes);
        rc_free(z);
        z = NULL;
        row += take;
    }
done:
    rc_free(z);
    rc_free(chunk);
    return st;
}

/* Describes dataset d of store episode k into *out and reads its rows into *data (when wanted). */
static rc_status episode_dataset(const rc_zarr_reader *r, const zds *d, size_t k, rc_shard_dataset *out,
                                 void **data, rc_err *err)
{
    rc_status st = RC_OK;
    memset(out, 0, sizeof *out);
    snprintf(out->rel_path, sizeof out->rel_path, "%s", d->rel);
    out->elem = d->elem;
    out->rank = d->rank;
    out->dims[0] = (uint64_t)d->rows[k];
    out->chunk[0] = d->chunk_rows;
    for (int i = 1; i < d->rank; i++) out->dims[i] = out->chunk[i] = d->shape[i];
    out->filter_id = 0;
    out->zstd_level = d->level;
    uint64_t n = rc_budget_mul(d->row_bytes, (uint64_t)d->rows[k]);
    RC_TRY(rc_budget_check(n, RC_E_INPUT, "the decoded dataset", err));
    *data = n ? rc_malloc((size_t)n) : NULL;
    RC_FAIL_IF(n && !*data, err, RC_E_NOMEM, "out of memory for %llu bytes", (unsigned long long)n);
    RC_TRY(read_rows(r, d, (uint64_t)d->start[k], (uint64_t)d->rows[k], *data, err));
done:
    if (st != RC_OK) {
        rc_free(*data);
        *data = NULL;
    }
    return st;
}

static int by_rel_path(const void *a, const void *b)
{
    return strcmp(((const rc_shard_dataset *)a)->rel_path, ((const rc_shard_dataset *)b)->rel_path);
}

rc_status rc_zarr_reader_episode(rc_zarr_reader *r, size_t i, rc_shard_episode *ep, rc_err *err)
{
    rc_status st = RC_OK;
    size_t k = r->order[i];
    const zep *e = &r->ep[k];
    rc_ds_digest *items = NULL;
    void *data = NULL;
    memset(ep, 0, sizeof *ep);
    snprintf(ep->id, sizeof ep->id, "%s", e->id);
    snprintf(ep->source_file, sizeof ep->source_file, "%s", e->file);
    snprintf(ep->source_group, sizeof ep->source_group, "%s", e->group);
    snprintf(ep->stored_sha256, sizeof ep->stored_sha256, "%s", e->hex);
    ep->steps = e->steps;
    ep->datasets = rc_calloc(r->n_ds ? r->n_ds : 1, sizeof *ep->datasets);
    items = rc_calloc(r->n_ds ? r->n_ds : 1, sizeof *items);
    RC_FAIL_IF(!ep->datasets || !items, err, RC_E_NOMEM, "out of memory");
    for (size_t j = 0; j < r->n_ds; j++) {
        const zds *d = &r->ds[j];
        if (d->rows[k] < 0) continue;
        rc_err_scope(err, r->path, e->id, "%s", d->array);
        rc_shard_dataset *out = &ep->datasets[ep->n_datasets];
        rc_ds_digest *it = &items[ep->n_datasets];
        RC_TRY(episode_dataset(r, d, k, out, &data, err));
        size_t n = (size_t)out->dims[0] * d->row_bytes;
        rc_sha256 c;
        rc_sha256_init(&c);
        rc_sha256_update(&c, data, n);
        rc_sha256_final(&c, it->data_sha256);
        rc_sha256_hex(it->data_sha256, out->sha256_hex);
        it->rel_path = out->rel_path;
        it->dtype = rc_elem_name(d->elem);
        it->rank = d->rank;
        memcpy(it->dims, out->dims, sizeof it->dims);
        rc_free(data);
        data = NULL;
        ep->n_datasets++;
    }
    rc_digest_episode(items, ep->n_datasets, ep->computed_sha256);
    qsort(ep->datasets, ep->n_datasets, sizeof *ep->datasets, by_rel_path);
done:
    rc_free(data);
    rc_free(items);
    if (st != RC_OK) { /* as rc_shard_episode_free, without calling back into rc_shard_read.c */
        rc_free(ep->datasets);
        ep->datasets = NULL;
        ep->n_datasets = 0;
    }
    return st;
}

/* The store index of episode id, or -1. */
static long find_episode(const rc_zarr_reader *r, const char *id)
{
    size_t lo = 0, hi = r->n_ep;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->ep[r->order[mid]].id, id);
        if (!c) return (long)r->order[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

static const zds *find_dataset(const rc_zarr_reader *r, long k, const char *rel_path)
{
    for (size_t j = 0; k >= 0 && j < r->n_ds; j++)
        if (!strcmp(r->ds[j].rel, rel_path) && r->ds[j].rows[k] >= 0) return &r->ds[j];
    return NULL;
}

rc_status rc_zarr_reader_data(rc_zarr_reader *r, const char *id, const char *rel_path, rc_shard_dataset *d,
                              void **data, rc_err *err)
{
    rc_status st = RC_OK;
    long k = find_episode(r, id);
    const zds *z = find_dataset(r, k, rel_path);
    *data = NULL;
    rc_err_scope(err, r->path, id, "%s", rel_path);
    RC_FAIL_IF(!z, err, RC_E_INPUT, "expected a dataset, found none");
    RC_TRY(episode_dataset(r, z, (size_t)k, d, data, err));
done:
    return st;
}

int rc_zarr_reader_has(rc_zarr_reader *r, const char *id, const char *rel_path)
{
    return find_dataset(r, find_episode(r, id), rel_path) != NULL;
}

void rc_zarr_reader_close(rc_zarr_reader *r)
{
    if (r) reader_free(r);
}
