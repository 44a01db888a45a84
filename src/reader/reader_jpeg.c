/* reader_jpeg.c — camera frames stored as JPEG, decoded with libjpeg-turbo (compress/rc_compress.h)
 * when read: ALOHA's compressed layout keeps each frame's JPEG bytes zero-padded in a row of a
 * uint8 [S, P] dataset; a robocache-raw image stream may store its `data` the same way, marked
 * by the string attribute encoding = "jpeg".  A frame's JPEG ends at its end-of-image marker (0xFF 0xD9): the padding
 * after it is zeros, so its length is found in the row itself (the file's /compress_len lists the
 * same lengths, in the recording tool's camera order, which the file does not store).  Every
 * frame must declare the first frame's size; a frame that does not, or that fails to decode, is
 * RC_E_INPUT naming the file, episode, dataset, stream and frame index.  Frames are decoded in
 * parallel (OpenMP); the first bad frame by index is the one reported, whatever the timing. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "compress/rc_compress.h"
#include "reader/rc_direct_int.h"
#include "reader/reader_int.h"

/* The JPEG byte count of a zero-padded row: up to and including its last 0xFF 0xD9; 0 when the
 * row does not end (before its padding) in that marker. */
static size_t padded_jpeg_len(const uint8_t *row, size_t P)
{
    size_t n = P;
    while (n > 0 && row[n - 1] == 0) n--;
    return n >= 4 && row[n - 2] == 0xFF && row[n - 1] == 0xD9 ? n : 0;
}

/* The JPEG length *n of frame k's row (what receives "stream S frame k"); err scoped by the
 * caller. */
static rc_status frame_len(const uint8_t *row, size_t P, int64_t k, const char *stream, char what[160], size_t *n,
                           rc_err *err)
{
    rc_status st = RC_OK;
    snprintf(what, 160, "stream %s frame %lld", stream, (long long)k);
    *n = padded_jpeg_len(row, P);
    RC_FAIL_IF(*n == 0, err, RC_E_INPUT,
               "%s: expected JPEG bytes ending in the end-of-image marker (0xFF 0xD9) before the zero padding of "
               "the %zu-byte row, found none",
               what, P);
done:
    return st;
}

/* Decodes frame k of rows [S, P] into px (H * W * C bytes); err scoped by the caller. */
static rc_status decode_row(const uint8_t *row, size_t P, int64_t k, const char *stream, int32_t H, int32_t W,
                            int32_t C, uint8_t *px, rc_err *err)
{
    rc_status st = RC_OK;
    char what[160];
    size_t n = 0;
    RC_TRY(frame_len(row, P, k, stream, what, &n, err));
    RC_TRY(rc_jpeg_decode(row, n, H, W, C, px, what, err));
done:
    return st;
}

int rd_is_uint8_rank(hid_t g, const char *name, int rank)
{
    hid_t d = H5Lexists(g, name, H5P_DEFAULT) > 0 ? H5Dopen2(g, name, H5P_DEFAULT) : -1, space = -1, type = -1;
    int yes = 0;
    if (d < 0) return 0;
    space = H5Dget_space(d);
    type = H5Dget_type(d);
    yes = space >= 0 && type >= 0 && H5Sget_simple_extent_ndims(space) == rank && H5Tget_class(type) == H5T_INTEGER &&
          H5Tget_size(type) == 1 && H5Tget_sign(type) == H5T_SGN_NONE;
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    H5Dclose(d);
    return yes;
}

int rd_is_jpeg_encoded(hid_t g, const char *name)
{
    char enc[16] = "";
    rc_err ignored;
    hid_t d;
    if (!rd_is_uint8_rank(g, name, 2) || (d = H5Dopen2(g, name, H5P_DEFAULT)) < 0) return 0;
    int yes = H5Aexists(d, "encoding") > 0 && rd_string_attr(d, "encoding", enc, sizeof enc, &ignored) == RC_OK &&
              !strcmp(enc, "jpeg");
    H5Dclose(d);
    return yes;
}

rc_status rd_read_jpeg_rows(hid_t g, const char *name, const rd_where *w, const char *stream, int32_t want_c,
                            uint8_t **u8, int64_t *S, int32_t *H, int32_t *W, int32_t *C, uint64_t *bytes, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t dset = -1, space = -1;
    uint8_t *rows = NULL, *px = NULL;
    hsize_t d[2] = {0, 0};
    rc_err_scope(err, w->file, w->episode, "%s/%s", w->group, name);
    RC_TRY(rd_inside_path(g, name, err));
    dset = H5Dopen2(g, name, H5P_DEFAULT);
    RC_FAIL_IF(dset < 0, err, RC_E_INPUT, "expected dataset '%s' (JPEG rows uint8 [S, P]), not found", name);
    RC_TRY(rd_inside_storage(dset, err));
    space = H5Dget_space(dset);
    RC_FAIL_IF(space < 0 || H5Sget_simple_extent_dims(space, d, NULL) != 2, err, RC_E_IO, "cannot read the dataspace");
    RC_FAIL_IF(d[0] == 0 || d[1] < 4, err, RC_E_INPUT,
               "expected at least one JPEG row of at least 4 bytes, found shape [%llu, %llu]", (unsigned long long)d[0],
               (unsigned long long)d[1]);
    char need[160];
    snprintf(need, sizeof need, "the JPEG rows [%llu, %llu] of stream %s", (unsigned long long)d[0],
             (unsigned long long)d[1], stream);
    RC_TRY(rc_budget_check(rc_budget_mul(d[0], d[1]), RC_E_INPUT, need, err));
    size_t P = (size_t)d[1], n_rows = (size_t)d[0];
    rows = rc_malloc(n_rows * P);
    RC_FAIL_IF(!rows, err, RC_E_NOMEM, "out of memory for %s", need);
    RC_FAIL_IF(rc_direct_read(dset, H5T_NATIVE_UINT8, rows, n_rows * P) < 0, err, RC_E_INPUT,
               "cannot decode the JPEG rows (damaged or oversized chunk)");
    /* the first frame's header sets the size every frame must have */
    char what[160];
    size_t n0 = 0;
    int32_t h = 0, wd = 0, c = 0;
    RC_TRY(frame_len(rows, P, 0, stream, what, &n0, err));
    RC_TRY(rc_jpeg_peek(rows, n0, &h, &wd, &c, what, err));
    RC_FAIL_IF(c != 1 && c != 3, err, RC_E_INPUT, "%s: expected a greyscale or colour JPEG, found another layout", what);
    RC_FAIL_IF(want_c > 0 && c != want_c, err, RC_E_INPUT, "%s: expected %d channels (as the layout says), found %d",
               what, (int)want_c, (int)c);
    snprintf(need, sizeof need, "the decoded frames [%llu, %d, %d, %d] of stream %s", (unsigned long long)d[0], h, wd,
             c, stream);
    RC_TRY(rc_budget_check(rc_budget_mul(rc_budget_mul(d[0], (uint64_t)h), rc_budget_mul((uint64_t)wd, (uint64_t)c)),
                           RC_E_INPUT, need, err));
    size_t frame = (size_t)h * (size_t)wd * (size_t)c;
    px = rc_malloc(n_rows * frame);
    RC_FAIL_IF(!px, err, RC_E_NOMEM, "out of memory for %s", need);
    int64_t first_bad = (int64_t)n_rows;
    rc_err bad;
    rc_err_clear(&bad);
#pragma omp parallel for schedule(dynamic, 4)
    for (int64_t k = 0; k < (int64_t)n_rows; k++) {
        rc_err e = *err; /* the scope: file, episode, dataset */
        if (decode_row(rows + (size_t)k * P, P, k, stream, h, wd, c, px + (size_t)k * frame, &e) != RC_OK) {
#pragma omp critical(rd_jpeg_bad)
            if (k < first_bad) {
                first_bad = k;
                bad = e;
            }
        }
    }
    if (first_bad < (int64_t)n_rows) {
        *err = bad;
        st = bad.code;
        goto done;
    }
    *bytes += H5Dget_storage_size(dset);
    *u8 = px;
    *S = (int64_t)n_rows;
    *H = h;
    *W = wd;
    *C = c;
    px = NULL;
done:
    rc_free(rows);
    rc_free(px);
    if (space >= 0) H5Sclose(space);
    if (dset >= 0) H5Dclose(dset);
    return st;
}
