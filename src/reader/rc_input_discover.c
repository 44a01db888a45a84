/* rc_input_discover.c — the spec loader's look at the input (rc_reader.h, rc_input_discover):
 * the streams of the first episode of the first input file that opens, through the reader's
 * public calls in a reader process (rc_common.h, rc_isolate), so that validate and run check stream names,
 * kinds and widths against a file.  Apart from reader_discover.c, which the reader itself calls, so that no two files of the
 * reader call each other. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "reader/rc_reader.h"
#include "spec/rc_spec.h"

/* What the child that looks in the files needs. */
typedef struct discover_ctx {
    const rc_spec *spec;
    const rc_layout *table;
} discover_ctx;

/* In the child (rc_isolate_ask; req: the file's path, NUL-ended): the streams of the file's first
 * episode, as an rc_layout; an empty answer when the file holds no episode. */
static rc_status discover_one(const void *ctx, const void *req, size_t n, rc_isolate_out *out, rc_err *err)
{
    rc_status st = RC_OK;
    const discover_ctx *c = ctx;
    const char *file = req;
    rc_reader *r = NULL;
    rc_layout *t = NULL;
    RC_FAIL_IF(n == 0 || file[n - 1] != '\0', err, RC_E_INTERNAL, "a request without its file name");
    RC_TRY(rc_reader_open_layout(file, c->table, c->spec->layout_rate_hz, c->spec->filter_key, &r, err));
    if (rc_reader_n_episodes(r) > 0) {
        t = rc_calloc(1, sizeof *t); /* padding included: every byte sent is defined */
        RC_FAIL_IF(!t, err, RC_E_NOMEM, "out of memory");
        RC_TRY(rc_reader_discover(r, 0, c->table, t, err));
        RC_FAIL_IF(rc_isolate_put(out, t, sizeof *t) != 0, err, RC_E_NOMEM, "out of memory");
    }
done:
    rc_free(t);
    rc_reader_close(r);
    return st;
}

/* 1 when every string of a layout that came from a child ends inside its field and its counts
 * are in range. */
static int layout_sound(const rc_layout *t)
{
    if (t->n_streams < 0 || t->n_streams > RC_LAYOUT_MAX_STREAMS) return 0;
    if (!memchr(t->name, 0, sizeof t->name) || !memchr(t->time_from, 0, sizeof t->time_from) ||
        !memchr(t->from, 0, sizeof t->from) || !memchr(t->from_episode, 0, sizeof t->from_episode))
        return 0;
    for (int k = 0; k < t->n_streams; k++)
        if (!memchr(t->streams[k].name, 0, sizeof t->streams[k].name) ||
            !memchr(t->streams[k].path, 0, sizeof t->streams[k].path))
            return 0;
    return 1;
}

int rc_input_discover(const rc_spec *spec, rc_layout *table, char *why, size_t n)
{
    char **files = NULL;
    size_t n_files = 0;
    int found = 0;
    rc_err e;
    rc_err_clear(&e);
    if (rc_input_list(spec->input_dir, spec->input_pattern, &files, &n_files, &e) != RC_OK) {
        snprintf(why, n, "%s", e.msg);
        return 0;
    }
    why[0] = '\0';
    /* the first file that opens and holds an episode, looked at in a reader process (a crash of
     * the HDF5 library there leaves the file out); a damaged one is the run's to report */
    discover_ctx c = {spec, table};
    rc_isolate_session *ss = NULL;
    size_t n_look = n_files;
    if (rc_isolate_open(discover_one, &c, &ss, &e) != RC_OK) {
        snprintf(why, n, "%s", e.msg);
        n_look = 0;
    }
    for (size_t f = 0; f < n_look && !found; f++) {
        void *res = NULL;
        size_t len = 0;
        rc_err_clear(&e);
        if (rc_isolate_ask(ss, files[f], files[f], strlen(files[f]) + 1, &res, &len, &e) == RC_OK &&
            len == sizeof(rc_layout) && layout_sound(res)) {
            memcpy(table, res, sizeof *table);
            found = 1;
        }
        rc_free(res);
        if (!found && !why[0]) snprintf(why, n, "%s: %s", files[f], e.msg[0] ? e.msg : "no episodes");
    }
    rc_isolate_close(ss);
    rc_input_list_free(files, n_files);
    return found;
}

int rc_input_discover_run(const rc_spec *spec, rc_layout *table, char *why, size_t n)
{
    return rc_input_discover(spec, table, why, n) ? 2 : 0;
}
