/* rc_reader.c — opens a robocache-raw input shard, lists its episodes, and reads one episode's
 * requested streams (series: data + t; cloud: points + offsets + t), each checked against the
 * layout.  Memory is one episode at a time.  HDF5's own error printing is silenced while we
 * probe: every failure is reported once, through rc_err, with file, episode and HDF5 path. */
#include "config.h"
#include "reader/rc_reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "common/rc_alloc.h"
#include "reader/reader_int.h"

struct rc_reader {
    char file[1024];
    hid_t fid;
    int64_t n;     /* episodes */
    char **ids;    /* [n], sorted bytewise */
};

/* HDF5 error printing off for the duration of a call, then restored. */
typedef struct quiet {
    H5E_auto2_t fn;
    void *data;
} quiet;

static void quiet_on(quiet *q)
{
    H5Eget_auto2(H5E_DEFAULT, &q->fn, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void quiet_off(const quiet *q)
{
    H5Eset_auto2(H5E_DEFAULT, q->fn, q->data);
}

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
    }
    qsort(r->ids, (size_t)r->n, sizeof *r->ids, cmp_id);
done:
    if (g >= 0) H5Gclose(g);
    return st;
}

rc_status rc_reader_open(const char *file, rc_reader **out, rc_err *err)
{
    rc_status st = RC_OK;
    quiet q;
    rc_reader *r = NULL;
    *out = NULL;
    quiet_on(&q);
    rc_err_scope(err, file, NULL, NULL);
    RC_FAIL_IF(access(file, R_OK) != 0, err, RC_E_IO, "cannot read the file: %s", strerror(errno));
    RC_FAIL_IF(strlen(file) >= sizeof r->file, err, RC_E_IO, "file path longer than %zu bytes",
               sizeof r->file - 1);
    RC_FAIL_IF(H5Fis_hdf5(file) <= 0, err, RC_E_INPUT, "expected an HDF5 file, found another format");
    r = rc_calloc(1, sizeof *r);
    RC_FAIL_IF(!r, err, RC_E_NOMEM, "out of memory for a reader");
    snprintf(r->file, sizeof r->file, "%s", file);
    r->fid = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    /* Readable, with an HDF5 signature, yet not openable: truncated or damaged metadata.  That is
     * bad input (exit 2; on_error: skip leaves the file out), not an I/O failure. */
    RC_FAIL_IF(r->fid < 0, err, RC_E_INPUT,
               "expected a readable HDF5 file, found a damaged HDF5 file (truncated or corrupt: the "
               "HDF5 library cannot open it)");
    RC_TRY(list_episodes(r, err));
    *out = r;
    r = NULL;
done:
    rc_reader_close(r);
    quiet_off(&q);
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

static const rc_layout_stream *layout_stream(const rc_layout *l, const char *name)
{
    for (int32_t i = 0; i < l->n_streams; i++)
        if (!strcmp(l->streams[i].name, name)) return &l->streams[i];
    return NULL;
}

static rc_status read_stream(hid_t ep, const rc_episode *e, const rc_layout_stream *ls,
                             rc_stream_data *s, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t g = -1;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", e->group, ls->name);
    rd_where w = {e->file, e->id, path};
    const char *kind = ls->kind == RC_STREAM_CLOUD ? "cloud: points, offsets, t" : "series: data, t";
    rc_err_scope(err, e->file, e->id, "%s", path);
    RC_FAIL_IF(H5Lexists(ep, ls->name, H5P_DEFAULT) <= 0, err, RC_E_INPUT,
               "expected stream '%s' (%s), not found", ls->name, kind);
    g = H5Gopen2(ep, ls->name, H5P_DEFAULT);
    RC_FAIL_IF(g < 0, err, RC_E_INPUT, "expected stream '%s' to be a group (%s), found another kind of object",
               ls->name, kind);
    snprintf(s->name, sizeof s->name, "%s", ls->name);
    s->kind = ls->kind;
    s->D = ls->columns;
    if (ls->kind == RC_STREAM_SERIES) {
        RC_TRY(rd_read_matrix(g, "data", &w, ls->columns, 0, 0, &s->x, &s->S, &s->bytes_read, err));
        int64_t n = 0;
        RC_TRY(rd_read_times(g, &w, s->S, &s->t_ns, &n, &s->bytes_read, err));
    } else {
        RC_TRY(rd_read_times(g, &w, -1, &s->t_ns, &s->S, &s->bytes_read, err));
        RC_TRY(rd_read_offsets(g, &w, s->S, &s->offsets, &s->bytes_read, err));
        RC_TRY(rd_read_matrix(g, "points", &w, ls->columns, 3, 1, &s->x, &s->P, &s->bytes_read, err));
        rc_err_scope(err, e->file, e->id, "%s/offsets", path);
        RC_FAIL_IF(s->offsets[s->S] != s->P, err, RC_E_INPUT,
                   "expected offsets to end at the number of points (offsets[%lld] = %lld), found %lld",
                   (long long)s->S, (long long)s->P, (long long)s->offsets[s->S]);
    }
done:
    if (g >= 0) H5Gclose(g);
    return st;
}

rc_status rc_reader_read_episode(rc_reader *r, int64_t i, const rc_layout *layout,
                                 const char *const *names, int n_names, rc_episode *out,
                                 rc_err *err)
{
    rc_status st = RC_OK;
    hid_t ep = -1;
    quiet q;
    memset(out, 0, sizeof *out);
    quiet_on(&q);
    rc_err_scope(err, r->file, NULL, NULL);
    RC_FAIL_IF(i < 0 || i >= r->n, err, RC_E_INTERNAL, "episode index %lld outside [0, %lld)",
               (long long)i, (long long)r->n);
    snprintf(out->file, sizeof out->file, "%s", r->file);
    snprintf(out->id, sizeof out->id, "%s", r->ids[i]);
    snprintf(out->group, sizeof out->group, "/episodes/%s", r->ids[i]);
    rc_err_scope(err, r->file, out->id, "%s", out->group);
    ep = H5Gopen2(r->fid, out->group, H5P_DEFAULT);
    RC_FAIL_IF(ep < 0, err, RC_E_INPUT, "expected an episode group, found another kind of object");
    out->streams = rc_calloc(n_names > 0 ? (size_t)n_names : 1, sizeof *out->streams);
    RC_FAIL_IF(!out->streams, err, RC_E_NOMEM, "out of memory for %d streams", n_names);
    for (int k = 0; k < n_names; k++) {
        const rc_layout_stream *ls = layout_stream(layout, names[k]);
        RC_FAIL_IF(!ls, err, RC_E_SPEC, "stream '%s' is not in layout '%s'", names[k], layout->name);
        out->n_streams = k + 1;
        RC_TRY(read_stream(ep, out, ls, &out->streams[k], err));
    }
done:
    if (ep >= 0) H5Gclose(ep);
    if (st != RC_OK) rc_episode_free(out);
    quiet_off(&q);
    return st;
}

void rc_episode_free(rc_episode *ep)
{
    if (!ep) return;
    for (int32_t k = 0; k < ep->n_streams; k++) {
        rc_free(ep->streams[k].t_ns);
        rc_free(ep->streams[k].x);
        rc_free(ep->streams[k].offsets);
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
