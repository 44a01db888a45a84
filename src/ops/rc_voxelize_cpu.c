/* rc_voxelize_cpu.c — the CPU backend of voxelize (docs/SPEC.md §4) for one frame.  The voxel of
 * each point comes from rc_ops.h (the CUDA backend's rule).  Points are visited in input
 * order, one thread: that order defines first-appearance numbering, which points a voxel keeps
 * and the order of the float64 sums of mode mean.  Parallelism is over frames, in the caller. */
#include <string.h>

#include "common/rc_common.h"
#include "ops/rc_ops.h"
#include "ops/rc_voxmap_int.h"

/* Dense occupancy/count: no slots needed, the grid is the output. */
static void vox_dense_direct(const rc_vox_params *p, const float *points, int64_t N,
                             rc_vox_frame *out)
{
    int64_t cells = (int64_t)p->n[0] * p->n[1] * p->n[2];
    memset(out->dense, 0, (size_t)cells * (p->mode == RC_VOX_COUNT ? 4 : 1));
    for (int64_t k = 0; k < N; k++) {
        int32_t ijk[3];
        int64_t d;
        if (!rc_voxel_of(points + k * p->C, p->min, p->size, p->n, ijk, &d)) {
            out->dropped_range++;
            continue;
        }
        if (p->mode == RC_VOX_COUNT) ((uint32_t *)out->dense)[d]++;
        else ((uint8_t *)out->dense)[d] = 1;
    }
}

/* Writes slot s of a sparse result or of mode points: coords in z, y, x order. */
static void vox_put_coords(int32_t *coords, int64_t s, const int32_t *ijk)
{
    coords[s * 3 + 0] = ijk[2];
    coords[s * 3 + 1] = ijk[1];
    coords[s * 3 + 2] = ijk[0];
}

/* The cell of point pt (rc_voxel_of), or 0 with the point counted as out of range. */
static int in_range(const rc_vox_params *p, const float *pt, int32_t ijk[3], int64_t *d, rc_vox_frame *out)
{
    if (rc_voxel_of(pt, p->min, p->size, p->n, ijk, d)) return 1;
    out->dropped_range++;
    return 0;
}

/* The slot of point pt's voxel, slots numbered by first appearance: the voxel's slot so far,
 * else the next one (*n_slots, counted up) while fewer than limit are taken; ijk and *d get the
 * voxel.  -1 when the point is out of range (counted) or its voxel new with limit slots taken
 * (counted in dropped_voxels). */
static int64_t vox_slot(const rc_vox_params *p, const float *pt, rc_voxmap *map, int64_t *n_slots,
                        int64_t limit, int32_t ijk[3], int64_t *d, rc_vox_frame *out)
{
    if (!in_range(p, pt, ijk, d, out)) return -1;
    int64_t s = rc_voxmap_get(map, *d);
    if (s >= 0) return s;
    if (*n_slots >= limit) {
        out->dropped_voxels++;
        return -1;
    }
    s = (*n_slots)++;
    rc_voxmap_put(map, *d, s);
    return s;
}

/* Mode points: the first max_voxels voxels by first appearance, their first max_points
 * points in input order; the rest counted in dropped_voxels / dropped_points. */
static void vox_points(const rc_vox_params *p, const float *points, int64_t N, rc_voxmap *map,
                       rc_vox_frame *out)
{
    int64_t C = p->C, MP = p->max_points, MV = p->max_voxels;
    memset(out->voxels, 0, (size_t)(MV * MP * C) * sizeof(float));
    memset(out->coords, 0, (size_t)(MV * 3) * sizeof(int32_t));
    memset(out->num_points, 0, (size_t)MV * sizeof(int32_t));
    for (int64_t k = 0; k < N; k++) {
        const float *pt = points + k * C;
        int32_t ijk[3];
        int64_t d, taken = out->n_voxels;
        int64_t s = vox_slot(p, pt, map, &out->n_voxels, MV, ijk, &d, out);
        if (s < 0) continue;
        if (out->n_voxels > taken) vox_put_coords(out->coords, s, ijk);
        if (out->num_points[s] >= MP) {
            out->dropped_points++;
            continue;
        }
        memcpy(out->voxels + (s * MP + out->num_points[s]) * C, pt, (size_t)C * sizeof(float));
        out->num_points[s]++;
    }
}

/* Sparse (any mode) and dense mean: number the voxels by first appearance, accumulate per slot
 * (count, and float64 column sums in input order for mean), then write the chosen layout. */
static int vox_slots(const rc_vox_params *p, const float *points, int64_t N, rc_voxmap *map,
                     rc_vox_frame *out)
{
    int64_t C = p->C, n_slots = 0;
    int mean = p->mode == RC_VOX_MEAN;
    uint32_t *count = rc_calloc((size_t)(N > 0 ? N : 1), sizeof *count);
    int64_t *cell = rc_malloc((size_t)(N > 0 ? N : 1) * sizeof *cell);
    int32_t *ijk_of = rc_malloc((size_t)(N > 0 ? N : 1) * 3 * sizeof *ijk_of);
    double *sum = mean ? rc_calloc((size_t)(N > 0 ? N : 1) * (size_t)C, sizeof *sum) : NULL;
    int rc = -1;
    if (!count || !cell || !ijk_of || (mean && !sum)) goto done;
    for (int64_t k = 0; k < N; k++) {
        const float *pt = points + k * C;
        /* a new voxel takes slot n_slots (< N): its cell and ijk go straight to their place */
        int64_t s = vox_slot(p, pt, map, &n_slots, N, ijk_of + n_slots * 3, cell + n_slots, out);
        if (s < 0) continue;
        count[s]++;
        if (mean)
            for (int64_t c = 0; c < C; c++) sum[s * C + c] += (double)pt[c];
    }
    if (p->sparse) {
        out->n_voxels = n_slots;
        memset(out->coords, 0, (size_t)N * 3 * sizeof(int32_t));
        memset(out->values, 0, (size_t)N * (mean ? (size_t)C * 4 : p->mode == RC_VOX_COUNT ? 4 : 1));
        for (int64_t s = 0; s < n_slots; s++) vox_put_coords(out->coords, s, ijk_of + s * 3);
    } else {
        int64_t cells = (int64_t)p->n[0] * p->n[1] * p->n[2];
        memset(out->dense, 0, (size_t)cells * (size_t)C * sizeof(float));
    }
    for (int64_t s = 0; s < n_slots; s++) {
        if (p->mode == RC_VOX_OCCUPANCY) ((uint8_t *)out->values)[s] = 1;
        else if (p->mode == RC_VOX_COUNT) ((uint32_t *)out->values)[s] = count[s];
        else {
            float *dst = p->sparse ? (float *)out->values + s * C : (float *)out->dense + cell[s] * C;
            for (int64_t c = 0; c < C; c++) rc_vox_mean_store(dst + c, sum[s * C + c], count[s]);
        }
    }
    rc = 0;
done:
    rc_free(count);
    rc_free(cell);
    rc_free(ijk_of);
    rc_free(sum);
    return rc;
}

int rc_voxelize_cpu(const rc_vox_params *p, const float *points, int64_t N, rc_vox_frame *out)
{
    out->n_voxels = out->dropped_range = out->dropped_points = out->dropped_voxels = 0;
    if (!p->sparse && p->mode != RC_VOX_MEAN && p->mode != RC_VOX_POINTS) {
        vox_dense_direct(p, points, N, out);
        return 0;
    }
    int64_t max_keys = p->mode == RC_VOX_POINTS && p->max_voxels < N ? p->max_voxels : N;
    rc_voxmap map;
    if (rc_voxmap_init(&map, max_keys) != 0) return -1;
    int rc = 0;
    if (p->mode == RC_VOX_POINTS) vox_points(p, points, N, &map, out);
    else rc = vox_slots(p, points, N, &map, out);
    rc_voxmap_free(&map);
    return rc;
}
