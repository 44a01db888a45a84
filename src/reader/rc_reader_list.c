/* rc_reader_list.c — the episodes of input files, listed in a reader process (rc_reader.h,
 * rc_reader_lister): for each file the child opens it and answers with the count, then per
 * episode its stored bytes, the length of its id and the id; the answer is checked byte for byte
 * before anything of it is kept. */
#include "config.h"

#include <string.h>

#include "common/rc_common.h"
#include "reader/rc_reader.h"

typedef struct list_ctx {
    const rc_layout *layout;
    double rate_hz;
    const char *filter_key;
    int with_bytes;
} list_ctx;

struct rc_reader_lister {
    list_ctx ctx;
    rc_isolate_session *ss;
};

/* In the child (req: the file's path, NUL-ended): the answer for one file. */
static rc_status list_one(const void *ctx, const void *req, size_t n_req, rc_isolate_out *out, rc_err *err)
{
    rc_status st = RC_OK;
    const list_ctx *c = ctx;
    const char *file = req;
    rc_reader *r = NULL;
    RC_FAIL_IF(n_req == 0 || file[n_req - 1] != '\0', err, RC_E_INTERNAL, "a request without its file name");
    RC_TRY(rc_reader_open_layout(file, c->layout, c->rate_hz, c->filter_key, &r, err));
    int64_t n = rc_reader_n_episodes(r);
    RC_FAIL_IF(rc_isolate_put(out, &n, sizeof n) != 0, err, RC_E_NOMEM, "out of memory");
    for (int64_t i = 0; i < n; i++) {
        const char *id = rc_reader_episode_id(r, i);
        uint64_t bytes = c->with_bytes ? rc_reader_episode_stored_bytes(r, i) : 0, len = strlen(id);
        RC_FAIL_IF(rc_isolate_put(out, &bytes, sizeof bytes) != 0 || rc_isolate_put(out, &len, sizeof len) != 0 ||
                       rc_isolate_put(out, id, len) != 0,
                   err, RC_E_NOMEM, "out of memory");
    }
done:
    rc_reader_close(r);
    return st;
}

rc_status rc_reader_lister_open(const rc_layout *layout, double rate_hz, const char *filter_key, int with_bytes,
                                rc_reader_lister **out, rc_err *err)
{
    rc_status st = RC_OK;
    rc_reader_lister *l = rc_calloc(1, sizeof *l);
    RC_FAIL_IF(!l, err, RC_E_NOMEM, "out of memory");
    l->ctx = (list_ctx){layout, rate_hz, filter_key, with_bytes};
    RC_TRY(rc_isolate_open(list_one, &l->ctx, &l->ss, err));
    *out = l;
    l = NULL;
done:
    rc_reader_lister_close(l);
    return st;
}

void rc_reader_lister_close(rc_reader_lister *l)
{
    if (!l) return;
    rc_isolate_close(l->ss);
    rc_free(l);
}

/* Takes n bytes at *at of the answer (len bytes at p) into dst; -1 past its end. */
static int take(const unsigned char *p, size_t len, size_t *at, void *dst, size_t n)
{
    if (n > len - *at) return -1;
    memcpy(dst, p + *at, n);
    *at += n;
    return 0;
}

rc_status rc_reader_list_episodes(rc_reader_lister *l, const char *file, rc_file_episodes *out, rc_err *err)
{
    rc_status st = RC_OK;
    void *res = NULL;
    size_t len = 0, at = 0;
    int64_t n = 0;
    memset(out, 0, sizeof *out);
    RC_TRY(rc_isolate_ask(l->ss, file, file, strlen(file) + 1, &res, &len, err));
    const unsigned char *p = res;
    rc_err_scope(err, file, NULL, NULL);
    /* every episode takes at least 16 bytes of the answer: n is bounded by its length */
    RC_FAIL_IF(take(p, len, &at, &n, sizeof n) != 0 || n < 0 || (uint64_t)n > (len - at) / 16, err, RC_E_INPUT,
               "the reader process's list of episodes is malformed");
    out->ids = rc_calloc(n ? (size_t)n : 1, sizeof *out->ids);
    out->bytes = rc_calloc(n ? (size_t)n : 1, sizeof *out->bytes);
    RC_FAIL_IF(!out->ids || !out->bytes, err, RC_E_NOMEM, "out of memory for %lld episode ids", (long long)n);
    for (; out->n < n; out->n++) {
        uint64_t idlen;
        RC_FAIL_IF(take(p, len, &at, &out->bytes[out->n], sizeof(uint64_t)) != 0 ||
                       take(p, len, &at, &idlen, sizeof idlen) != 0 || idlen > len - at ||
                       memchr(p + at, 0, (size_t)idlen),
                   err, RC_E_INPUT, "the reader process's list of episodes is malformed");
        out->ids[out->n] = rc_malloc((size_t)idlen + 1);
        RC_FAIL_IF(!out->ids[out->n], err, RC_E_NOMEM, "out of memory for an episode id");
        memcpy(out->ids[out->n], p + at, (size_t)idlen);
        out->ids[out->n][idlen] = '\0';
        at += (size_t)idlen;
    }
    RC_FAIL_IF(at != len, err, RC_E_INPUT, "the reader process's list of episodes is malformed");
done:
    rc_free(res);
    if (st != RC_OK) rc_file_episodes_free(out);
    return st;
}

void rc_file_episodes_free(rc_file_episodes *e)
{
    for (int64_t i = 0; e->ids && i < e->n; i++) rc_free(e->ids[i]);
    rc_free(e->ids);
    rc_free(e->bytes);
    memset(e, 0, sizeof *e);
}
