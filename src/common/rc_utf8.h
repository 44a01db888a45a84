/* rc_utf8.h — UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF).  Names we write into JSON and JSON we read back must be UTF-8. */
#ifndef RC_UTF8_H
#define RC_UTF8_H

#include <stddef.h>

/* Bytes of the valid UTF-8 sequence at s[0..n) (1 to 4), or 0 when s does not start one. */
size_t rc_utf8_seq(const char *s, size_t n);
/* Bytes of the longest valid UTF-8 prefix of s[0..n): n when all of it is valid. */
size_t rc_utf8_valid_len(const char *s, size_t n);

#endif
