/* rc_memory_budget.h — the memory a run may plan to hold, for checks made before it starts
 * (today: `stats: {quantiles: exact}`).
 *
 * PLACEHOLDER for the spec's `limits.memory` (the hostile-inputs work): until that lands this
 * is the one place the budget comes from, so connecting it means changing this function only. */
#ifndef RC_MEMORY_BUDGET_H
#define RC_MEMORY_BUDGET_H

#include <stdint.h>

/* Bytes: the environment variable ROBOCACHE_MEMORY_BUDGET (decimal bytes) when set and valid,
 * else half the physical memory (sysconf), else 4 GiB when that is unknown.  *why receives a
 * short phrase saying which ("half the physical memory", ...). */
uint64_t rc_memory_budget(const char **why);

#endif
