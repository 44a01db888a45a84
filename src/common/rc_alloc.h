/* rc_alloc.h — the library's allocator: overflow-checked sizes and the one place where
 * allocation failures are injected by tests (configure --enable-fault-injection, rc_fault.h).  Returns NULL on failure; callers turn that
 * into RC_E_NOMEM with what they were allocating. */
#ifndef RC_ALLOC_H
#define RC_ALLOC_H

#include <stddef.h>

void *rc_malloc(size_t n_bytes);
void *rc_calloc(size_t count, size_t size); /* zeroed; NULL also when count*size overflows */
void *rc_realloc(void *p, size_t n_bytes);
void rc_free(void *p);                      /* accepts NULL */
char *rc_strdup(const char *s);

#endif
