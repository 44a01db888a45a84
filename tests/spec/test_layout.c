/* test_layout.c — rc_layout_load: schemas/layouts/robocache-raw.yaml lists no stream (the raw
 * format describes itself), unknown layouts name the supported ones, a layout's stream keys are
 * all optional, a layout file is found by path, schema_dir may list folders, and each kind of
 * broken layout file is rejected at its line with what was expected. */
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
    rc_status st = rc_layout_load(schemas, "robocache-raw", &l, &err);
    if (!tap_ok(st == RC_OK, "robocache-raw loads (%s)", err.msg)) return tap_done();
    tap_ok(l.n_streams == 0 && !strcmp(l.name, "robocache-raw") && l.rate_hz == 0 && l.format == RC_FORMAT_RAW,
           "robocache-raw: no stream listed (the file says), timestamps stored (got %d streams)", l.n_streams);
    tap_ok(rc_layout_find(&l, "joint_pos") == NULL && rc_layout_find(&l, "") == NULL, "no stream is found in it");

    rc_err_clear(&err);
    st = rc_layout_load(schemas, "lerobot", &l, &err);
    tap_ok(st == RC_E_SPEC && !strcmp(err.msg, "layout 'lerobot' is not supported in this version (supported: aloha, "
                                               "robocache-raw, robomimic, robosuite; or give the path of a "
                                               "layout file, e.g. ./lerobot.yaml)"),
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
    tap_ok(load_text("l4", "name: l4\n", &l, &err) == RC_OK && l.n_streams == 0, "a layout without streams loads");
    tap_ok(load_text("l5", "name: l5\nstreams:\n  a: {kind: series}\n  q: {quaternion: xyzw}\n  p: {path: obs/p}\n", &l,
                     &err) == RC_OK && l.n_streams == 3 && l.streams[0].columns == 0 &&
               l.streams[1].kind == RC_STREAM_UNKNOWN && l.streams[1].quat == RC_LQ_XYZW && !l.streams[1].path_given &&
               l.streams[2].path_given && !strcmp(l.streams[2].path, "obs/p"),
           "stream keys are optional: kind and columns from the file, a path when given (%s)", err.msg);
    rejects("l4b", "name: l4b\nstreams: [a]\n", 2, "expected 'streams' a map");
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
    /* a layout by path, relative to a base folder (the spec's), beside the built-in ones */
    char mine[1200];
    snprintf(mine, sizeof mine, "%s/my_arm.yaml", g_layout_dir);
    FILE *f = fopen(mine, "w");
    if (!f) TAP_BAIL("cannot write %s", mine);
    fputs("format: robomimic\nrate_hz: 15\nstreams:\n  wrist_quat: {quaternion: wxyz}\n", f);
    fclose(f);
    rc_err_clear(&err);
    tap_ok(rc_layout_open(schemas, g_layout_dir, "./my_arm.yaml", &l, &err) == RC_OK && !strcmp(l.name, "my_arm") &&
               l.format == RC_FORMAT_ROBOMIMIC && l.rate_hz == 15 && l.n_streams == 1 && l.streams[0].quat == RC_LQ_WXYZ,
           "input.layout ./my_arm.yaml loads from the base folder (%s)", err.msg);
    tap_ok(rc_layout_open(schemas, "/nowhere", mine, &l, &err) == RC_OK && l.rate_hz == 15, "an absolute path loads as given");
    tap_ok(rc_layout_open(schemas, g_layout_dir, "robomimic", &l, &err) == RC_OK && l.format == RC_FORMAT_ROBOMIMIC &&
               l.rate_hz == 20,
           "a built-in name still loads the built-in layout");
    rc_err_clear(&err);
    tap_ok(rc_layout_open(schemas, g_layout_dir, "./missing.yaml", &l, &err) == RC_E_IO && strstr(err.file, "missing.yaml"),
           "a layout path that is not there is an I/O error naming it (%s)", err.file);
    tap_ok(rc_layout_is_path("a/b") && rc_layout_is_path("x.yaml") && rc_layout_is_path("x.yml") &&
               !rc_layout_is_path("robomimic"),
           "names with '/' or a .yaml extension are paths");
    /* schema_dir as a list of folders: layouts are looked up in each in turn */
    char list[2200], own[1200];
    snprintf(list, sizeof list, "/nowhere:%s:%s", g_layout_dir, schemas);
    snprintf(own, sizeof own, "%s/layouts/l4.yaml", g_layout_dir);
    if (!(f = fopen(own, "w"))) TAP_BAIL("cannot write %s", own);
    fputs("name: l4\n", f);
    fclose(f);
    rc_err_clear(&err);
    tap_ok(rc_layout_load(list, "l4", &l, &err) == RC_OK && !strcmp(l.name, "l4"),
           "a list of schema folders: a layout of a later folder loads (%s)", err.msg);
    tap_ok(rc_layout_load(list, "robomimic", &l, &err) == RC_OK && l.format == RC_FORMAT_ROBOMIMIC,
           "... and a built-in one of the last (%s)", err.msg);
    rc_err_clear(&err);
    tap_ok(rc_layout_load(list, "nope", &l, &err) == RC_E_SPEC && strstr(err.msg, " l4,") &&
               strstr(err.msg, "robomimic, "),
           "an unknown layout lists those of every folder (%s)", err.msg);
    unlink(own);
    unlink(mine);
    layout_dir_remove();
    return tap_done();
}
