/* rc_alloc.c — thin checked wrappers over the C allocator (see rc_common.h), and the one place
 * allocation failures are injected (rc_common.h). */
#include "config.h"
#include "common/rc_common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


void *rc_malloc(size_t n_bytes)
{
    if (rc_fault_hit(RC_FAULT_ALLOC)) return NULL;
    return malloc(n_bytes ? n_bytes : 1);
}

void *rc_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    if (rc_fault_hit(RC_FAULT_ALLOC)) return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *rc_realloc(void *p, size_t n_bytes)
{
    if (rc_fault_hit(RC_FAULT_ALLOC)) return NULL;
    return realloc(p, n_bytes ? n_bytes : 1);
}

void rc_free(void *p)
{
    free(p);
}

char *rc_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = rc_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}
