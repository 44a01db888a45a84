/* reader_names.c — the optional `names` attribute of an input dataset: one string per column
 * (fixed or variable length), which the outputs' column names carry on.  An attribute that is
 * not D strings of 1..RD_NAME_MAX bytes is ignored with a warning naming where it was found. */
#include "config.h"

#include <string.h>

#include "common/rc_common.h"
#include "reader/reader_int.h"

#define RD_NAMES_MAX_BYTES (16u << 20) /* bound on the attribute read into memory */

/* Packs n strings (each at most RD_NAME_MAX bytes) into one allocation: n pointers then the
 * bytes, so one rc_free releases all.  NULL when out of memory. */
static char **pack(char *const *src, const char *fixed, size_t width, size_t n)
{
    size_t bytes = n * sizeof(char *);
    for (size_t i = 0; i < n; i++) bytes += (src ? strlen(src[i]) : strnlen(fixed + i * width, width)) + 1;
    char **out = rc_malloc(bytes);
    if (!out) return NULL;
    char *at = (char *)(out + n);
    for (size_t i = 0; i < n; i++) {
        size_t len = src ? strlen(src[i]) : strnlen(fixed + i * width, width);
        memcpy(at, src ? src[i] : fixed + i * width, len);
        at[len] = '\0';
        out[i] = at;
        at += len + 1;
    }
    return out;
}

rc_status rd_read_names(hid_t loc, const char *dset, const rd_where *w, int32_t n, char ***names, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t attr = -1, ft = -1, mt = -1, space = -1;
    void *buf = NULL;
    const char *why = NULL;
    *names = NULL;
    if (n < 1 || H5Aexists_by_name(loc, dset, "names", H5P_DEFAULT) <= 0) return RC_OK;
    attr = H5Aopen_by_name(loc, dset, "names", H5P_DEFAULT, H5P_DEFAULT);
    ft = attr < 0 ? -1 : H5Aget_type(attr);
    space = attr < 0 ? -1 : H5Aget_space(attr);
    hsize_t count = 0;
    if (ft < 0 || space < 0 || H5Tget_class(ft) != H5T_STRING || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, &count, NULL) != 1 || count != (hsize_t)n) {
        why = "is not a 1-D list of strings, one per column";
        goto done;
    }
    htri_t vlen = H5Tis_variable_str(ft);
    size_t width = vlen > 0 ? sizeof(char *) : H5Tget_size(ft);
    if (vlen < 0 || width == 0 || (vlen == 0 && width > RD_NAME_MAX) ||
        (uint64_t)count * width > RD_NAMES_MAX_BYTES || H5Aget_storage_size(attr) > RD_NAMES_MAX_BYTES) {
        why = "has strings too long to be column names";
        goto done;
    }
    buf = rc_calloc((size_t)count, width);
    RC_FAIL_IF(!buf, err, RC_E_NOMEM, "out of memory for the names of %s", dset);
    mt = H5Tcopy(ft);
    if (mt < 0 || H5Tset_cset(mt, H5Tget_cset(ft)) < 0 || H5Aread(attr, mt, buf) < 0) {
        why = "cannot be read";
        goto done;
    }
    if (vlen > 0) {
        char **v = buf;
        for (hsize_t i = 0; i < count && !why; i++)
            if (!v[i] || !v[i][0] || strlen(v[i]) > RD_NAME_MAX) why = "has an empty or too long name";
        if (!why) *names = pack(v, NULL, 0, (size_t)count);
        H5Dvlen_reclaim(mt, space, H5P_DEFAULT, buf);
    } else {
        for (hsize_t i = 0; i < count && !why; i++)
            if (!((char *)buf)[i * width]) why = "has an empty name";
        if (!why) *names = pack(NULL, buf, width, (size_t)count);
    }
    RC_FAIL_IF(!why && !*names, err, RC_E_NOMEM, "out of memory for the names of %s", dset);
done:
    if (why) rc_log(RC_LOG_WARN, "%s: episode %s: %s/%s: attribute 'names' %s; naming the columns by stream",
                    w->file, w->episode, w->group, dset, why);
    if (mt >= 0) H5Tclose(mt);
    if (ft >= 0) H5Tclose(ft);
    if (space >= 0) H5Sclose(space);
    if (attr >= 0) H5Aclose(attr);
    rc_free(buf);
    return st;
}
