/* rc_features.c — reads the describing attributes (kind, rate_hz, data's dtype, shape and
 * names) of one episode's outputs back from a shard, and writes them as the manifest's
 * `features`. */
#include "config.h"
#include "writer/rc_writer.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/rc_common.h"
#include "writer/rc_h5_int.h"
#include "writer/rc_mimic_int.h"
#include "writer/rc_zarr_int.h"

#define RC_FEATURE_NAMES_MAX_BYTES (16u << 20)

typedef struct feature {
    char *name;             /* output path below the episode ("observation", "voxel/grid") */
    char kind[16];
    double rate_hz;         /* NaN: none */
    int rank;               /* of data; 0: the output has no data dataset */
    uint64_t shape[RC_SHARD_MAX_RANK];
    rc_elem elem;
    char **names;           /* [n_names], one allocation; NULL: none */
    int64_t n_names;
} feature;

struct rc_features {
    feature *f;
    size_t n, cap;
    double fps;
};

void rc_features_free(rc_features *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->n; i++) {
        rc_free(f->f[i].name);
        rc_free(f->f[i].names);
    }
    rc_free(f->f);
    rc_free(f);
}

/* The 1-D fixed-length string attribute `names` of dataset ds into one allocation, or NULL (none,
 * or not a list of names; *nomem set when memory ran out). */
static char **read_names(hid_t ds, int64_t *n, int *nomem)
{
    char **out = NULL;
    hid_t a = -1, t = -1, sp = -1;
    hsize_t count = 0;
    *n = 0;
    if (H5Aexists(ds, "names") <= 0) return NULL;
    a = H5Aopen(ds, "names", H5P_DEFAULT);
    t = a < 0 ? -1 : H5Aget_type(a);
    sp = a < 0 ? -1 : H5Aget_space(a);
    if (t < 0 || sp < 0 || H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) != 0 ||
        H5Sget_simple_extent_ndims(sp) != 1 || H5Sget_simple_extent_dims(sp, &count, NULL) != 1 || count == 0)
        goto done;
    size_t width = H5Tget_size(t);
    if (width == 0 || count * (width + 1 + sizeof(char *)) > RC_FEATURE_NAMES_MAX_BYTES) goto done;
    out = rc_malloc((size_t)count * (sizeof(char *) + width + 1));
    char *raw = rc_malloc((size_t)count * width);
    if (!out || !raw || H5Aread(a, t, raw) < 0) {
        *nomem |= !out || !raw;
        rc_free(out);
        rc_free(raw);
        out = NULL;
        goto done;
    }
    char *at = (char *)(out + count);
    for (hsize_t i = 0; i < count; i++) {
        size_t len = strnlen(raw + i * width, width);
        memcpy(at, raw + i * width, len);
        at[len] = '\0';
        out[i] = at;
        at += width + 1;
    }
    rc_free(raw);
    *n = (int64_t)count;
done:
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return out;
}

typedef struct visit_ctx {
    rc_features *f;
    int failed;
    hid_t demo;         /* robomimic layout: the demo group, whose obs/<output> is the data; else -1 */
} visit_ctx;

/* An image output stored as JPEG rows (data attribute encoding = "jpeg") is listed by the
 * frames it decodes to: [T] + the group's frame_shape [H, W, C]. */
static void jpeg_frame_shape(hid_t g, hid_t ds, feature *e)
{
    char enc[8] = "";
    int64_t shape[3];
    rc_h5_attr_read_str(ds, "encoding", enc, sizeof enc);
    if (strcmp(enc, "jpeg") || H5Aexists(g, "frame_shape") <= 0) return;
    hid_t a = H5Aopen(g, "frame_shape", H5P_DEFAULT), sp = a < 0 ? -1 : H5Aget_space(a);
    if (sp >= 0 && H5Sget_simple_extent_npoints(sp) == 3 && H5Aread(a, H5T_NATIVE_INT64, shape) >= 0) {
        e->rank = 4;
        for (int k = 0; k < 3; k++) e->shape[k + 1] = (uint64_t)shape[k];
    }
    if (sp >= 0) H5Sclose(sp);
    if (a >= 0) H5Aclose(a);
}

static herr_t visit(hid_t ep, const char *name, const H5L_info_t *info, void *arg)
{
    visit_ctx *v = arg;
    if (info->type != H5L_TYPE_HARD) return 0;
    hid_t g = H5Oopen(ep, name, H5P_DEFAULT);
    if (g < 0) return 0;
    if (H5Iget_type(g) != H5I_GROUP) {
        H5Oclose(g);
        return 0;
    }
    char kind[16];
    if (rc_h5_attr_read_str(g, "kind", kind, sizeof kind) != 0) {
        H5Oclose(g);
        return 0;
    }
    rc_features *f = v->f;
    if (f->n == f->cap) {
        size_t want = f->cap ? 2 * f->cap : 8;
        feature *p = rc_realloc(f->f, want * sizeof *p);
        if (!p) {
            H5Oclose(g);
            v->failed = 1;
            return -1;
        }
        f->f = p;
        f->cap = want;
    }
    feature *e = &f->f[f->n];
    memset(e, 0, sizeof *e);
    e->name = rc_strdup(name);
    if (!e->name) {
        H5Oclose(g);
        v->failed = 1;
        return -1;
    }
    f->n++;
    snprintf(e->kind, sizeof e->kind, "%s", kind);
    e->rate_hz = NAN;
    if (H5Aexists(g, "rate_hz") > 0) {
        hid_t a = H5Aopen(g, "rate_hz", H5P_DEFAULT);
        if (a < 0 || H5Aread(a, H5T_NATIVE_DOUBLE, &e->rate_hz) < 0) e->rate_hz = NAN;
        if (a >= 0) H5Aclose(a);
    }
    char obs[600];
    hid_t at = v->demo >= 0 ? v->demo : g;
    snprintf(obs, sizeof obs, v->demo >= 0 ? "obs/%s" : "data", name);
    if (H5Lexists(at, v->demo >= 0 ? "obs" : "data", H5P_DEFAULT) > 0 && H5Lexists(at, obs, H5P_DEFAULT) > 0) {
        hid_t ds = H5Dopen2(at, obs, H5P_DEFAULT);
        hid_t t = ds < 0 ? -1 : H5Dget_type(ds), sp = ds < 0 ? -1 : H5Dget_space(ds);
        char bf[16] = "";
        rc_h5_attr_read_str(ds, "dtype", bf, sizeof bf);
        int elem = t < 0 ? -1 : rc_h5_elem_of(t, !strcmp(bf, "bfloat16"));
        hsize_t dims[RC_SHARD_MAX_RANK];
        int rank = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
        if (elem >= 0 && rank >= 1 && rank <= RC_SHARD_MAX_RANK && H5Sget_simple_extent_dims(sp, dims, NULL) == rank) {
            e->elem = (rc_elem)elem;
            e->rank = rank;
            for (int k = 0; k < rank; k++) e->shape[k] = dims[k];
            e->names = read_names(ds, &e->n_names, &v->failed);
            jpeg_frame_shape(g, ds, e);
        }
        if (sp >= 0) H5Sclose(sp);
        if (t >= 0) H5Tclose(t);
        if (ds >= 0) H5Dclose(ds);
    }
    H5Oclose(g);
    return 0;
}

/* The strings of JSON array v in one allocation (as read_names), or NULL. */
static char **names_of(const rc_jv *v, int64_t *n)
{
    size_t bytes = 0;
    *n = 0;
    if (!v || v->type != RC_JV_ARRAY || v->n == 0) return NULL;
    for (size_t i = 0; i < v->n; i++) {
        if (v->items[i].type != RC_JV_STRING) return NULL;
        bytes += sizeof(char *) + strlen(v->items[i].text) + 1;
        if (bytes > RC_FEATURE_NAMES_MAX_BYTES) return NULL;
    }
    char **out = rc_malloc(bytes);
    if (!out) return NULL;
    char *at = (char *)(out + v->n);
    for (size_t i = 0; i < v->n; i++) {
        size_t len = strlen(v->items[i].text);
        memcpy(at, v->items[i].text, len + 1);
        out[i] = at;
        at += len + 1;
    }
    *n = (int64_t)v->n;
    return out;
}

/* dtype, shape and names of output e's data, the store's dataset "<output>/data" at `array`. */
static void zarr_data(const char *path, const char *array, const char *dtype, feature *e)
{
    char file[4096];
    rc_jv *z = NULL, *a = NULL;
    rc_err ignored;
    for (int k = RC_ELEM_U8; k <= RC_ELEM_F32; k++)
        if (dtype && !strcmp(rc_elem_name((rc_elem)k), dtype)) e->elem = (rc_elem)k;
    snprintf(file, sizeof file, "%s/%s/.zarray", path, array);
    if (!dtype || rc_zarr_read_json(file, &z, &ignored) != RC_OK) goto done;
    const rc_jv *shape = rc_jv_get(z, "shape");
    if (!shape || shape->type != RC_JV_ARRAY || shape->n < 1 || shape->n > RC_SHARD_MAX_RANK) goto done;
    for (size_t k = 0; k < shape->n; k++) e->shape[k] = strtoull(shape->items[k].text ? shape->items[k].text : "0", NULL, 10);
    e->rank = (int)shape->n;
    snprintf(file, sizeof file, "%s/%s/.zattrs", path, array);
    struct stat sb;
    if (stat(file, &sb) == 0 && rc_zarr_read_json(file, &a, &ignored) == RC_OK)
        e->names = names_of(rc_jv_get(a, "names"), &e->n_names);
done:
    rc_jv_free(z);
    rc_jv_free(a);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const feature *)a)->name, ((const feature *)b)->name);
}

/* A zarr store: the outputs are the groups robocache/<output> whose .zattrs has a kind; their
 * data is the store's dataset "<output>/data" (rc_zarr_int.h). */
static rc_status read_zarr(const char *path, rc_features *f, rc_err *err)
{
    rc_status st = RC_OK;
    rc_jv *root = NULL, *g = NULL;
    char file[4096], out[512];
    snprintf(file, sizeof file, "%s/.zattrs", path);
    RC_TRY(rc_zarr_read_json(file, &root, err));
    const rc_jv *dss = rc_jv_get(root, "datasets");
    for (size_t i = 0; dss && dss->type == RC_JV_ARRAY && i < dss->n; i++) {
        const char *rel = rc_jv_get_string(&dss->items[i], "path");
        const char *slash = rel ? strrchr(rel, '/') : NULL;
        if (!slash || (size_t)(slash - rel) >= sizeof out) continue;
        snprintf(out, sizeof out, "%.*s", (int)(slash - rel), rel);
        int seen = 0;
        for (size_t k = 0; k < f->n && !seen; k++) seen = !strcmp(f->f[k].name, out);
        snprintf(file, sizeof file, "%s/robocache/%s/.zattrs", path, out);
        struct stat sb;
        rc_err ignored;
        if (seen || stat(file, &sb) != 0 || rc_zarr_read_json(file, &g, &ignored) != RC_OK) continue;
        const char *kind = rc_jv_get_string(g, "kind");
        const rc_jv *rate = rc_jv_get(g, "rate_hz");
        if (kind) {
            if (f->n == f->cap) {
                size_t want = f->cap ? 2 * f->cap : 8;
                feature *p = rc_realloc(f->f, want * sizeof *p);
                RC_FAIL_IF(!p, err, RC_E_NOMEM, "out of memory listing the outputs");
                f->f = p;
                f->cap = want;
            }
            feature *e = &f->f[f->n];
            memset(e, 0, sizeof *e);
            e->name = rc_strdup(out);
            RC_FAIL_IF(!e->name, err, RC_E_NOMEM, "out of memory listing the outputs");
            f->n++;
            snprintf(e->kind, sizeof e->kind, "%s", kind);
            e->rate_hz = rate && rate->type == RC_JV_NUMBER ? rate->number : NAN;
            snprintf(out + strlen(out), sizeof out - strlen(out), "/data");
            for (size_t k = 0; k < dss->n; k++) {
                const rc_jv *d = &dss->items[k];
                const char *p = rc_jv_get_string(d, "path"), *array = rc_jv_get_string(d, "array");
                if (p && array && !strcmp(p, out)) zarr_data(path, array, rc_jv_get_string(d, "dtype"), e);
            }
        }
        rc_jv_free(g);
        g = NULL;
    }
    qsort(f->f, f->n, sizeof *f->f, by_name);
done:
    rc_jv_free(g);
    rc_jv_free(root);
    return st;
}

rc_status rc_features_read(const char *path, const char *episode_id, rc_features **out, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t fid = -1, ep = -1, outs = -1;
    visit_ctx v = {rc_calloc(1, sizeof(rc_features)), 0, -1};
    rc_err_scope(err, path, episode_id, "/episodes/%s", episode_id);
    RC_FAIL_IF(!v.f, err, RC_E_NOMEM, "out of memory");
    v.f->fps = NAN;
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) { /* a zarr store */
        RC_TRY(read_zarr(path, v.f, err));
        goto listed;
    }
    rc_isolate_note(path);
    fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    RC_FAIL_IF(fid < 0, err, RC_E_IO, "cannot open the shard to list its outputs");
    ep = rc_mimic_open_episode(fid, episode_id);
    RC_FAIL_IF(ep < 0, err, RC_E_IO, "expected the episode group, not found");
    if (rc_mimic_is(fid)) { /* the output groups (and their attributes) are under robocache/ */
        v.demo = ep;
        outs = H5Gopen2(ep, "robocache", H5P_DEFAULT);
        RC_FAIL_IF(outs < 0, err, RC_E_IO, "expected the group robocache of the demo, not found");
    }
    herr_t rc = H5Lvisit(outs >= 0 ? outs : ep, H5_INDEX_NAME, H5_ITER_INC, visit, &v);
    RC_FAIL_IF(v.failed, err, RC_E_NOMEM, "out of memory listing the outputs");
    RC_FAIL_IF(rc < 0, err, RC_E_IO, "cannot list the episode's outputs");
listed:
    for (size_t i = 0; i < v.f->n && isnan(v.f->fps); i++)
        if (strcmp(v.f->f[i].kind, "voxelize")) v.f->fps = v.f->f[i].rate_hz;
    *out = v.f;
    v.f = NULL;
done:
    rc_features_free(v.f);
    if (outs >= 0) H5Gclose(outs);
    if (ep >= 0) H5Gclose(ep);
    if (fid >= 0) H5Fclose(fid);
    return st;
}

static const feature *find(const rc_features *f, const char *output)
{
    for (size_t i = 0; f && i < f->n; i++)
        if (!strcmp(f->f[i].name, output)) return &f->f[i];
    return NULL;
}

const char *rc_features_column(const rc_features *f, const char *output, int64_t c)
{
    const feature *e = find(f, output);
    return e && e->names && c >= 0 && c < e->n_names ? e->names[c] : NULL;
}

void rc_features_write_names(rc_json *j, const rc_features *f, const char *output)
{
    const feature *e = find(f, output);
    if (!e || !e->names) {
        rc_json_null(j);
        return;
    }
    rc_json_array_begin(j);
    for (int64_t i = 0; i < e->n_names; i++) rc_json_string(j, e->names[i]);
    rc_json_array_end(j);
}

void rc_features_write_json(rc_json *j, const rc_features *f)
{
    rc_json_key(j, "fps");
    rc_json_double(j, f ? f->fps : NAN);
    rc_json_key(j, "features");
    rc_json_object_begin(j);
    for (size_t i = 0; f && i < f->n; i++) {
        const feature *e = &f->f[i];
        rc_json_key(j, e->name);
        rc_json_object_begin(j);
        rc_json_key(j, "kind");
        rc_json_string(j, e->kind);
        rc_json_key(j, "dtype");
        if (e->rank) rc_json_string(j, rc_elem_name(e->elem));
        else rc_json_null(j);
        rc_json_key(j, "shape");
        if (e->rank) {
            rc_json_array_begin(j);
            for (int k = 1; k < e->rank; k++) rc_json_uint(j, e->shape[k]);
            rc_json_array_end(j);
        } else {
            rc_json_null(j);
        }
        rc_json_key(j, "names");
        rc_features_write_names(j, f, e->name);
        rc_json_key(j, "rate_hz");
        rc_json_double(j, e->rate_hz);
        rc_json_object_end(j);
    }
    rc_json_object_end(j);
}
