/* rc_shard_read.c — reads a robocache shard back (rc_writer.h): root attributes, the
 * episode list, and each dataset decoded through HDF5's normal filter pipeline (filter 32015
 * registered in-process), hashed and folded into the recomputed episode digest. */
#include "config.h"
#include "writer/rc_writer.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/rc_common.h"
#include "compress/rc_compress.h"
#include "writer/rc_digest_int.h"
#include "writer/rc_h5_int.h"
#include "writer/rc_mimic_int.h"
#include "writer/rc_zarr_int.h"

struct rc_shard_reader {
    char *path;
    hid_t fid;
    hid_t episodes;     /* /episodes (/data in the robomimic layout) */
    char **ids;         /* [n_ids] episode names, byte order */
    size_t n_ids, cap_ids;
    int mimic;          /* robomimic layout: groups[i] is the demo group of ids[i] */
    char **groups;
    rc_shard_root root;
    rc_zarr_reader *zarr; /* a zarr store (a folder): it answers every call */
};

/* A list of names gathered by an HDF5 iteration. */
typedef struct name_list {
    char **names;
    size_t n, cap;
    int failed;
    char foreign[256]; /* the first link that is not a hard link (a shard holds none) */
} name_list;

static int name_list_add(name_list *l, const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **p = rc_realloc(l->names, cap * sizeof *p);
        if (!p) return -1;
        l->names = p;
        l->cap = cap;
    }
    l->names[l->n] = rc_strdup(name);
    if (!l->names[l->n]) return -1;
    l->n++;
    return 0;
}

static void name_list_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++) rc_free(l->names[i]);
    rc_free(l->names);
    memset(l, 0, sizeof *l);
}

static herr_t add_link(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    name_list *l = data;
    if (name_list_add(l, name) < 0) {
        l->failed = 1;
        return -1;
    }
    return 0;
}

/* Collects the datasets below an episode group (paths relative to it). */
static herr_t add_dataset(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    name_list *l = data;
    if (info->type != H5L_TYPE_HARD) { /* soft or external: may lead outside the episode or file */
        snprintf(l->foreign, sizeof l->foreign, "%s", name);
        return -1;
    }
    hid_t obj = H5Oopen(g, name, H5P_DEFAULT);
    if (obj < 0) {
        l->failed = 1;
        return -1;
    }
    int is_ds = H5Iget_type(obj) == H5I_DATASET;
    H5Oclose(obj);
    if (is_ds && name_list_add(l, name) < 0) {
        l->failed = 1;
        return -1;
    }
    return 0;
}

static rc_status read_pipeline(rc_shard_reader *r, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t ds = -1, t = -1, mem = -1;
    rc_err_scope(err, r->path, NULL, "/meta/pipeline");
    ds = H5Dopen2(r->fid, "/meta/pipeline", H5P_DEFAULT);
    RC_FAIL_IF(ds < 0, err, RC_E_IO, "expected the spec text dataset, found none");
    t = H5Dget_type(ds);
    RC_FAIL_IF(t < 0 || H5Tget_class(t) != H5T_STRING, err, RC_E_IO, "expected a string dataset");
    if (H5Tis_variable_str(t) > 0) {
        char *s = NULL;
        mem = H5Tcopy(H5T_C_S1);
        RC_FAIL_IF(mem < 0 || H5Tset_size(mem, H5T_VARIABLE) < 0 || rc_zstd_filter_read(ds, mem, &s) < 0,
                   err, RC_E_IO, "reading the spec text failed");
        r->root.pipeline = rc_strdup(s ? s : "");
        H5free_memory(s);
    } else {
        size_t n = H5Tget_size(t);
        r->root.pipeline = rc_malloc(n + 1);
        RC_FAIL_IF(!r->root.pipeline, err, RC_E_NOMEM, "out of memory");
        RC_FAIL_IF(rc_zstd_filter_read(ds, t, r->root.pipeline) < 0, err, RC_E_IO,
                   "reading %zu bytes of spec text failed", n);
        r->root.pipeline[n] = '\0';
    }
    RC_FAIL_IF(!r->root.pipeline, err, RC_E_NOMEM, "out of memory");
done:
    if (mem >= 0) H5Tclose(mem);
    if (t >= 0) H5Tclose(t);
    if (ds >= 0) H5Dclose(ds);
    return st;
}

typedef struct id_group {
    char *id, *group;
} id_group;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const id_group *)a)->id, ((const id_group *)b)->id);
}

/* Robomimic layout: r->ids holds the demo group names; they become r->groups, and r->ids the
 * episode ids their episode_id attributes give, both in byte order of the ids. */
static rc_status read_demo_ids(rc_shard_reader *r, rc_err *err)
{
    rc_status st = RC_OK;
    char id[256];
    id_group *p = rc_calloc(r->n_ids ? r->n_ids : 1, sizeof *p);
    r->groups = rc_calloc(r->n_ids ? r->n_ids : 1, sizeof *r->groups);
    RC_FAIL_IF(!p || !r->groups, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < r->n_ids; i++) {
        p[i].group = r->ids[i];
        rc_err_scope(err, r->path, NULL, "/data/%s", p[i].group);
        hid_t g = H5Gopen2(r->episodes, p[i].group, H5P_DEFAULT);
        int ok = g >= 0 && rc_h5_attr_read_str(g, RC_MIMIC_ID_ATTR, id, sizeof id) == 0;
        if (g >= 0) H5Gclose(g);
        RC_FAIL_IF(!ok, err, RC_E_IO, "expected a demo group with a string attribute %s", RC_MIMIC_ID_ATTR);
        RC_FAIL_IF(!(p[i].id = rc_strdup(id)), err, RC_E_NOMEM, "out of memory");
    }
    qsort(p, r->n_ids, sizeof *p, by_id);
    for (size_t i = 0; i < r->n_ids; i++) {
        r->ids[i] = p[i].id;
        r->groups[i] = p[i].group;
        p[i].id = NULL;
    }
done:
    for (size_t i = 0; p && i < r->n_ids; i++) rc_free(p[i].id);
    rc_free(p);
    return st;
}

/* The group (below r->episodes) of episode id; NULL when there is none. */
static const char *group_of(const rc_shard_reader *r, const char *id)
{
    if (!r->mimic) return id;
    size_t lo = 0, hi = r->n_ids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->ids[mid], id);
        if (!c) return r->groups[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Logical rel_path -> the path below the episode group in r's layout; -1 when too long. */
static int physical(const rc_shard_reader *r, const char *rel_path, char *buf, size_t n)
{
    if (r->mimic) return rc_mimic_physical(rel_path, buf, n);
    return snprintf(buf, n, "%s", rel_path) < (int)n ? 0 : -1;
}

static rc_status read_root(rc_shard_reader *r, rc_err *err)
{
    rc_status st = RC_OK;
    rc_shard_root *root = &r->root;
    rc_err_scope(err, r->path, NULL, "/");
    RC_FAIL_IF(rc_h5_attr_read_str(r->fid, "format", root->format, sizeof root->format) < 0 ||
                   strcmp(root->format, "robocache-shard") != 0,
               err, RC_E_IO, "not a robocache shard: expected attribute format = \"robocache-shard\", found %s%s%s",
               root->format[0] ? "\"" : "none", root->format, root->format[0] ? "\"" : "");
    RC_FAIL_IF(rc_h5_attr_read_i64(r->fid, "format_version", &root->format_version) < 0, err, RC_E_IO,
               "expected an integer attribute format_version, found none");
    RC_FAIL_IF(root->format_version != 1, err, RC_E_IO, "expected format_version 1, found %lld",
               (long long)root->format_version);
    RC_FAIL_IF(rc_h5_attr_read_str(r->fid, "tool_version", root->tool_version, sizeof root->tool_version) < 0 ||
                   rc_h5_attr_read_str(r->fid, "spec_sha256", root->spec_sha256, sizeof root->spec_sha256) < 0 ||
                   rc_h5_attr_read_str(r->fid, "backend", root->backend, sizeof root->backend) < 0 ||
                   rc_h5_attr_read_str(r->fid, "created_from", root->created_from, sizeof root->created_from) < 0,
               err, RC_E_IO, "expected string attributes tool_version, spec_sha256, backend, created_from");
    RC_TRY(read_pipeline(r, err));
    r->mimic = rc_mimic_is(r->fid);
    const char *top = r->mimic ? "/data" : "/episodes";
    rc_err_scope(err, r->path, NULL, "%s", top);
    r->episodes = H5Gopen2(r->fid, top, H5P_DEFAULT);
    RC_FAIL_IF(r->episodes < 0, err, RC_E_IO, "expected the group of episodes, found none");
    name_list l = {0};
    hsize_t idx = 0;
    herr_t it = H5Literate(r->episodes, H5_INDEX_NAME, H5_ITER_INC, &idx, add_link, &l);
    r->ids = l.names;
    r->n_ids = l.n;
    RC_FAIL_IF(l.failed, err, RC_E_NOMEM, "out of memory listing episodes");
    RC_FAIL_IF(it < 0, err, RC_E_IO, "listing the episodes failed");
    if (r->mimic) RC_TRY(read_demo_ids(r, err));
done:
    return st;
}

rc_status rc_shard_reader_open(const char *path, rc_shard_reader **out, const rc_shard_root **root,
                               rc_err *err)
{
    rc_status st = RC_OK;
    rc_shard_reader *r = rc_calloc(1, sizeof *r);
    *out = NULL;
    rc_err_scope(err, path, NULL, NULL);
    RC_FAIL_IF(!r, err, RC_E_NOMEM, "out of memory");
    r->fid = r->episodes = -1;
    r->path = rc_strdup(path);
    RC_FAIL_IF(!r->path, err, RC_E_NOMEM, "out of memory");
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        RC_TRY(rc_zarr_reader_open(path, &r->zarr, &r->root, err));
        goto opened;
    }
    RC_TRY(rc_zstd_filter_register(err));
    /* A shard holds no external link: without the class HDF5 cannot follow a forged one into
     * another file (error ignored: already gone). */
    H5Lunregister(H5L_TYPE_EXTERNAL);
    rc_isolate_note(path);
    htri_t is_h5 = H5Fis_hdf5(path);
    RC_FAIL_IF(is_h5 <= 0, err, RC_E_IO, "expected an HDF5 file, found %s",
               is_h5 < 0 ? "an unreadable or missing file" : "something else");
    r->fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    RC_FAIL_IF(r->fid < 0, err, RC_E_IO, "opening the HDF5 file failed");
    RC_TRY(read_root(r, err));
opened:
    *out = r;
    *root = &r->root;
    r = NULL;
done:
    rc_shard_reader_close(r);
    return st;
}

size_t rc_shard_reader_n_episodes(const rc_shard_reader *r)
{
    if (r->zarr) return rc_zarr_reader_n_episodes(r->zarr);
    return r->n_ids;
}

/* Type, shape, chunking and filter of ds into d. */
static rc_status describe(hid_t ds, rc_shard_dataset *d, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t t = H5Dget_type(ds), space = H5Dget_space(ds), dcpl = H5Dget_create_plist(ds);
    char dtype[32] = "";
    hsize_t dims[RC_SHARD_MAX_RANK], chunk[RC_SHARD_MAX_RANK];
    RC_FAIL_IF(t < 0 || space < 0 || dcpl < 0, err, RC_E_INPUT, "reading the dataset's type and shape failed");
    int is_bf16 = rc_h5_attr_read_str(ds, "dtype", dtype, sizeof dtype) == 0 && !strcmp(dtype, "bfloat16");
    int elem = rc_h5_elem_of(t, is_bf16);
    RC_FAIL_IF(elem < 0, err, RC_E_INPUT, "expected one of the shard element types (uint8 .. float32), found another");
    d->elem = (rc_elem)elem;
    d->stored_bytes = H5Dget_storage_size(ds);
    d->rank = H5Sget_simple_extent_ndims(space);
    RC_FAIL_IF(d->rank < 1 || d->rank > RC_SHARD_MAX_RANK, err, RC_E_INPUT, "expected rank 1..%d, found %d",
               RC_SHARD_MAX_RANK, d->rank);
    H5Sget_simple_extent_dims(space, dims, NULL);
    for (int k = 0; k < d->rank; k++) d->dims[k] = dims[k];
    d->zstd_level = -1;
    RC_FAIL_IF(H5Pget_external_count(dcpl) != 0 || H5Pget_layout(dcpl) == H5D_VIRTUAL, err, RC_E_INPUT,
               "expected the dataset's data inside this file, found external storage or a virtual dataset");
    if (H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, d->rank, chunk) == d->rank)
        for (int k = 0; k < d->rank; k++) d->chunk[k] = chunk[k];
    if (H5Pget_nfilters(dcpl) > 0) {
        unsigned flags, cd[8], config;
        size_t n_cd = 8;
        char name[64];
        H5Z_filter_t id = H5Pget_filter2(dcpl, 0, &flags, &n_cd, cd, sizeof name, name, &config);
        RC_FAIL_IF(id < 0, err, RC_E_INPUT, "reading the dataset's filter failed");
        d->filter_id = (unsigned)id;
        if (id == RC_H5Z_FILTER_ZSTD && n_cd > 0) d->zstd_level = (int)cd[0];
    }
done:
    if (t >= 0) H5Tclose(t);
    if (space >= 0) H5Sclose(space);
    if (dcpl >= 0) H5Pclose(dcpl);
    return st;
}

/* Decodes the dataset and hashes its bytes into d->sha256_hex and digest item it. */
static rc_status decode_and_hash(hid_t ds, rc_shard_dataset *d, rc_ds_digest *it, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t t = H5Dget_type(ds);
    uint64_t n = (uint64_t)rc_elem_size(d->elem);
    void *buf = NULL;
    for (int k = 0; k < d->rank; k++) n = rc_budget_mul(n, d->dims[k]);
    RC_FAIL_IF(t < 0, err, RC_E_INPUT, "reading the dataset's type failed");
    RC_TRY(rc_budget_check(n, RC_E_INPUT, "the decoded dataset", err));
    buf = rc_malloc((size_t)n);
    RC_FAIL_IF(!buf, err, RC_E_NOMEM, "out of memory for %llu bytes", (unsigned long long)n);
    if (rc_zstd_filter_read(ds, t, buf) < 0) {
        char h5msg[512];
        rc_h5_error_text(h5msg, sizeof h5msg);
        RC_FAIL_IF(1, err, RC_E_INPUT, "decoding the dataset failed (corrupt chunk?): %s", h5msg);
    }
    rc_sha256 c;
    rc_sha256_init(&c);
    rc_sha256_update(&c, buf, (size_t)n);
    rc_sha256_final(&c, it->data_sha256);
    rc_sha256_hex(it->data_sha256, d->sha256_hex);
    it->dtype = rc_elem_name(d->elem);
    it->rank = d->rank;
    memcpy(it->dims, d->dims, sizeof it->dims);
done:
    rc_free(buf);
    if (t >= 0) H5Tclose(t);
    return st;
}

static int by_rel_path(const void *a, const void *b)
{
    return strcmp(((const rc_shard_dataset *)a)->rel_path, ((const rc_shard_dataset *)b)->rel_path);
}

static rc_status read_datasets(rc_shard_reader *r, hid_t g, rc_shard_episode *ep, rc_err *err)
{
    rc_status st = RC_OK;
    name_list l = {0};
    rc_ds_digest *items = NULL;
    hid_t ds = -1;
    herr_t it = H5Lvisit(g, H5_INDEX_NAME, H5_ITER_INC, add_dataset, &l);
    if (l.foreign[0]) rc_err_scope(err, r->path, ep->id, "/episodes/%s/%s", ep->id, l.foreign);
    RC_FAIL_IF(l.foreign[0], err, RC_E_INPUT,
               "expected only data inside this file (hard links), found a soft or external link");
    RC_FAIL_IF(l.failed || it < 0, err, RC_E_INPUT, "listing the episode's datasets failed");
    ep->datasets = rc_calloc(l.n ? l.n : 1, sizeof *ep->datasets);
    items = rc_calloc(l.n ? l.n : 1, sizeof *items);
    RC_FAIL_IF(!ep->datasets || !items, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < l.n; i++) {
        rc_shard_dataset *d = &ep->datasets[ep->n_datasets];
        rc_err_scope(err, r->path, ep->id, "%s/%s/%s", r->mimic ? "/data" : "/episodes", group_of(r, ep->id),
                     l.names[i]);
        if (r->mimic) {
            int logical = rc_mimic_logical(l.names[i], d->rel_path, sizeof d->rel_path);
            RC_FAIL_IF(logical < 0, err, RC_E_INPUT, "expected a dataset path under %zu bytes", sizeof d->rel_path);
            if (!logical) continue; /* actions, next_obs: copies of obs */
        } else {
            snprintf(d->rel_path, sizeof d->rel_path, "%s", l.names[i]);
        }
        items[ep->n_datasets].rel_path = d->rel_path;
        ds = H5Dopen2(g, l.names[i], H5P_DEFAULT);
        RC_FAIL_IF(ds < 0, err, RC_E_INPUT, "opening the dataset failed");
        RC_TRY(describe(ds, d, err));
        RC_TRY(decode_and_hash(ds, d, &items[ep->n_datasets], err));
        H5Dclose(ds);
        ds = -1;
        ep->n_datasets++;
    }
    rc_digest_episode(items, ep->n_datasets, ep->computed_sha256); /* sorts items, not ep->datasets */
    qsort(ep->datasets, ep->n_datasets, sizeof *ep->datasets, by_rel_path);
done:
    if (ds >= 0) H5Dclose(ds);
    rc_free(items);
    name_list_free(&l);
    return st;
}

rc_status rc_shard_reader_episode(rc_shard_reader *r, size_t i, rc_shard_episode *ep, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t g = -1;
    if (r->zarr) return rc_zarr_reader_episode(r->zarr, i, ep, err);
    memset(ep, 0, sizeof *ep);
    snprintf(ep->id, sizeof ep->id, "%s", r->ids[i]);
    rc_err_scope(err, r->path, ep->id, "%s/%s", r->mimic ? "/data" : "/episodes", group_of(r, ep->id));
    g = H5Gopen2(r->episodes, group_of(r, ep->id), H5P_DEFAULT);
    RC_FAIL_IF(g < 0, err, RC_E_INPUT, "expected an episode group, found something else");
    RC_FAIL_IF(rc_h5_attr_read_str(g, "source_file", ep->source_file, sizeof ep->source_file) < 0 ||
                   rc_h5_attr_read_str(g, "source_group", ep->source_group, sizeof ep->source_group) < 0 ||
                   rc_h5_attr_read_i64(g, "steps", &ep->steps) < 0 ||
                   rc_h5_attr_read_str(g, "content_sha256", ep->stored_sha256, sizeof ep->stored_sha256) < 0,
               err, RC_E_INPUT, "expected attributes source_file, source_group, steps, content_sha256");
    RC_TRY(read_datasets(r, g, ep, err));
done:
    if (g >= 0) H5Gclose(g);
    if (st != RC_OK) rc_shard_episode_free(ep);
    return st;
}

rc_status rc_shard_reader_data(rc_shard_reader *r, const char *id, const char *rel_path,
                               rc_shard_dataset *d, void **data, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t g = -1, ds = -1, t = -1;
    void *buf = NULL;
    if (r->zarr) return rc_zarr_reader_data(r->zarr, id, rel_path, d, data, err);
    *data = NULL;
    memset(d, 0, sizeof *d);
    snprintf(d->rel_path, sizeof d->rel_path, "%s", rel_path);
    rc_err_scope(err, r->path, id, "/episodes/%s/%s", id, rel_path);
    const char *group = group_of(r, id);
    char phys[600];
    RC_FAIL_IF(!group || physical(r, rel_path, phys, sizeof phys) < 0, err, RC_E_INPUT,
               "expected an episode of this shard and a path under %zu bytes", sizeof phys);
    g = H5Gopen2(r->episodes, group, H5P_DEFAULT);
    RC_FAIL_IF(g < 0, err, RC_E_INPUT, "expected an episode group, found none");
    ds = H5Dopen2(g, phys, H5P_DEFAULT);
    RC_FAIL_IF(ds < 0, err, RC_E_INPUT, "expected a dataset, found none");
    RC_TRY(describe(ds, d, err));
    uint64_t n = (uint64_t)rc_elem_size(d->elem);
    for (int k = 0; k < d->rank; k++) n = rc_budget_mul(n, d->dims[k]);
    if (n == 0) goto done;
    RC_TRY(rc_budget_check(n, RC_E_INPUT, "the decoded dataset", err));
    buf = rc_malloc((size_t)n);
    RC_FAIL_IF(!buf, err, RC_E_NOMEM, "out of memory for %llu bytes", (unsigned long long)n);
    t = H5Dget_type(ds);
    RC_FAIL_IF(t < 0, err, RC_E_INPUT, "reading the dataset's type failed");
    if (rc_zstd_filter_read(ds, t, buf) < 0) {
        char h5msg[512];
        rc_h5_error_text(h5msg, sizeof h5msg);
        RC_FAIL_IF(1, err, RC_E_INPUT, "decoding the dataset failed (corrupt chunk?): %s", h5msg);
    }
    *data = buf;
    buf = NULL;
done:
    rc_free(buf);
    if (t >= 0) H5Tclose(t);
    if (ds >= 0) H5Dclose(ds);
    if (g >= 0) H5Gclose(g);
    return st;
}

int rc_shard_reader_has(rc_shard_reader *r, const char *id, const char *rel_path)
{
    char phys[600], path[1024];
    if (r->zarr) return rc_zarr_reader_has(r->zarr, id, rel_path);
    const char *group = group_of(r, id);
    if (!group || physical(r, rel_path, phys, sizeof phys) < 0) return 0;
    snprintf(path, sizeof path, "%s/%s", group, phys);
    return H5Lexists(r->episodes, path, H5P_DEFAULT) > 0;
}

void rc_shard_episode_free(rc_shard_episode *ep)
{
    rc_free(ep->datasets);
    ep->datasets = NULL;
    ep->n_datasets = 0;
}

void rc_shard_reader_close(rc_shard_reader *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_ids; i++) {
        rc_free(r->ids[i]);
        if (r->groups) rc_free(r->groups[i]);
    }
    rc_free(r->ids);
    rc_free(r->groups);
    rc_zarr_reader_close(r->zarr);
    rc_free(r->root.pipeline);
    if (r->episodes >= 0) H5Gclose(r->episodes);
    if (r->fid >= 0) H5Fclose(r->fid);
    rc_free(r->path);
    rc_free(r);
}
