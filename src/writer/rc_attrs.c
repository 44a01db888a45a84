/* rc_attrs.c — writes the describing attributes of rc_writer.h onto objects of a shard's open
 * episode.  The same attributes in the same order give the same file bytes (no time stamps, no
 * global heap: strings are fixed-length). */
#include "config.h"
#include "writer/rc_writer.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "writer/rc_h5_int.h"

/* rank 0..2 dataspace of attribute values, or -1. */
static hid_t attr_space(int rank, const uint64_t *dims)
{
    hsize_t d[2];
    if (rank == 0) return H5Screate(H5S_SCALAR);
    if (rank < 0 || rank > 2) return -1;
    for (int k = 0; k < rank; k++) {
        if (dims[k] == 0) return -1;
        d[k] = dims[k];
    }
    return H5Screate_simple(rank, d, NULL);
}

/* Opens rel_path below the open episode, creates the attribute and writes buf of memory type t. */
static rc_status put(rc_shard *sh, const char *rel_path, const char *name, hid_t file_t, hid_t mem_t,
                     int rank, const uint64_t *dims, const void *buf, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t ep = rc_shard_episode_group(sh), obj = -1, space = -1, attr = -1;
    char phys[600];
    int where = rc_shard_object_path(sh, rel_path, phys, sizeof phys);
    RC_FAIL_IF(where > 0, err, RC_E_INTERNAL, "expected an HDF5 layout for attribute %s", name);
    RC_FAIL_IF(ep < 0, err, RC_E_INTERNAL, "expected an open episode before writing attribute %s", name);
    RC_FAIL_IF(where < 0, err, RC_E_INTERNAL, "expected a path under %zu bytes, found %s", sizeof phys, rel_path);
    obj = H5Oopen(ep, phys, H5P_DEFAULT);
    space = attr_space(rank, dims);
    attr = obj < 0 || space < 0 ? -1 : H5Acreate2(obj, name, file_t, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, mem_t, buf) < 0) {
        char why[256];
        rc_h5_error_text(why, sizeof why);
        RC_FAIL_IF(1, err, RC_E_IO, "writing attribute %s on %s: %s", name, rel_path, why);
    }
done:
    if (attr >= 0 && H5Aclose(attr) < 0 && st == RC_OK)
        st = rc_err_set(err, RC_E_IO, __FILE__, __LINE__, "closing attribute %s on %s", name, rel_path);
    if (space >= 0) H5Sclose(space);
    if (obj >= 0) H5Oclose(obj);
    return st;
}

enum { J_STR, J_I64, J_F64 };

/* values (of type `type`) as JSON: a scalar for rank 0, nested lists for ranks 1 and 2. */
static void json_values(rc_json *j, int type, const void *values, int rank, const uint64_t *dims, size_t *at)
{
    if (rank == 0) {
        if (type == J_STR) rc_json_string(j, ((const char *const *)values)[*at]);
        else if (type == J_I64) rc_json_int(j, ((const int64_t *)values)[*at]);
        else rc_json_double(j, ((const double *)values)[*at]);
        (*at)++;
        return;
    }
    rc_json_array_begin(j);
    for (uint64_t i = 0; i < dims[0]; i++) json_values(j, type, values, rank - 1, dims + 1, at);
    rc_json_array_end(j);
}

/* The zarr layout: the attribute as JSON text, kept by the store (rc_shard_attr_json). */
static rc_status put_json(rc_shard *sh, const char *rel_path, const char *name, int type, const void *values,
                          int rank, const uint64_t *dims, rc_err *err)
{
    rc_status st = RC_OK;
    char *text = NULL;
    size_t len = 0;
    rc_json j;
    size_t at = 0;
    FILE *f = open_memstream(&text, &len);
    RC_FAIL_IF(!f, err, RC_E_NOMEM, "out of memory for attribute %s", name);
    rc_json_init(&j, f);
    json_values(&j, type, values, rank, dims, &at);
    int bad = rc_json_finish(&j);
    int closed = fclose(f);
    RC_FAIL_IF(bad < 0 || closed != 0, err, RC_E_NOMEM, "out of memory for attribute %s", name);
    while (len && text[len - 1] == '\n') text[--len] = '\0';
    RC_TRY(rc_shard_attr_json(sh, rel_path, name, text, err));
done:
    free(text); /* open_memstream's buffer comes from malloc */
    return st;
}

/* 1 when sh keeps attributes as JSON (zarr). */
static int is_json(const rc_shard *sh, const char *rel_path)
{
    char phys[8];
    return rc_shard_object_path(sh, rel_path, phys, sizeof phys) > 0;
}

rc_status rc_attr_put_str(rc_shard *sh, const char *rel_path, const char *name, const char *value,
                          rc_err *err)
{
    return rc_attr_put_strs(sh, rel_path, name, &value, 0, err);
}

/* n == 0: one scalar string (rc_attr_put_str); else a 1-D array of n. */
rc_status rc_attr_put_strs(rc_shard *sh, const char *rel_path, const char *name,
                           const char *const *values, size_t n, rc_err *err)
{
    rc_status st = RC_OK;
    size_t count = n ? n : 1, width = 1;
    char *buf = NULL;
    hid_t t = -1;
    if (is_json(sh, rel_path)) {
        uint64_t d[1] = {n};
        return put_json(sh, rel_path, name, J_STR, values, n ? 1 : 0, d, err);
    }
    for (size_t i = 0; i < count; i++)
        if (strlen(values[i]) > width) width = strlen(values[i]);
    RC_FAIL_IF(width > ((size_t)1 << 20) || count > ((size_t)1 << 24), err, RC_E_INTERNAL,
               "attribute %s on %s: %zu strings of up to %zu bytes is too large", name, rel_path, count, width);
    buf = rc_calloc(count, width); /* NUL-padded; "" is one NUL byte */
    RC_FAIL_IF(!buf, err, RC_E_NOMEM, "out of memory for attribute %s", name);
    for (size_t i = 0; i < count; i++) memcpy(buf + i * width, values[i], strlen(values[i]));
    t = H5Tcopy(H5T_C_S1);
    RC_FAIL_IF(t < 0 || H5Tset_size(t, width) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 ||
                   H5Tset_cset(t, H5T_CSET_UTF8) < 0,
               err, RC_E_IO, "making the string type of attribute %s", name);
    uint64_t dims[1] = {count};
    RC_TRY(put(sh, rel_path, name, t, t, n ? 1 : 0, dims, buf, err));
done:
    if (t >= 0) H5Tclose(t);
    rc_free(buf);
    return st;
}

rc_status rc_attr_put_i64(rc_shard *sh, const char *rel_path, const char *name, const int64_t *values,
                          int rank, const uint64_t *dims, rc_err *err)
{
    if (is_json(sh, rel_path)) return put_json(sh, rel_path, name, J_I64, values, rank, dims, err);
    return put(sh, rel_path, name, H5T_STD_I64LE, H5T_NATIVE_INT64, rank, dims, values, err);
}

rc_status rc_attr_put_f64(rc_shard *sh, const char *rel_path, const char *name, const double *values,
                          int rank, const uint64_t *dims, rc_err *err)
{
    if (is_json(sh, rel_path)) return put_json(sh, rel_path, name, J_F64, values, rank, dims, err);
    return put(sh, rel_path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, rank, dims, values, err);
}
