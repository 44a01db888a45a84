/* test_budget.c — the memory budget (src/common/rc_budget.c): the cgroup v2 memory.max walk over
 * a fake /proc/self/cgroup and /sys/fs/cgroup tree (leaf, tighter parent, "max", no v2 line), the
 * default's source, saturating sizes, and the check's message. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "tap.h"

static char g_tmp[64];

static void put(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", g_tmp, rel);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        printf("Bail out! cannot write %s\n", path);
        exit(1);
    }
}

static void dir(const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", g_tmp, rel);
    mkdir(path, 0700);
}

static uint64_t walk(char *where, size_t n)
{
    char proc[128], root[128];
    snprintf(proc, sizeof proc, "%s/cgroup", g_tmp);
    snprintf(root, sizeof root, "%s/fs", g_tmp);
    where[0] = '\0';
    return rc_budget_cgroup_max(proc, root, where, n);
}

int main(void)
{
    char where[512], want[512];
    snprintf(g_tmp, sizeof g_tmp, "/tmp/rc-budget-XXXXXX");
    if (!mkdtemp(g_tmp)) {
        printf("Bail out! mkdtemp failed\n");
        return 1;
    }
    dir("fs");
    dir("fs/job");
    dir("fs/job/step");
    dir("fs/job/step/task");
    put("cgroup", "4:memory:/elsewhere\n0::/job/step/task\n");
    put("fs/job/memory.max", "max\n");
    put("fs/job/step/memory.max", "1073741824\n");
    put("fs/job/step/task/memory.max", "max\n");
    snprintf(want, sizeof want, "%s/fs/job/step/memory.max", g_tmp);
    tap_ok(walk(where, sizeof where) == 1073741824 && !strcmp(where, want),
           "the walk finds a limit set on a parent of the process's cgroup (%s)", where);
    put("fs/job/memory.max", "536870912\n");
    snprintf(want, sizeof want, "%s/fs/job/memory.max", g_tmp);
    tap_ok(walk(where, sizeof where) == 536870912 && !strcmp(where, want),
           "the tightest limit on the way up wins (%s)", where);
    put("fs/job/step/task/memory.max", "268435456\n");
    tap_ok(walk(where, sizeof where) == 268435456, "a limit on the leaf itself counts");
    put("fs/job/memory.max", "max\n");
    put("fs/job/step/memory.max", "max\n");
    put("fs/job/step/task/memory.max", "max\n");
    tap_ok(walk(where, sizeof where) == 0, "\"max\" everywhere is no limit");
    put("cgroup", "4:memory:/elsewhere\n1:cpu:/\n");
    tap_ok(walk(where, sizeof where) == 0, "no cgroup v2 line (a v1-only host) is no limit");
    put("cgroup", "0::/job/step/task\n");
    put("fs/job/step/memory.max", "2147483648\n");
    tap_ok(walk(where, sizeof where) == 2147483648u, "a /proc/self/cgroup of only the v2 line reads the same");

    char source[1024];
    uint64_t b = rc_budget_default(source, sizeof source);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    tap_ok(b > 0 && b <= (uint64_t)pages * (uint64_t)page / 2 && !strncmp(source, "half of ", 8),
           "the default is at most half of physical RAM and names its source (%s)", source);
    tap_ok(rc_budget_mul(UINT64_MAX / 2, 3) == UINT64_MAX && rc_budget_mul(1u << 20, 1u << 20) == 1ull << 40 &&
               rc_budget_mul(0, UINT64_MAX) == 0,
           "sizes saturate at UINT64_MAX instead of wrapping");

    rc_budget_set(1000, "--memory");
    rc_err err;
    rc_err_clear(&err);
    tap_ok(rc_budget_is_set() && rc_budget_bytes() == 1000 && !strcmp(rc_budget_source(), "--memory"),
           "rc_budget_set replaces the budget and its source");
    tap_ok(rc_budget_check(1000, RC_E_INPUT, "a buffer", &err) == RC_OK, "a size equal to the budget passes");
    tap_ok(rc_budget_check(1001, RC_E_INPUT, "a [7, 11] dataset", &err) == RC_E_INPUT &&
               strstr(err.msg, "a [7, 11] dataset takes 1001 bytes, over the memory budget of 1000 bytes (--memory") != NULL,
           "one byte over fails with the code given, naming what, its bytes and the budget: %s", err.msg);
    rc_err_clear(&err);
    tap_ok(rc_budget_check(UINT64_MAX, RC_E_SPEC, "a grid", &err) == RC_E_SPEC, "a saturated size fails too");

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    if (system(cmd) != 0) tap_diag("could not remove %s", g_tmp);
    return tap_done();
}
