/* layout_fixture.h — shared by the layout tests (tests/spec, tests/layouts): a scratch schema
 * folder with a layouts/ subfolder, one layout file written, loaded and removed at a time, and
 * the check that a broken layout is rejected at its line with the expected message. */
#ifndef RC_LAYOUT_FIXTURE_H
#define RC_LAYOUT_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/rc_spec.h"
#include "tap.h"

static char g_layout_dir[1024];

/* Creates $TMPDIR/rc-TAG-PID/layouts; bails out when it cannot. */
static void layout_dir_make(const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    char sub[1100];
    snprintf(g_layout_dir, sizeof g_layout_dir, "%s/rc-%s-%d", tmp && *tmp ? tmp : "/tmp", tag, (int)getpid());
    snprintf(sub, sizeof sub, "%s/layouts", g_layout_dir);
    if (mkdir(g_layout_dir, 0700) != 0 || mkdir(sub, 0700) != 0) TAP_BAIL("cannot create %s", sub);
}

static void layout_dir_remove(void)
{
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/layouts", g_layout_dir);
    rmdir(sub);
    rmdir(g_layout_dir);
}

/* Writes layouts/NAME.yaml with text and loads it; returns the status, err filled. */
static rc_status load_text(const char *name, const char *text, rc_layout *l, rc_err *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/layouts/%s.yaml", g_layout_dir, name);
    FILE *f = fopen(path, "w");
    if (!f) TAP_BAIL("cannot write %s", path);
    fputs(text, f);
    fclose(f);
    rc_err_clear(err);
    rc_status st = rc_layout_load(g_layout_dir, name, l, err);
    unlink(path);
    return st;
}

/* One TAP line: the layout text is refused (RC_E_SPEC) at line, in its own file, with msg_part. */
static void rejects(const char *name, const char *text, int line, const char *msg_part)
{
    rc_layout l;
    rc_err err;
    rc_status st = load_text(name, text, &l, &err);
    tap_ok(st == RC_E_SPEC && err.line == line && strstr(err.msg, msg_part) != NULL && strstr(err.file, name),
           "%s: rejected at line %d with '%s' (got %d, %s:%d: %s)", name, line, msg_part, (int)st, err.file,
           err.line, err.msg);
}

#endif
