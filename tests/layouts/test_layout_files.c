/* test_layout_files.c — the robomimic, aloha, robosuite and robocache-raw layout files load with
 * the format, rate and time source written out here by hand from the published formats
 * (docs/LAYOUTS.md), and list only what the input file cannot say (the quaternion order of
 * robosuite's eef_quat keys); and each broken use of the layout keys (format, rate_hz,
 * time_from, time_column, path, columns, quaternion order) is rejected at its line with what
 * was expected. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/rc_spec.h"
#include "layout_fixture.h"
#include "tap.h"

int main(void)
{
    const char *src = getenv("RC_SRCDIR");
    char schemas[1024];
    rc_layout l;
    rc_err err;
    if (!src) TAP_BAIL("RC_SRCDIR is not set");
    snprintf(schemas, sizeof schemas, "%s/schemas", src);

    rc_err_clear(&err);
    if (!tap_ok(rc_layout_load(schemas, "robomimic", &l, &err) == RC_OK, "robomimic loads (%s)", err.msg))
        return tap_done();
    tap_ok(l.format == RC_FORMAT_ROBOMIMIC && l.rate_hz == 20 && !l.time_from[0] && l.n_streams == 2,
           "robomimic: format, 20 Hz, no time column, 2 known keys (got %d)", l.n_streams);
    for (int r = 0; r < 2; r++) {
        char name[64];
        snprintf(name, sizeof name, "robot%d_eef_quat", r);
        const rc_layout_stream *q = rc_layout_find(&l, name);
        tap_ok(q && q->kind == RC_STREAM_UNKNOWN && q->quat == RC_LQ_XYZW && q->is_quaternion && !q->path_given &&
                   q->columns == 0,
               "robomimic: %s is a quaternion in order xyzw, found wherever the demo holds it", name);
    }
    tap_ok(rc_layout_find(&l, "robot0_eef_pos") == NULL && rc_layout_find(&l, "actions") == NULL,
           "robomimic: other keys are not listed (the file says)");

    rc_err_clear(&err);
    if (!tap_ok(rc_layout_load(schemas, "aloha", &l, &err) == RC_OK, "aloha loads (%s)", err.msg)) return tap_done();
    tap_ok(l.format == RC_FORMAT_ALOHA && l.rate_hz == 50 && l.n_streams == 0, "aloha: format, 50 Hz, no stream listed");

    rc_err_clear(&err);
    if (!tap_ok(rc_layout_load(schemas, "robosuite", &l, &err) == RC_OK, "robosuite loads (%s)", err.msg))
        return tap_done();
    tap_ok(l.format == RC_FORMAT_ROBOSUITE && l.rate_hz == 0 && !strcmp(l.time_from, "states") && l.time_column == 0 &&
               l.n_streams == 0,
           "robosuite: format, times from states column 0, no stream listed");

    rc_err_clear(&err);
    tap_ok(rc_layout_load(schemas, "robocache-raw", &l, &err) == RC_OK && l.format == RC_FORMAT_RAW && l.n_streams == 0,
           "robocache-raw: the default format, no stream listed");

    layout_dir_make("layout-files");
    rejects("f1", "name: f1\nformat: lerobot\nstreams:\n  a: {kind: series, columns: 1}\n", 2,
            "expected format robocache-raw, robomimic, aloha or robosuite, found lerobot");
    rejects("f2", "name: f2\nformat: robomimic\nstreams:\n  a: {kind: series, columns: 1}\n", 1,
            "format robomimic stores no timestamps: expected rate_hz, not found");
    rejects("f3", "name: f3\nformat: aloha\nstreams:\n  a: {kind: series, columns: 1}\n", 1,
            "format aloha stores no timestamps: expected rate_hz, not found");
    rejects("f4", "name: f4\nformat: robosuite\nstreams:\n  a: {kind: series, columns: 1}\n", 1,
            "format robosuite takes times from a column: expected time_from, not found");
    rejects("f5", "name: f5\nformat: robosuite\ntime_from: a\nstreams:\n  a: {kind: image, columns: 3}\n", 3,
            "expected time_from to name a series stream, found a");
    rejects("f6", "name: f6\nformat: robosuite\ntime_from: a\ntime_column: 2\nstreams:\n  a: {kind: series, columns: 2}\n",
            3, "expected time_column below the 2 columns of 'a', found 2");
    rejects("f7", "name: f7\nformat: robosuite\ntime_from: a\ntime_column: -1\nstreams:\n  a: {kind: series, columns: 2}\n",
            4, "expected time_column from 0 to 1000000, found -1");
    rejects("f8", "name: f8\nformat: aloha\nrate_hz: 50\ntime_from: a\nstreams:\n  a: {kind: series, columns: 2}\n", 4,
            "time_from applies to format robosuite only, found format aloha");
    rejects("f9", "name: f9\nstreams:\n  a: {kind: series, columns: 1, path: /abs}\n", 3,
            "stream 'a': expected path relative to the episode group");
    rejects("f10", "name: f10\nstreams:\n  pc: {kind: cloud, columns: 2}\n", 3,
            "stream 'pc': a cloud needs at least 3 columns (x, y, z), found 2");
    rejects("f11", "name: f11\nstreams:\n  q: {kind: series, columns: 3, quaternion: xyzw}\n", 3,
            "a quaternion is a series of 4 columns, found 3 columns");
    rejects("f11b", "name: f11b\nstreams:\n  q: {kind: image, quaternion: wxyz}\n", 3,
            "a quaternion is a series of 4 columns, found kind image");
    rejects("f12", "name: f12\nstreams:\n  q: {kind: series, columns: 4, quaternion: zwxy}\n", 3,
            "stream 'q': expected quaternion true, false, wxyz or xyzw, found zwxy");
    rejects("f13", "name: f13\nstreams:\n  a: {kind: series, columns: many}\n", 3,
            "expected columns from 1 to 1000000 or any, found many");
    rejects("f18", "name: f18\nformat: aloha\nrate_hz: 50\nstreams:\n  pc: {kind: cloud, columns: 4}\n", 1,
            "stream 'pc': a point cloud needs format robocache-raw, found format aloha");
    rejects("f15", "name: f15\nreader: x\nstreams:\n  a: {kind: series, columns: 1}\n", 2,
            "unknown key 'reader' (expected one of: name, format, rate_hz, time_from, time_column, streams)");
    tap_ok(load_text("f16", "name: f16\nformat: robomimic\nrate_hz: 15\nstreams:\n  q: {kind: series, columns: 4, "
                            "quaternion: wxyz, path: obs/q}\n",
                     &l, &err) == RC_OK &&
               l.streams[0].quat == RC_LQ_WXYZ && !strcmp(l.streams[0].path, "obs/q") && l.rate_hz == 15,
           "a custom robomimic-format layout with a w-first quaternion loads (%s)", err.msg);
    layout_dir_remove();
    return tap_done();
}
