/* rc_episode_wire.c — a read episode as a flat image in shared memory, written by a reader
 * process and checked field by field by the run's process (rc_episode_wire_int.h). */
#include "config.h"
#include "pipeline/rc_episode_wire_int.h"

#include <stdint.h>
#include <string.h>

#include "common/rc_common.h"

static const char wire_magic[8] = {'R', 'C', 'W', 'I', 'R', 'E', '0', '1'};

typedef struct wire_head {
    char magic[8];
    uint64_t total;
    uint32_t n_streams, pad;
    char file[1024], id[256], group[512];
} wire_head;

/* The arrays of a stream, in image order. */
enum { W_T, W_X, W_OFF, W_U8, W_NAMES, W_N };

typedef struct wire_stream {
    char name[64];
    int32_t kind, D;
    int64_t S, P;
    int32_t H, W;
    uint64_t bytes_read;
    uint64_t n[W_N]; /* bytes of each array, 0 when absent */
} wire_stream;

static uint64_t pad64(uint64_t n) { return (n + 63) / 64 * 64; }

/* The arrays' byte counts of a stream as the reader made it. */
static void stream_counts(const rc_stream_data *sd, uint64_t n[W_N])
{
    memset(n, 0, W_N * sizeof *n);
    n[W_T] = sd->t_ns ? (uint64_t)sd->S * 8 : 0;
    uint64_t rows = sd->kind == RC_STREAM_CLOUD ? (uint64_t)sd->P : (uint64_t)sd->S;
    n[W_X] = sd->x ? rows * (uint64_t)sd->D * 4 : 0;
    n[W_OFF] = sd->offsets ? ((uint64_t)sd->S + 1) * 8 : 0;
    n[W_U8] = sd->u8 ? (uint64_t)sd->S * (uint64_t)sd->H * (uint64_t)sd->W * (uint64_t)sd->D : 0;
    for (int32_t c = 0; sd->col_names && c < sd->D; c++) n[W_NAMES] += strlen(sd->col_names[c]) + 1;
}

size_t rc_wire_size(const rc_episode *ep)
{
    uint64_t total = pad64(sizeof(wire_head));
    for (int32_t k = 0; k < ep->n_streams; k++) {
        uint64_t n[W_N];
        stream_counts(&ep->streams[k], n);
        total += pad64(sizeof(wire_stream));
        for (int a = 0; a < W_N; a++) total += pad64(n[a]);
    }
    return total > SIZE_MAX / 2 ? 0 : (size_t)total;
}

void rc_wire_put(const rc_episode *ep, void *buf)
{
    uint8_t *base = buf;
    wire_head h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, wire_magic, sizeof h.magic);
    h.total = rc_wire_size(ep);
    h.n_streams = (uint32_t)ep->n_streams;
    memcpy(h.file, ep->file, sizeof h.file);
    memcpy(h.id, ep->id, sizeof h.id);
    memcpy(h.group, ep->group, sizeof h.group);
    memcpy(base, &h, sizeof h);
    uint8_t *at = base + pad64(sizeof h);
    for (int32_t k = 0; k < ep->n_streams; k++) {
        const rc_stream_data *sd = &ep->streams[k];
        wire_stream w;
        memset(&w, 0, sizeof w);
        memcpy(w.name, sd->name, sizeof w.name);
        w.kind = (int32_t)sd->kind;
        w.D = sd->D;
        w.S = sd->S;
        w.P = sd->P;
        w.H = sd->H;
        w.W = sd->W;
        w.bytes_read = sd->bytes_read;
        stream_counts(sd, w.n);
        memcpy(at, &w, sizeof w);
        at += pad64(sizeof w);
        const void *src[W_N] = {sd->t_ns, sd->x, sd->offsets, sd->u8, NULL};
        for (int a = 0; a < W_NAMES; a++) {
            if (w.n[a]) memcpy(at, src[a], w.n[a]);
            at += pad64(w.n[a]);
        }
        for (int32_t c = 0; sd->col_names && c < sd->D; c++) {
            size_t len = strlen(sd->col_names[c]) + 1;
            memcpy(at, sd->col_names[c], len);
            at += len;
        }
        at = base + pad64((uint64_t)(at - base));
    }
}

/* The arrays' byte counts must be those of the stream's kind and shape (products that overflow
 * become UINT64_MAX, which no count equals). */
static rc_status check_counts(const wire_stream *w, rc_err *err)
{
    rc_status st = RC_OK;
    uint64_t S = (uint64_t)w->S, D = (uint64_t)w->D, P = (uint64_t)w->P;
    RC_FAIL_IF(w->S < 0 || w->D < 0 || w->P < 0 || w->H < 0 || w->W < 0, err, RC_E_INPUT,
               "stream '%s': negative shape in the reader process's episode image", w->name);
    uint64_t want_t = rc_budget_mul(S, 8), want_x = 0, want_off = 0, want_u8 = 0;
    if (w->kind == RC_STREAM_SERIES) {
        want_x = rc_budget_mul(rc_budget_mul(S, D), 4);
    } else if (w->kind == RC_STREAM_CLOUD) {
        want_x = rc_budget_mul(rc_budget_mul(P, D), 4);
        want_off = rc_budget_mul(S + 1, 8);
    } else if (w->kind == RC_STREAM_IMAGE) {
        want_u8 = rc_budget_mul(rc_budget_mul(rc_budget_mul(S, (uint64_t)w->H), (uint64_t)w->W), D);
    } else {
        RC_FAIL_IF(1, err, RC_E_INPUT, "stream '%s': unknown kind %d in the reader process's episode image",
                   w->name, (int)w->kind);
    }
    RC_FAIL_IF(w->n[W_T] != want_t || w->n[W_X] != want_x || w->n[W_OFF] != want_off || w->n[W_U8] != want_u8,
               err, RC_E_INPUT, "stream '%s': array sizes in the reader process's episode image do not fit its shape",
               w->name);
done:
    return st;
}

/* Timestamps strictly increasing; cloud offsets from 0 to P, non-decreasing. */
static rc_status check_values(const rc_stream_data *sd, rc_err *err)
{
    rc_status st = RC_OK;
    for (int64_t i = 1; i < sd->S; i++)
        RC_FAIL_IF(sd->t_ns[i] <= sd->t_ns[i - 1], err, RC_E_INPUT,
                   "stream '%s': timestamps not increasing in the reader process's episode image", sd->name);
    if (sd->offsets) {
        RC_FAIL_IF(sd->offsets[0] != 0 || sd->offsets[sd->S] != sd->P, err, RC_E_INPUT,
                   "stream '%s': cloud offsets do not span the points in the reader process's episode image",
                   sd->name);
        for (int64_t i = 1; i <= sd->S; i++)
            RC_FAIL_IF(sd->offsets[i] < sd->offsets[i - 1], err, RC_E_INPUT,
                       "stream '%s': cloud offsets decrease in the reader process's episode image", sd->name);
    }
done:
    return st;
}

/* The D column names packed at p (n bytes) as one block that rc_episode_free frees. */
static rc_status take_names(const char *p, uint64_t n, rc_stream_data *sd, rc_err *err)
{
    rc_status st = RC_OK;
    uint64_t strings = 0;
    for (uint64_t i = 0; i < n; i++) strings += p[i] == 0;
    RC_FAIL_IF(strings != (uint64_t)sd->D || (n && p[n - 1] != 0), err, RC_E_INPUT,
               "stream '%s': column names in the reader process's episode image are not %d strings", sd->name,
               (int)sd->D);
    char **names = rc_malloc((size_t)sd->D * sizeof *names + (size_t)n);
    RC_FAIL_IF(!names, err, RC_E_NOMEM, "out of memory");
    char *text = (char *)(names + sd->D);
    memcpy(text, p, (size_t)n);
    for (int32_t c = 0; c < sd->D; c++) {
        names[c] = text;
        text += strlen(text) + 1;
    }
    sd->col_names = names;
done:
    return st;
}

/* A fixed-size string field must end inside itself. */
#define FIELD_ENDS(f) (memchr((f), 0, sizeof(f)) != NULL)

rc_status rc_wire_take(void *buf, size_t len, rc_episode *ep, rc_err *err)
{
    rc_status st = RC_OK;
    uint8_t *base = buf;
    memset(ep, 0, sizeof *ep);
    wire_head h;
    memset(&h, 0, sizeof h);
    RC_FAIL_IF(len < sizeof h, err, RC_E_INPUT, "the reader process's episode image is %zu bytes, too short", len);
    memcpy(&h, base, sizeof h);
    RC_FAIL_IF(memcmp(h.magic, wire_magic, sizeof h.magic) || h.total != len, err, RC_E_INPUT,
               "the reader process's episode image has a wrong header (%zu bytes)", len);
    RC_FAIL_IF(!FIELD_ENDS(h.file) || !FIELD_ENDS(h.id) || !FIELD_ENDS(h.group), err, RC_E_INPUT,
               "the reader process's episode image has an unterminated name");
    RC_FAIL_IF(h.n_streams > RC_LAYOUT_MAX_STREAMS, err, RC_E_INPUT,
               "the reader process's episode image lists %u streams (at most %d)", h.n_streams,
               RC_LAYOUT_MAX_STREAMS);
    memcpy(ep->file, h.file, sizeof ep->file);
    memcpy(ep->id, h.id, sizeof ep->id);
    memcpy(ep->group, h.group, sizeof ep->group);
    ep->streams = rc_calloc(h.n_streams ? h.n_streams : 1, sizeof *ep->streams);
    RC_FAIL_IF(!ep->streams, err, RC_E_NOMEM, "out of memory");
    uint64_t at = pad64(sizeof h);
    for (uint32_t k = 0; k < h.n_streams; k++, ep->n_streams++) {
        wire_stream w;
        RC_FAIL_IF(at > len || len - at < sizeof w, err, RC_E_INPUT,
                   "the reader process's episode image ends inside stream %u", k);
        memcpy(&w, base + at, sizeof w);
        w.name[sizeof w.name - 1] = 0;
        at += pad64(sizeof w);
        RC_TRY(check_counts(&w, err));
        rc_stream_data *sd = &ep->streams[k];
        memcpy(sd->name, w.name, sizeof sd->name);
        sd->kind = (rc_stream_kind)w.kind;
        sd->S = w.S;
        sd->D = w.D;
        sd->P = w.P;
        sd->H = w.H;
        sd->W = w.W;
        sd->bytes_read = w.bytes_read;
        void *arr[W_N] = {0};
        for (int a = 0; a < W_N; a++) {
            RC_FAIL_IF(at > len || w.n[a] > len - at, err, RC_E_INPUT,
                       "stream '%s': an array runs past the end of the reader process's episode image", w.name);
            if (w.n[a]) arr[a] = base + at;
            at += a == W_NAMES ? w.n[a] : pad64(w.n[a]);
        }
        at = pad64(at);
        sd->t_ns = arr[W_T];
        sd->x = arr[W_X];
        sd->offsets = arr[W_OFF];
        sd->u8 = arr[W_U8];
        RC_FAIL_IF(!sd->t_ns && sd->S > 0, err, RC_E_INPUT, "stream '%s': no timestamps in the episode image",
                   w.name);
        if (arr[W_NAMES]) RC_TRY(take_names(arr[W_NAMES], w.n[W_NAMES], sd, err));
        RC_TRY(check_values(sd, err));
    }
    RC_FAIL_IF(at != len, err, RC_E_INPUT, "the reader process's episode image has %zu bytes, its streams %llu",
               len, (unsigned long long)at);
done:
    if (st != RC_OK && ep->streams) { /* the arrays are the image's: only the table and names go */
        int32_t n = ep->n_streams < (int32_t)h.n_streams ? ep->n_streams + 1 : ep->n_streams;
        for (int32_t k = 0; k < n; k++) {
            ep->streams[k].t_ns = NULL;
            ep->streams[k].x = NULL;
            ep->streams[k].offsets = NULL;
            ep->streams[k].u8 = NULL;
        }
        ep->n_streams = n;
    }
    if (st != RC_OK) rc_episode_free(ep);
    return st;
}
