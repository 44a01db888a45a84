/* verify_int.h — module-private parts of src/verify: the element comparison (ULP distance of
 * float32, float16 and bfloat16; exact integers). */
#ifndef VERIFY_INT_H
#define VERIFY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_common.h"
#include "writer/rc_writer.h"

/* --- elements (verify_value.c) --- */
typedef struct verify_cmp {
    int equal;
    int has_ulp;  /* a float pair, neither NaN: ulp holds their distance */
    uint64_t ulp;
} verify_cmp;

/* Compares element i of a and b, both of type e.  Floats: equal when their bits are equal, or
 * both are NaN, or (tolerance_ulp > 0) neither is NaN and they are at most tolerance_ulp apart
 * on the ordered line of values of their own width (+0 and -0 are 0 apart).  Integers: equal
 * values. */
verify_cmp verify_elem_compare(rc_elem e, const void *a, const void *b, uint64_t i, uint64_t tolerance_ulp);
/* Element i of data as text: integers in decimal, floats with 9 significant digits (enough to
 * read a float32 back) and their bits in hex, e.g. "0.5 (0x3f000000)". */
void verify_elem_format(rc_elem e, const void *data, uint64_t i, char *buf, size_t n);

#endif
