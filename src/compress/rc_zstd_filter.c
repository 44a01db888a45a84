/* rc_zstd_filter.c — registers the zstd filter class with this process's HDF5 and compresses
 * chunks for the shard writer's direct chunk writes (docs/SPEC.md §6 and §7).  The filter
 * function itself lives in rc_zstd_h5z.c, shared with the plugin build. */
#include "config.h"
#include "compress/rc_compress.h"

#include <hdf5.h>
#include <stdint.h>
#include <zstd.h>

#include "common/rc_common.h"
#include "compress/rc_zstd_h5z_int.h"

rc_status rc_zstd_filter_register(rc_err *err)
{
    rc_status st = RC_OK;
    /* Registering again replaces the class under 32015, so this is idempotent.  No
     * H5Zfilter_avail check first: it would load a plugin from HDF5_PLUGIN_PATH, and the
     * process should run the filter it was built with. */
    RC_FAIL_IF(H5Zregister(&rc_zstd_h5z_class) < 0, err, RC_E_INTERNAL,
               "expected to register zstd filter %d with HDF5, H5Zregister failed", RC_H5Z_FILTER_ZSTD);
done:
    return st;
}

herr_t rc_zstd_filter_read(hid_t ds, hid_t mem_type, void *buf)
{
    hid_t dcpl = H5Dget_create_plist(ds), type = H5Dget_type(ds);
    hsize_t dims[H5S_MAX_RANK];
    /* A variable-length element is stored in the chunk as a length and a global heap id: 16
     * bytes with HDF5's 8-byte addresses, whatever H5Tget_size says of its memory form. */
    int variable = type >= 0 && (H5Tdetect_class(type, H5T_VLEN) > 0 || H5Tis_variable_str(type) > 0);
    unsigned long long bytes = type < 0 ? 0 : variable ? 16 : H5Tget_size(type);
    int rank = dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED ? H5Pget_chunk(dcpl, H5S_MAX_RANK, dims) : 0;
    for (int k = 0; k < rank && bytes; k++)
        bytes = dims[k] && bytes > UINT32_MAX / dims[k] ? UINT32_MAX : bytes * dims[k];
    if (dcpl >= 0) H5Pclose(dcpl);
    if (type >= 0) H5Tclose(type);
    /* A chunk is decoded whole, whatever part of it the dataset uses: one over the memory budget
     * is refused before HDF5 allocates it. */
    if (rank > 0 && bytes > rc_budget_bytes()) return -1;
    /* No chunk shape read: a bound of one byte lets no filtered chunk through. */
    rc_zstd_h5z_bound(rank > 0 && bytes ? bytes : 1);
    herr_t r = H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    rc_zstd_h5z_bound(0);
    return r;
}

rc_status rc_zstd_compress_chunk(const void *src, size_t n, int level, void **dst, size_t *dst_n,
                                 rc_err *err)
{
    rc_status st = RC_OK;
    size_t cap = ZSTD_compressBound(n);
    void *out = rc_malloc(cap);
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    *dst = NULL;
    *dst_n = 0;
    RC_FAIL_IF(!out || !cctx, err, RC_E_NOMEM, "out of memory compressing a %zu-byte chunk", n);
    /* ZSTD_compressCCtx writes one frame with the content size in its header (zstd's default),
     * which lets every 32015 decoder size its output exactly. */
    size_t got = ZSTD_compressCCtx(cctx, out, cap, src, n, level);
    RC_FAIL_IF(ZSTD_isError(got), err, RC_E_INTERNAL, "zstd level %d failed on a %zu-byte chunk: %s",
               level, n, ZSTD_getErrorName(got));
    *dst = out;
    *dst_n = got;
    out = NULL;
done:
    rc_free(out);
    ZSTD_freeCCtx(cctx);
    return st;
}
