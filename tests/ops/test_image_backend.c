/* test_image_backend.c — rc_backend_image_resize on the cpu backend: the same bytes as
 * rc_image_resize_cpu for a batch with repeated, unordered and unused frames; the checks it makes
 * before any resize (a step reading past the frames, a negative source, a crop outside the
 * frame, a geometry past the tap limit: RC_E_INTERNAL, naming what is wrong, output untouched);
 * and an empty batch. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backend/rc_backend.h"
#include "tap.h"

int main(void)
{
    rc_backend *cpu = NULL;
    rc_err err;
    char why[256];
    rc_err_clear(&err);
    if (rc_backend_open("cpu", 0, &cpu, why, sizeof why, &err) != RC_OK) TAP_BAIL("%s", err.msg);
    rc_image_geom g = {30, 41, 3, 2, 3, 25, 33, 11, 17, RC_INTERP_BILINEAR};
    int64_t S = 4, src[7] = {3, 1, 1, 0, 3, 3, 1}, T = 7, in = rc_image_in_bytes(&g), out = rc_image_out_bytes(&g);
    uint8_t *frames = malloc((size_t)(S * in)), *a = malloc((size_t)(T * out)), *b = malloc((size_t)(T * out));
    if (!frames || !a || !b) TAP_BAIL("out of memory");
    for (int64_t i = 0; i < S * in; i++) frames[i] = (uint8_t)(i * 2654435761u >> 13);
    memset(a, 0x11, (size_t)(T * out));
    memset(b, 0x22, (size_t)(T * out));
    rc_image_batch ba = {frames, S, src, T, a}, bb = {frames, S, src, T, b};
    tap_ok(rc_backend_image_resize(cpu, &g, &ba, &err) == RC_OK, "the cpu backend resizes a batch (%s)", err.msg);
    tap_ok(rc_image_resize_cpu(&g, &bb) == 0 && !memcmp(a, b, (size_t)(T * out)),
           "the same bytes as rc_image_resize_cpu");
    tap_ok(!memcmp(a + out, a + 2 * out, (size_t)out) && !memcmp(a + 4 * out, a, (size_t)out) &&
               memcmp(a, a + out, (size_t)out),
           "steps sharing a frame share bytes; steps of different frames differ");

    int64_t past[2] = {0, 4}, neg[1] = {-1}, zero[1] = {0};
    rc_image_batch bad = {frames, S, past, 2, b};
    memset(b, 0x22, (size_t)(T * out));
    rc_err_clear(&err);
    tap_ok(rc_backend_image_resize(cpu, &g, &bad, &err) == RC_E_INTERNAL && strstr(err.msg, "step 1 reads frame 4 of 4"),
           "a step past the frames is refused: %s", err.msg);
    tap_ok(b[0] == 0x22 && b[out] == 0x22, "nothing is written when a step is refused");
    bad.source = neg;
    bad.T = 1;
    rc_err_clear(&err);
    tap_ok(rc_backend_image_resize(cpu, &g, &bad, &err) == RC_E_INTERNAL && strstr(err.msg, "frame -1"),
           "a negative source is refused: %s", err.msg);
    rc_image_geom g2 = g;
    g2.crop_x = 9;
    bad.source = zero;
    rc_err_clear(&err);
    tap_ok(rc_backend_image_resize(cpu, &g2, &bad, &err) == RC_E_INTERNAL && strstr(err.msg, "not inside the 30x41"),
           "a crop outside the frame is refused: %s", err.msg);
    rc_image_geom g3 = {4000, 2, 1, 0, 0, 4000, 2, 1, 2, RC_INTERP_AREA};
    rc_err_clear(&err);
    tap_ok(rc_backend_image_resize(cpu, &g3, &bad, &err) == RC_E_INTERNAL && strstr(err.msg, "at most 2048"),
           "a resize past the tap limit is refused: %s", err.msg);
    rc_image_batch empty = {frames, S, zero, 0, b};
    rc_err_clear(&err);
    tap_ok(rc_backend_image_resize(cpu, &g, &empty, &err) == RC_OK, "an empty batch runs");
    free(frames);
    free(a);
    free(b);
    rc_backend_close(cpu);
    return tap_done();
}
