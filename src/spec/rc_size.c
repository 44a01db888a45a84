/* rc_size.c — the size parser of rc_spec.h.  Only integers: a fraction of a unit ("1.5GiB") is
 * rejected rather than rounded, so a size in the spec is exactly the bytes the writer uses. */
#include "config.h"
#include "spec/rc_spec.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *unit;
    uint64_t bytes;
} g_units[] = {
    {"kB", 1000ull}, {"MB", 1000000ull}, {"GB", 1000000000ull}, {"TB", 1000000000000ull},
    {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"TiB", 1ull << 40},
};
#define N_UNITS (sizeof g_units / sizeof g_units[0])
#define UNITS_TEXT "kB, MB, GB, TB, KiB, MiB, GiB, TiB"

int rc_size_parse(const char *s, uint64_t *out, char *why, size_t why_n)
{
    const char *p = s;
    uint64_t v = 0;
    if (*p < '0' || *p > '9') {
        snprintf(why, why_n, "expected a size like 4096, 512MiB or 2GB, found '%.40s'", s);
        return -1;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) {
            snprintf(why, why_n, "expected a size below 2^64 bytes, found '%.40s'", s);
            return -1;
        }
        v = v * 10 + d;
    }
    if (*p == '.') {
        snprintf(why, why_n, "expected a whole number of bytes or units, found the fraction '%.40s'", s);
        return -1;
    }
    if (*p == ' ') p++;
    if (*p == '\0' && p[-1] != ' ') {
        *out = v;
        return 0;
    }
    for (size_t i = 0; i < N_UNITS; i++) {
        if (strcmp(p, g_units[i].unit) != 0) continue;
        if (v > UINT64_MAX / g_units[i].bytes) {
            snprintf(why, why_n, "expected a size below 2^64 bytes, found '%.40s'", s);
            return -1;
        }
        *out = v * g_units[i].bytes;
        return 0;
    }
    snprintf(why, why_n, "expected a size unit (%s) or none for bytes, found '%.20s' in '%.40s'",
             UNITS_TEXT, p, s);
    return -1;
}
