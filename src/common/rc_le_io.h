/* rc_le_io.h — 64-bit little-endian integers to and from a stdio file, for the binary state files
 * (statistics) that must read the same on every machine. */
#ifndef RC_LE_IO_H
#define RC_LE_IO_H
#include <stdint.h>
#include <stdio.h>

/* 0 on success, -1 when the write fails. */
static inline int rc_le_put_u64(FILE *f, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
    return fwrite(b, 1, 8, f) == 8 ? 0 : -1;
}

/* 0 on success, -1 at end of file or on a read error. */
static inline int rc_le_get_u64(FILE *f, uint64_t *v)
{
    uint8_t b[8];
    if (fread(b, 1, 8, f) != 8) return -1;
    *v = 0;
    for (int i = 0; i < 8; i++) *v |= (uint64_t)b[i] << (8 * i);
    return 0;
}

#endif
