/* test_episode_wire.c — the episode image a reader process hands over in shared memory: a
 * series, a cloud and an image stream (with column names) survive put and take bit for bit;
 * a short, padded or relabelled image, sizes that do not fit the shape, decreasing timestamps,
 * offsets outside the points and an unterminated id are refused; and with any one byte of the
 * header and the first stream record overwritten, take either refuses the image or gives
 * arrays that lie inside it. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common/rc_common.h"
#include "pipeline/rc_episode_wire_int.h"
#include "tap.h"

static int64_t t0[5] = {0, 10, 20, 30, 40}, t1[3] = {5, 15, 25}, t2[2] = {1, 2}, offs[4] = {0, 2, 2, 5};
static float xs[5 * 2] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, pts[5 * 3];
static uint8_t px[2 * 2 * 3 * 1] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
static char *names[2] = {"a", "bc"};

static void make(rc_episode *ep, rc_stream_data *sd)
{
    memset(ep, 0, sizeof *ep);
    memset(sd, 0, 3 * sizeof *sd);
    strcpy(ep->file, "in/raw-00000.h5");
    strcpy(ep->id, "ep-000001");
    strcpy(ep->group, "/episodes/ep-000001");
    strcpy(sd[0].name, "joint_pos");
    sd[0].kind = RC_STREAM_SERIES, sd[0].S = 5, sd[0].D = 2, sd[0].t_ns = t0, sd[0].x = xs, sd[0].col_names = names;
    sd[0].bytes_read = 120;
    strcpy(sd[1].name, "lidar");
    sd[1].kind = RC_STREAM_CLOUD, sd[1].S = 3, sd[1].D = 3, sd[1].P = 5, sd[1].t_ns = t1, sd[1].x = pts;
    sd[1].offsets = offs;
    strcpy(sd[2].name, "cam");
    sd[2].kind = RC_STREAM_IMAGE, sd[2].S = 2, sd[2].D = 1, sd[2].H = 2, sd[2].W = 3, sd[2].t_ns = t2, sd[2].u8 = px;
    ep->n_streams = 3;
    ep->streams = sd;
}

/* Frees what take made (the arrays are the image's). */
static void drop(rc_episode *ep)
{
    for (int k = 0; k < ep->n_streams; k++)
        ep->streams[k].t_ns = NULL, ep->streams[k].x = NULL, ep->streams[k].offsets = NULL, ep->streams[k].u8 = NULL;
    rc_episode_free(ep);
}

static int inside(const void *p, size_t n, const uint8_t *buf, size_t len)
{
    return !p || ((const uint8_t *)p >= buf && (const uint8_t *)p + n <= buf + len);
}

/* Takes a copy of img with byte `at` set to v (at < 0: unchanged, length len); 1 when refused. */
static int refused(const uint8_t *img, size_t len, long at, uint8_t v, int *outside)
{
    uint8_t *b = rc_malloc(len);
    memcpy(b, img, len);
    if (at >= 0) b[at] = v;
    rc_episode ep;
    rc_err err;
    rc_err_clear(&err);
    rc_status st = rc_wire_take(b, len, &ep, &err);
    for (int k = 0; st == RC_OK && k < ep.n_streams; k++) {
        const rc_stream_data *sd = &ep.streams[k];
        uint64_t rows = sd->kind == RC_STREAM_CLOUD ? (uint64_t)sd->P : (uint64_t)sd->S;
        if (!inside(sd->t_ns, (size_t)sd->S * 8, b, len) || !inside(sd->x, rows * (size_t)sd->D * 4, b, len) ||
            !inside(sd->offsets, ((size_t)sd->S + 1) * 8, b, len) ||
            !inside(sd->u8, (size_t)sd->S * (size_t)sd->H * (size_t)sd->W * (size_t)sd->D, b, len))
            (*outside)++;
    }
    if (st == RC_OK) drop(&ep);
    rc_free(b);
    return st != RC_OK;
}

int main(void)
{
    rc_episode ep;
    rc_stream_data sd[3];
    for (int i = 0; i < 15; i++) pts[i] = (float)i / 4;
    make(&ep, sd);
    size_t len = rc_wire_size(&ep);
    uint8_t *img = rc_malloc(len);
    rc_wire_put(&ep, img);
    rc_episode got;
    rc_err err;
    rc_err_clear(&err);
    tap_ok(rc_wire_take(img, len, &got, &err) == RC_OK, "an image of three streams is taken back (%s)", err.msg);
    int same = got.n_streams == 3 && !strcmp(got.file, ep.file) && !strcmp(got.id, ep.id) && !strcmp(got.group, ep.group);
    for (int k = 0; same && k < 3; k++) {
        const rc_stream_data *a = &sd[k], *b = &got.streams[k];
        same = !strcmp(a->name, b->name) && a->kind == b->kind && a->S == b->S && a->D == b->D && a->P == b->P &&
               a->H == b->H && a->W == b->W && a->bytes_read == b->bytes_read &&
               !memcmp(a->t_ns, b->t_ns, (size_t)a->S * 8);
    }
    same = same && !memcmp(got.streams[0].x, xs, sizeof xs) && !memcmp(got.streams[1].x, pts, sizeof pts) &&
           !memcmp(got.streams[1].offsets, offs, sizeof offs) && !memcmp(got.streams[2].u8, px, sizeof px) &&
           got.streams[0].col_names && !strcmp(got.streams[0].col_names[0], "a") &&
           !strcmp(got.streams[0].col_names[1], "bc") && !got.streams[1].col_names;
    tap_ok(same, "every field, array and column name is the same");
    tap_ok((uint8_t *)got.streams[0].t_ns >= img && (uint8_t *)got.streams[0].t_ns < img + len,
           "the arrays stay in the image (no copy)");
    drop(&got);

    int outside = 0;
    tap_ok(refused(img, len - 64, -1, 0, &outside), "a short image is refused");
    tap_ok(refused(img, len, 0, 'X', &outside), "a wrong magic is refused");
    uint8_t *big = rc_calloc(1, len + 64);
    memcpy(big, img, len);
    tap_ok(refused(big, len + 64, -1, 0, &outside), "an image with bytes past its streams is refused");
    rc_free(big);

    t0[3] = 5; /* decreasing */
    make(&ep, sd);
    rc_wire_put(&ep, img);
    tap_ok(refused(img, len, -1, 0, &outside), "decreasing timestamps are refused");
    t0[3] = 30;
    offs[2] = 6; /* past the 5 points, then down to 5 */
    make(&ep, sd);
    rc_wire_put(&ep, img);
    tap_ok(refused(img, len, -1, 0, &outside), "cloud offsets that decrease are refused");
    offs[2] = 2;
    make(&ep, sd);
    memset(ep.id, 'A', sizeof ep.id);
    rc_wire_put(&ep, img);
    tap_ok(refused(img, len, -1, 0, &outside), "an id without its terminating NUL is refused");

    make(&ep, sd);
    rc_wire_put(&ep, img);
    tap_ok(!refused(img, len, -1, 0, &outside), "the repaired image is taken again");
    /* any byte of the header and the first stream record, overwritten: refused or inside */
    int n_refused = 0, n_tried = 0;
    for (long at = 0; at < 2048 && (size_t)at < len; at++)
        for (int v = 0; v < 3; v++, n_tried++) n_refused += refused(img, len, at, (uint8_t[]){0xff, 0x7f, 0x01}[v], &outside);
    tap_ok(outside == 0, "%d of %d one-byte changes refused, and no accepted one points outside the image", n_refused,
           n_tried);
    tap_ok(n_refused > 100, "changes to sizes and counts are refused (%d)", n_refused);
    rc_free(img);
    return tap_done();
}
