/* rc_budget.h — the process's one memory budget: the most bytes any single buffer sized from
 * the input (a declared dataset shape, a shard's declared rows, a timeline's steps) may take.
 * It is checked before the buffer is allocated, because with Linux overcommit malloc does not
 * fail near the size of RAM.  Default: half of the smallest of physical RAM, RLIMIT_AS and the
 * cgroup v2 memory.max of this process (and its parents); `limits.memory` in the spec or
 * --memory on the command line replace it. */
#ifndef RC_BUDGET_H
#define RC_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"

/* The default budget and a sentence naming where it comes from (e.g. "half of cgroup
 * memory.max /sys/fs/cgroup/job/memory.max (8589934592 bytes)"). */
uint64_t rc_budget_default(char *source, size_t n);
/* The tightest cgroup v2 memory.max on the way from the cgroup that proc_cgroup names (the
 * "0::PATH" line of /proc/self/cgroup) up to root (/sys/fs/cgroup), or 0 when none is set ("max"
 * or no file); *where gets the file that set it.  rc_budget_default reads the real ones. */
uint64_t rc_budget_cgroup_max(const char *proc_cgroup, const char *root, char *where, size_t n);
/* Replaces the budget for the rest of the process (bytes > 0); source says who set it. */
void rc_budget_set(uint64_t bytes, const char *source);
/* Whether rc_budget_set has been called (the command line's --memory wins over the spec's). */
int rc_budget_is_set(void);
/* The budget in force (the default until rc_budget_set) and its source. */
uint64_t rc_budget_bytes(void);
const char *rc_budget_source(void);
/* Fails with code (RC_E_INPUT for a size the input declared, RC_E_SPEC for one the spec asks
 * for) when `bytes` is over the budget; what names the buffer ("a [1099511627776, 6] float32
 * dataset").  The error scope is the caller's. */
rc_status rc_budget_check(uint64_t bytes, rc_status code, const char *what, rc_err *err);
/* a * b, or UINT64_MAX when that overflows: sizes from declared shapes never wrap. */
uint64_t rc_budget_mul(uint64_t a, uint64_t b);

#endif
