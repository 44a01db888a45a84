/* rc_utf8.c — UTF-8 validation: one sequence at a time, by the table of RFC 3629 section 4. */
#include "config.h"
#include "common/rc_common.h"

size_t rc_utf8_seq(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n == 0) return 0;
    if (p[0] < 0x80) return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* the allowed range of the second byte */
    if (p[0] >= 0xC2 && p[0] <= 0xDF) len = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        len = 3;
        if (p[0] == 0xE0) lo = 0xA0;      /* no overlong forms */
        else if (p[0] == 0xED) hi = 0x9F; /* no surrogates */
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        len = 4;
        if (p[0] == 0xF0) lo = 0x90;      /* no overlong forms */
        else if (p[0] == 0xF4) hi = 0x8F; /* nothing past U+10FFFF */
    } else {
        return 0; /* a continuation byte, C0, C1 or F5..FF */
    }
    if (n < len || p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return len;
}

size_t rc_utf8_valid_len(const char *s, size_t n)
{
    size_t at = 0;
    while (at < n) {
        size_t k = rc_utf8_seq(s + at, n - at);
        if (k == 0) break;
        at += k;
    }
    return at;
}
