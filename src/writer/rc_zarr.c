/* rc_zarr.c — writes one shard as a Zarr v2 store (rc_zarr_int.h, docs/FORMAT.md "The zarr
 * layout").  Each logical dataset becomes one array holding its rows of every episode in turn;
 * rows are buffered until a chunk is full, then compressed (one zstd frame, numcodecs' zstd
 * codec) and written.  Arrays are staged in .staging/<k>/ and moved to their place at commit,
 * when it is known whether they follow the episode's steps (data/<output>) or not
 * (robocache/<path>).  The folder is written as NAME.tmp.PID, every file fsync'd, then renamed. */
#include "config.h"
#include "writer/rc_zarr_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "common/rc_common.h"
#include "compress/rc_compress.h"
#include "writer/rc_durable_int.h"

#define ZARR_PATH_MAX 4096 /* the store folder's path */

typedef struct zarray {
    char *rel;            /* logical path, e.g. "observation/data" */
    rc_elem elem;
    int rank;
    uint64_t shape[RC_SHARD_MAX_RANK]; /* shape[0]: rows so far */
    uint64_t chunk_rows;
    size_t row_bytes;
    uint8_t *pend;        /* [chunk_rows * row_bytes]: rows not yet in a written chunk */
    uint64_t n_pend, n_chunks;
    int64_t *rows;        /* [episodes] rows per episode, -1: the episode has no such dataset */
} zarray;

typedef struct zattr {
    char *rel, *name, *json; /* logical object, attribute name, JSON value */
} zattr;

typedef struct zepisode {
    char *id, *file, *group;
    int64_t steps;
    char hex[65];
} zepisode;

struct rc_zarr {
    char *final_path, *tmp_path;
    int level;
    char *tool_version, *spec_sha256, *backend, *created_from, *pipeline;
    zarray *a;
    size_t n_a, cap_a;
    zepisode *ep;
    size_t n_ep, cap_ep;
    int open;             /* an episode is open (ep[n_ep - 1]) */
    zattr *at;            /* the first episode's attributes */
    size_t n_at, cap_at;
    uint64_t bytes;
};

const char *rc_zarr_dtype(rc_elem e)
{
    static const char *const names[] = {"|u1", "<u2", "<i4", "<u4", "<i8", "<f2", "<u2", "<f4"};
    return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : NULL;
}

/* Writes bytes[n] to path and fsyncs it. */
static rc_status write_file(const char *path, const void *bytes, size_t n, rc_err *err)
{
    rc_status st = RC_OK;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    RC_FAIL_IF(fd < 0, err, RC_E_IO, "cannot create %s: %s", path, strerror(errno));
    for (size_t off = 0; off < n;) {
        ssize_t w = rc_fault_hit(RC_FAULT_WRITE) ? (errno = EIO, -1) : write(fd, (const char *)bytes + off, n - off);
        if (w < 0 && errno == EINTR) continue;
        RC_FAIL_IF(w <= 0, err, RC_E_IO, "writing %s failed: %s", path, strerror(errno));
        off += (size_t)w;
    }
    RC_FAIL_IF(fsync(fd) != 0, err, RC_E_IO, "fsync of %s failed: %s", path, strerror(errno));
done:
    if (fd >= 0 && close(fd) != 0 && st == RC_OK)
        st = rc_err_set(err, RC_E_IO, __FILE__, __LINE__, "closing %s failed: %s", path, strerror(errno));
    return st;
}

static rc_status write_text(const char *path, const char *text, rc_err *err)
{
    return write_file(path, text, strlen(text), err);
}

static rc_status mkdir_in(const char *base, const char *rel, rc_err *err)
{
    char path[ZARR_PATH_MAX + 700];
    snprintf(path, sizeof path, "%s/%s", base, rel);
    return rc_mkdir_p(path, err);
}

static rc_status zgroup_at(const char *base, const char *rel, rc_err *err)
{
    rc_status st = RC_OK;
    char path[ZARR_PATH_MAX + 700];
    RC_TRY(mkdir_in(base, rel, err));
    snprintf(path, sizeof path, "%s/%s%s.zgroup", base, rel, rel[0] ? "/" : "");
    RC_TRY(write_text(path, "{\n    \"zarr_format\": 2\n}\n", err));
done:
    return st;
}

static char *dup_or_fail(const char *s, int *failed)
{
    char *d = rc_strdup(s ? s : "");
    if (!d) *failed = 1;
    return d;
}

static void zarr_free(rc_zarr *z)
{
    if (!z) return;
    for (size_t i = 0; i < z->n_a; i++) {
        rc_free(z->a[i].rel);
        rc_free(z->a[i].pend);
        rc_free(z->a[i].rows);
    }
    rc_free(z->a);
    for (size_t i = 0; i < z->n_ep; i++) {
        rc_free(z->ep[i].id);
        rc_free(z->ep[i].file);
        rc_free(z->ep[i].group);
    }
    rc_free(z->ep);
    for (size_t i = 0; i < z->n_at; i++) {
        rc_free(z->at[i].rel);
        rc_free(z->at[i].name);
        rc_free(z->at[i].json);
    }
    rc_free(z->at);
    rc_free(z->tool_version);
    rc_free(z->spec_sha256);
    rc_free(z->backend);
    rc_free(z->created_from);
    rc_free(z->pipeline);
    rc_free(z->tmp_path);
    rc_free(z->final_path);
    rc_free(z);
}

rc_status rc_zarr_create(const char *final_path, const rc_shard_info *info, rc_zarr **out, rc_err *err)
{
    rc_status st = RC_OK;
    rc_zarr *z = rc_calloc(1, sizeof *z);
    int failed = 0;
    *out = NULL;
    rc_err_scope(err, final_path, NULL, NULL);
    RC_FAIL_IF(!z, err, RC_E_NOMEM, "out of memory creating a zarr writer");
    z->level = info->zstd_level;
    z->final_path = dup_or_fail(final_path, &failed);
    z->tool_version = dup_or_fail(info->tool_version, &failed);
    z->spec_sha256 = dup_or_fail(info->spec_sha256_hex, &failed);
    z->backend = dup_or_fail(info->backend, &failed);
    z->created_from = dup_or_fail(info->created_from_hex, &failed);
    z->pipeline = dup_or_fail(info->spec_text, &failed);
    size_t n = strlen(final_path) + 32;
    z->tmp_path = rc_malloc(n);
    RC_FAIL_IF(failed || !z->tmp_path, err, RC_E_NOMEM, "out of memory creating a zarr writer");
    snprintf(z->tmp_path, n, "%s.tmp.%ld", final_path, (long)getpid());
    rc_remove_tree(z->tmp_path); /* a leftover of an earlier process with our pid */
    RC_FAIL_IF(mkdir(z->tmp_path, 0777) != 0, err, RC_E_IO, "cannot create the folder %s: %s", z->tmp_path,
               strerror(errno));
    RC_TRY(mkdir_in(z->tmp_path, ".staging", err));
    *out = z;
    z = NULL;
done:
    rc_zarr_abort(z);
    return st;
}

rc_status rc_zarr_episode_begin(rc_zarr *z, const char *id, const char *source_file, const char *source_group,
                                int64_t steps, rc_err *err)
{
    rc_status st = RC_OK;
    int failed = 0;
    rc_err_scope(err, z->final_path, id, NULL);
    RC_FAIL_IF(z->open, err, RC_E_INTERNAL, "expected the open episode to be ended before starting another");
    if (z->n_ep == z->cap_ep) {
        size_t cap = z->cap_ep ? 2 * z->cap_ep : 8;
        zepisode *p = rc_realloc(z->ep, cap * sizeof *p);
        RC_FAIL_IF(!p, err, RC_E_NOMEM, "out of memory");
        z->ep = p;
        z->cap_ep = cap;
        for (size_t i = 0; i < z->n_a; i++) {
            int64_t *r = rc_realloc(z->a[i].rows, cap * sizeof *r);
            RC_FAIL_IF(!r, err, RC_E_NOMEM, "out of memory");
            z->a[i].rows = r;
        }
    }
    zepisode *e = &z->ep[z->n_ep];
    memset(e, 0, sizeof *e);
    z->n_ep++;
    e->id = dup_or_fail(id, &failed);
    e->file = dup_or_fail(source_file, &failed);
    e->group = dup_or_fail(source_group, &failed);
    e->steps = steps;
    RC_FAIL_IF(failed, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < z->n_a; i++) z->a[i].rows[z->n_ep - 1] = -1;
    z->open = 1;
done:
    return st;
}

static void chunk_name(const zarray *a, uint64_t c, char *buf, size_t n)
{
    int len = snprintf(buf, n, "%llu", (unsigned long long)c);
    for (int k = 1; k < a->rank && len > 0 && (size_t)len < n; k++) len += snprintf(buf + len, n - (size_t)len, ".0");
}

/* Compresses the pending rows (zero-padded to a whole chunk) and writes them as the next chunk. */
static rc_status flush_chunk(rc_zarr *z, size_t k, rc_err *err)
{
    rc_status st = RC_OK;
    zarray *a = &z->a[k];
    void *zc = NULL;
    size_t zn = 0;
    char name[200], path[ZARR_PATH_MAX + 300];
    size_t full = (size_t)a->chunk_rows * a->row_bytes;
    memset(a->pend + a->n_pend * a->row_bytes, 0, full - (size_t)a->n_pend * a->row_bytes);
    RC_TRY(rc_zstd_compress_chunk(a->pend, full, z->level, &zc, &zn, err));
    chunk_name(a, a->n_chunks, name, sizeof name);
    snprintf(path, sizeof path, "%s/.staging/%zu/%s", z->tmp_path, k, name);
    RC_TRY(write_file(path, zc, zn, err));
    z->bytes += zn;
    a->n_chunks++;
    a->n_pend = 0;
done:
    rc_free(zc);
    return st;
}

/* Appends n rows from src to array k. */
static rc_status append_rows(rc_zarr *z, size_t k, const uint8_t *src, uint64_t n, rc_err *err)
{
    rc_status st = RC_OK;
    zarray *a = &z->a[k];
    while (n > 0) {
        uint64_t take = a->chunk_rows - a->n_pend < n ? a->chunk_rows - a->n_pend : n;
        memcpy(a->pend + a->n_pend * a->row_bytes, src, (size_t)take * a->row_bytes);
        a->n_pend += take;
        a->shape[0] += take;
        src += take * a->row_bytes;
        n -= take;
        if (a->n_pend == a->chunk_rows) RC_TRY(flush_chunk(z, k, err));
    }
done:
    return st;
}

/* The array of rel_path, created on first use with the row shape of dims. */
static rc_status array_of(rc_zarr *z, const char *rel_path, rc_elem elem, int rank, const uint64_t *dims,
                          uint64_t chunk_rows, size_t *k, rc_err *err)
{
    rc_status st = RC_OK;
    for (size_t i = 0; i < z->n_a; i++) {
        zarray *a = &z->a[i];
        if (strcmp(a->rel, rel_path)) continue;
        int same = a->elem == elem && a->rank == rank;
        for (int d = 1; same && d < rank; d++) same = a->shape[d] == dims[d];
        RC_FAIL_IF(!same, err, RC_E_INPUT,
                   "a zarr store holds one array per dataset: expected %s rows of the first episode's shape "
                   "and type in every episode, found another", rel_path);
        *k = i;
        return RC_OK;
    }
    if (z->n_a == z->cap_a) {
        size_t cap = z->cap_a ? 2 * z->cap_a : 8;
        zarray *p = rc_realloc(z->a, cap * sizeof *p);
        RC_FAIL_IF(!p, err, RC_E_NOMEM, "out of memory");
        z->a = p;
        z->cap_a = cap;
    }
    zarray *a = &z->a[z->n_a];
    memset(a, 0, sizeof *a);
    a->chunk_rows = chunk_rows;
    RC_FAIL_IF(a->chunk_rows == 0, err, RC_E_INTERNAL, "a dataset shape the writer cannot chunk");
    a->elem = elem;
    a->rank = rank;
    a->row_bytes = (size_t)rc_elem_size(elem);
    for (int d = 1; d < rank; d++) {
        a->shape[d] = dims[d];
        a->row_bytes *= (size_t)dims[d];
    }
    a->rel = rc_strdup(rel_path);
    a->pend = rc_malloc((size_t)a->chunk_rows * a->row_bytes);
    a->rows = rc_malloc((z->cap_ep ? z->cap_ep : 1) * sizeof *a->rows);
    z->n_a++; /* freed with the writer from here on */
    RC_FAIL_IF(!a->rel || !a->pend || !a->rows, err, RC_E_NOMEM, "out of memory");
    for (size_t e = 0; e < z->n_ep; e++) a->rows[e] = -1;
    char dir[64];
    snprintf(dir, sizeof dir, ".staging/%zu", z->n_a - 1);
    RC_TRY(mkdir_in(z->tmp_path, dir, err));
    *k = z->n_a - 1;
done:
    return st;
}

rc_status rc_zarr_put(rc_zarr *z, const char *rel_path, rc_elem elem, int rank, const uint64_t *dims,
                      uint64_t chunk_rows, const void *data, void *const *zc, const size_t *zc_n, uint64_t zc_rows,
                      rc_err *err)
{
    rc_status st = RC_OK;
    size_t k = 0;
    uint8_t *chunk = NULL;
    RC_FAIL_IF(!z->open, err, RC_E_INTERNAL, "expected an open episode before writing a dataset");
    RC_TRY(array_of(z, rel_path, elem, rank, dims, chunk_rows, &k, err));
    zarray *a = &z->a[k];
    RC_FAIL_IF(a->rows[z->n_ep - 1] >= 0, err, RC_E_INTERNAL, "expected %s once per episode", rel_path);
    a->rows[z->n_ep - 1] = (int64_t)dims[0];
    if (data || dims[0] == 0) {
        RC_TRY(append_rows(z, k, data, dims[0], err));
        goto done;
    }
    /* the pipeline's pre-compressed chunks: decoded here, since zarr chunks span episodes */
    uint64_t rows = zc_rows;
    RC_FAIL_IF(rows == 0, err, RC_E_INTERNAL, "expected chunks of >= 1 rows");
    size_t full = (size_t)rows * a->row_bytes;
    chunk = rc_malloc(full);
    RC_FAIL_IF(!chunk, err, RC_E_NOMEM, "out of memory for a %zu-byte chunk", full);
    for (uint64_t c = 0; c * rows < dims[0]; c++) {
        size_t got = ZSTD_decompress(chunk, full, zc[c], zc_n[c]);
        RC_FAIL_IF(ZSTD_isError(got) || got != full, err, RC_E_INTERNAL, "decoding chunk %llu of %s failed",
                   (unsigned long long)c, rel_path);
        uint64_t n = dims[0] - c * rows < rows ? dims[0] - c * rows : rows;
        RC_TRY(append_rows(z, k, chunk, n, err));
    }
done:
    rc_free(chunk);
    return st;
}

rc_status rc_zarr_episode_end(rc_zarr *z, const char hex[65], rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(!z->open, err, RC_E_INTERNAL, "expected an open episode, found none");
    memcpy(z->ep[z->n_ep - 1].hex, hex, 65);
    z->open = 0;
done:
    return st;
}

rc_status rc_zarr_attr(rc_zarr *z, const char *rel_path, const char *name, const char *json, rc_err *err)
{
    rc_status st = RC_OK;
    int failed = 0;
    RC_FAIL_IF(!z->open, err, RC_E_INTERNAL, "expected an open episode before attribute %s", name);
    if (z->n_ep > 1) return RC_OK;
    if (z->n_at == z->cap_at) {
        size_t cap = z->cap_at ? 2 * z->cap_at : 16;
        zattr *p = rc_realloc(z->at, cap * sizeof *p);
        RC_FAIL_IF(!p, err, RC_E_NOMEM, "out of memory");
        z->at = p;
        z->cap_at = cap;
    }
    zattr *a = &z->at[z->n_at++];
    a->rel = dup_or_fail(rel_path, &failed);
    a->name = dup_or_fail(name, &failed);
    a->json = dup_or_fail(json, &failed);
    RC_FAIL_IF(failed, err, RC_E_NOMEM, "out of memory");
done:
    return st;
}

uint64_t rc_zarr_bytes(const rc_zarr *z)
{
    return z->bytes;
}

rc_status rc_zarr_seal(rc_zarr *z, rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(z->open, err, RC_E_INTERNAL, "expected the open episode to be ended before the store is sealed");
    for (size_t k = 0; k < z->n_a; k++)
        if (z->a[k].n_pend) RC_TRY(flush_chunk(z, k, err));
done:
    return st;
}

/* Where array a goes: data/<output> when it is "<output>/data" with one row per step of every
 * episode (the ReplayBuffer's time axis), else robocache/<logical path>. */
static void store_path(const rc_zarr *z, const zarray *a, char *buf, size_t n)
{
    const char *slash = strchr(a->rel, '/');
    int timed = slash && !strcmp(slash, "/data");
    for (size_t e = 0; timed && e < z->n_ep; e++) timed = a->rows[e] == z->ep[e].steps;
    if (timed) snprintf(buf, n, "data/%.*s", (int)(slash - a->rel), a->rel);
    else snprintf(buf, n, "robocache/%s", a->rel);
}

/* The .zarray of an array of rank dims. */
static rc_status write_zarray(const rc_zarr *z, const char *dir, rc_elem elem, int rank, const uint64_t *shape,
                              uint64_t chunk_rows, rc_err *err)
{
    char text[2048], path[ZARR_PATH_MAX + 800];
    int len = snprintf(text, sizeof text, "{\n    \"chunks\": [%llu", (unsigned long long)chunk_rows);
    for (int k = 1; k < rank; k++) len += snprintf(text + len, sizeof text - (size_t)len, ", %llu",
                                                   (unsigned long long)shape[k]);
    len += snprintf(text + len, sizeof text - (size_t)len,
                    "],\n    \"compressor\": {\n        \"id\": \"zstd\",\n        \"level\": %d\n    },\n"
                    "    \"dtype\": \"%s\",\n    \"fill_value\": 0,\n    \"filters\": null,\n    \"order\": \"C\",\n"
                    "    \"shape\": [",
                    z->level, rc_zarr_dtype(elem));
    for (int k = 0; k < rank; k++) len += snprintf(text + len, sizeof text - (size_t)len, "%s%llu", k ? ", " : "",
                                                   (unsigned long long)shape[k]);
    snprintf(text + len, sizeof text - (size_t)len, "],\n    \"zarr_format\": 2\n}\n");
    snprintf(path, sizeof path, "%s/.zarray", dir);
    return write_text(path, text, err);
}

static rc_status parent_groups(const rc_zarr *z, const char *rel, rc_err *err);

/* dir/.zattrs: the attributes of logical object rel, and dtype "bfloat16" when bf16. */
static rc_status write_attrs(const rc_zarr *z, const char *dir, const char *rel, int bf16, rc_err *err)
{
    rc_status st = RC_OK;
    char *text = NULL, path[ZARR_PATH_MAX + 900];
    size_t len = 0, n = 0;
    FILE *f = open_memstream(&text, &len);
    RC_FAIL_IF(!f, err, RC_E_NOMEM, "out of memory");
    fputs("{", f);
    if (bf16) fprintf(f, "%s\n    \"dtype\": \"bfloat16\"", n++ ? "," : "");
    for (size_t i = 0; i < z->n_at; i++)
        if (!strcmp(z->at[i].rel, rel) && !(bf16 && !strcmp(z->at[i].name, "dtype")))
            fprintf(f, "%s\n    \"%s\": %s", n++ ? "," : "", z->at[i].name, z->at[i].json);
    fputs("\n}\n", f);
    RC_FAIL_IF(fclose(f) != 0, err, RC_E_NOMEM, "out of memory");
    if (n) {
        snprintf(path, sizeof path, "%s/.zattrs", dir);
        RC_TRY(write_file(path, text, len, err));
    }
done:
    free(text); /* open_memstream's buffer comes from malloc */
    return st;
}

/* The attributes of output groups (objects that are no array): robocache/<rel>/.zattrs. */
static rc_status write_group_attrs(const rc_zarr *z, rc_err *err)
{
    rc_status st = RC_OK;
    char rel[700], dir[ZARR_PATH_MAX + 800];
    for (size_t i = 0; i < z->n_at; i++) {
        int done_before = 0, is_array = 0;
        for (size_t k = 0; k < i && !done_before; k++) done_before = !strcmp(z->at[k].rel, z->at[i].rel);
        for (size_t k = 0; k < z->n_a && !is_array; k++) is_array = !strcmp(z->a[k].rel, z->at[i].rel);
        if (done_before || is_array) continue;
        snprintf(rel, sizeof rel, "robocache/%s", z->at[i].rel);
        RC_TRY(parent_groups(z, rel, err));
        RC_TRY(zgroup_at(z->tmp_path, rel, err));
        snprintf(dir, sizeof dir, "%s/%s", z->tmp_path, rel);
        RC_TRY(write_attrs(z, dir, z->at[i].rel, 0, err));
    }
done:
    return st;
}

/* Opens groups (with .zgroup) for every folder of rel up to its last '/'. */
static rc_status parent_groups(const rc_zarr *z, const char *rel, rc_err *err)
{
    rc_status st = RC_OK;
    char part[700];
    for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
        snprintf(part, sizeof part, "%.*s", (int)(s - rel), rel);
        RC_TRY(zgroup_at(z->tmp_path, part, err));
    }
done:
    return st;
}

/* Root .zattrs: the shard's attributes, its episodes and where each logical dataset is. */
static rc_status write_root_attrs(const rc_zarr *z, char (*paths)[700], rc_err *err)
{
    rc_status st = RC_OK;
    char *text = NULL;
    size_t len = 0;
    char path[ZARR_PATH_MAX + 64];
    FILE *f = open_memstream(&text, &len);
    RC_FAIL_IF(!f, err, RC_E_NOMEM, "out of memory");
    rc_json j;
    rc_json_init(&j, f);
    rc_json_object_begin(&j);
    rc_json_key(&j, "format"), rc_json_string(&j, RC_ZARR_FORMAT);
    rc_json_key(&j, "format_version"), rc_json_int(&j, 1);
    rc_json_key(&j, "tool_version"), rc_json_string(&j, z->tool_version);
    rc_json_key(&j, "spec_sha256"), rc_json_string(&j, z->spec_sha256);
    rc_json_key(&j, "backend"), rc_json_string(&j, z->backend);
    rc_json_key(&j, "created_from"), rc_json_string(&j, z->created_from);
    rc_json_key(&j, "pipeline"), rc_json_string(&j, z->pipeline);
    rc_json_key(&j, "chunk_bytes"), rc_json_uint(&j, z->bytes);
    rc_json_key(&j, "episodes");
    rc_json_array_begin(&j);
    for (size_t e = 0; e < z->n_ep; e++) {
        rc_json_object_begin(&j);
        rc_json_key(&j, "id"), rc_json_string(&j, z->ep[e].id);
        rc_json_key(&j, "source_file"), rc_json_string(&j, z->ep[e].file);
        rc_json_key(&j, "source_group"), rc_json_string(&j, z->ep[e].group);
        rc_json_key(&j, "steps"), rc_json_int(&j, z->ep[e].steps);
        rc_json_key(&j, "content_sha256"), rc_json_string(&j, z->ep[e].hex);
        rc_json_object_end(&j);
    }
    rc_json_array_end(&j);
    rc_json_key(&j, "datasets");
    rc_json_array_begin(&j);
    for (size_t k = 0; k < z->n_a; k++) {
        rc_json_object_begin(&j);
        rc_json_key(&j, "path"), rc_json_string(&j, z->a[k].rel);
        rc_json_key(&j, "array"), rc_json_string(&j, paths[k]);
        rc_json_key(&j, "dtype"), rc_json_string(&j, rc_elem_name(z->a[k].elem));
        rc_json_key(&j, "rows");
        rc_json_array_begin(&j);
        for (size_t e = 0; e < z->n_ep; e++)
            if (z->a[k].rows[e] < 0) rc_json_null(&j);
            else rc_json_int(&j, z->a[k].rows[e]);
        rc_json_array_end(&j);
        rc_json_object_end(&j);
    }
    rc_json_array_end(&j);
    rc_json_object_end(&j);
    int bad = rc_json_finish(&j);
    int closed = fclose(f);
    f = NULL;
    RC_FAIL_IF(bad < 0 || closed != 0, err, RC_E_NOMEM, "out of memory writing the store's attributes");
    snprintf(path, sizeof path, "%s/.zattrs", z->tmp_path);
    RC_TRY(write_file(path, text, len, err));
done:
    if (f) fclose(f);
    free(text); /* open_memstream's buffer comes from malloc */
    return st;
}

/* meta/episode_ends: int64 [episodes], cumulative steps, one chunk. */
static rc_status write_episode_ends(rc_zarr *z, rc_err *err)
{
    rc_status st = RC_OK;
    char dir[ZARR_PATH_MAX + 64], path[ZARR_PATH_MAX + 80];
    int64_t *ends = rc_malloc((z->n_ep ? z->n_ep : 1) * sizeof *ends);
    void *zc = NULL;
    size_t zn = 0;
    RC_FAIL_IF(!ends, err, RC_E_NOMEM, "out of memory");
    int64_t sum = 0;
    for (size_t e = 0; e < z->n_ep; e++) ends[e] = sum += z->ep[e].steps;
    uint64_t shape[1] = {z->n_ep};
    RC_TRY(zgroup_at(z->tmp_path, "meta", err));
    RC_TRY(mkdir_in(z->tmp_path, "meta/episode_ends", err));
    snprintf(dir, sizeof dir, "%s/meta/episode_ends", z->tmp_path);
    RC_TRY(write_zarray(z, dir, RC_ELEM_I64, 1, shape, z->n_ep ? z->n_ep : 1, err));
    if (z->n_ep) {
        RC_TRY(rc_zstd_compress_chunk(ends, z->n_ep * sizeof *ends, z->level, &zc, &zn, err));
        snprintf(path, sizeof path, "%s/0", dir);
        RC_TRY(write_file(path, zc, zn, err));
    }
done:
    rc_free(zc);
    rc_free(ends);
    return st;
}

rc_status rc_zarr_commit(rc_zarr *z, rc_err *err)
{
    rc_status st = RC_OK;
    char (*paths)[700] = rc_calloc(z->n_a ? z->n_a : 1, sizeof *paths);
    char from[ZARR_PATH_MAX + 900], to[ZARR_PATH_MAX + 800];
    rc_err_scope(err, z->final_path, NULL, NULL);
    RC_FAIL_IF(!paths, err, RC_E_NOMEM, "out of memory");
    RC_TRY(rc_zarr_seal(z, err));
    RC_TRY(zgroup_at(z->tmp_path, "", err));
    RC_TRY(zgroup_at(z->tmp_path, "data", err)); /* the ReplayBuffer's group, even when empty */
    for (size_t k = 0; k < z->n_a; k++) {
        zarray *a = &z->a[k];
        store_path(z, a, paths[k], sizeof paths[k]);
        RC_TRY(parent_groups(z, paths[k], err));
        snprintf(from, sizeof from, "%s/.staging/%zu", z->tmp_path, k);
        snprintf(to, sizeof to, "%s/%s", z->tmp_path, paths[k]);
        RC_FAIL_IF(rename(from, to) != 0, err, RC_E_IO, "moving %s to %s failed: %s", from, to, strerror(errno));
        RC_TRY(write_zarray(z, to, a->elem, a->rank, a->shape, a->chunk_rows, err));
        RC_TRY(write_attrs(z, to, a->rel, a->elem == RC_ELEM_BF16, err));
    }
    RC_TRY(write_group_attrs(z, err));
    snprintf(from, sizeof from, "%s/.staging", z->tmp_path);
    RC_FAIL_IF(rmdir(from) != 0, err, RC_E_IO, "removing %s failed: %s", from, strerror(errno));
    RC_TRY(write_episode_ends(z, err));
    RC_TRY(write_root_attrs(z, paths, err));
    RC_TRY(rc_durable_publish(z->tmp_path, z->final_path, err));
    rc_free(paths);
    zarr_free(z);
    return RC_OK;
done:
    rc_free(paths);
    rc_zarr_abort(z);
    return st;
}

void rc_zarr_abort(rc_zarr *z)
{
    if (!z) return;
    if (z->tmp_path) rc_remove_tree(z->tmp_path);
    zarr_free(z);
}
