/* verify_value.c — element comparison for verify: integers by value; float32, float16 and
 * bfloat16 by bits, with NaN equal to NaN and an optional distance in ULPs of the value's own
 * width (bfloat16 is compared as the 16-bit type it is, not widened to float32). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "stats/rc_stats.h"
#include "verify/verify_int.h"

/* Bit fields of a binary float format. */
typedef struct float_bits {
    uint32_t sign, exp, mant;
} float_bits;

static const float_bits F32 = {0x80000000u, 0x7f800000u, 0x007fffffu};
static const float_bits F16 = {0x8000u, 0x7c00u, 0x03ffu};
static const float_bits BF16 = {0x8000u, 0x7f80u, 0x007fu};

static int is_nan(uint32_t v, const float_bits *f)
{
    return (v & f->exp) == f->exp && (v & f->mant) != 0;
}

/* Position on the ordered line of values: magnitudes increase away from 0 on both sides, and
 * +0 and -0 both sit at 0, so adjacent representable values are 1 apart. */
static int64_t ordered(uint32_t v, const float_bits *f)
{
    int64_t mag = (int64_t)(v & ~f->sign);
    return (v & f->sign) ? -mag : mag;
}

static uint32_t bits_at(rc_elem e, const void *p, uint64_t i)
{
    if (e == RC_ELEM_F32) {
        uint32_t v;
        memcpy(&v, (const unsigned char *)p + 4 * i, 4);
        return v;
    }
    uint16_t v;
    memcpy(&v, (const unsigned char *)p + 2 * i, 2);
    return v;
}

static int is_float(rc_elem e)
{
    return e == RC_ELEM_F32 || e == RC_ELEM_F16 || e == RC_ELEM_BF16;
}

/* Integers as int64 (uint32 and smaller fit; int64 is itself). */
static int64_t int_at(rc_elem e, const void *p, uint64_t i)
{
    const unsigned char *b = p;
    switch (e) {
    case RC_ELEM_U8: return b[i];
    case RC_ELEM_U16: { uint16_t v; memcpy(&v, b + 2 * i, 2); return v; }
    case RC_ELEM_I32: { int32_t v; memcpy(&v, b + 4 * i, 4); return v; }
    case RC_ELEM_U32: { uint32_t v; memcpy(&v, b + 4 * i, 4); return v; }
    default: { int64_t v; memcpy(&v, b + 8 * i, 8); return v; }
    }
}

verify_cmp verify_elem_compare(rc_elem e, const void *a, const void *b, uint64_t i, uint64_t tolerance_ulp)
{
    verify_cmp c = {0, 0, 0};
    if (!is_float(e)) {
        c.equal = int_at(e, a, i) == int_at(e, b, i);
        return c;
    }
    const float_bits *f = e == RC_ELEM_F32 ? &F32 : e == RC_ELEM_F16 ? &F16 : &BF16;
    uint32_t va = bits_at(e, a, i), vb = bits_at(e, b, i);
    int na = is_nan(va, f), nb = is_nan(vb, f);
    if (na || nb) {
        c.equal = na && nb;
        return c;
    }
    int64_t d = ordered(va, f) - ordered(vb, f);
    c.has_ulp = 1;
    c.ulp = (uint64_t)(d < 0 ? -d : d);
    c.equal = va == vb || (tolerance_ulp > 0 && c.ulp <= tolerance_ulp);
    return c;
}

void verify_elem_format(rc_elem e, const void *data, uint64_t i, char *buf, size_t n)
{
    if (!is_float(e)) {
        if (e == RC_ELEM_I64 || e == RC_ELEM_I32) snprintf(buf, n, "%" PRId64, int_at(e, data, i));
        else snprintf(buf, n, "%" PRIu64, (uint64_t)int_at(e, data, i));
        return;
    }
    uint32_t v = bits_at(e, data, i);
    double x;
    if (e == RC_ELEM_F32) {
        float f;
        memcpy(&f, &v, 4);
        x = f;
    } else {
        x = rc_half_to_f32((uint16_t)v, e == RC_ELEM_BF16);
    }
    snprintf(buf, n, e == RC_ELEM_F32 ? "%.9g (0x%08" PRIx32 ")" : "%.9g (0x%04" PRIx32 ")", x, v);
}
