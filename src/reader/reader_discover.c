/* reader_discover.c — which streams an episode holds, read from the file itself: every group
 * under a robocache-raw episode (data + t: series; points + offsets + t: cloud; uint8 data
 * [S, H, W, C] + t: image), every dataset of a robomimic or robosuite demo and of its obs/
 * group, every dataset of an ALOHA file's observations/, observations/images/ and top level
 * ([S] or [S, D]: series; uint8 [S, H, W, C] or any dataset of an images/ folder: image; the
 * read checks dtype and shape).  A stream's `quaternion`
 * attribute ("wxyz" or "xyzw") marks it for slerp.  What a layout file knows of a stream (its
 * kind, columns, quaternion order, another path) is merged in; the layout cannot add a stream
 * the file lacks. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "reader/rc_reader.h"
#include "reader/reader_int.h"
#include "spec/rc_spec.h"

#define RC_MAX_COLUMNS 1000000 /* as a layout file may give; more is a damaged or hostile dataset */

/* The folders searched, per format: raw looks for groups, the others for datasets. */
static const char *const g_raw_dirs[] = {".", NULL};
static const char *const g_demo_dirs[] = {"obs", ".", NULL};
static const char *const g_aloha_dirs[] = {"observations", "observations/images", ".", NULL};

static const char *kind_name(rc_stream_kind k)
{
    return k == RC_STREAM_CLOUD ? "a cloud" : k == RC_STREAM_IMAGE ? "an image" : "a series";
}

/* The kind and width of dataset loc/name: 1-byte integers of rank 3 or more, or any dataset of
 * an `images` folder: image (width = channels); else series (width = columns, 1 for [S]).  A dataset of the wrong
 * type or rank still counts, so that reading it names what is wrong; 0 when loc/name is not a
 * dataset. */
static int classify_dataset(hid_t loc, const char *name, int images, rc_stream_kind *kind, int64_t *width)
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT), space = -1, type = -1;
    int ok = 0;
    if (d < 0) return 0;
    space = H5Dget_space(d);
    type = H5Dget_type(d);
    if (space >= 0 && type >= 0) {
        hsize_t dims[4] = {0, 0, 0, 0};
        int rank = H5Sget_simple_extent_ndims(space);
        H5T_class_t cls = H5Tget_class(type);
        if (rank >= 1 && rank <= 4) H5Sget_simple_extent_dims(space, dims, NULL);
        int numeric = cls == H5T_INTEGER || cls == H5T_FLOAT;
        if (images || (rank >= 3 && cls == H5T_INTEGER && H5Tget_size(type) == 1)) {
            *kind = RC_STREAM_IMAGE;
            *width = rank == 4 ? (int64_t)dims[3] : 0;
        } else {
            *kind = RC_STREAM_SERIES;
            *width = !numeric ? 0 : rank == 1 ? 1 : rank == 2 ? (int64_t)dims[1] : 0;
        }
        ok = 1;
    }
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    H5Dclose(d);
    return ok;
}

/* A robocache-raw stream group loc/name: points -> cloud, uint8 4-D data or JPEG rows (encoding
 * "jpeg") -> image, else series. */
static int classify_group(hid_t loc, const char *name, rc_stream_kind *kind, int64_t *width)
{
    hid_t g = H5Gopen2(loc, name, H5P_DEFAULT);
    int ok = 0;
    if (g < 0) return 0;
    *width = 0;
    if (H5Lexists(g, "points", H5P_DEFAULT) > 0) {
        rc_stream_kind k;
        *kind = RC_STREAM_CLOUD;
        if (!classify_dataset(g, "points", 0, &k, width) || k != RC_STREAM_SERIES) *width = 0;
        ok = 1;
    } else { /* data + t; a group without data is a series whose read says what is missing */
        if (!classify_dataset(g, "data", 0, kind, width)) *kind = RC_STREAM_SERIES;
        else if (rd_is_jpeg_encoded(g, "data")) *kind = RC_STREAM_IMAGE, *width = 0; /* channels: the frames say */
        else if (*kind == RC_STREAM_IMAGE && !rd_is_uint8_rank(g, "data", 4)) *kind = RC_STREAM_SERIES;
        ok = 1;
    }
    H5Gclose(g);
    return ok;
}

/* The quaternion attribute of loc/path, if any, into *q. */
static rc_status read_quat_attr(hid_t loc, const char *path, const rd_where *w, rc_layout_quat *q, rc_err *err)
{
    rc_status st = RC_OK;
    char v[64];
    *q = RC_LQ_NONE;
    if (H5Aexists_by_name(loc, path, "quaternion", H5P_DEFAULT) <= 0) return RC_OK;
    hid_t obj = H5Oopen(loc, path, H5P_DEFAULT);
    rc_err_scope(err, w->file, w->episode, "%s/%s", w->group, path);
    RC_FAIL_IF(obj < 0, err, RC_E_IO, "cannot open the stream to read its attribute 'quaternion'");
    st = rd_string_attr(obj, "quaternion", v, sizeof v, err);
    H5Oclose(obj);
    if (st != RC_OK) goto done;
    *q = !strcmp(v, "wxyz") ? RC_LQ_WXYZ : !strcmp(v, "xyzw") ? RC_LQ_XYZW : RC_LQ_NONE;
    RC_FAIL_IF(*q == RC_LQ_NONE, err, RC_E_INPUT, "expected attribute 'quaternion' \"wxyz\" or \"xyzw\", found \"%s\"",
               v);
done:
    return st;
}

/* The layout entry for the stream at path with its own name: by path where the layout gives one. */
static const rc_layout_stream *known(const rc_layout *layout, const char *name, const char *path)
{
    for (int32_t i = 0; layout && i < layout->n_streams; i++) {
        const rc_layout_stream *l = &layout->streams[i];
        if (l->path_given ? !strcmp(l->path, path) : !strcmp(l->name, name)) return l;
    }
    return NULL;
}

/* Adds the stream found at path (kind, width) to out, merged with the layout's entry l. */
static rc_status add(hid_t ep, const rd_where *w, const rc_layout_stream *l, const char *name, const char *path,
                     rc_stream_kind kind, int64_t width, rc_layout *out, rc_err *err)
{
    rc_status st = RC_OK;
    rc_layout_quat q;
    if (l) name = l->name;
    if (rc_layout_find(out, name)) return RC_OK; /* obs/<key> before a dataset of the same name */
    RC_TRY(read_quat_attr(ep, path, w, &q, err));
    rc_err_scope(err, w->file, w->episode, "%s/%s", w->group, path);
    RC_FAIL_IF(out->n_streams >= RC_LAYOUT_MAX_STREAMS, err, RC_E_INPUT, "expected at most %d streams in an episode",
               RC_LAYOUT_MAX_STREAMS);
    RC_FAIL_IF(l && l->kind != RC_STREAM_UNKNOWN && l->kind != kind, err, RC_E_INPUT,
               "expected stream '%s' to be %s (%s), found %s", name, kind_name(l->kind),
               out->from[0] ? "as in the first input file" : "as the layout says", kind_name(kind));
    RC_FAIL_IF(q && l && (l->quat == RC_LQ_WXYZ || l->quat == RC_LQ_XYZW) && q != l->quat, err, RC_E_INPUT,
               "attribute quaternion: expected order %s (as layout %s declares stream '%s'), found \"%s\"",
               l->quat == RC_LQ_WXYZ ? "wxyz" : "xyzw", out->name, name, q == RC_LQ_WXYZ ? "wxyz" : "xyzw");
    RC_FAIL_IF(width > RC_MAX_COLUMNS, err, RC_E_INPUT, "expected at most %d columns, found %lld", RC_MAX_COLUMNS,
               (long long)width);
    RC_FAIL_IF(q && (kind != RC_STREAM_SERIES || width != 4), err, RC_E_INPUT,
               "attribute quaternion: expected a series of 4 columns, found %s of %lld columns", kind_name(kind),
               (long long)width);
    rc_layout_stream *s = &out->streams[out->n_streams++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->path_given = 1;
    s->kind = kind;
    s->width = (int32_t)width;
    s->columns = l ? l->columns : 0;
    s->quat = q ? q : l ? l->quat : RC_LQ_NONE;
    s->is_quaternion = s->quat != RC_LQ_NONE;
    if (s->is_quaternion) s->columns = 4;
done:
    return st;
}

/* Every stream candidate in folder dir of the episode. */
static rc_status scan_dir(hid_t ep, const rc_layout *layout, const rd_where *w, const char *dir, rc_layout *out,
                          rc_err *err)
{
    rc_status st = RC_OK;
    H5G_info_t info;
    int raw = layout->format == RC_FORMAT_RAW;
    hid_t g = strcmp(dir, ".") ? (H5Lexists(ep, dir, H5P_DEFAULT) > 0 ? H5Gopen2(ep, dir, H5P_DEFAULT) : -1)
                               : H5Gopen2(ep, ".", H5P_DEFAULT);
    if (g < 0) return RC_OK; /* no such folder: no streams there */
    rc_err_scope(err, w->file, w->episode, "%s/%s", w->group, dir);
    RC_FAIL_IF(H5Gget_info(g, &info) < 0, err, RC_E_IO, "cannot list the group");
    for (hsize_t i = 0; i < info.nlinks; i++) {
        char name[64], path[128];
        rc_stream_kind kind;
        int64_t width = 0;
        ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
        if (len <= 0 || len >= (ssize_t)sizeof name) continue; /* no spec can name it */
        if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0) continue;
        int images = strlen(dir) >= 6 && !strcmp(dir + strlen(dir) - 6, "images");
        /* a link out of the file is refused here, before anything is opened through it */
        rc_err_scope(err, w->file, w->episode, "%s/%s%s%s", w->group, strcmp(dir, ".") ? dir : "",
                     strcmp(dir, ".") ? "/" : "", name);
        RC_TRY(rd_inside_path(g, name, err));
        rc_err_scope(err, w->file, w->episode, "%s/%s", w->group, dir);
        if (!(raw ? classify_group(g, name, &kind, &width) : classify_dataset(g, name, images, &kind, &width))) continue;
        if (strcmp(dir, ".")) snprintf(path, sizeof path, "%s/%s", dir, name);
        else snprintf(path, sizeof path, "%s", name);
        RC_TRY(add(ep, w, known(layout, name, path), name, path, kind, width, out, err));
    }
done:
    H5Gclose(g);
    return st;
}

rc_status rd_discover(hid_t ep, const rc_layout *layout, const rd_where *w, rc_layout *out, rc_err *err)
{
    rc_status st = RC_OK;
    const char *const *dirs = layout->format == RC_FORMAT_RAW     ? g_raw_dirs
                              : layout->format == RC_FORMAT_ALOHA ? g_aloha_dirs
                                                                  : g_demo_dirs;
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", layout->name);
    snprintf(out->from, sizeof out->from, "%s", layout->from);
    out->format = layout->format;
    out->rate_hz = layout->rate_hz;
    snprintf(out->time_from, sizeof out->time_from, "%s", layout->time_from);
    out->time_column = layout->time_column;
    for (int k = 0; dirs[k]; k++) RC_TRY(scan_dir(ep, layout, w, dirs[k], out, err));
    /* layout entries the search does not reach (another path, or another kind of object there):
     * taken as the layout says, so that reading them names what is wrong */
    for (int32_t i = 0; i < layout->n_streams; i++) {
        const rc_layout_stream *l = &layout->streams[i];
        const char *path = l->path[0] ? l->path : l->name;
        rc_stream_kind kind = l->kind == RC_STREAM_UNKNOWN ? RC_STREAM_SERIES : l->kind;
        int64_t width = 0;
        if (rc_layout_find(out, l->name) || H5Lexists(ep, path, H5P_DEFAULT) <= 0) continue;
        if (layout->format == RC_FORMAT_RAW) classify_group(ep, path, &kind, &width); /* else as the layout says */
        else classify_dataset(ep, path, 0, &kind, &width);
        RC_TRY(add(ep, w, l, l->name, path, kind, width, out, err));
    }
done:
    return st;
}

void rd_stream_list(const rc_layout *t, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int32_t i = 0; i < t->n_streams; i++) {
        size_t used = strlen(buf);
        if (used + 1 < n) snprintf(buf + used, n - used, "%s%s", i ? ", " : "", t->streams[i].name);
    }
    if (!t->n_streams) snprintf(buf, n, "none");
}
