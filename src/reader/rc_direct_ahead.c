/* rc_direct_ahead.c — read-ahead for direct reads: the places a plan reads, sorted and merged
 * (rc_direct_ranges_merge, pure), a window of posix_fadvise(WILLNEED) kept ahead of the reads
 * (rc_direct_ahead_to), and the same advice for the datasets of a whole episode group, asked
 * before the episode is read (rc_direct_prefetch_group, under the HDF5 lock).  From a cold page cache a lone pread waits on the kernel's own
 * read-ahead window, one window at a time; asking ahead keeps the device busy while the bytes
 * already read are copied and decoded.  Advice only: the bytes read are the same either way. */
#define _GNU_SOURCE
#include "config.h"
#include "reader/rc_direct_int.h"

#include <fcntl.h>
#include <stdlib.h>

#include "common/rc_common.h"

/* Places an episode's prefetch lists at most, and chunks of one dataset it looks up at most (a
 * chunk's place costs HDF5 an index walk): beyond them the reads go without this advice. */
#define PREFETCH_MAX_RANGES 4096
#define PREFETCH_MAX_CHUNKS 256

static int by_offset(const void *a, const void *b)
{
    const rc_direct_range *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off ? 1 : x->len < y->len ? -1 : x->len > y->len;
}

size_t rc_direct_ranges_merge(rc_direct_range *r, size_t n, uint64_t file_size)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) { /* clip to the file, written over r */
        uint64_t off = r[i].off, len = r[i].len;
        if (off >= file_size || len == 0) continue;
        if (len > file_size - off) len = file_size - off;
        r[m++] = (rc_direct_range){off, len};
    }
    if (m > 1) qsort(r, m, sizeof *r, by_offset);
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (k > 0 && r[i].off <= r[k - 1].off + r[k - 1].len) { /* ends fit: both <= file_size */
            uint64_t end = r[i].off + r[i].len;
            if (end > r[k - 1].off + r[k - 1].len) r[k - 1].len = end - r[k - 1].off;
        } else r[k++] = r[i];
    }
    return k;
}

void rc_direct_ahead_to(rc_direct_ahead *a, uint64_t upto)
{
    while (a->i < a->n && a->r[a->i].off < upto) {
        const rc_direct_range *g = &a->r[a->i];
        uint64_t from = g->off + a->asked, want = upto - g->off < g->len ? upto - g->off : g->len;
        if (want > a->asked) posix_fadvise(a->fd, (off_t)from, (off_t)(want - a->asked), POSIX_FADV_WILLNEED);
        if (want < g->len) {
            if (want > a->asked) a->asked = want;
            return;
        }
        a->i++;
        a->asked = 0;
    }
}

typedef struct places {
    rc_direct_range *r;
    size_t n;
    uint64_t base, file_size;
} places;

static void add_place(places *pl, uint64_t off, uint64_t len)
{
    if (pl->n < PREFETCH_MAX_RANGES && len > 0) pl->r[pl->n++] = (rc_direct_range){off, len};
}

/* H5Lvisit's callback: the places of one dataset (anything else is passed over). */
static herr_t add_dataset(hid_t g, const char *name, const H5L_info_t *info, void *arg)
{
    places *pl = arg;
    if (info->type != H5L_TYPE_HARD) return 0;
    hid_t d = H5Oopen(g, name, H5P_DEFAULT);
    if (d < 0) return 0;
    if (H5Iget_type(d) == H5I_DATASET) {
        haddr_t off = H5Dget_offset(d);
        hsize_t n = 0;
        if (off != HADDR_UNDEF) add_place(pl, off, H5Dget_storage_size(d));
        else if (H5Dget_num_chunks(d, H5S_ALL, &n) >= 0 && n <= PREFETCH_MAX_CHUNKS) {
            for (hsize_t k = 0; k < n; k++) {
                haddr_t a = HADDR_UNDEF;
                hsize_t size = 0;
                if (H5Dget_chunk_info(d, H5S_ALL, k, NULL, NULL, &a, &size) < 0 || a == HADDR_UNDEF) break;
                if (a <= UINT64_MAX - pl->base) add_place(pl, pl->base + a, size);
            }
        }
    }
    H5Oclose(d);
    return pl->n < PREFETCH_MAX_RANGES ? 0 : 1;
}

uint64_t rc_direct_prefetch_group(hid_t g, uint64_t max_bytes)
{
    places pl = {0};
    int fd;
    if (rc_direct_file(g, &fd, &pl.base, &pl.file_size) != RC_DIRECT_OK) return 0;
    pl.r = rc_malloc(PREFETCH_MAX_RANGES * sizeof *pl.r);
    if (!pl.r) return 0;
    H5E_BEGIN_TRY { H5Lvisit(g, H5_INDEX_NAME, H5_ITER_INC, add_dataset, &pl); } H5E_END_TRY;
    size_t n = rc_direct_ranges_merge(pl.r, pl.n, pl.file_size); /* a lying file: clipped to it */
    uint64_t asked = 0;
    for (size_t i = 0; i < n && asked < max_bytes; i++) {
        uint64_t len = pl.r[i].len < max_bytes - asked ? pl.r[i].len : max_bytes - asked;
        posix_fadvise(fd, (off_t)pl.r[i].off, (off_t)len, POSIX_FADV_WILLNEED);
        asked += len;
    }
    rc_free(pl.r);
    return asked;
}
