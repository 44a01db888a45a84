/* rc_vox_params.c — turns the spec's voxel range and size (metres, double) into the float32
 * parameters both backends use, and rejects grids that cannot be built. */
#include <math.h>

#include "ops/rc_ops.h"

#define RC_VOX_MAX_CELLS_PER_AXIS (1 << 30)
/* The dense index (ix*n_y + iy)*n_z + iz is the voxel's key in sparse mode too; it must fit
 * int64, so the whole grid is limited to 2^62 cells. */
#define RC_VOX_MAX_CELLS 4611686018427387904.0 /* 2^62 */

int rc_vox_params_init(rc_vox_params *p, rc_vox_mode mode, int sparse, const double range[3][2],
                       const double size[3], int32_t C, int32_t max_points, int32_t max_voxels)
{
    if (C < 3) return -1;
    if (mode == RC_VOX_POINTS && (max_points < 1 || max_voxels < 1)) return -1;
    double cells = 1.0;
    for (int a = 0; a < 3; a++) {
        double lo = range[a][0], hi = range[a][1], s = size[a];
        if (!isfinite(lo) || !isfinite(hi) || !isfinite(s) || !(s > 0.0) || !(hi > lo)) return -1;
        /* round() is half away from zero, computed on the double quotient */
        double n = round((hi - lo) / s);
        if (!(n >= 1.0) || n > (double)RC_VOX_MAX_CELLS_PER_AXIS) return -1;
        float fmin = (float)lo, fsize = (float)s;
        if (!isfinite(fmin) || !(fsize > 0.0f) || !isfinite(fsize)) return -1;
        p->min[a] = fmin;
        p->size[a] = fsize;
        p->n[a] = (int32_t)n;
        cells *= n; /* rounded past 2^53, but within a factor 1 + 2^-51 of the true count:
                       whatever passes the 2^62 test below is < 2^63 */
    }
    if (cells > RC_VOX_MAX_CELLS) return -1;
    p->mode = mode;
    p->sparse = sparse ? 1 : 0;
    p->C = C;
    p->max_points = max_points;
    p->max_voxels = max_voxels;
    return 0;
}
