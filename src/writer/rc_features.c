/* rc_features.c — reads the describing attributes (kind, rate_hz, data's dtype, shape and
 * names) of one episode's outputs back from a shard, and writes them as the manifest's
 * `features`. */
#include "config.h"
#include "writer/rc_features.h"

#include <hdf5.h>
#include <math.h>
#include <string.h>

#include "common/rc_alloc.h"
#include "writer/rc_h5_int.h"

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

/* The 1-D fixed-length string attribute `names` of dataset ds into one allocation, or NULL. */
static char **read_names(hid_t ds, int64_t *n)
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
    if (H5Lexists(g, "data", H5P_DEFAULT) > 0) {
        hid_t ds = H5Dopen2(g, "data", H5P_DEFAULT);
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
            e->names = read_names(ds, &e->n_names);
            jpeg_frame_shape(g, ds, e);
        }
        if (sp >= 0) H5Sclose(sp);
        if (t >= 0) H5Tclose(t);
        if (ds >= 0) H5Dclose(ds);
    }
    H5Oclose(g);
    return 0;
}

rc_status rc_features_read(const char *path, const char *episode_id, rc_features **out, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t fid = -1, ep = -1;
    visit_ctx v = {rc_calloc(1, sizeof(rc_features)), 0};
    char where[600];
    rc_err_scope(err, path, episode_id, "/episodes/%s", episode_id);
    RC_FAIL_IF(!v.f, err, RC_E_NOMEM, "out of memory");
    snprintf(where, sizeof where, "/episodes/%s", episode_id);
    fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    RC_FAIL_IF(fid < 0, err, RC_E_IO, "cannot open the shard to list its outputs");
    ep = H5Gopen2(fid, where, H5P_DEFAULT);
    RC_FAIL_IF(ep < 0, err, RC_E_IO, "expected the episode group, not found");
    herr_t rc = H5Lvisit(ep, H5_INDEX_NAME, H5_ITER_INC, visit, &v);
    RC_FAIL_IF(v.failed, err, RC_E_NOMEM, "out of memory listing the outputs");
    RC_FAIL_IF(rc < 0, err, RC_E_IO, "cannot list the episode's outputs");
    v.f->fps = NAN;
    for (size_t i = 0; i < v.f->n && isnan(v.f->fps); i++)
        if (strcmp(v.f->f[i].kind, "voxelize")) v.f->fps = v.f->f[i].rate_hz;
    *out = v.f;
    v.f = NULL;
done:
    rc_features_free(v.f);
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
