/* test_layout.c — rc_layout_load: schemas/layouts/robocache-raw.yaml holds exactly the streams
 * of the layout contract (written out here by hand), unknown layouts name the supported ones,
 * and each kind of broken layout file is rejected at its line with what was expected. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/rc_layout.h"
#include "layout_fixture.h"
#include "tap.h"

static const struct {
    const char *name;
    rc_stream_kind kind;
    int columns, quaternion;
} g_contract[] = {
    {"joint_pos", RC_STREAM_SERIES, 7, 0}, {"joint_vel", RC_STREAM_SERIES, 7, 0},
    {"imu", RC_STREAM_SERIES, 6, 0},       {"base_quat", RC_STREAM_SERIES, 4, 1},
    {"gripper", RC_STREAM_SERIES, 1, 0},   {"camera_features", RC_STREAM_SERIES, 32, 0},
    {"action", RC_STREAM_SERIES, 7, 0},    {"lidar", RC_STREAM_CLOUD, 4, 0},
};

int main(void)
{
    const char *src = getenv("RC_SRCDIR");
    char schemas[1024];
    rc_layout l;
    rc_err err;
    if (!src) TAP_BAIL("RC_SRCDIR is not set");
    snprintf(schemas, sizeof schemas, "%s/schemas", src);

    rc_err_clear(&err);
    rc_status st = rc_layout_load(schemas, "robocache-raw", &l, &err);
    if (!tap_ok(st == RC_OK, "robocache-raw loads (%s)", err.msg)) return tap_done();
    int n = (int)(sizeof g_contract / sizeof g_contract[0]);
    tap_ok(l.n_streams == n && !strcmp(l.name, "robocache-raw") && l.rate_hz == 0,
           "robocache-raw: %d streams, timestamps stored (got %d)", n, l.n_streams);
    for (int i = 0; i < n; i++) {
        const rc_layout_stream *s = rc_layout_find(&l, g_contract[i].name);
        tap_ok(s && s->kind == g_contract[i].kind && s->columns == g_contract[i].columns &&
                   s->is_quaternion == g_contract[i].quaternion,
               "stream %s: kind %d, %d columns, quaternion %d", g_contract[i].name, (int)g_contract[i].kind,
               g_contract[i].columns, g_contract[i].quaternion);
    }
    tap_ok(rc_layout_find(&l, "lidarr") == NULL && rc_layout_find(&l, "") == NULL, "unknown streams are not found");

    rc_err_clear(&err);
    st = rc_layout_load(schemas, "lerobot", &l, &err);
    tap_ok(st == RC_E_SPEC && !strcmp(err.msg, "layout 'lerobot' is not supported in this version (supported: aloha, "
                                               "robocache-raw, robomimic, robosuite)"),
           "unknown layout: %s", err.msg);
    st = rc_layout_load(schemas, "../layouts/robocache-raw", &l, &err);
    tap_ok(st == RC_E_SPEC, "a layout name with '/' is refused");

    layout_dir_make("layout");
    tap_ok(load_text("tiny", "name: tiny\nrate_hz: 50\nstreams:\n  qpos: {kind: series, columns: 14}\n", &l, &err) ==
                   RC_OK && l.rate_hz == 50 && l.n_streams == 1 && l.streams[0].columns == 14,
           "a layout with a rate and one stream loads");
    rejects("l1", "name: other\nstreams:\n  a: {kind: series, columns: 1}\n", 1, "expected name 'l1' (the file name), found other");
    rejects("l2", "name: l2\nstreams:\n  a: {kind: video, columns: 1}\n", 3, "expected kind series, cloud or image, found video");
    rejects("l3", "name: l2\n", 1, "expected name 'l3'");
    rejects("l4", "name: l4\n", 1, "expected a non-empty map 'streams'");
    rejects("l5", "name: l5\nstreams:\n  a: {kind: series}\n", 3, "missing required key 'columns'");
    rejects("l6", "name: l6\nstreams:\n  pc: {kind: cloud, columns: 2}\n", 3, "a cloud needs at least 3 columns");
    rejects("l7", "name: l7\nstreams:\n  q: {kind: series, columns: 3, quaternion: true}\n", 3,
            "a quaternion is a series of 4 columns, found 3");
    rejects("l8", "name: l8\nstreams:\n  a: {kind: series, columns: 0}\n", 3, "expected columns from 1 to 1000000 or any, found 0");
    rejects("l9", "name: l9\nstreams:\n  a: {kind: series, columns: 1, dtype: f4}\n", 3,
            "unknown key 'dtype' (expected one of: kind, columns, quaternion, path)");
    rejects("l10", "name: l10\nstreams:\n  a: {kind: series, columns: 1}\n  a: {kind: series, columns: 2}\n", 4,
            "duplicate stream 'a'");
    rejects("l11", "name: l11\nversion: 2\nstreams:\n  a: {kind: series, columns: 1}\n", 2, "unknown key 'version'");
    rejects("l12", "name: l12\nstreams: {a: {kind: series, columns: 1}\n", 3, "invalid YAML");
    rejects("l13", "name: l13\nrate_hz: -1\nstreams:\n  a: {kind: series, columns: 1}\n", 2, "expected rate_hz a number > 0, found -1");
    rejects("l14", "- a\n", 1, "expected a map {name, rate_hz, streams}");
    layout_dir_remove();
    return tap_done();
}
