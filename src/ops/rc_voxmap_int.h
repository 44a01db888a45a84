/* rc_voxmap_int.h — a per-call hash map from a dense voxel index (int64 >= 0) to the slot its voxel
 * got on first appearance; open addressing with linear probing, sized from the point count so
 * sparse output over huge grids never allocates the grid.  Internal to src/ops/. */
#ifndef RC_VOXMAP_H
#define RC_VOXMAP_H

#include <stdint.h>

/* One entry: a key and its slot side by side, so a probe that finds its key reads one cache
 * line, not one in a key array and another in a slot array. */
typedef struct rc_voxmap_entry {
    int64_t key;    /* -1 = empty */
    int64_t slot;
} rc_voxmap_entry;

typedef struct rc_voxmap {
    rc_voxmap_entry *e; /* [cap] */
    uint64_t mask;      /* cap - 1, cap a power of two >= 2 * max_entries */
} rc_voxmap;

/* Room for max_entries keys.  Returns 0, or -1 when memory could not be allocated. */
int rc_voxmap_init(rc_voxmap *m, int64_t max_entries);
/* The slot of key, or -1 when absent. */
int64_t rc_voxmap_get(const rc_voxmap *m, int64_t key);
/* Records key -> slot (key absent, fewer than max_entries keys so far). */
void rc_voxmap_put(rc_voxmap *m, int64_t key, int64_t slot);
void rc_voxmap_free(rc_voxmap *m);

#endif
