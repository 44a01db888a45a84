/* reader_demos.c — the episode list of the robomimic and robosuite layouts: the groups under
 * /data, ordered by name with embedded numbers compared as numbers (demo_9, demo_10), and
 * robomimic's filter keys: /mask/<key> is a 1-D string dataset naming the demos to keep. */
#include "config.h"
#include "reader/reader_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "compress/rc_compress.h"

/* Compares names piece by piece: runs of digits by value (then by length: "01" after "1"),
 * everything else bytewise. */
static int cmp_natural(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            const char *sa = a, *sb = b;
            while (*sa == '0' && isdigit((unsigned char)sa[1])) sa++;
            while (*sb == '0' && isdigit((unsigned char)sb[1])) sb++;
            const char *ea = sa, *eb = sb;
            while (isdigit((unsigned char)*ea)) ea++;
            while (isdigit((unsigned char)*eb)) eb++;
            if (ea - sa != eb - sb) return ea - sa < eb - sb ? -1 : 1;
            int c = strncmp(sa, sb, (size_t)(ea - sa));
            if (c) return c;
            if (ea - a != eb - b) return ea - a < eb - b ? -1 : 1;
            a = ea;
            b = eb;
        } else {
            if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++;
            b++;
        }
    }
    return *a ? 1 : *b ? -1 : 0;
}

static int cmp_ids(const void *a, const void *b)
{
    return cmp_natural(*(char *const *)a, *(char *const *)b);
}

static void free_ids(char **ids, int64_t n)
{
    for (int64_t i = 0; ids && i < n; i++) rc_free(ids[i]);
    rc_free(ids);
}

/* The names of the links in group g, as a new array. */
static rc_status list_names(hid_t g, char ***out, int64_t *n_out, rc_err *err)
{
    rc_status st = RC_OK;
    H5G_info_t info;
    char **ids = NULL;
    int64_t n = 0;
    RC_FAIL_IF(H5Gget_info(g, &info) < 0, err, RC_E_IO, "cannot list the group");
    ids = rc_calloc(info.nlinks ? info.nlinks : 1, sizeof *ids);
    RC_FAIL_IF(!ids, err, RC_E_NOMEM, "out of memory for %llu names", (unsigned long long)info.nlinks);
    for (hsize_t i = 0; i < info.nlinks; i++) {
        ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
        RC_FAIL_IF(len < 0, err, RC_E_IO, "cannot read the name of entry %llu", (unsigned long long)i);
        RC_FAIL_IF(len >= 256, err, RC_E_INPUT, "expected names under 256 bytes, found one of %zd", len);
        ids[n] = rc_calloc((size_t)len + 1, 1);
        RC_FAIL_IF(!ids[n], err, RC_E_NOMEM, "out of memory for a name");
        n++;
        RC_FAIL_IF(H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, ids[n - 1], (size_t)len + 1,
                                      H5P_DEFAULT) < 0,
                   err, RC_E_IO, "cannot read the name of entry %llu", (unsigned long long)i);
        RC_TRY(rd_utf8_name("a group name", ids[n - 1], err));
    }
    *out = ids;
    *n_out = n;
    ids = NULL;
done:
    free_ids(ids, n);
    return st;
}

/* Reads the 1-D string dataset /mask/<key> into a new array of names. */
static rc_status read_mask(hid_t fid, const char *file, const char *key, char ***out, int64_t *n_out,
                           rc_err *err)
{
    rc_status st = RC_OK;
    hid_t mask = -1, dset = -1, type = -1, space = -1, mem = -1;
    char **names = NULL, **vs = NULL, *fixed = NULL, known[512] = "";
    int64_t n = 0;
    rc_err_scope(err, file, NULL, "/mask/%s", key);
    RC_TRY(rd_inside_path(fid, "mask", err));
    RC_FAIL_IF(H5Lexists(fid, "mask", H5P_DEFAULT) <= 0, err, RC_E_INPUT,
               "expected group /mask with filter key '%s' (input.filter_key), not found", key);
    mask = H5Gopen2(fid, "mask", H5P_DEFAULT);
    RC_FAIL_IF(mask < 0, err, RC_E_INPUT, "expected /mask to be a group, found another kind of object");
    if (strchr(key, '/') || H5Lexists(mask, key, H5P_DEFAULT) <= 0) {
        char **keys = NULL;
        int64_t nk = 0;
        if (list_names(mask, &keys, &nk, err) == RC_OK) {
            qsort(keys, (size_t)nk, sizeof *keys, cmp_ids);
            for (int64_t i = 0; i < nk; i++) {
                size_t used = strlen(known);
                snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", keys[i]);
            }
        }
        free_ids(keys, nk);
        rc_err_scope(err, file, NULL, "/mask/%s", key);
        RC_FAIL_IF(1, err, RC_E_INPUT, "expected filter key '%s' under /mask, not found (keys: %s)", key,
                   known[0] ? known : "none");
    }
    RC_TRY(rd_inside_path(mask, key, err));
    dset = H5Dopen2(mask, key, H5P_DEFAULT);
    RC_FAIL_IF(dset < 0, err, RC_E_INPUT, "expected a dataset of demo names, found another kind of object");
    RC_TRY(rd_inside_storage(dset, err));
    type = H5Dget_type(dset);
    space = H5Dget_space(dset);
    RC_FAIL_IF(type < 0 || space < 0, err, RC_E_IO, "cannot read the type of the filter key");
    RC_FAIL_IF(H5Tget_class(type) != H5T_STRING || H5Sget_simple_extent_ndims(space) != 1, err, RC_E_INPUT,
               "expected a 1-D dataset of strings (demo names), found another type or rank");
    hsize_t count = 0;
    H5Sget_simple_extent_dims(space, &count, NULL);
    n = (int64_t)count;
    names = rc_calloc(count ? count : 1, sizeof *names);
    RC_FAIL_IF(!names, err, RC_E_NOMEM, "out of memory for %lld names", (long long)n);
    mem = H5Tcopy(type);
    RC_FAIL_IF(mem < 0, err, RC_E_IO, "cannot copy the string type");
    if (H5Tis_variable_str(type) > 0) {
        vs = rc_calloc(count ? count : 1, sizeof *vs);
        RC_FAIL_IF(!vs, err, RC_E_NOMEM, "out of memory for %lld names", (long long)n);
        RC_FAIL_IF(count && rc_zstd_filter_read(dset, mem, vs) < 0, err, RC_E_INPUT,
                   "cannot decode the demo names (damaged or oversized chunk)");
        for (int64_t i = 0; i < n; i++) {
            names[i] = rc_strdup(vs[i] ? vs[i] : "");
            RC_FAIL_IF(!names[i], err, RC_E_NOMEM, "out of memory for a name");
        }
    } else {
        size_t size = H5Tget_size(type);
        fixed = rc_calloc((size_t)(count ? count : 1) * size + 1, 1);
        RC_FAIL_IF(!fixed, err, RC_E_NOMEM, "out of memory for %lld names", (long long)n);
        RC_FAIL_IF(count && rc_zstd_filter_read(dset, mem, fixed) < 0, err, RC_E_INPUT,
                   "cannot decode the demo names (damaged or oversized chunk)");
        for (int64_t i = 0; i < n; i++) {
            names[i] = rc_calloc(size + 1, 1);
            RC_FAIL_IF(!names[i], err, RC_E_NOMEM, "out of memory for a name");
            memcpy(names[i], fixed + (size_t)i * size, size);
            for (size_t len = strlen(names[i]); len > 0 && names[i][len - 1] == ' '; len--) names[i][len - 1] = '\0';
        }
    }
    *out = names;
    *n_out = n;
    names = NULL;
done:
    if (vs && mem >= 0 && space >= 0) H5Dvlen_reclaim(mem, space, H5P_DEFAULT, vs);
    rc_free(vs);
    rc_free(fixed);
    free_ids(names, n);
    if (mem >= 0) H5Tclose(mem);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (dset >= 0) H5Dclose(dset);
    if (mask >= 0) H5Gclose(mask);
    return st;
}

rc_status rd_list_demos(hid_t fid, const char *file, const char *filter_key, char ***out, int64_t *n_out,
                        rc_err *err)
{
    rc_status st = RC_OK;
    hid_t g = -1;
    char **ids = NULL, **keep = NULL;
    int64_t n = 0, n_keep = 0;
    rc_err_scope(err, file, NULL, "/data");
    RC_TRY(rd_inside_path(fid, "data", err));
    RC_FAIL_IF(H5Lexists(fid, "data", H5P_DEFAULT) <= 0, err, RC_E_INPUT,
               "expected group /data holding demo_N groups, not found");
    g = H5Gopen2(fid, "data", H5P_DEFAULT);
    RC_FAIL_IF(g < 0, err, RC_E_INPUT, "expected /data to be a group, found another kind of object");
    RC_TRY(list_names(g, &ids, &n, err));
    qsort(ids, (size_t)n, sizeof *ids, cmp_ids);
    if (filter_key && filter_key[0]) {
        RC_TRY(read_mask(fid, file, filter_key, &keep, &n_keep, err));
        rc_err_scope(err, file, NULL, "/mask/%s", filter_key);
        int64_t w = 0;
        for (int64_t i = 0; i < n; i++) {
            int listed = 0;
            for (int64_t k = 0; k < n_keep && !listed; k++) listed = !strcmp(ids[i], keep[k]);
            if (listed) ids[w++] = ids[i];
            else rc_free(ids[i]);
        }
        n = w;
        for (int64_t k = 0; k < n_keep; k++) {
            int found = 0;
            for (int64_t i = 0; i < n && !found; i++) found = !strcmp(ids[i], keep[k]);
            RC_FAIL_IF(!found, err, RC_E_INPUT, "expected every listed demo under /data, found no /data/%s",
                       keep[k]);
        }
    }
    *out = ids;
    *n_out = n;
    ids = NULL;
done:
    free_ids(ids, n);
    free_ids(keep, n_keep);
    if (g >= 0) H5Gclose(g);
    return st;
}
