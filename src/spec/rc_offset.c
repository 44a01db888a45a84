/* rc_offset.c — a latency offset as the spec writes it (offset_ms: integer or decimal
 * milliseconds, any sign, optional exponent) to int64 nanoseconds, exactly: the decimal digits
 * are read as an integer and scaled by a power of ten, never through a double, so 0.1 ms is
 * 100000 ns and not a rounding of 0.1 * 1e6.  A value finer than a nanosecond is refused. */
#include "config.h"
#include "spec/rc_spec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int rc_offset_ms_parse(const char *text, int64_t *ns)
{
    const char *p = text;
    int neg = 0, digits = 0;
    int64_t mant = 0;  /* the digits, without the point */
    int scale = 6;     /* ns = mant * 10^scale */
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    for (int frac = 0;; p++) {
        if (*p == '.' && !frac) {
            frac = 1;
            continue;
        }
        if (!isdigit((unsigned char)*p)) break;
        digits++;
        if (mant > (INT64_MAX - 9) / 10) return -1;
        mant = mant * 10 + (*p - '0');
        scale -= frac;
    }
    if (!digits) return -1;
    if (*p == 'e' || *p == 'E') {
        char *end;
        long e = strtol(p + 1, &end, 10);
        if (end == p + 1 || e < -30 || e > 30) return -1;
        scale += (int)e;
        p = end;
    }
    if (*p) return -1;
    for (; scale < 0; scale++) { /* below 1 ns: only trailing zeros may go */
        if (mant % 10) return -1;
        mant /= 10;
    }
    for (; scale > 0; scale--) {
        if (mant > INT64_MAX / 10) return -1;
        mant *= 10;
    }
    if (mant > (int64_t)RC_OFFSET_MS_MAX * 1000000) return -1;
    *ns = neg ? -mant : mant;
    return 0;
}

int64_t rc_spec_stream_offset(const rc_spec *spec, const char *name)
{
    for (int32_t s = 0; s < spec->n_stages; s++)
        for (int32_t k = 0; spec->stages[s].kind != RC_STAGE_VOXELIZE && k < spec->stages[s].n_streams; k++)
            if (!strcmp(spec->stages[s].streams[k].name, name)) return spec->stages[s].streams[k].offset_ns;
    return 0;
}
