/* rc_sha256.c — SHA-256 through libcrypto's EVP interface: one EVP_MD_CTX per running digest,
 * created by rc_sha256_init and freed by rc_sha256_final.  The digest values are SHA-256's, so
 * they do not depend on which implementation libcrypto picks for this CPU. */
#include "config.h"
#include "common/rc_common.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

/* libcrypto only fails for want of memory here; a digest cannot be made up, so stop. */
static void die(const char *what)
{
    fprintf(stderr, "robocache: libcrypto SHA-256: %s failed (out of memory)\n", what);
    abort();
}

void rc_sha256_init(rc_sha256 *c)
{
    c->ctx = EVP_MD_CTX_new();
    if (!c->ctx) die("EVP_MD_CTX_new");
    if (EVP_DigestInit_ex(c->ctx, EVP_sha256(), NULL) != 1) die("EVP_DigestInit_ex");
}

void rc_sha256_update(rc_sha256 *c, const void *data, size_t n)
{
    if (n == 0) return; /* data may be NULL then */
    if (EVP_DigestUpdate(c->ctx, data, n) != 1) die("EVP_DigestUpdate");
}

void rc_sha256_final(rc_sha256 *c, uint8_t out[32])
{
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(c->ctx, out, &len) != 1 || len != 32) die("EVP_DigestFinal_ex");
    EVP_MD_CTX_free(c->ctx);
    c->ctx = NULL;
}

void rc_sha256_hex(const uint8_t digest[32], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}

void rc_sha256_of(const void *data, size_t n, char hex[65])
{
    uint8_t d[32];
    unsigned int len = 0;
    if (EVP_Digest(n ? data : "", n, d, &len, EVP_sha256(), NULL) != 1 || len != 32) die("EVP_Digest");
    rc_sha256_hex(d, hex);
}
