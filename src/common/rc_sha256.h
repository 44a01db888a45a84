/* rc_sha256.h — SHA-256 (FIPS 180-4) for content digests, spec digests and the split hash,
 * computed by OpenSSL's libcrypto through its EVP digest interface (which uses the CPU's SHA
 * extensions or AVX2 where present).  Every rc_sha256_init is paired with one rc_sha256_final,
 * which releases the context.  libcrypto fails here only when it cannot allocate a few hundred
 * bytes of context; the functions then print why and abort, as no digest can be given. */
#ifndef RC_SHA256_H
#define RC_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct evp_md_ctx_st; /* libcrypto's EVP_MD_CTX */

typedef struct rc_sha256 {
    struct evp_md_ctx_st *ctx;
} rc_sha256;

void rc_sha256_init(rc_sha256 *c);
void rc_sha256_update(rc_sha256 *c, const void *data, size_t n);
void rc_sha256_final(rc_sha256 *c, uint8_t out[32]);
void rc_sha256_hex(const uint8_t digest[32], char hex[65]);
/* One-shot: hex digest of data[n]. */
void rc_sha256_of(const void *data, size_t n, char hex[65]);

#endif
