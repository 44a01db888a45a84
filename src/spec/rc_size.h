/* rc_size.h — byte sizes as a spec writes them: "4096" (bytes), "512MiB", "2GB". */
#ifndef RC_SIZE_H
#define RC_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* Parses s: decimal digits, then optionally one space and a unit: kB MB GB TB (powers of 1000)
 * or KiB MiB GiB TiB (powers of 1024); no unit means bytes.  Returns 0 and sets *out, or -1 with
 * `why` saying what was expected and what was found (unknown unit, no digits, fraction,
 * overflow past 2^64-1). */
int rc_size_parse(const char *s, uint64_t *out, char *why, size_t why_n);

#endif
