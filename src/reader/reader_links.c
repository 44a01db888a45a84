/* reader_links.c — keeps every read inside the input file: each link on the way to an object
 * the reader opens must be a hard link (no external link to another file, no soft link that
 * could lead elsewhere), and a dataset must keep its data in the file (no external storage, no
 * virtual layout mapping other files).  Names that go into the manifest must be UTF-8.  The
 * caller has set the error scope to the object's HDF5 path; messages name the link that fails. */
#include "config.h"
#include "reader/reader_int.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"

/* Describes the non-hard link `name` of base into buf: its kind, and a soft link's target.  (An
 * external link's target is not read: rc_reader_open has unregistered that link class.) */
static void describe_link(hid_t base, const char *name, const H5L_info_t *li, char *buf, size_t n)
{
    char val[512] = "?";
    if (li->type == H5L_TYPE_SOFT) {
        if (li->u.val_size > sizeof val || H5Lget_val(base, name, val, sizeof val, H5P_DEFAULT) < 0)
            snprintf(val, sizeof val, "?");
        snprintf(buf, n, "a soft link to '%s'", val);
    } else if (li->type == H5L_TYPE_EXTERNAL) {
        snprintf(buf, n, "an external link (into another file)");
    } else {
        snprintf(buf, n, "a user-defined link of type %d", (int)li->type);
    }
}

rc_status rd_inside_path(hid_t base, const char *path, rc_err *err)
{
    rc_status st = RC_OK;
    char prefix[1024];
    size_t len = strlen(path);
    RC_FAIL_IF(len >= sizeof prefix, err, RC_E_INPUT, "expected an HDF5 path under %zu bytes, found %zu",
               sizeof prefix, len);
    /* Each prefix ends at a '/' or the end; checking them in order means H5Lget_info only ever
     * traverses links already found to be hard. */
    for (size_t end = 1; end <= len; end++) {
        if (end < len && path[end] != '/') continue;
        if (path[end - 1] == '/') continue; /* "//" or a leading '/' */
        memcpy(prefix, path, end);
        prefix[end] = '\0';
        if (H5Lexists(base, prefix, H5P_DEFAULT) <= 0) break; /* the caller reports it missing */
        H5L_info_t li;
        RC_FAIL_IF(H5Lget_info(base, prefix, &li, H5P_DEFAULT) < 0, err, RC_E_INPUT,
                   "cannot read link '%s'", prefix);
        if (li.type != H5L_TYPE_HARD) {
            char what[768];
            describe_link(base, prefix, &li, what, sizeof what);
            RC_FAIL_IF(1, err, RC_E_INPUT,
                       "expected only data inside this file (hard links), found %s at '%s'", what, prefix);
        }
    }
done:
    return st;
}

rc_status rd_inside_storage(hid_t dset, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t dcpl = H5Dget_create_plist(dset);
    RC_FAIL_IF(dcpl < 0, err, RC_E_INPUT, "cannot read the dataset's creation properties");
    int external = H5Pget_external_count(dcpl);
    RC_FAIL_IF(external != 0, err, RC_E_INPUT,
               "expected the dataset's data inside this file, found external storage in %d other file(s)",
               external);
    RC_FAIL_IF(H5Pget_layout(dcpl) == H5D_VIRTUAL, err, RC_E_INPUT,
               "expected the dataset's data inside this file, found a virtual dataset (data mapped from "
               "other datasets)");
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    return st;
}

rc_status rd_utf8_name(const char *what, const char *name, rc_err *err)
{
    rc_status st = RC_OK;
    size_t n = strlen(name), ok = rc_utf8_valid_len(name, n);
    RC_FAIL_IF(ok != n, err, RC_E_INPUT,
               "expected %s in UTF-8 (it goes into manifest.json), found byte 0x%02x at offset %zu", what,
               (unsigned char)name[ok], ok);
done:
    return st;
}

int64_t rd_declared_rows(hid_t g, const char *name, int rank)
{
    rc_err scratch;
    int64_t rows = -1;
    rc_err_clear(&scratch);
    if (rd_inside_path(g, name, &scratch) != RC_OK || H5Lexists(g, name, H5P_DEFAULT) <= 0) return -1;
    hid_t dset = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t space = dset >= 0 ? H5Dget_space(dset) : -1;
    hsize_t dims[H5S_MAX_RANK];
    if (space >= 0 && H5Sget_simple_extent_type(space) == H5S_SIMPLE && H5Sget_simple_extent_ndims(space) == rank &&
        H5Sget_simple_extent_dims(space, dims, NULL) == rank && dims[0] <= INT64_MAX)
        rows = (int64_t)dims[0];
    if (space >= 0) H5Sclose(space);
    if (dset >= 0) H5Dclose(dset);
    return rows;
}
