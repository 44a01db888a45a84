/* synth_lidar.c — one LiDAR sweep of the episode's scene, in the sensor frame of a base that
 * yaws: a ground plane, four walls, a few boxes, each with its own intensity band, plus the
 * returns real sensors also give: far-away points (~150 m) and points below the ground
 * (multipath).  A voxelizer's range must drop those. */
#include "config.h"
#include "synth/synth_int.h"

#include <math.h>

/* Shares of the points (the rest: boxes). */
#define SHARE_GROUND 0.55
#define SHARE_WALLS 0.25
#define SHARE_FAR 0.015
#define SHARE_BELOW 0.01

static void on_wall(const synth_model *m, synth_rng *r, double p[4])
{
    int side = (int)(synth_rng_next(r) % 4);
    double along = synth_rng_range(r, -1.0, 1.0);
    p[0] = side < 2 ? (side == 0 ? -m->wall_x : m->wall_x) : along * m->wall_x;
    p[1] = side < 2 ? along * m->wall_y : (side == 2 ? -m->wall_y : m->wall_y);
    p[2] = synth_rng_range(r, m->ground_z, m->ground_z + m->wall_h);
    p[3] = synth_rng_range(r, 0.4, 0.7);
}

static void on_box(const synth_model *m, synth_rng *r, double p[4])
{
    const double *b = m->box[synth_rng_next(r) % (uint64_t)m->n_boxes];
    int face = (int)(synth_rng_next(r) % 5); /* four sides and the top */
    double u = synth_rng_range(r, -1.0, 1.0), v = synth_rng_range(r, 0.0, 1.0);
    double h = face == 4 ? b[4] : v * b[4];
    p[0] = b[0] + (face == 0 ? -b[2] : face == 1 ? b[2] : u * b[2]);
    p[1] = b[1] + (face == 2 ? -b[3] : face == 3 ? b[3] : (face < 2 ? u : v * 2.0 - 1.0) * b[3]);
    p[2] = m->ground_z + h;
    p[3] = synth_rng_range(r, 0.6, 1.0);
}

void synth_sweep(const synth_model *m, synth_rng *r, double t_rel_s, int64_t n, float *out)
{
    double yaw = m->yaw0 + m->yaw_rate * t_rel_s;
    double c = cos(-yaw), s = sin(-yaw);
    for (int64_t i = 0; i < n; i++) {
        double p[4];
        double u = synth_rng_uniform(r);
        if (u < SHARE_GROUND) {
            p[0] = synth_rng_range(r, -m->wall_x, m->wall_x);
            p[1] = synth_rng_range(r, -m->wall_y, m->wall_y);
            p[2] = m->ground_z;
            p[3] = synth_rng_range(r, 0.1, 0.3);
        } else if (u < SHARE_GROUND + SHARE_WALLS) {
            on_wall(m, r, p);
        } else if (u < SHARE_GROUND + SHARE_WALLS + SHARE_FAR) {
            double az = synth_rng_range(r, -M_PI, M_PI);
            double range = synth_rng_range(r, 145.0, 155.0);
            p[0] = range * cos(az);
            p[1] = range * sin(az);
            p[2] = synth_rng_range(r, -2.0, 10.0);
            p[3] = synth_rng_range(r, 0.0, 0.05);
        } else if (u < SHARE_GROUND + SHARE_WALLS + SHARE_FAR + SHARE_BELOW) {
            p[0] = synth_rng_range(r, -m->wall_x, m->wall_x);
            p[1] = synth_rng_range(r, -m->wall_y, m->wall_y);
            p[2] = m->ground_z - synth_rng_range(r, 1.5, 8.0);
            p[3] = synth_rng_range(r, 0.0, 0.1);
        } else {
            on_box(m, r, p);
        }
        /* 2 cm range noise, then world -> sensor frame (rotate by -yaw). */
        for (int a = 0; a < 3; a++) p[a] += 0.02 * synth_rng_normal(r);
        float *q = out + i * 4;
        q[0] = (float)(c * p[0] - s * p[1]);
        q[1] = (float)(s * p[0] + c * p[1]);
        q[2] = (float)p[2];
        q[3] = (float)p[3];
    }
}
