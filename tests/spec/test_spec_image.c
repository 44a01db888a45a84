/* test_spec_image.c — the image stage of the spec: what rc_spec_load_input puts in struct
 * rc_spec_stage for tests/spec/valid/image.yaml (values as written, schema defaults, the
 * stream's channels from the layout), and that rc_spec_load, which run and scan use, loads the
 * same spec (image stages are converted). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "spec/rc_spec.h"
#include "tap.h"

static int g_logged;

static void sink(int level, const char *line)
{
    (void)line;
    if (level == RC_LOG_ERROR) g_logged++;
}

int main(void)
{
    const char *src = getenv("RC_SRCDIR");
    char schemas[1024], path[1024];
    int n_errors = -1;
    rc_spec *s = NULL;
    rc_err err;
    if (!src) TAP_BAIL("RC_SRCDIR is not set");
    snprintf(schemas, sizeof schemas, "%s/schemas", src);
    snprintf(path, sizeof path, "%s/tests/spec/valid/image.yaml", src);
    rc_log_configure(RC_LOG_ERROR, sink);

    rc_err_clear(&err);
    if (rc_spec_load_input(path, schemas, NULL, NULL, &s, &n_errors, &err) != RC_OK) TAP_BAIL("image.yaml: %s", err.msg);
    tap_ok(n_errors == 0 && s->n_stages == 4, "image.yaml loads with its 4 stages");
    const rc_spec_stage *a = &s->stages[1], *b = &s->stages[2], *c = &s->stages[3];
    tap_ok(a->kind == RC_STAGE_IMAGE && !strcmp(a->name, "cam_high_224") && a->n_streams == 1 &&
               !strcmp(a->streams[0].name, "cam_high"),
           "stage 1: an image stage of cam_high named cam_high_224");
    tap_ok(a->streams[0].method == RC_METHOD_PREVIOUS && a->max_gap_ms == 50.0, "stage 1: method previous, max_gap 50 ms");
    tap_ok(a->has_crop && a->crop[0] == 0 && a->crop[1] == 80 && a->crop[2] == 480 && a->crop[3] == 480,
           "stage 1: crop [0, 80, 480, 480]");
    tap_ok(a->has_resize && a->resize[0] == 224 && a->resize[1] == 224 && a->interp == RC_INTERP_BILINEAR,
           "stage 1: resize [224, 224], bilinear");
    tap_ok(a->encoding == RC_IMAGE_RAW && a->image_channels == 0, "stage 1: raw; channels unknown with no input at hand (the file says)");
    tap_ok(b->kind == RC_STAGE_IMAGE && b->streams[0].method == RC_METHOD_NEAREST && b->max_gap_ms == 0.0 &&
               !b->has_crop && !b->has_resize && b->interp == RC_INTERP_AREA && b->encoding == RC_IMAGE_RAW &&
               b->quality == 90,
           "stage 2: the defaults (nearest, no gap check, no crop, no resize, area, raw, quality 90)");
    tap_ok(c->has_resize && c->resize[0] == 96 && c->resize[1] == 96 && c->encoding == RC_IMAGE_JPEG && c->quality == 85,
           "stage 3: resize [96, 96], jpeg at quality 85");
    rc_spec_free(s);
    s = NULL;

    g_logged = 0;
    rc_err_clear(&err);
    rc_status st = rc_spec_load(path, schemas, &s, &n_errors, &err);
    tap_ok(st == RC_OK && s && n_errors == 0 && g_logged == 0, "rc_spec_load (run, scan) accepts image stages (%d errors)",
           n_errors);
    tap_ok(s && s->stages[1].image && s->stages[3].image && !s->stages[0].image,
           "image stages take the image path of the plan (image set), the other stage does not");
    rc_spec_free(s);
    return tap_done();
}
