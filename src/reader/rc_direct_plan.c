/* rc_direct_plan.c — the HDF5 half of a direct read (called under HDF5's lock): asks where a
 * dataset's bytes are (H5Dget_offset, H5Dget_chunk_info_by_coord), which filters encode them
 * (H5Pget_filter2) and which descriptor holds the file (H5Fget_vfd_handle), and checks every
 * declared size and place against the dataset's shape and the file's size. */
#include "config.h"
#include "reader/rc_direct_int.h"

#include <string.h>
#include <sys/stat.h>

#include "common/rc_common.h"

#define FILTER_ZSTD 32015
#define FILTER_LZ4 32004
/* A chunk larger than its whole dataset is allowed up to this many decoded bytes. */
#define MAX_SPARE_CHUNK_BYTES ((size_t)64 << 20)

/* Decoders may take more than they give: stored chunks larger than this are refused. */
static size_t stored_bound(size_t chunk_bytes) { return chunk_bytes + chunk_bytes / 8 + 65536; }

/* The file's descriptor and base address, as probe_file found them for the file id last asked
 * about in this thread (HDF5 gives an open file one id and never reuses ids, so a stale entry
 * cannot match).  Reading a file's property lists costs more than a small dataset's read. */
typedef struct file_info {
    hid_t fid;
    rc_direct_why why;
    int fd;
    uint64_t base;
} file_info;

static _Thread_local file_info last_file = {-1, RC_DIRECT_DRIVER, -1, 0};

/* Finds fid's descriptor and base address: RC_DIRECT_OK, or RC_DIRECT_DRIVER when the file is
 * not open read-only on the sec2 driver. */
static rc_direct_why probe_file(hid_t fid, file_info *fi)
{
    hid_t fapl = H5Fget_access_plist(fid), fcpl = H5Fget_create_plist(fid);
    void *handle = NULL;
    hsize_t userblock = 0;
    unsigned intent = 0;
    fi->why = RC_DIRECT_DRIVER;
    /* Read-only: a writable file may hold newer raw data in HDF5's caches than on disk. */
    if (fapl >= 0 && fcpl >= 0 && H5Fget_intent(fid, &intent) >= 0 && intent == H5F_ACC_RDONLY &&
        H5Pget_driver(fapl) == H5FD_SEC2 &&
        H5Fget_vfd_handle(fid, fapl, &handle) >= 0 && handle && H5Pget_userblock(fcpl, &userblock) >= 0) {
        fi->fd = *(int *)handle;
        fi->base = userblock;
        fi->why = RC_DIRECT_OK;
    }
    if (fcpl >= 0) H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
    return fi->why;
}

static rc_direct_why file_of(hid_t dset, int *fd, uint64_t *base, uint64_t *size)
{
    hid_t fid = H5Iget_file_id(dset);
    if (fid < 0) return RC_DIRECT_DRIVER;
    if (fid != last_file.fid) {
        last_file.fid = fid;
        probe_file(fid, &last_file);
    }
    H5Fclose(fid); /* drops the reference H5Iget_file_id added */
    struct stat sb; /* the size now: a file open for writing grows */
    if (last_file.why != RC_DIRECT_OK || fstat(last_file.fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        return RC_DIRECT_DRIVER;
    *fd = last_file.fd;
    *base = last_file.base;
    *size = (uint64_t)sb.st_size;
    return RC_DIRECT_OK;
}

/* The filter pipeline: supported filters only, at most one codec (so every stage decodes to
 * exactly the chunk's bytes).  RC_DIRECT_OK or RC_DIRECT_FILTER. */
static rc_direct_why filters_of(hid_t dcpl, rc_direct_plan *p)
{
    int n = H5Pget_nfilters(dcpl), codecs = 0;
    if (n < 0 || n > RC_DIRECT_MAX_FILTERS) return RC_DIRECT_FILTER;
    for (int i = 0; i < n; i++) {
        unsigned flags = 0, cd[8] = {0};
        size_t n_cd = 8;
        char name[64];
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &n_cd, cd, sizeof name, name, NULL);
        if (id == H5Z_FILTER_DEFLATE || id == FILTER_ZSTD || id == FILTER_LZ4) codecs++;
        else if (id == H5Z_FILTER_SHUFFLE) {
            if (n_cd < 1 || cd[0] == 0) return RC_DIRECT_FILTER;
        } else return RC_DIRECT_FILTER;
        p->filter_id[i] = (int)id;
        p->filter_cd0[i] = n_cd > 0 ? cd[0] : 0;
    }
    if (codecs > 1) return RC_DIRECT_FILTER;
    p->n_filters = n;
    return RC_DIRECT_OK;
}

/* Chunk shape, grid and the place of every chunk. */
static rc_direct_why chunks_of(hid_t dset, hid_t dcpl, uint64_t base, uint64_t file_size,
                               rc_direct_plan *p)
{
    hsize_t cdims[H5S_MAX_RANK], coord[H5S_MAX_RANK];
    uint64_t grid[H5S_MAX_RANK];
    unsigned opts = 0;
    if (p->rank < 1 || H5Pget_chunk(dcpl, p->rank, cdims) != p->rank) return RC_DIRECT_SIZES;
    /* Partial edge chunks stored unfiltered: HDF5 decides per chunk, not told by the mask. */
    if (H5Pget_chunk_opts(dcpl, &opts) < 0 || opts != 0) return RC_DIRECT_LAYOUT;
    size_t cb = p->elem;
    uint64_t n_chunks = 1;
    for (int k = 0; k < p->rank; k++) {
        if (cdims[k] == 0 || __builtin_mul_overflow(cb, (size_t)cdims[k], &cb)) return RC_DIRECT_SIZES;
        p->chunk[k] = cdims[k];
        grid[k] = p->dims[k] / cdims[k] + (p->dims[k] % cdims[k] != 0);
        n_chunks *= grid[k]; /* <= elements of the dataset: no overflow */
    }
    /* A chunk is decoded whole: bound it by the dataset it belongs to. */
    if (cb > UINT32_MAX || (cb > p->total && cb > MAX_SPARE_CHUNK_BYTES)) return RC_DIRECT_SIZES;
    /* Tiny chunks: the plan itself would outweigh the data. */
    if (n_chunks > p->total / 16 + 4096) return RC_DIRECT_SIZES;
    p->chunk_bytes = cb;
    p->n_chunks = n_chunks;
    if (n_chunks == 0) return RC_DIRECT_OK;
    p->chunks = rc_calloc((size_t)n_chunks, sizeof *p->chunks);
    if (!p->chunks) return RC_DIRECT_SIZES;
    size_t bound = p->n_filters ? stored_bound(cb) : cb;
    for (uint64_t i = 0; i < n_chunks; i++) {
        uint64_t rest = i;
        for (int k = p->rank - 1; k >= 0; k--) {
            coord[k] = (hsize_t)(rest % grid[k] * cdims[k]);
            rest /= grid[k];
        }
        unsigned mask = 0;
        haddr_t addr = HADDR_UNDEF;
        hsize_t size = 0;
        if (H5Dget_chunk_info_by_coord(dset, coord, &mask, &addr, &size) < 0) return RC_DIRECT_SIZES;
        if (addr == HADDR_UNDEF || size == 0) return RC_DIRECT_UNALLOCATED;
        uint64_t off = base + addr;
        if (size > bound || off < addr || off > file_size || size > file_size - off) return RC_DIRECT_SIZES;
        p->chunks[i].offset = off;
        p->chunks[i].stored = size;
        p->chunks[i].skip = mask;
        if (size > p->max_stored) p->max_stored = (size_t)size;
    }
    return RC_DIRECT_OK;
}

/* The memory type must be the stored type, a plain integer or float: nothing for HDF5 to convert. */
static rc_direct_why type_of(hid_t dset, hid_t mem_type, size_t *elem)
{
    hid_t ft = H5Dget_type(dset);
    if (ft < 0) return RC_DIRECT_TYPE;
    H5T_class_t cls = H5Tget_class(ft);
    int same = (cls == H5T_INTEGER || cls == H5T_FLOAT) && H5Tequal(ft, mem_type) > 0;
    *elem = H5Tget_size(ft);
    H5Tclose(ft);
    return same && *elem > 0 ? RC_DIRECT_OK : RC_DIRECT_TYPE;
}

static rc_direct_why plan(hid_t dset, hid_t mem_type, size_t buf_bytes, rc_direct_plan *p)
{
    rc_direct_why why;
    uint64_t base = 0, file_size = 0;
    hid_t space = -1, dcpl = -1;
    if ((why = type_of(dset, mem_type, &p->elem)) != RC_DIRECT_OK) return why;
    space = H5Dget_space(dset);
    if (space < 0) return RC_DIRECT_SIZES;
    int rank = H5Sget_simple_extent_ndims(space);
    H5S_class_t cls = H5Sget_simple_extent_type(space);
    hsize_t d[H5S_MAX_RANK];
    if (rank < 0 || cls == H5S_NO_CLASS || (rank > 0 && H5Sget_simple_extent_dims(space, d, NULL) != rank)) {
        H5Sclose(space);
        return RC_DIRECT_SIZES;
    }
    H5Sclose(space);
    if (cls == H5S_NULL) return RC_DIRECT_LAYOUT;
    p->rank = rank;
    size_t total = p->elem;
    for (int k = 0; k < rank; k++) {
        p->dims[k] = d[k];
        if (__builtin_mul_overflow(total, (size_t)d[k], &total)) return RC_DIRECT_SIZES;
    }
    if (total != buf_bytes) return RC_DIRECT_SIZES;
    p->total = total;
    if ((why = file_of(dset, &p->fd, &base, &file_size)) != RC_DIRECT_OK) return why;
    if (total == 0) return RC_DIRECT_OK; /* nothing to read, whatever the layout */
    /* Only a contiguous dataset stored in this file has an offset (compact, chunked, virtual
     * and external ones have none): it needs no look at the creation properties.  The offset
     * counts from the start of the file (user block included); chunk addresses do not. */
    haddr_t off = H5Dget_offset(dset);
    if (off != HADDR_UNDEF) {
        if (H5Dget_storage_size(dset) != total || off > file_size || total > file_size - off)
            return RC_DIRECT_SIZES;
        p->offset = off;
        return RC_DIRECT_OK;
    }
    dcpl = H5Dget_create_plist(dset);
    if (dcpl < 0) return RC_DIRECT_LAYOUT;
    H5D_layout_t layout = H5Pget_layout(dcpl);
    if (layout == H5D_CONTIGUOUS && H5Pget_external_count(dcpl) == 0) why = RC_DIRECT_UNALLOCATED;
    else if (layout != H5D_CHUNKED) why = RC_DIRECT_LAYOUT;
    else if ((why = filters_of(dcpl, p)) == RC_DIRECT_OK) {
        p->chunked = 1;
        why = chunks_of(dset, dcpl, base, file_size, p);
    }
    H5Pclose(dcpl);
    return why;
}

rc_direct_why rc_direct_plan_make(hid_t dset, hid_t mem_type, size_t buf_bytes, rc_direct_plan *p)
{
    memset(p, 0, sizeof *p);
    p->fd = -1;
    rc_direct_why why;
    /* HDF5 prints its error stack for failed queries; a failed query only means "fall back". */
    H5E_BEGIN_TRY { why = plan(dset, mem_type, buf_bytes, p); } H5E_END_TRY;
    if (why != RC_DIRECT_OK) rc_direct_plan_free(p);
    return why;
}

void rc_direct_plan_free(rc_direct_plan *p)
{
    rc_free(p->chunks);
    memset(p, 0, sizeof *p);
    p->fd = -1;
}
