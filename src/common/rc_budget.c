/* rc_budget.c — the memory budget (rc_common.h): its default from what this process may really
 * use, read once, and the check every input-sized allocation passes first. */
#include "config.h"
#include "common/rc_common.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>


static uint64_t g_bytes;
static int g_set;
static char g_source[1024];

uint64_t rc_budget_mul(uint64_t a, uint64_t b)
{
    return a && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

uint64_t rc_budget_cgroup_max(const char *proc_cgroup, const char *root, char *where, size_t n)
{
    char line[512], dir[1100], file[1200];
    uint64_t best = 0;
    FILE *f = fopen(proc_cgroup, "r");
    if (!f) return 0;
    int found = 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "0::", 3)) { /* the v2 hierarchy */
            line[strcspn(line, "\n")] = '\0';
            snprintf(dir, sizeof dir, "%s%s", root, strcmp(line + 3, "/") ? line + 3 : "");
            found = 1;
            break;
        }
    fclose(f);
    while (found) {
        snprintf(file, sizeof file, "%s/memory.max", dir);
        FILE *m = fopen(file, "r");
        unsigned long long v;
        if (m) {
            if (fscanf(m, "%llu", &v) == 1 && (best == 0 || v < best)) { /* "max" reads as no number */
                best = v;
                snprintf(where, n, "%s", file);
            }
            fclose(m);
        }
        char *slash = strrchr(dir, '/');
        if (!strcmp(dir, root) || !slash || slash < dir + strlen(root)) break; /* the root done */
        *slash = '\0';
    }
    return best;
}

uint64_t rc_budget_default(char *source, size_t n)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    uint64_t limit = pages > 0 && page > 0 ? rc_budget_mul((uint64_t)pages, (uint64_t)page) : UINT64_MAX;
    char what[900];
    snprintf(what, sizeof what, "physical RAM");
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (uint64_t)rl.rlim_cur < limit) {
        limit = (uint64_t)rl.rlim_cur;
        snprintf(what, sizeof what, "RLIMIT_AS");
    }
    char file[800] = "";
    uint64_t cg = rc_budget_cgroup_max("/proc/self/cgroup", "/sys/fs/cgroup", file, sizeof file);
    if (cg && cg < limit) {
        limit = cg;
        snprintf(what, sizeof what, "cgroup memory.max %s", file);
    }
    uint64_t bytes = limit / 2 ? limit / 2 : 1; /* the other half: HDF5, zstd, shards, stacks */
    snprintf(source, n, "half of %s (%llu bytes)", what, (unsigned long long)limit);
    return bytes;
}

void rc_budget_set(uint64_t bytes, const char *source)
{
    g_bytes = bytes;
    g_set = 1;
    snprintf(g_source, sizeof g_source, "%s", source);
}

int rc_budget_is_set(void) { return g_set; }

uint64_t rc_budget_bytes(void)
{
    if (!g_bytes) g_bytes = rc_budget_default(g_source, sizeof g_source);
    return g_bytes;
}

const char *rc_budget_source(void)
{
    rc_budget_bytes();
    return g_source;
}

rc_status rc_budget_check(uint64_t bytes, rc_status code, const char *what, rc_err *err)
{
    rc_status st = RC_OK;
    uint64_t budget = rc_budget_bytes();
    RC_FAIL_IF(bytes > budget, err, code,
               "%s takes %llu bytes, over the memory budget of %llu bytes (%s; set limits.memory or --memory)",
               what, (unsigned long long)bytes, (unsigned long long)budget, g_source);
done:
    return st;
}
