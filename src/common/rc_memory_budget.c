/* rc_memory_budget.c — the default memory budget (rc_memory_budget.h): half the physical
 * memory, overridable by ROBOCACHE_MEMORY_BUDGET.  PLACEHOLDER for `limits.memory`. */
#include "config.h"
#include "common/rc_memory_budget.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

uint64_t rc_memory_budget(const char **why)
{
    const char *env = getenv("ROBOCACHE_MEMORY_BUDGET");
    if (env && *env) {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(env, &end, 10);
        if (!errno && end && !*end && env[0] != '-') {
            *why = "ROBOCACHE_MEMORY_BUDGET";
            return (uint64_t)v;
        }
    }
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages > 0 && size > 0) {
        *why = "half the physical memory";
        return (uint64_t)pages * (uint64_t)size / 2;
    }
    *why = "the default of 4 GiB (physical memory unknown)";
    return 4ull << 30;
}
