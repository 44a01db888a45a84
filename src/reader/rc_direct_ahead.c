/* rc_direct_ahead.c — read-ahead for direct reads: the places a plan reads, sorted and merged
 * (rc_direct_ranges_merge, pure), and a window of posix_fadvise(WILLNEED) kept ahead of the
 * reads (rc_direct_ahead_to).  From a cold page cache a lone pread waits on the kernel's own
 * read-ahead window, one window at a time; asking ahead keeps the device busy while the bytes
 * already read are copied and decoded.  Advice only: the bytes read are the same either way. */
#define _GNU_SOURCE
#include "config.h"
#include "reader/rc_direct_int.h"

#include <fcntl.h>
#include <stdlib.h>

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

void rc_direct_ahead_to(rc_direct_ahead *a, uint64_t upto, uint64_t most)
{
    while (a->i < a->n && a->r[a->i].off < upto && most > 0) {
        const rc_direct_range *g = &a->r[a->i];
        uint64_t from = g->off + a->asked, want = upto - g->off < g->len ? upto - g->off : g->len;
        if (want > a->asked && want - a->asked > most) want = a->asked + most;
        if (want > a->asked) {
            posix_fadvise(a->fd, (off_t)from, (off_t)(want - a->asked), POSIX_FADV_WILLNEED);
            most -= want - a->asked;
        }
        if (want < g->len) {
            if (want > a->asked) a->asked = want;
            return;
        }
        a->i++;
        a->asked = 0;
    }
}
