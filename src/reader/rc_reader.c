/* rc_reader.c — opens an input file in its layout's format, lists its episodes, and reads one
 * episode's requested streams, found in the episode (reader_discover.c) and each checked.
 * robocache-raw: series data + t, image uint8 data + t, cloud points + offsets + t.  robomimic, aloha: one dataset per stream, times from the rate.
 * robosuite: one dataset per stream, times from a column of the time_from stream.  Memory is one
 * episode at a time.  Every failure is reported once, through rc_err, with file, episode and
 * HDF5 path (the CLI turns HDF5's own error printing off at its start). */
#include "config.h"
#include "reader/rc_reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "common/rc_common.h"
#include "reader/reader_int.h"

struct rc_reader {
    char file[1024];
    hid_t fid;
    int64_t n;     /* episodes */
    char **ids;    /* [n], sorted bytewise (robocache-raw) or by demo number */
    rc_layout_format format;
    double rate_hz; /* robomimic, aloha: the rate that gives the times */
};

static int cmp_id(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static rc_status list_episodes(rc_reader *r, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t g = -1;
    H5G_info_t info;
    rc_err_scope(err, r->file, NULL, "/episodes");
    RC_TRY(rd_inside_path(r->fid, "episodes", err));
    RC_FAIL_IF(H5Lexists(r->fid, "episodes", H5P_DEFAULT) <= 0, err, RC_E_INPUT,
               "expected group /episodes (layout robocache-raw), not found");
    g = H5Gopen2(r->fid, "episodes", H5P_DEFAULT);
    RC_FAIL_IF(g < 0, err, RC_E_INPUT, "expected /episodes to be a group, found another kind of object");
    RC_FAIL_IF(H5Gget_info(g, &info) < 0, err, RC_E_IO, "cannot list the episodes");
    r->ids = rc_calloc(info.nlinks ? info.nlinks : 1, sizeof *r->ids);
    RC_FAIL_IF(!r->ids, err, RC_E_NOMEM, "out of memory for %llu episode names",
               (unsigned long long)info.nlinks);
    for (hsize_t i = 0; i < info.nlinks; i++) {
        ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
        RC_FAIL_IF(len < 0, err, RC_E_IO, "cannot read the name of episode %llu", (unsigned long long)i);
        RC_FAIL_IF(len >= 256, err, RC_E_INPUT, "expected episode names under 256 bytes, found one of %zd",
                   len);
        r->ids[i] = rc_calloc((size_t)len + 1, 1);
        RC_FAIL_IF(!r->ids[i], err, RC_E_NOMEM, "out of memory for an episode name");
        r->n = (int64_t)i + 1;
        RC_FAIL_IF(H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, r->ids[i], (size_t)len + 1,
                                      H5P_DEFAULT) < 0,
                   err, RC_E_IO, "cannot read the name of episode %llu", (unsigned long long)i);
        RC_TRY(rd_utf8_name("an episode name", r->ids[i], err));
    }
    qsort(r->ids, (size_t)r->n, sizeof *r->ids, cmp_id);
done:
    if (g >= 0) H5Gclose(g);
    return st;
}

/* aloha: the one episode of the file, named after the file without folder and extension. */
static rc_status name_file_episode(rc_reader *r, rc_err *err)
{
    rc_status st = RC_OK;
    const char *base = strrchr(r->file, '/') ? strrchr(r->file, '/') + 1 : r->file;
    size_t len = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base) len = (size_t)(dot - base);
    RC_FAIL_IF(len >= 256, err, RC_E_INPUT, "expected a file name under 256 bytes (the episode id), found %zu",
               len);
    r->ids = rc_calloc(1, sizeof *r->ids);
    RC_FAIL_IF(!r->ids, err, RC_E_NOMEM, "out of memory for an episode name");
    r->ids[0] = rc_calloc(len + 1, 1);
    RC_FAIL_IF(!r->ids[0], err, RC_E_NOMEM, "out of memory for an episode name");
    memcpy(r->ids[0], base, len);
    r->n = 1;
done:
    return st;
}

rc_status rc_reader_open(const char *file, rc_reader **out, rc_err *err)
{
    return rc_reader_open_layout(file, NULL, 0, NULL, out, err);
}

rc_status rc_reader_open_layout(const char *file, const rc_layout *layout, double rate_hz,
                                const char *filter_key, rc_reader **out, rc_err *err)
{
    rc_status st = RC_OK;
    rc_reader *r = NULL;
    *out = NULL;
    rc_err_scope(err, file, NULL, NULL);
    /* No path of an input may lead into another file: with the external-link class gone, HDF5
     * cannot follow one even where rd_inside_path does not look (error ignored: already gone). */
    H5Lunregister(H5L_TYPE_EXTERNAL);
    RC_FAIL_IF(access(file, R_OK) != 0, err, RC_E_IO, "cannot read the file: %s", strerror(errno));
    RC_FAIL_IF(strlen(file) >= sizeof r->file, err, RC_E_IO, "file path longer than %zu bytes",
               sizeof r->file - 1);
    RC_TRY(rd_utf8_name("a file name", file, err));
    rc_isolate_note(file);
    RC_FAIL_IF(H5Fis_hdf5(file) <= 0, err, RC_E_INPUT, "expected an HDF5 file, found another format");
    r = rc_calloc(1, sizeof *r);
    RC_FAIL_IF(!r, err, RC_E_NOMEM, "out of memory for a reader");
    snprintf(r->file, sizeof r->file, "%s", file);
    r->format = layout ? layout->format : RC_FORMAT_RAW;
    r->rate_hz = rate_hz > 0 ? rate_hz : layout ? layout->rate_hz : 0;
    r->fid = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    /* Readable, with an HDF5 signature, yet not openable: truncated or damaged metadata.  That is
     * bad input (exit 2; on_error: skip leaves the file out), not an I/O failure. */
    RC_FAIL_IF(r->fid < 0, err, RC_E_INPUT,
               "expected a readable HDF5 file, found a damaged HDF5 file (truncated or corrupt: the "
               "HDF5 library cannot open it)");
    switch (r->format) {
    case RC_FORMAT_RAW: RC_TRY(list_episodes(r, err)); break;
    case RC_FORMAT_ROBOMIMIC: RC_TRY(rd_list_demos(r->fid, file, filter_key, &r->ids, &r->n, err)); break;
    case RC_FORMAT_ROBOSUITE: RC_TRY(rd_list_demos(r->fid, file, NULL, &r->ids, &r->n, err)); break;
    case RC_FORMAT_ALOHA: RC_TRY(name_file_episode(r, err)); break;
    }
    RC_FAIL_IF(r->format != RC_FORMAT_RAW && r->format != RC_FORMAT_ROBOSUITE && !(r->rate_hz > 0), err,
               RC_E_INTERNAL, "layout '%s' needs a rate for its times, found none", layout->name);
    *out = r;
    r = NULL;
done:
    rc_reader_close(r);
    return st;
}

int64_t rc_reader_n_episodes(const rc_reader *r)
{
    return r->n;
}

const char *rc_reader_episode_id(const rc_reader *r, int64_t i)
{
    return i >= 0 && i < r->n ? r->ids[i] : NULL;
}

/* Where a stream lives below the episode group (a layout typed in by hand may leave path empty). */
static const char *stream_path(const rc_layout_stream *ls)
{
    return ls->path[0] ? ls->path : ls->name;
}

static rc_status read_stream(hid_t ep, const rc_episode *e, const rc_layout_stream *ls, int ordered,
                             rc_stream_data *s, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t g = -1;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", e->group, stream_path(ls));
    rd_where w = {e->file, e->id, path, 0};
    const char *kind = ls->kind == RC_STREAM_CLOUD   ? "cloud: points, offsets, t"
                       : ls->kind == RC_STREAM_IMAGE ? "image: uint8 data [S, H, W, C] (or JPEG rows [S, P]), t"
                                                     : "series: data, t";
    rc_err_scope(err, e->file, e->id, "%s", path);
    RC_TRY(rd_inside_path(ep, stream_path(ls), err));
    RC_FAIL_IF(H5Lexists(ep, stream_path(ls), H5P_DEFAULT) <= 0, err, RC_E_INPUT,
               "expected stream '%s' (%s), not found", ls->name, kind);
    g = H5Gopen2(ep, stream_path(ls), H5P_DEFAULT);
    RC_FAIL_IF(g < 0, err, RC_E_INPUT, "expected stream '%s' to be a group (%s), found another kind of object",
               ls->name, kind);
    snprintf(s->name, sizeof s->name, "%s", ls->name);
    s->kind = ls->kind;
    s->D = ls->columns;
    if (ls->kind == RC_STREAM_SERIES) {
        /* One timestamp per row, compared from the declared shapes before either is read. */
        int64_t rows = rd_declared_rows(g, "data", 2), stamps = rd_declared_rows(g, "t", 1);
        rc_err_scope(err, e->file, e->id, "%s/t", path);
        RC_FAIL_IF(rows >= 0 && stamps >= 0 && rows != stamps, err, RC_E_INPUT,
                   "expected %lld timestamps (one per data row), found %lld", (long long)rows, (long long)stamps);
        RC_TRY(rd_read_matrix(g, "data", &w, ls->columns, 0, 0, &s->x, &s->S, &s->D, &s->bytes_read, err));
        RC_TRY(rd_read_names(g, "data", &w, s->D, &s->col_names, err));
        int64_t n = 0;
        RC_TRY(rd_read_times(g, &w, s->S, ordered, &s->t_ns, &n, &s->bytes_read, err));
    } else if (ls->kind == RC_STREAM_IMAGE) {
        if (rd_is_jpeg_encoded(g, "data"))
            RC_TRY(rd_read_jpeg_rows(g, "data", &w, ls->name, ls->columns, &s->u8, &s->S, &s->H, &s->W, &s->D,
                                     &s->bytes_read, err));
        else
            RC_TRY(rd_read_images(g, "data", &w, ls->columns, &s->u8, &s->S, &s->H, &s->W, &s->D, &s->bytes_read,
                                  err));
        int64_t n = 0;
        RC_TRY(rd_read_times(g, &w, s->S, ordered, &s->t_ns, &n, &s->bytes_read, err));
    } else {
        RC_TRY(rd_read_times(g, &w, -1, ordered, &s->t_ns, &s->S, &s->bytes_read, err));
        RC_TRY(rd_read_offsets(g, &w, s->S, &s->offsets, &s->bytes_read, err));
        RC_TRY(rd_read_matrix(g, "points", &w, ls->columns, 3, 1, &s->x, &s->P, &s->D, &s->bytes_read, err));
        RC_TRY(rd_read_names(g, "points", &w, s->D, &s->col_names, err));
        rc_err_scope(err, e->file, e->id, "%s/offsets", path);
        RC_FAIL_IF(s->offsets[s->S] != s->P, err, RC_E_INPUT,
                   "expected offsets to end at the number of points (offsets[%lld] = %lld), found %lld",
                   (long long)s->S, (long long)s->P, (long long)s->offsets[s->S]);
    }
    if (!s->col_names && ls->kind != RC_STREAM_IMAGE) { /* else the stream group's own `names` */
        rd_where at = {e->file, e->id, e->group, 0};
        RC_TRY(rd_read_names(ep, stream_path(ls), &at, s->D, &s->col_names, err));
    }
done:
    if (g >= 0) H5Gclose(g);
    return st;
}

/* robomimic, aloha, robosuite: the stream is the dataset <group>/<path>, [S] or [S, D]; its times
 * come from the rate, or are copied from the episode's time column (t, n_t). */
static rc_status read_dataset_stream(hid_t ep, const rc_reader *r, const rc_episode *e, const rc_layout_stream *ls,
                                     const int64_t *t, int64_t n_t, rc_stream_data *s, rc_err *err)
{
    rc_status st = RC_OK;
    const char *prefix = strcmp(e->group, "/") ? e->group : ""; /* paths below it start with '/' */
    rd_where w = {e->file, e->id, prefix, 1};
    rc_err_scope(err, e->file, e->id, "%s/%s", prefix, stream_path(ls));
    RC_FAIL_IF(ls->kind == RC_STREAM_CLOUD, err, RC_E_SPEC,
               "stream '%s': layouts other than robocache-raw hold series and images, found a cloud", ls->name);
    snprintf(s->name, sizeof s->name, "%s", ls->name);
    s->kind = ls->kind;
    if (ls->kind == RC_STREAM_IMAGE && rd_is_uint8_rank(ep, stream_path(ls), 2))
        RC_TRY(rd_read_jpeg_rows(ep, stream_path(ls), &w, ls->name, ls->columns, &s->u8, &s->S, &s->H, &s->W, &s->D,
                                 &s->bytes_read, err));
    else if (ls->kind == RC_STREAM_IMAGE)
        RC_TRY(rd_read_images(ep, stream_path(ls), &w, ls->columns, &s->u8, &s->S, &s->H, &s->W, &s->D,
                              &s->bytes_read, err));
    else
        RC_TRY(rd_read_matrix(ep, stream_path(ls), &w, ls->columns, 0, 0, &s->x, &s->S, &s->D, &s->bytes_read,
                              err));
    if (ls->kind != RC_STREAM_IMAGE) RC_TRY(rd_read_names(ep, stream_path(ls), &w, s->D, &s->col_names, err));
    if (!t) {
        RC_TRY(rd_rate_times(r->rate_hz, s->S, &s->t_ns, err));
        goto done;
    }
    rc_err_scope(err, e->file, e->id, "%s/%s", prefix, stream_path(ls));
    RC_FAIL_IF(s->S != n_t, err, RC_E_INPUT,
               "expected %lld rows (one per time step of the time column), found %lld", (long long)n_t,
               (long long)s->S);
    s->t_ns = rc_malloc((size_t)n_t * sizeof *s->t_ns);
    RC_FAIL_IF(!s->t_ns, err, RC_E_NOMEM, "out of memory for %lld timestamps", (long long)n_t);
    memcpy(s->t_ns, t, (size_t)n_t * sizeof *t);
done:
    return st;
}

/* The HDF5 group of episode i. */
static void episode_group(const rc_reader *r, int64_t i, char *buf, size_t n)
{
    if (r->format == RC_FORMAT_ALOHA) snprintf(buf, n, "/"); /* the file is the episode */
    else snprintf(buf, n, "%s/%s", r->format == RC_FORMAT_RAW ? "/episodes" : "/data", r->ids[i]);
}

static herr_t add_storage(hid_t g, const char *name, const H5L_info_t *info, void *sum)
{
    (void)info;
    hid_t o = H5Oopen(g, name, H5P_DEFAULT);
    if (o < 0) return 0;
    if (H5Iget_type(o) == H5I_DATASET) *(uint64_t *)sum += H5Dget_storage_size(o);
    H5Oclose(o);
    return 0;
}

uint64_t rc_reader_episode_stored_bytes(const rc_reader *r, int64_t i)
{
    char group[512]; /* as rc_episode.group */
    uint64_t bytes = 0;
    if (i < 0 || i >= r->n) return 0;
    episode_group(r, i, group, sizeof group);
    hid_t g = H5Gopen2(r->fid, group, H5P_DEFAULT);
    if (g >= 0) {
        H5Lvisit(g, H5_INDEX_NAME, H5_ITER_INC, add_storage, &bytes);
        H5Gclose(g);
    }
    return bytes;
}

static rc_status read_episode(rc_reader *r, int64_t i, const rc_layout *layout, const char *const *names,
                              int n_names, int ordered, rc_episode *out, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t ep = -1;
    int64_t *t = NULL, n_t = 0; /* robosuite: the episode's times */
    rc_layout *tab = NULL;      /* the streams this episode holds */
    memset(out, 0, sizeof *out);
    rc_err_scope(err, r->file, NULL, NULL);
    RC_FAIL_IF(i < 0 || i >= r->n, err, RC_E_INTERNAL, "episode index %lld outside [0, %lld)",
               (long long)i, (long long)r->n);
    snprintf(out->file, sizeof out->file, "%s", r->file);
    snprintf(out->id, sizeof out->id, "%s", r->ids[i]);
    episode_group(r, i, out->group, sizeof out->group);
    rc_err_scope(err, r->file, out->id, "%s", out->group);
    RC_FAIL_IF(r->format != layout->format, err, RC_E_INTERNAL, "reader opened for another format than layout %s",
               layout->name);
    RC_TRY(rd_inside_path(r->fid, out->group, err));
    ep = H5Gopen2(r->fid, out->group, H5P_DEFAULT);
    RC_FAIL_IF(ep < 0, err, RC_E_INPUT, "expected an episode group, found another kind of object");
    tab = rc_malloc(sizeof *tab);
    RC_FAIL_IF(!tab, err, RC_E_NOMEM, "out of memory for the stream table");
    {
        rd_where w = {out->file, out->id, strcmp(out->group, "/") ? out->group : "", 0};
        RC_TRY(rd_discover(ep, layout, &w, tab, err));
    }
    if (r->format == RC_FORMAT_ROBOSUITE) {
        const rc_layout_stream *ts = rc_layout_find(tab, layout->time_from);
        rd_where w = {out->file, out->id, out->group, 0};
        rc_err_scope(err, r->file, out->id, "%s", out->group);
        RC_FAIL_IF(!ts, err, RC_E_INPUT, "expected the time stream '%s' (layout %s), not found", layout->time_from,
                   layout->name);
        RC_TRY(rd_read_column_times(ep, stream_path(ts), &w, layout->time_column, &t, &n_t, err));
    }
    out->streams = rc_calloc(n_names > 0 ? (size_t)n_names : 1, sizeof *out->streams);
    RC_FAIL_IF(!out->streams, err, RC_E_NOMEM, "out of memory for %d streams", n_names);
    for (int k = 0; k < n_names; k++) {
        const rc_layout_stream *ls = rc_layout_find(tab, names[k]);
        if (!ls) {
            char list[2048];
            rd_stream_list(tab, list, sizeof list);
            if (r->format == RC_FORMAT_RAW) rc_err_scope(err, r->file, out->id, "%s/%s", out->group, names[k]);
            else rc_err_scope(err, r->file, out->id, "%s", out->group);
            RC_FAIL_IF(1, err, RC_E_INPUT, "expected stream '%s', not found (streams of this episode: %s)", names[k],
                       list);
        }
        out->n_streams = k + 1;
        if (r->format == RC_FORMAT_RAW) RC_TRY(read_stream(ep, out, ls, ordered, &out->streams[k], err));
        else RC_TRY(read_dataset_stream(ep, r, out, ls, t, n_t, &out->streams[k], err));
    }
done:
    rc_free(t);
    rc_free(tab);
    if (ep >= 0) H5Gclose(ep);
    if (st != RC_OK) rc_episode_free(out);
    return st;
}

rc_status rc_reader_read_episode(rc_reader *r, int64_t i, const rc_layout *layout,
                                 const char *const *names, int n_names, rc_episode *out,
                                 rc_err *err)
{
    return read_episode(r, i, layout, names, n_names, 1, out, err);
}

rc_status rc_reader_read_episode_unordered(rc_reader *r, int64_t i, const rc_layout *layout,
                                           const char *const *names, int n_names, rc_episode *out,
                                           rc_err *err)
{
    return read_episode(r, i, layout, names, n_names, 0, out, err);
}

void rc_reader_thread_quiet(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

rc_status rc_reader_discover(rc_reader *r, int64_t i, const rc_layout *layout, rc_layout *out, rc_err *err)
{
    rc_status st = RC_OK;
    char group[512];
    hid_t ep = -1;
    rc_err_scope(err, r->file, NULL, NULL);
    RC_FAIL_IF(i < 0 || i >= r->n, err, RC_E_INTERNAL, "episode index %lld outside [0, %lld)", (long long)i,
               (long long)r->n);
    if (r->format == RC_FORMAT_ALOHA) snprintf(group, sizeof group, "/");
    else snprintf(group, sizeof group, "%s/%s", r->format == RC_FORMAT_RAW ? "/episodes" : "/data", r->ids[i]);
    rc_err_scope(err, r->file, r->ids[i], "%s", group);
    ep = H5Gopen2(r->fid, group, H5P_DEFAULT);
    RC_FAIL_IF(ep < 0, err, RC_E_INPUT, "expected an episode group, found another kind of object");
    rd_where w = {r->file, r->ids[i], strcmp(group, "/") ? group : "", 0};
    RC_TRY(rd_discover(ep, layout, &w, out, err));
    snprintf(out->from, sizeof out->from, "%s", r->file);
    snprintf(out->from_episode, sizeof out->from_episode, "%s", r->ids[i]);
done:
    if (ep >= 0) H5Gclose(ep);
    return st;
}

void rc_episode_free(rc_episode *ep)
{
    if (!ep) return;
    for (int32_t k = 0; k < ep->n_streams; k++) {
        rc_free(ep->streams[k].t_ns);
        rc_free(ep->streams[k].x);
        rc_free(ep->streams[k].offsets);
        rc_free(ep->streams[k].u8);
        rc_free(ep->streams[k].col_names);
    }
    rc_free(ep->streams);
    memset(ep, 0, sizeof *ep);
}

void rc_reader_close(rc_reader *r)
{
    if (!r) return;
    if (r->fid > 0) H5Fclose(r->fid);
    for (int64_t i = 0; i < r->n; i++) rc_free(r->ids[i]);
    rc_free(r->ids);
    rc_free(r);
}

const rc_stream_data *rc_episode_stream(const rc_episode *ep, const char *name)
{
    for (int32_t k = 0; k < ep->n_streams; k++)
        if (!strcmp(ep->streams[k].name, name)) return &ep->streams[k];
    return NULL;
}
