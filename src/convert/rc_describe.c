/* rc_describe.c — the describing attributes of an episode's outputs (rc_convert.h, rc_describe_episode): kind and
 * rate_hz on each output group, units on each t, column names and sources on fuse/resample data,
 * the grid of voxel outputs, and the source, crop and resize of image stages. */
#include "config.h"
#include "convert/convert_int.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "writer/rc_writer.h"

static const char *const g_vox_modes[] = {"occupancy", "count", "mean", "points"};

const char *rc_describe_kind(const rc_spec_stage *sg)
{
    if (sg->kind == RC_STAGE_VOXELIZE) return "voxelize";
    if (sg->kind == RC_STAGE_FUSE) return "fuse";
    if (sg->image) return "image";
    return sg->streams[0].method == RC_METHOD_WINDOW ? "window" : "resample";
}

/* Packs n names (names[i] from given[i], else "<stream>[<i>]") into one allocation. */
static char **pack_names(const char *stream, char *const *given, int32_t n)
{
    size_t bytes = (size_t)n * sizeof(char *);
    char tmp[RC_NAME_MAX + 24];
    for (int32_t i = 0; i < n; i++)
        bytes += (given ? strlen(given[i]) : (size_t)snprintf(tmp, sizeof tmp, "%s[%d]", stream, i)) + 1;
    char **out = rc_malloc(bytes);
    if (!out) return NULL;
    char *at = (char *)(out + n);
    for (int32_t i = 0; i < n; i++) {
        int len = given ? (int)strlen(given[i]) : snprintf(tmp, sizeof tmp, "%s[%d]", stream, i);
        memcpy(at, given ? given[i] : tmp, (size_t)len + 1);
        out[i] = at;
        at += len + 1;
    }
    return out;
}

rc_status rc_describe_columns(const rc_spec_stage *sg, const rc_episode *ep, rc_columns *cols, rc_err *err)
{
    rc_status st = RC_OK;
    int32_t n = 0;
    size_t text = 0;
    memset(cols, 0, sizeof *cols);
    for (int k = 0; k < sg->n_streams; k++) {
        const rc_stream_data *sd = rc_episode_stream(ep, sg->streams[k].name);
        RC_FAIL_IF(!sd, err, RC_E_INTERNAL, "stream '%s' was not read", sg->streams[k].name);
        n += sd->D;
        for (int32_t i = 0; i < sd->D; i++)
            text += (sd->col_names ? strlen(sd->col_names[i]) : strlen(sd->name) + 16) + 1;
    }
    /* names[n], stream[n], column[n], then the text */
    size_t head = (size_t)n * (sizeof(char *) + sizeof(char *) + sizeof(int64_t));
    char *block = rc_malloc(head + text + 1);
    RC_FAIL_IF(!block, err, RC_E_NOMEM, "out of memory for the column names of '%s'", sg->name);
    cols->n = n;
    cols->names = (char **)block;
    cols->stream = (const char **)(block + (size_t)n * sizeof(char *));
    cols->column = (int64_t *)(block + (size_t)n * 2 * sizeof(char *));
    char *at = block + head;
    int32_t c = 0;
    for (int k = 0; k < sg->n_streams; k++) {
        const rc_stream_data *sd = rc_episode_stream(ep, sg->streams[k].name);
        for (int32_t i = 0; i < sd->D; i++, c++) {
            int len = sd->col_names ? snprintf(at, strlen(sd->col_names[i]) + 1, "%s", sd->col_names[i])
                                    : snprintf(at, strlen(sd->name) + 17, "%s[%d]", sd->name, i);
            cols->names[c] = at;
            cols->stream[c] = sg->streams[k].name;
            cols->column[c] = i;
            at += len + 1;
        }
    }
done:
    return st;
}

/* Mean frame rate of a stream over the episode: (S - 1) / (t[S-1] - t[0]); 0 with one frame. */
static double mean_rate_hz(const rc_stream_data *sd)
{
    if (!sd || sd->S < 2 || sd->t_ns[sd->S - 1] <= sd->t_ns[0]) return 0;
    return (double)(sd->S - 1) * 1e9 / (double)(sd->t_ns[sd->S - 1] - sd->t_ns[0]);
}

static rc_status describe_voxels(const rc_spec_stage *sg, const rc_episode *ep, rc_shard *sh, rc_err *err)
{
    rc_status st = RC_OK;
    const rc_stream_data *cloud = rc_episode_stream(ep, sg->cloud);
    char **point_cols = NULL;
    char t_path[RC_NAME_MAX + 8];
    RC_FAIL_IF(!cloud, err, RC_E_INTERNAL, "stream '%s' was not read", sg->cloud);
    double rate = mean_rate_hz(cloud);
    uint64_t three[2] = {3, 2};
    rc_vox_params p;
    RC_FAIL_IF(rc_vox_params_init(&p, sg->mode, sg->sparse, sg->range, sg->voxel_size, cloud->D,
                                  sg->max_points_per_voxel, sg->max_voxels) != 0,
               err, RC_E_INTERNAL, "voxel parameters of '%s' were accepted by the run, refused here", sg->name);
    int64_t dims[3] = {p.n[0], p.n[1], p.n[2]};
    RC_TRY(rc_attr_put_f64(sh, sg->name, "rate_hz", &rate, 0, NULL, err));
    RC_TRY(rc_attr_put_f64(sh, sg->name, "range", &sg->range[0][0], 2, three, err));
    RC_TRY(rc_attr_put_f64(sh, sg->name, "voxel_size", sg->voxel_size, 1, three, err));
    RC_TRY(rc_attr_put_i64(sh, sg->name, "dims", dims, 1, three, err));
    RC_TRY(rc_attr_put_str(sh, sg->name, "mode", g_vox_modes[sg->mode], err));
    RC_TRY(rc_attr_put_str(sh, sg->name, "layout", sg->sparse ? "sparse" : "dense", err));
    /* the columns of coords (sparse, points), or the grid axes after the frame axis (dense) */
    RC_TRY(rc_attr_put_str(sh, sg->name, "coord_order", sg->sparse || sg->mode == RC_VOX_POINTS ? "zyx" : "xyz", err));
    point_cols = pack_names(cloud->name, cloud->col_names, cloud->D);
    RC_FAIL_IF(!point_cols, err, RC_E_NOMEM, "out of memory for the point columns of '%s'", sg->name);
    RC_TRY(rc_attr_put_strs(sh, sg->name, "point_columns", (const char *const *)point_cols, (size_t)cloud->D, err));
    snprintf(t_path, sizeof t_path, "%s/t", sg->name);
    RC_TRY(rc_attr_put_str(sh, t_path, "units", "ns", err));
done:
    rc_free(point_cols);
    return st;
}

static const char *const g_methods_of_image[] = {[RC_METHOD_NEAREST] = "nearest", [RC_METHOD_PREVIOUS] = "previous"};

/* An image stage: where its frames come from and what was done to them (docs/FORMAT.md). */
static rc_status describe_image_stage(const rc_spec_stage *sg, const rc_episode *ep, rc_shard *sh, rc_err *err)
{
    rc_status st = RC_OK;
    rc_image_geom g;
    char path[RC_NAME_MAX + 16];
    uint64_t two = 2, three = 3, four = 4;
    const rc_stream_data *sd = rc_episode_stream(ep, sg->streams[0].name);
    RC_FAIL_IF(!sd || sd->kind != RC_STREAM_IMAGE, err, RC_E_INTERNAL, "image stream '%s' was not read",
               sg->streams[0].name);
    rc_image_stage_geom(sg, sd->H, sd->W, sd->D, &g);
    int64_t frame[3] = {sd->H, sd->W, sd->D}, crop[4] = {g.crop_y, g.crop_x, g.crop_h, g.crop_w};
    int64_t size[2] = {g.out_h, g.out_w}, shape[3] = {g.out_h, g.out_w, g.C};
    RC_TRY(rc_attr_put_str(sh, sg->name, "source_stream", sd->name, err));
    RC_TRY(rc_attr_put_i64(sh, sg->name, "source_shape", frame, 1, &three, err));
    RC_TRY(rc_attr_put_str(sh, sg->name, "method", g_methods_of_image[sg->streams[0].method], err));
    RC_TRY(rc_attr_put_f64(sh, sg->name, "max_gap_ms", &sg->max_gap_ms, 0, NULL, err));
    RC_TRY(rc_attr_put_i64(sh, sg->name, "crop", crop, 1, &four, err));
    RC_TRY(rc_attr_put_i64(sh, sg->name, "resize", size, 1, &two, err));
    RC_TRY(rc_attr_put_str(sh, sg->name, "interpolation", sg->interp == RC_INTERP_AREA ? "area" : "bilinear", err));
    RC_TRY(rc_attr_put_str(sh, sg->name, "encoding", sg->encoding == RC_IMAGE_JPEG ? "jpeg" : "raw", err));
    RC_TRY(rc_attr_put_i64(sh, sg->name, "frame_shape", shape, 1, &three, err));
    if (sg->encoding == RC_IMAGE_JPEG) {
        int64_t quality = sg->quality;
        RC_TRY(rc_attr_put_i64(sh, sg->name, "quality", &quality, 0, NULL, err));
        snprintf(path, sizeof path, "%s/data", sg->name);
        RC_TRY(rc_attr_put_str(sh, path, "encoding", "jpeg", err));
    }
    snprintf(path, sizeof path, "%s/dt_ns", sg->name);
    RC_TRY(rc_attr_put_str(sh, path, "units", "ns", err));
done:
    return st;
}

rc_status rc_describe_episode(const rc_spec *spec, const rc_episode *ep, rc_shard *sh, rc_err *err)
{
    rc_status st = RC_OK;
    rc_columns cols = {0};
    char path[RC_NAME_MAX + 8];
    for (int s = 0; s < spec->n_stages; s++) {
        const rc_spec_stage *sg = &spec->stages[s];
        RC_TRY(rc_attr_put_str(sh, sg->name, "kind", rc_describe_kind(sg), err));
        if (sg->kind == RC_STAGE_VOXELIZE) {
            RC_TRY(describe_voxels(sg, ep, sh, err));
            continue;
        }
        RC_TRY(rc_attr_put_f64(sh, sg->name, "rate_hz", &spec->rate_hz, 0, NULL, err));
        snprintf(path, sizeof path, "%s/t", sg->name);
        RC_TRY(rc_attr_put_str(sh, path, "units", "ns", err));
        if (sg->kind == RC_STAGE_IMAGE) RC_TRY(describe_image_stage(sg, ep, sh, err));
        if (sg->image) continue;
        RC_TRY(rc_describe_columns(sg, ep, &cols, err));
        snprintf(path, sizeof path, "%s/data", sg->name);
        uint64_t n = (uint64_t)cols.n;
        RC_TRY(rc_attr_put_strs(sh, path, "names", (const char *const *)cols.names, n, err));
        RC_TRY(rc_attr_put_strs(sh, path, "source_streams", cols.stream, n, err));
        RC_TRY(rc_attr_put_i64(sh, path, "source_columns", cols.column, 1, &n, err));
        rc_free(cols.names);
        cols.names = NULL;
    }
done:
    rc_free(cols.names);
    return st;
}
