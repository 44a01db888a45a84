/* rc_fault.c — counts the operations of each kind and fails the one RC_FAULT names
 * (rc_common.h).  Compiled to nothing without --enable-fault-injection. */
#include "config.h"

#include "common/rc_common.h"

#ifdef RC_FAULT_INJECTION
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const g_kind_names[] = {"alloc", "write", "fsync", "rename"};
#define N_KINDS (sizeof g_kind_names / sizeof g_kind_names[0])

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_kind = -1;        /* the kind RC_FAULT selects; -1: none */
static long long g_target;     /* its ordinal, from 1 */
static atomic_llong g_count[N_KINDS];

static void parse_env(void)
{
    const char *v = getenv("RC_FAULT");
    if (!v) return;
    const char *colon = strchr(v, ':');
    if (!colon) return;
    for (size_t k = 0; k < N_KINDS; k++)
        if (strlen(g_kind_names[k]) == (size_t)(colon - v) && !strncmp(v, g_kind_names[k], (size_t)(colon - v))) {
            char *end;
            long long n = strtoll(colon + 1, &end, 10);
            if (*end == '\0' && n > 0) {
                g_kind = (int)k;
                g_target = n;
            }
        }
}

int rc_fault_hit(rc_fault_kind k)
{
    pthread_once(&g_once, parse_env);
    if ((int)k != g_kind) return 0;
    if (atomic_fetch_add(&g_count[k], 1) + 1 != g_target) return 0;
    fprintf(stderr, "rc_fault: failing %s #%lld\n", g_kind_names[k], g_target);
    return 1;
}
#endif
