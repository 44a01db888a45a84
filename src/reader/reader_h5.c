/* reader_h5.c — checked reads of the datasets of one stream: numeric data converted to float32
 * (float64 is checked for finiteness and float32 range before narrowing), timestamps converted
 * once to int64 ns as docs/INPUT.md says, cloud offsets checked against the frames.  Whole-dataset
 * reads go through rc_direct_read (pread and filter decoding outside HDF5, H5Dread as fallback). */
#include "config.h"
#include "reader/reader_int.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "reader/rc_direct_int.h"

/* A readable name for an HDF5 type: "int16", "uint8", "float64", "string", "compound", ... */
static void type_name(hid_t type, char *buf, size_t n)
{
    H5T_class_t cls = H5Tget_class(type);
    size_t bits = H5Tget_size(type) * 8;
    switch (cls) {
    case H5T_INTEGER:
        snprintf(buf, n, "%sint%zu", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", bits);
        break;
    case H5T_FLOAT: snprintf(buf, n, "float%zu", bits); break;
    case H5T_STRING: snprintf(buf, n, "string"); break;
    case H5T_COMPOUND: snprintf(buf, n, "compound"); break;
    case H5T_ENUM: snprintf(buf, n, "enum"); break;
    case H5T_BITFIELD: snprintf(buf, n, "bitfield"); break;
    case H5T_OPAQUE: snprintf(buf, n, "opaque"); break;
    case H5T_REFERENCE: snprintf(buf, n, "reference"); break;
    case H5T_VLEN: snprintf(buf, n, "variable-length sequence"); break;
    case H5T_ARRAY: snprintf(buf, n, "array"); break;
    case H5T_TIME: snprintf(buf, n, "time"); break;
    default: snprintf(buf, n, "unknown type"); break;
    }
}

/* Shape as "[a, b]". */
static void shape_str(int rank, const hsize_t *dims, char *buf, size_t n)
{
    size_t used = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < rank && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%llu", i ? ", " : "", (unsigned long long)dims[i]);
    if (used < n) snprintf(buf + used, n - used, "]");
}

/* Opens g/name as a dataset of the expected rank; what says what it should hold. */
static rc_status open_dataset(hid_t g, const char *name, const rd_where *w, int want_rank,
                              const char *what, hid_t *dset, hid_t *space, hsize_t dims[2],
                              rc_err *err)
{
    rc_status st = RC_OK;
    char shape[128];
    rc_err_scope(err, w->file, w->episode, "%s/%s", w->group, name);
    RC_TRY(rd_inside_path(g, name, err));
    RC_FAIL_IF(H5Lexists(g, name, H5P_DEFAULT) <= 0, err, RC_E_INPUT,
               "expected dataset '%s' (%s), not found", name, what);
    *dset = H5Dopen2(g, name, H5P_DEFAULT);
    RC_FAIL_IF(*dset < 0, err, RC_E_INPUT, "expected dataset '%s' (%s), found another kind of object",
               name, what);
    RC_TRY(rd_inside_storage(*dset, err));
    *space = H5Dget_space(*dset);
    RC_FAIL_IF(*space < 0, err, RC_E_IO, "cannot read the dataspace");
    int rank = H5Sget_simple_extent_ndims(*space);
    RC_FAIL_IF(rank < 0 || rank > 2 || H5Sget_simple_extent_type(*space) != H5S_SIMPLE, err,
               RC_E_INPUT, "expected a %d-D dataset (%s), found rank %d", want_rank, what, rank);
    hsize_t d[2] = {0, 0};
    H5Sget_simple_extent_dims(*space, d, NULL);
    shape_str(rank, d, shape, sizeof shape);
    if (rank == 1 && want_rank == 2 && w->vector_ok) d[1] = 1; /* [S] is one column */
    else RC_FAIL_IF(rank != want_rank, err, RC_E_INPUT, "expected a %d-D dataset (%s), found shape %s",
                    want_rank, what, shape);
    dims[0] = d[0];
    dims[1] = d[1];
done:
    return st;
}

rc_status rd_read_matrix(hid_t g, const char *name, const rd_where *w, int32_t want_cols,
                         int32_t min_cols, int allow_empty, float **x, int64_t *rows, int32_t *cols,
                         uint64_t *bytes, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t dset = -1, space = -1, type = -1;
    double *wide = NULL;
    float *out = NULL;
    hsize_t dims[2];
    char what[64], tname[64];
    if (want_cols > 0) snprintf(what, sizeof what, "[%s, %d] numeric", allow_empty ? "P" : "S", (int)want_cols);
    else snprintf(what, sizeof what, "[S, D] numeric");
    RC_TRY(open_dataset(g, name, w, 2, what, &dset, &space, dims, err));
    RC_FAIL_IF(min_cols > 0 && dims[1] < (hsize_t)min_cols, err, RC_E_INPUT,
               "expected at least %d columns (x, y, z, ...), found %llu", (int)min_cols,
               (unsigned long long)dims[1]);
    RC_FAIL_IF(want_cols > 0 && dims[1] != (hsize_t)want_cols, err, RC_E_INPUT,
               "expected %d columns (as the layout says), found %llu", (int)want_cols,
               (unsigned long long)dims[1]);
    RC_FAIL_IF(dims[1] == 0, err, RC_E_INPUT, "expected at least one column, found shape [%llu, 0]",
               (unsigned long long)dims[0]);
    RC_FAIL_IF(!allow_empty && dims[0] == 0, err, RC_E_INPUT,
               "expected at least one sample, found an empty dataset [0, %llu]",
               (unsigned long long)dims[1]);
    type = H5Dget_type(dset);
    RC_FAIL_IF(type < 0, err, RC_E_IO, "cannot read the dataset's type");
    H5T_class_t cls = H5Tget_class(type);
    type_name(type, tname, sizeof tname);
    RC_FAIL_IF(cls != H5T_INTEGER && cls != H5T_FLOAT, err, RC_E_INPUT,
               "expected a numeric (integer or float) dtype, found %s", tname);
    char need[200];
    uint64_t wide_bytes = cls == H5T_FLOAT && H5Tget_size(type) > sizeof(float) ? sizeof *wide : 0;
    snprintf(need, sizeof need, "the dataset [%llu, %llu] %s (read as float32%s)", (unsigned long long)dims[0],
             (unsigned long long)dims[1], tname, wide_bytes ? " through float64" : "");
    RC_TRY(rc_budget_check(rc_budget_mul(rc_budget_mul(dims[0], dims[1]), sizeof *out + wide_bytes), RC_E_INPUT,
                           need, err));
    size_t n = (size_t)dims[0] * (size_t)dims[1];
    out = rc_calloc(n, sizeof *out);
    RC_FAIL_IF(!out, err, RC_E_NOMEM, "out of memory for %zu values", n);
    if (cls == H5T_FLOAT && H5Tget_size(type) > sizeof(float)) {
        /* Wider than float32: check the stored values themselves, then narrow (round to nearest). */
        wide = rc_calloc(n, sizeof *wide);
        RC_FAIL_IF(!wide, err, RC_E_NOMEM, "out of memory for %zu values", n);
        RC_FAIL_IF(n && rc_direct_read(dset, H5T_NATIVE_DOUBLE, wide, n * sizeof *wide) < 0,
                   err, RC_E_INPUT, "cannot decode the %s data (damaged or oversized chunk)",
                   tname);
        for (size_t i = 0; i < n; i++) {
            RC_FAIL_IF(!isfinite(wide[i]), err, RC_E_INPUT,
                       "expected finite values, found %g at row %zu, column %zu", wide[i],
                       i / (size_t)dims[1], i % (size_t)dims[1]);
            RC_FAIL_IF(fabs(wide[i]) > FLT_MAX, err, RC_E_INPUT,
                       "expected values within float32 range, found %g at row %zu, column %zu",
                       wide[i], i / (size_t)dims[1], i % (size_t)dims[1]);
            out[i] = (float)wide[i];
        }
    } else {
        RC_FAIL_IF(n && rc_direct_read(dset, H5T_NATIVE_FLOAT, out, n * sizeof *out) < 0,
                   err, RC_E_INPUT,
                   "cannot decode the %s data as float32 (damaged or oversized chunk)", tname);
        for (size_t i = 0; i < n; i++)
            RC_FAIL_IF(!isfinite(out[i]), err, RC_E_INPUT,
                       "expected finite values, found %g at row %zu, column %zu", (double)out[i],
                       i / (size_t)dims[1], i % (size_t)dims[1]);
    }
    *bytes += H5Dget_storage_size(dset);
    RC_FAIL_IF(dims[1] > INT32_MAX, err, RC_E_INPUT, "expected at most %d columns, found %llu", INT32_MAX,
               (unsigned long long)dims[1]);
    *x = out;
    *rows = (int64_t)dims[0];
    *cols = (int32_t)dims[1];
    out = NULL;
done:
    rc_free(wide);
    rc_free(out);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (dset >= 0) H5Dclose(dset);
    return st;
}

/* The units attribute of t as a string. */
static rc_status read_units(hid_t dset, char *units, size_t n, rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(H5Aexists(dset, "units") <= 0, err, RC_E_INPUT,
               "expected attribute 'units' (\"ns\", \"us\", \"ms\" or \"s\"), not found");
    st = rd_string_attr(dset, "units", units, n, err);
done:
    return st;
}

rc_status rd_string_attr(hid_t obj, const char *name, char *out, size_t n, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t attr = -1, type = -1, mem = -1, space = -1;
    char *vs = NULL, *fixed = NULL, tname[64];
    attr = H5Aopen(obj, name, H5P_DEFAULT);
    RC_FAIL_IF(attr < 0, err, RC_E_IO, "cannot open attribute '%s'", name);
    type = H5Aget_type(attr);
    space = H5Aget_space(attr);
    RC_FAIL_IF(type < 0 || space < 0, err, RC_E_IO, "cannot read the type of attribute '%s'", name);
    type_name(type, tname, sizeof tname);
    RC_FAIL_IF(H5Tget_class(type) != H5T_STRING || H5Sget_simple_extent_npoints(space) != 1, err,
               RC_E_INPUT, "expected attribute '%s' to be one string, found %s with %lld elements", name,
               tname, (long long)H5Sget_simple_extent_npoints(space));
    mem = H5Tcopy(type);
    RC_FAIL_IF(mem < 0, err, RC_E_IO, "cannot copy the type of attribute '%s'", name);
    if (H5Tis_variable_str(type) > 0) {
        RC_FAIL_IF(H5Aread(attr, mem, &vs) < 0 || !vs, err, RC_E_IO, "cannot read attribute '%s'", name);
        snprintf(out, n, "%s", vs);
    } else {
        size_t size = H5Tget_size(type);
        fixed = rc_calloc(size + 1, 1);
        RC_FAIL_IF(!fixed, err, RC_E_NOMEM, "out of memory for attribute '%s'", name);
        RC_FAIL_IF(H5Aread(attr, mem, fixed) < 0, err, RC_E_IO, "cannot read attribute '%s'", name);
        snprintf(out, n, "%s", fixed);
    }
    for (size_t len = strlen(out); len > 0 && out[len - 1] == ' '; len--) out[len - 1] = '\0';
done:
    if (vs) H5free_memory(vs);
    rc_free(fixed);
    if (mem >= 0) H5Tclose(mem);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (attr >= 0) H5Aclose(attr);
    return st;
}

/* t[i] = llround(s[i * stride] * 1e9): float64 seconds to int64 ns, finite and in range. */
static rc_status seconds_to_ns(const double *s, int64_t stride, int64_t n, int64_t *t, rc_err *err)
{
    rc_status st = RC_OK;
    for (int64_t i = 0; i < n; i++) {
        double sec = s[i * stride];
        RC_FAIL_IF(!isfinite(sec), err, RC_E_INPUT,
                   "expected finite timestamps, found %g at index %lld", sec, (long long)i);
        double v = sec * 1e9;
        /* 2^63 is exact in double: anything at or past it does not fit int64 ns. */
        RC_FAIL_IF(v >= 0x1p63 || v < -0x1p63, err, RC_E_INPUT,
                   "expected timestamps within int64 nanoseconds, found %.17g s at index %lld",
                   sec, (long long)i);
        t[i] = llround(v);
    }
done:
    return st;
}

static rc_status check_increasing(const int64_t *t, int64_t n, rc_err *err)
{
    rc_status st = RC_OK;
    for (int64_t i = 1; i < n; i++)
        RC_FAIL_IF(t[i] <= t[i - 1], err, RC_E_INPUT,
                   "expected strictly increasing timestamps, found %s at index %lld: "
                   "t[%lld] = %lld ns, t[%lld] = %lld ns",
                   t[i] == t[i - 1] ? "a duplicate" : "a decrease", (long long)i, (long long)(i - 1),
                   (long long)t[i - 1], (long long)i, (long long)t[i]);
done:
    return st;
}

rc_status rd_read_times(hid_t g, const rd_where *w, int64_t want_n, int ordered, int64_t **t_ns,
                        int64_t *n_out, uint64_t *bytes, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t dset = -1, space = -1, type = -1;
    int64_t *t = NULL;
    double *ts = NULL;
    hsize_t dims[2];
    char units[64], tname[64];
    RC_TRY(open_dataset(g, "t", w, 1, "[S] int64, or float64 seconds", &dset, &space, dims, err));
    int64_t n = (int64_t)dims[0];
    RC_FAIL_IF(want_n >= 0 && n != want_n, err, RC_E_INPUT,
               "expected %lld timestamps (one per data row), found %lld", (long long)want_n, (long long)n);
    RC_FAIL_IF(n == 0, err, RC_E_INPUT, "expected at least one frame time, found an empty dataset [0]");
    type = H5Dget_type(dset);
    RC_FAIL_IF(type < 0, err, RC_E_IO, "cannot read the dataset's type");
    type_name(type, tname, sizeof tname);
    int is_i64 = !strcmp(tname, "int64"), is_f64 = !strcmp(tname, "float64");
    RC_FAIL_IF(!is_i64 && !is_f64, err, RC_E_INPUT,
               "expected timestamps of dtype int64 (or float64 with units \"s\"), found %s", tname);
    RC_TRY(read_units(dset, units, sizeof units, err));
    int64_t mult = !strcmp(units, "ns") ? 1 : !strcmp(units, "us") ? 1000
                 : !strcmp(units, "ms") ? 1000000 : !strcmp(units, "s") ? 1000000000 : 0;
    RC_FAIL_IF(mult == 0, err, RC_E_INPUT,
               "expected attribute units \"ns\", \"us\", \"ms\" or \"s\", found \"%s\"", units);
    RC_FAIL_IF(is_f64 && mult != 1000000000, err, RC_E_INPUT,
               "expected units \"s\" for float64 timestamps, found \"%s\"", units);
    RC_TRY(rc_budget_check(rc_budget_mul((uint64_t)n, sizeof *t + (is_f64 ? sizeof *ts : 0)), RC_E_INPUT,
                           "the timestamps", err));
    t = rc_calloc((size_t)n, sizeof *t);
    RC_FAIL_IF(!t, err, RC_E_NOMEM, "out of memory for %lld timestamps", (long long)n);
    if (is_f64) {
        ts = rc_calloc((size_t)n, sizeof *ts);
        RC_FAIL_IF(!ts, err, RC_E_NOMEM, "out of memory for %lld timestamps", (long long)n);
        RC_FAIL_IF(rc_direct_read(dset, H5T_NATIVE_DOUBLE, ts, (size_t)n * sizeof *ts) < 0, err,
                   RC_E_INPUT, "cannot decode the timestamps (damaged or oversized chunk)");
        RC_TRY(seconds_to_ns(ts, 1, n, t, err));
    } else {
        RC_FAIL_IF(rc_direct_read(dset, H5T_NATIVE_INT64, t, (size_t)n * sizeof *t) < 0, err,
                   RC_E_INPUT, "cannot decode the timestamps (damaged or oversized chunk)");
        for (int64_t i = 0; i < n; i++) {
            int64_t v;
            RC_FAIL_IF(__builtin_mul_overflow(t[i], mult, &v), err, RC_E_INPUT,
                       "expected timestamps within int64 nanoseconds, found %lld %s at index %lld",
                       (long long)t[i], units, (long long)i);
            t[i] = v;
        }
    }
    if (ordered) RC_TRY(check_increasing(t, n, err));
    *bytes += H5Dget_storage_size(dset);
    *t_ns = t;
    *n_out = n;
    t = NULL;
done:
    rc_free(t);
    rc_free(ts);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (dset >= 0) H5Dclose(dset);
    return st;
}

rc_status rd_read_offsets(hid_t g, const rd_where *w, int64_t frames, int64_t **offsets,
                          uint64_t *bytes, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t dset = -1, space = -1, type = -1;
    int64_t *o = NULL;
    hsize_t dims[2];
    char tname[64];
    RC_TRY(open_dataset(g, "offsets", w, 1, "[F + 1] int64", &dset, &space, dims, err));
    RC_FAIL_IF((int64_t)dims[0] != frames + 1, err, RC_E_INPUT,
               "expected %lld offsets (one more than the %lld frame times), found %llu",
               (long long)(frames + 1), (long long)frames, (unsigned long long)dims[0]);
    type = H5Dget_type(dset);
    RC_FAIL_IF(type < 0, err, RC_E_IO, "cannot read the dataset's type");
    type_name(type, tname, sizeof tname);
    RC_FAIL_IF(H5Tget_class(type) != H5T_INTEGER, err, RC_E_INPUT,
               "expected integer (int64) offsets, found %s", tname);
    RC_TRY(rc_budget_check(rc_budget_mul((uint64_t)frames + 1, sizeof *o), RC_E_INPUT, "the offsets", err));
    o = rc_calloc((size_t)frames + 1, sizeof *o);
    RC_FAIL_IF(!o, err, RC_E_NOMEM, "out of memory for %lld offsets", (long long)(frames + 1));
    RC_FAIL_IF(rc_direct_read(dset, H5T_NATIVE_INT64, o, ((size_t)frames + 1) * sizeof *o) < 0, err, RC_E_INPUT,
               "cannot decode the offsets as int64 (damaged or oversized chunk)");
    RC_FAIL_IF(o[0] != 0, err, RC_E_INPUT, "expected offsets[0] = 0, found %lld", (long long)o[0]);
    for (int64_t f = 1; f <= frames; f++)
        RC_FAIL_IF(o[f] < o[f - 1], err, RC_E_INPUT,
                   "expected non-decreasing offsets, found offsets[%lld] = %lld > offsets[%lld] = %lld",
                   (long long)(f - 1), (long long)o[f - 1], (long long)f, (long long)o[f]);
    *bytes += H5Dget_storage_size(dset);
    *offsets = o;
    o = NULL;
done:
    rc_free(o);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (dset >= 0) H5Dclose(dset);
    return st;
}

rc_status rd_read_column_times(hid_t g, const char *name, const rd_where *w, int32_t column,
                               int64_t **t_ns, int64_t *n_out, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t dset = -1, space = -1, type = -1;
    int64_t *t = NULL;
    double *all = NULL;
    hsize_t dims[2];
    char tname[64];
    RC_TRY(open_dataset(g, name, w, 2, "[S, D] float, column of seconds", &dset, &space, dims, err));
    RC_FAIL_IF(dims[1] <= (hsize_t)column, err, RC_E_INPUT,
               "expected column %d to hold the time in seconds, found only %llu columns", (int)column,
               (unsigned long long)dims[1]);
    RC_FAIL_IF(dims[0] == 0, err, RC_E_INPUT, "expected at least one sample, found an empty dataset [0, %llu]",
               (unsigned long long)dims[1]);
    type = H5Dget_type(dset);
    RC_FAIL_IF(type < 0, err, RC_E_IO, "cannot read the dataset's type");
    type_name(type, tname, sizeof tname);
    RC_FAIL_IF(H5Tget_class(type) != H5T_FLOAT, err, RC_E_INPUT,
               "expected float seconds in column %d, found dtype %s", (int)column, tname);
    int64_t n = (int64_t)dims[0];
    RC_TRY(rc_budget_check(rc_budget_mul(rc_budget_mul(dims[0], dims[1]), sizeof *all + sizeof *t), RC_E_INPUT,
                           "the time column's dataset (read as float64)", err));
    all = rc_calloc((size_t)n * (size_t)dims[1], sizeof *all);
    t = rc_calloc((size_t)n, sizeof *t);
    RC_FAIL_IF(!all || !t, err, RC_E_NOMEM, "out of memory for %lld timestamps", (long long)n);
    RC_FAIL_IF(rc_direct_read(dset, H5T_NATIVE_DOUBLE, all, (size_t)n * (size_t)dims[1] * sizeof *all) < 0, err, RC_E_INPUT,
               "cannot decode the %s data (damaged or oversized chunk)", tname);
    RC_TRY(seconds_to_ns(all + column, (int64_t)dims[1], n, t, err));
    RC_TRY(check_increasing(t, n, err));
    *t_ns = t;
    *n_out = n;
    t = NULL;
done:
    rc_free(t);
    rc_free(all);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (dset >= 0) H5Dclose(dset);
    return st;
}

rc_status rd_rate_times(double rate_hz, int64_t n, int64_t **t_ns, rc_err *err)
{
    rc_status st = RC_OK;
    int64_t *t = NULL;
    double last = n > 0 ? (double)(n - 1) * 1e9 / rate_hz : 0;
    RC_FAIL_IF(!(last < 0x1p63), err, RC_E_INPUT,
               "expected sample times within int64 ns, found %lld samples at input.rate_hz %g reaching %g s",
               (long long)n, rate_hz, last / 1e9);
    t = rc_malloc((size_t)(n > 0 ? n : 1) * sizeof *t);
    RC_FAIL_IF(!t, err, RC_E_NOMEM, "out of memory for %lld timestamps", (long long)n);
    for (int64_t i = 0; i < n; i++) t[i] = llround((double)i * 1e9 / rate_hz);
    *t_ns = t;
done:
    return st;
}

rc_status rd_read_images(hid_t g, const char *name, const rd_where *w, int32_t want_c, uint8_t **u8,
                         int64_t *S, int32_t *H, int32_t *W, int32_t *C, uint64_t *bytes, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t dset = -1, space = -1, type = -1;
    uint8_t *out = NULL;
    hsize_t d[4] = {0, 0, 0, 0};
    char shape[128], tname[64];
    rc_err_scope(err, w->file, w->episode, "%s/%s", w->group, name);
    RC_TRY(rd_inside_path(g, name, err));
    RC_FAIL_IF(H5Lexists(g, name, H5P_DEFAULT) <= 0, err, RC_E_INPUT,
               "expected dataset '%s' (uint8 images [S, H, W, C]), not found", name);
    dset = H5Dopen2(g, name, H5P_DEFAULT);
    RC_FAIL_IF(dset < 0, err, RC_E_INPUT, "expected dataset '%s' (uint8 images [S, H, W, C]), found another kind of object",
               name);
    RC_TRY(rd_inside_storage(dset, err));
    space = H5Dget_space(dset);
    type = H5Dget_type(dset);
    RC_FAIL_IF(space < 0 || type < 0, err, RC_E_IO, "cannot read the dataspace or type");
    int rank = H5Sget_simple_extent_ndims(space);
    RC_FAIL_IF(rank < 0 || rank > 4, err, RC_E_INPUT, "expected a 4-D dataset (uint8 images [S, H, W, C]), found rank %d",
               rank);
    H5Sget_simple_extent_dims(space, d, NULL);
    shape_str(rank, d, shape, sizeof shape);
    RC_FAIL_IF(rank != 4, err, RC_E_INPUT, "expected a 4-D dataset (uint8 images [S, H, W, C]), found shape %s", shape);
    type_name(type, tname, sizeof tname);
    RC_FAIL_IF(strcmp(tname, "uint8") != 0, err, RC_E_INPUT, "expected images of dtype uint8, found %s", tname);
    RC_FAIL_IF(d[0] == 0 || d[1] == 0 || d[2] == 0 || d[3] == 0, err, RC_E_INPUT,
               "expected at least one non-empty frame, found shape %s", shape);
    RC_FAIL_IF(want_c > 0 && d[3] != (hsize_t)want_c, err, RC_E_INPUT,
               "expected %d channels (as the layout says), found shape %s", (int)want_c, shape);
    RC_FAIL_IF(d[1] > INT32_MAX || d[2] > INT32_MAX || d[3] > INT32_MAX, err, RC_E_INPUT,
               "expected frame sides below 2^31, found shape %s", shape);
    char need[160];
    snprintf(need, sizeof need, "the image dataset %s uint8", shape);
    RC_TRY(rc_budget_check(rc_budget_mul(rc_budget_mul(d[0], d[1]), rc_budget_mul(d[2], d[3])), RC_E_INPUT, need,
                           err));
    size_t n = (size_t)d[0] * (size_t)d[1] * (size_t)d[2] * (size_t)d[3];
    out = rc_malloc(n);
    RC_FAIL_IF(!out, err, RC_E_NOMEM, "out of memory for %zu bytes of images", n);
    RC_FAIL_IF(rc_direct_read(dset, H5T_NATIVE_UINT8, out, n) < 0, err, RC_E_INPUT,
               "cannot decode the images (damaged or oversized chunk)");
    *bytes += H5Dget_storage_size(dset);
    *u8 = out;
    *S = (int64_t)d[0];
    *H = (int32_t)d[1];
    *W = (int32_t)d[2];
    *C = (int32_t)d[3];
    out = NULL;
done:
    rc_free(out);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (dset >= 0) H5Dclose(dset);
    return st;
}
