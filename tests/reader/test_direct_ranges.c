/* test_direct_ranges.c — the read-ahead of direct reads (src/reader/rc_direct_ahead.c):
 * rc_direct_ranges_merge against a byte-map reference on random ranges (overlapping, touching,
 * empty, past the end of the file), on hostile ones (offsets and lengths near 2^64, a million
 * copies of one range), and the window rc_direct_ahead_to keeps over merged ranges. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reader/rc_direct_int.h"
#include "tap.h"

#define UNIVERSE 256

static uint64_t rng = 1;
/* A fixed sequence (Knuth's MMIX LCG, its high bits). */
static uint64_t next(void) { return (rng = rng * 6364136223846793005u + 1442695040888963407u) >> 24; }

/* The reference: the bytes inside [0, size) that some range covers, as maximal runs. */
static size_t reference(const rc_direct_range *r, size_t n, uint64_t size, rc_direct_range *out)
{
    unsigned char on[UNIVERSE] = {0};
    for (size_t i = 0; i < n; i++)
        for (uint64_t b = r[i].off; b < size && b - r[i].off < r[i].len; b++) on[b] = 1;
    size_t m = 0;
    for (uint64_t b = 0; b < size; b++) {
        if (!on[b]) continue;
        if (m > 0 && out[m - 1].off + out[m - 1].len == b) out[m - 1].len++;
        else out[m++] = (rc_direct_range){b, 1};
    }
    return m;
}

static void random_cases(void)
{
    rc_direct_range r[64], want[UNIVERSE];
    int bad = 0;
    for (int t = 0; t < 20000 && !bad; t++) {
        size_t n = next() % 64;
        uint64_t size = next() % UNIVERSE;
        for (size_t i = 0; i < n; i++) {
            r[i].off = next() % (UNIVERSE + 16);
            r[i].len = next() % 8 == 0 ? UINT64_MAX - next() % 4 : next() % 40;
        }
        size_t m = reference(r, n, size, want);
        size_t got = rc_direct_ranges_merge(r, n, size);
        if (got != m || memcmp(r, want, m * sizeof *r) != 0) {
            bad = 1;
            tap_diag("case %d: %zu ranges merged to %zu, the byte map gives %zu", t, n, got, m);
        }
    }
    tap_ok(!bad, "20000 random sets of ranges merge to the byte map's runs");
}

static void hostile_cases(void)
{
    rc_direct_range r[4] = {{UINT64_MAX, UINT64_MAX}, {UINT64_MAX - 1, 5}, {0, UINT64_MAX}, {10, 0}};
    size_t n = rc_direct_ranges_merge(r, 4, UINT64_MAX);
    tap_ok(n == 1 && r[0].off == 0 && r[0].len == UINT64_MAX, "ranges near 2^64 clip to a file of 2^64-1 bytes "
           "without wrapping (%zu: [%llu, +%llu))", n, (unsigned long long)r[0].off, (unsigned long long)r[0].len);
    rc_direct_range e[2] = {{100, 5}, {200, 1}};
    tap_ok(rc_direct_ranges_merge(e, 2, 100) == 0, "ranges at or past the end of the file are dropped");
    tap_ok(rc_direct_ranges_merge(NULL, 0, 100) == 0, "no ranges, none left");
    size_t big = 1000000;
    rc_direct_range *many = malloc(big * sizeof *many);
    if (!many) TAP_BAIL("out of memory");
    for (size_t i = 0; i < big; i++) many[i] = (rc_direct_range){(big - i) % 7 * 3, 4};
    n = rc_direct_ranges_merge(many, big, 1 << 20);
    tap_ok(n == 1 && many[0].off == 0 && many[0].len == 22, "a million overlapping copies merge to one range "
           "(%zu, [%llu, +%llu))", n, (unsigned long long)many[0].off, (unsigned long long)many[0].len);
    free(many);
}

/* The window: what is below upto is asked for once, in range order; a range is left when wholly asked. */
static void window(void)
{
    rc_direct_range r[2] = {{0, 100}, {200, 50}};
    rc_direct_ahead a = {-1, r, 2, 0, 0}; /* fd -1: the advice fails, as advice may, and is ignored */
    rc_direct_ahead_to(&a, 50, UINT64_MAX);
    tap_ok(a.i == 0 && a.asked == 50, "up to 50: the first 50 bytes of the first range asked for");
    rc_direct_ahead_to(&a, 30, UINT64_MAX);
    tap_ok(a.i == 0 && a.asked == 50, "a lower mark asks for nothing again");
    rc_direct_ahead_to(&a, 150, UINT64_MAX);
    tap_ok(a.i == 1 && a.asked == 0, "up to 150: the first range done, the second not begun");
    rc_direct_ahead_to(&a, 210, UINT64_MAX);
    tap_ok(a.i == 1 && a.asked == 10, "up to 210: 10 bytes of the second range");
    rc_direct_ahead_to(&a, UINT64_MAX, UINT64_MAX);
    tap_ok(a.i == 2, "up to the end: every range asked for");
    rc_direct_ahead_to(&a, UINT64_MAX, UINT64_MAX);
    tap_ok(a.i == 2, "and nothing more after");
    rc_direct_ahead b = {-1, r, 2, 0, 0};
    rc_direct_ahead_to(&b, UINT64_MAX, 60);
    tap_ok(b.i == 0 && b.asked == 60, "one call asks for at most its bound (60 of the first range)");
    rc_direct_ahead_to(&b, UINT64_MAX, 60);
    tap_ok(b.i == 1 && b.asked == 20, "the next goes on where it stopped (40 more, then 20 of the second)");
}

int main(void)
{
    random_cases();
    hostile_cases();
    window();
    return tap_done();
}
