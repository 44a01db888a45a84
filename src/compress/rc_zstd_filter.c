/* rc_zstd_filter.c — registers the zstd filter class with this process's HDF5 and compresses
 * chunks for the shard writer's direct chunk writes (SPEC sections 6 and 7).  The filter
 * function itself lives in rc_zstd_h5z.c, shared with the plugin build. */
#include "config.h"
#include "compress/rc_zstd_filter.h"

#include <hdf5.h>
#include <zstd.h>

#include "common/rc_alloc.h"
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
