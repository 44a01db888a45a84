/* rc_synth.c — the synth presets and the shard/episode loop: each episode gets generators
 * seeded from (--seed, episode index, stream), so every episode, and every stream within it, is
 * reproducible on its own; files are written with fixed libver bounds and no time stamps. */
#include "config.h"
#include "synth/rc_synth.h"

#include "common/rc_common.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synth/synth_int.h"

typedef struct synth_preset {
    const char *name;
    int64_t episodes;
    double seconds;
    int64_t episodes_per_shard;
    int64_t lidar_min, lidar_max; /* points per sweep */
    int cameras;                  /* 1: cam_30hz and cam_50hz image streams in every episode */
    int aloha;                    /* 1: ALOHA files (synth_aloha.c), 2: with JPEG frames */
} synth_preset;

static const synth_preset g_presets[] = {
    {"tiny", 2, 3.0, 2, 2000, 4000, 0, 0},
    {"demo", 6, 8.0, 4, 30000, 120000, 0, 0},
    {"bench", 16, 60.0, 4, 30000, 120000, 0, 0},
    {"camera", 2, 2.0, 2, 2000, 4000, 1, 0},
    {"aloha", 2, 2.0, 1, 0, 0, 0, 1},
    {"aloha-jpeg", 2, 2.0, 1, 0, 0, 0, 2},
};
#define N_PRESETS (sizeof g_presets / sizeof g_presets[0])

#define EPOCH_NS INT64_C(1700000000000000000) /* 2023-11-14: absolute times, as logs have */
#define GAP_SHARE 0.2                         /* chance of a long gap in a stream */

static const char *const g_tasks[] = {"pick_place", "stack_blocks", "open_drawer", "wipe_table"};

static const synth_preset *find_preset(const char *name, rc_err *err)
{
    for (size_t i = 0; i < N_PRESETS; i++)
        if (!strcmp(name, g_presets[i].name)) return &g_presets[i];
    rc_err_set(err, RC_E_USAGE, __FILE__, __LINE__,
               "unknown preset '%s': expected one of tiny, demo, bench, camera, aloha, aloha-jpeg", name);
    return NULL;
}

rc_status rc_synth_preset(rc_synth_opts *o, rc_err *err)
{
    if (!o->preset[0]) snprintf(o->preset, sizeof o->preset, "%s", "demo");
    const synth_preset *p = find_preset(o->preset, err);
    if (!p) return RC_E_USAGE;
    if (o->episodes == 0) o->episodes = p->episodes;
    if (o->seconds == 0.0) o->seconds = p->seconds;
    if (o->episodes_per_shard == 0 || p->aloha) o->episodes_per_shard = p->episodes_per_shard;
    return RC_OK;
}

int rc_synth_file_path(const char *dir, const rc_synth_opts *o, int64_t i, char *buf, size_t n)
{
    if (!strncmp(o->preset, "aloha", 5)) return snprintf(buf, n, "%s/episode_%lld.hdf5", dir, (long long)i);
    return snprintf(buf, n, "%s/raw-%05lld.h5", dir, (long long)i);
}

/* Stored times of one stream in its units: int64 ns/us/ms, or float64 seconds. */
static rc_status write_times(hid_t g, const synth_stream_def *def, const int64_t *t_ns, int64_t n,
                             rc_err *err)
{
    rc_status st = RC_OK;
    hid_t dset = -1;
    void *buf = NULL;
    hsize_t dims[1] = {(hsize_t)n};
    int is_s = !strcmp(def->units, "s");
    int64_t div = !strcmp(def->units, "us") ? 1000 : !strcmp(def->units, "ms") ? 1000000 : 1;
    buf = rc_calloc((size_t)n, 8);
    RC_FAIL_IF(!buf, err, RC_E_NOMEM, "out of memory for %lld times", (long long)n);
    for (int64_t i = 0; i < n; i++) {
        if (is_s)
            ((double *)buf)[i] = (double)t_ns[i] * 1e-9;
        else
            ((int64_t *)buf)[i] = t_ns[i] / div;
    }
    hid_t type = is_s ? H5T_IEEE_F64LE : H5T_STD_I64LE;
    hid_t mem = is_s ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
    RC_TRY(synth_h5_dataset(g, "t", type, mem, 1, dims, buf, &dset, err));
    RC_TRY(synth_h5_attr_str(dset, "units", def->units, err));
done:
    if (dset >= 0) H5Dclose(dset);
    rc_free(buf);
    return st;
}

static rc_status write_series(hid_t ep, int s, const synth_model *m, const rc_synth_opts *o,
                              int64_t idx, int64_t t0, int gap, rc_err *err)
{
    rc_status st = RC_OK;
    const synth_stream_def *def = &synth_streams[s];
    hid_t g = -1;
    int64_t *t = NULL, n = 0;
    double *x = NULL;
    synth_rng rt, rv;
    synth_rng_seed(&rt, o->seed, (uint64_t)idx, 2 * (uint64_t)s + 1);
    synth_rng_seed(&rv, o->seed, (uint64_t)idx, 2 * (uint64_t)s + 2);
    RC_TRY(synth_times(&rt, def->rate_hz, t0, o->seconds, gap, &t, &n, err));
    x = rc_calloc((size_t)n * (size_t)def->columns, sizeof *x);
    RC_FAIL_IF(!x, err, RC_E_NOMEM, "out of memory for %lld samples of %s", (long long)n, def->name);
    for (int64_t i = 0; i < n; i++) t[i] -= t0; /* the model runs on episode time */
    synth_series(m, s, &rv, t, n, x);
    for (int64_t i = 0; i < n; i++) t[i] += t0;
    RC_TRY(synth_h5_group(ep, def->name, &g, err));
    hsize_t dims[2] = {(hsize_t)n, (hsize_t)def->columns};
    hid_t type = def->dtype == SY_F64 ? H5T_IEEE_F64LE : def->dtype == SY_F32 ? H5T_IEEE_F32LE : H5T_STD_U8LE;
    RC_TRY(synth_h5_dataset(g, "data", type, H5T_NATIVE_DOUBLE, 2, dims, x, NULL, err));
    RC_TRY(write_times(g, def, t, n, err));
done:
    if (g >= 0) H5Gclose(g);
    rc_free(t);
    rc_free(x);
    return st;
}

/* LiDAR: frame sizes first (so points can be written sweep by sweep into one [P, 4] dataset:
 * memory stays one sweep), then offsets, times and points. */
static rc_status write_lidar(hid_t ep, const synth_model *m, const rc_synth_opts *o,
                             const synth_preset *p, int64_t idx, int64_t t0, rc_err *err)
{
    rc_status st = RC_OK;
    const synth_stream_def *def = &synth_streams[SY_LIDAR];
    hid_t g = -1, dset = -1, fspace = -1, mspace = -1;
    int64_t *t = NULL, *off = NULL, n = 0;
    float *pts = NULL;
    synth_rng rt, rc, rp;
    synth_rng_seed(&rt, o->seed, (uint64_t)idx, 2 * SY_LIDAR + 1);
    synth_rng_seed(&rp, o->seed, (uint64_t)idx, 2 * SY_LIDAR + 2);
    synth_rng_seed(&rc, o->seed, (uint64_t)idx, 2 * SY_LIDAR + 3);
    RC_TRY(synth_times(&rt, def->rate_hz, t0, o->seconds, synth_rng_uniform(&rc) < GAP_SHARE, &t, &n, err));
    off = rc_calloc((size_t)n + 1, sizeof *off);
    pts = rc_calloc((size_t)p->lidar_max * 4, sizeof *pts);
    RC_FAIL_IF(!off || !pts, err, RC_E_NOMEM, "out of memory for %lld LiDAR sweeps", (long long)n);
    for (int64_t f = 0; f < n; f++)
        off[f + 1] = off[f] + p->lidar_min +
                     (int64_t)(synth_rng_next(&rc) % (uint64_t)(p->lidar_max - p->lidar_min + 1));
    RC_TRY(synth_h5_group(ep, def->name, &g, err));
    hsize_t odims[1] = {(hsize_t)n + 1};
    RC_TRY(synth_h5_dataset(g, "offsets", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, odims, off, NULL, err));
    RC_TRY(write_times(g, def, t, n, err));
    hsize_t pdims[2] = {(hsize_t)off[n], 4};
    RC_TRY(synth_h5_dataset(g, "points", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, pdims, NULL, &dset, err));
    fspace = H5Dget_space(dset);
    RC_FAIL_IF(fspace < 0, err, RC_E_IO, "cannot get the dataspace of lidar/points");
    for (int64_t f = 0; f < n; f++) {
        hsize_t start[2] = {(hsize_t)off[f], 0}, count[2] = {(hsize_t)(off[f + 1] - off[f]), 4};
        synth_sweep(m, &rp, (double)(t[f] - t0) * 1e-9, off[f + 1] - off[f], pts);
        mspace = H5Screate_simple(2, count, NULL);
        RC_FAIL_IF(mspace < 0 || H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0,
                   err, RC_E_IO, "cannot select sweep %lld of lidar/points", (long long)f);
        RC_FAIL_IF(H5Dwrite(dset, H5T_NATIVE_FLOAT, mspace, fspace, H5P_DEFAULT, pts) < 0, err, RC_E_IO,
                   "cannot write sweep %lld of lidar/points", (long long)f);
        H5Sclose(mspace);
        mspace = -1;
    }
done:
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    if (dset >= 0) H5Dclose(dset);
    if (g >= 0) H5Gclose(g);
    rc_free(t);
    rc_free(off);
    rc_free(pts);
    return st;
}

static rc_status write_episode(hid_t episodes, const rc_synth_opts *o, const synth_preset *p,
                               int64_t idx, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t ep = -1;
    char id[32];
    synth_model m;
    synth_rng r;
    snprintf(id, sizeof id, "ep-%06lld", (long long)idx);
    synth_rng_seed(&r, o->seed, (uint64_t)idx, 0);
    synth_model_init(&m, &r, o->seconds);
    /* Episodes an hour apart at most; a minute between them, as separate recordings. */
    int64_t t0 = EPOCH_NS + idx * ((int64_t)ceil(o->seconds) + 60) * INT64_C(1000000000);
    int forced_gap = (int)(synth_rng_next(&r) % SY_LIDAR); /* every episode has one long gap */
    RC_TRY(synth_h5_group(episodes, id, &ep, err));
    RC_TRY(synth_h5_attr_str(ep, "robot", "synth-arm7-mobile", err));
    RC_TRY(synth_h5_attr_str(ep, "task", g_tasks[synth_rng_next(&r) % 4], err));
    for (int s = 0; s < SY_LIDAR; s++) {
        int gap = s == forced_gap || synth_rng_uniform(&r) < GAP_SHARE;
        RC_TRY(write_series(ep, s, &m, o, idx, t0, gap, err));
    }
    RC_TRY(write_lidar(ep, &m, o, p, idx, t0, err));
    if (p->cameras) RC_TRY(synth_raw_cameras(ep, &m, o->seed, idx, t0, o->seconds, err));
done:
    if (ep >= 0) H5Gclose(ep);
    return st;
}

static rc_status write_shard(const char *path, const rc_synth_opts *o, const synth_preset *p,
                             int64_t first, int64_t last, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t file = -1, episodes = -1;
    RC_TRY(synth_h5_create(path, &file, err));
    RC_TRY(synth_h5_group(file, "episodes", &episodes, err));
    for (int64_t i = first; i < last; i++) {
        RC_TRY(write_episode(episodes, o, p, i, err));
        if (o->on_episode) o->on_episode(i + 1, o->episodes, o->ctx);
    }
    RC_TRY(synth_h5_close(&episodes, &file, err));
done:
    (void)synth_h5_close(&episodes, &file, NULL); /* what a failure left open */
    return st;
}

rc_status rc_synth_write(const char *dir, const rc_synth_opts *o, rc_err *err)
{
    rc_status st = RC_OK;
    char path[1024], tmp[1100];
    rc_err_scope(err, dir, NULL, NULL);
    const synth_preset *p = find_preset(o->preset, err);
    if (!p) return RC_E_USAGE; /* find_preset filled err */
    RC_FAIL_IF(o->episodes < 1 || o->episodes > RC_SYNTH_MAX_EPISODES, err, RC_E_USAGE,
               "expected 1 <= episodes <= %d, found %lld", RC_SYNTH_MAX_EPISODES, (long long)o->episodes);
    RC_FAIL_IF(!isfinite(o->seconds) || o->seconds <= 0.0 || o->seconds > RC_SYNTH_MAX_SECONDS, err,
               RC_E_USAGE, "expected 0 < seconds <= %g, found %g", RC_SYNTH_MAX_SECONDS, o->seconds);
    RC_FAIL_IF(o->episodes_per_shard < 1, err, RC_E_USAGE,
               "expected episodes_per_shard >= 1, found %lld", (long long)o->episodes_per_shard);
    RC_TRY(rc_mkdir_p(dir, err));
    for (int64_t first = 0, shard = 0; first < o->episodes; first += o->episodes_per_shard, shard++) {
        int64_t last = first + o->episodes_per_shard;
        if (last > o->episodes) last = o->episodes;
        int w = rc_synth_file_path(dir, o, shard, path, sizeof path);
        RC_FAIL_IF(w < 0 || (size_t)w >= sizeof path, err, RC_E_IO, "output path too long");
        /* Written under a temporary name, then renamed: an output file is whole or absent. */
        w = snprintf(tmp, sizeof tmp, "%s.tmp", path);
        RC_FAIL_IF(w < 0 || (size_t)w >= sizeof tmp, err, RC_E_IO, "output path too long");
        rc_err_scope(err, path, NULL, NULL);
        st = p->aloha ? synth_aloha_episode(tmp, o, first, p->aloha == 2, err)
                      : write_shard(tmp, o, p, first, last, err);
        if (st != RC_OK) unlink(tmp);
        RC_TRY(st);
        int renamed = rename(tmp, path) == 0, e = errno;
        if (!renamed) unlink(tmp);
        RC_FAIL_IF(!renamed, err, RC_E_IO, "cannot rename %s to its final name: %s", tmp, strerror(e));
        if (p->aloha && o->on_episode) o->on_episode(last, o->episodes, o->ctx);
    }
done:
    return st;
}
