/* rc_h5.c — HDF5 helpers of the writer module (see rc_h5_int.h): datatypes, attributes and HDF5's
 * error text.  All types are little-endian whatever the host, so files are the same everywhere. */
#include "config.h"
#include "writer/rc_h5_int.h"

#include <stdio.h>
#include <string.h>

/* IEEE 754 binary16: sign bit 15, exponent bits 10..14 (bias 15), mantissa bits 0..9.  Built
 * from a float32 type as h5py does, so h5py maps it to numpy float16. */
static hid_t half_type(void)
{
    hid_t t = H5Tcopy(H5T_IEEE_F32LE);
    if (t < 0) return -1;
    if (H5Tset_fields(t, 15, 10, 5, 0, 10) < 0 || H5Tset_size(t, 2) < 0 || H5Tset_ebias(t, 15) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

hid_t rc_h5_type_of(rc_elem e)
{
    switch (e) {
    case RC_ELEM_U8: return H5Tcopy(H5T_STD_U8LE);
    case RC_ELEM_U16: return H5Tcopy(H5T_STD_U16LE);
    case RC_ELEM_I32: return H5Tcopy(H5T_STD_I32LE);
    case RC_ELEM_U32: return H5Tcopy(H5T_STD_U32LE);
    case RC_ELEM_I64: return H5Tcopy(H5T_STD_I64LE);
    case RC_ELEM_F16: return half_type();
    case RC_ELEM_BF16: return H5Tcopy(H5T_STD_U16LE);
    case RC_ELEM_F32: return H5Tcopy(H5T_IEEE_F32LE);
    }
    return -1;
}

int rc_h5_elem_of(hid_t t, int is_bf16)
{
    size_t size = H5Tget_size(t);
    H5T_class_t cls = H5Tget_class(t);
    if (H5Tget_order(t) != H5T_ORDER_LE) return -1;
    if (cls == H5T_INTEGER) {
        H5T_sign_t sign = H5Tget_sign(t);
        if (sign == H5T_SGN_NONE && size == 1) return RC_ELEM_U8;
        if (sign == H5T_SGN_NONE && size == 2) return is_bf16 ? RC_ELEM_BF16 : RC_ELEM_U16;
        if (sign == H5T_SGN_2 && size == 4) return RC_ELEM_I32;
        if (sign == H5T_SGN_NONE && size == 4) return RC_ELEM_U32;
        if (sign == H5T_SGN_2 && size == 8) return RC_ELEM_I64;
        return -1;
    }
    if (cls == H5T_FLOAT) {
        if (size == 4 && H5Tequal(t, H5T_IEEE_F32LE) > 0) return RC_ELEM_F32;
        if (size == 2) {
            size_t spos, epos, esize, mpos, msize;
            if (H5Tget_fields(t, &spos, &epos, &esize, &mpos, &msize) < 0) return -1;
            if (spos == 15 && epos == 10 && esize == 5 && mpos == 0 && msize == 10 &&
                H5Tget_ebias(t) == 15)
                return RC_ELEM_F16;
        }
    }
    return -1;
}

static int write_attr(hid_t obj, const char *name, hid_t type, const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = space < 0 ? -1 : H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = attr < 0 || H5Awrite(attr, type, value) < 0 ? -1 : 0;
    if (attr >= 0 && H5Aclose(attr) < 0) rc = -1;
    if (space >= 0) H5Sclose(space);
    return rc;
}

int rc_h5_attr_write_str(hid_t obj, const char *name, const char *value)
{
    size_t len = strlen(value);
    hid_t t = H5Tcopy(H5T_C_S1);
    int rc = -1;
    /* HDF5 has no zero-length fixed strings: "" is stored as one NUL pad byte. */
    char nul = '\0';
    if (t < 0) return -1;
    if (H5Tset_size(t, len ? len : 1) >= 0 && H5Tset_strpad(t, H5T_STR_NULLPAD) >= 0 &&
        H5Tset_cset(t, H5T_CSET_UTF8) >= 0)
        rc = write_attr(obj, name, t, len ? value : &nul);
    H5Tclose(t);
    return rc;
}

int rc_h5_attr_write_i64(hid_t obj, const char *name, int64_t value)
{
    return write_attr(obj, name, H5T_STD_I64LE, &value);
}

int rc_h5_attr_read_str(hid_t obj, const char *name, char *buf, size_t n)
{
    int rc = -1;
    hid_t attr = -1, t = -1, mem = -1, space = -1;
    if (H5Aexists(obj, name) <= 0) return -1;
    attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0) goto done;
    t = H5Aget_type(attr);
    space = H5Aget_space(attr);
    if (t < 0 || space < 0 || H5Tget_class(t) != H5T_STRING || H5Sget_simple_extent_npoints(space) != 1)
        goto done;
    if (H5Tis_variable_str(t) > 0) {
        char *s = NULL;
        mem = H5Tcopy(H5T_C_S1);
        if (mem < 0 || H5Tset_size(mem, H5T_VARIABLE) < 0 || H5Aread(attr, mem, &s) < 0 || !s) goto done;
        if (strlen(s) < n) {
            memcpy(buf, s, strlen(s) + 1);
            rc = 0;
        }
        H5free_memory(s);
    } else {
        size_t size = H5Tget_size(t);
        if (size == 0 || size >= n) goto done;
        mem = H5Tcopy(t);
        if (mem < 0 || H5Aread(attr, mem, buf) < 0) goto done;
        buf[size] = '\0';
        rc = 0;
    }
done:
    if (mem >= 0) H5Tclose(mem);
    if (t >= 0) H5Tclose(t);
    if (space >= 0) H5Sclose(space);
    if (attr >= 0) H5Aclose(attr);
    return rc;
}

int rc_h5_attr_read_i64(hid_t obj, const char *name, int64_t *value)
{
    int rc = -1;
    hid_t attr = -1, t = -1, space = -1;
    if (H5Aexists(obj, name) <= 0) return -1;
    attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0) goto done;
    t = H5Aget_type(attr);
    space = H5Aget_space(attr);
    if (t < 0 || space < 0 || H5Tget_class(t) != H5T_INTEGER || H5Sget_simple_extent_npoints(space) != 1)
        goto done;
    if (H5Aread(attr, H5T_NATIVE_INT64, value) >= 0) rc = 0;
done:
    if (t >= 0) H5Tclose(t);
    if (space >= 0) H5Sclose(space);
    if (attr >= 0) H5Aclose(attr);
    return rc;
}

typedef struct text_buf {
    char *buf;
    size_t n;
} text_buf;

static herr_t innermost(unsigned k, const H5E_error2_t *e, void *data)
{
    text_buf *t = data;
    if (k == 0) snprintf(t->buf, t->n, "%s (in %s)", e->desc ? e->desc : "", e->func_name ? e->func_name : "?");
    return 0;
}

void rc_h5_error_text(char *buf, size_t n)
{
    text_buf t = {buf, n};
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &t);
    /* HDF5's write errors embed ctime()'s text, newline included: keep the message one line. */
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
}
