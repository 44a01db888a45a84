/* rc_sha256.h — SHA-256 (FIPS 180-4) for content digests, spec digests and the split hash. */
#ifndef RC_SHA256_H
#define RC_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct rc_sha256 {
    uint32_t h[8];
    uint64_t n_bytes;
    uint8_t block[64];
    size_t used;
} rc_sha256;

void rc_sha256_init(rc_sha256 *c);
void rc_sha256_update(rc_sha256 *c, const void *data, size_t n);
void rc_sha256_final(rc_sha256 *c, uint8_t out[32]);
void rc_sha256_hex(const uint8_t digest[32], char hex[65]);
/* One-shot: hex digest of data[n]. */
void rc_sha256_of(const void *data, size_t n, char hex[65]);

#endif
