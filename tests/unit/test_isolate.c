/* test_isolate.c — work in child processes (src/common/rc_isolate.c): a session's answers, its
 * child's own errors, a child that crashes or exits (RC_E_INPUT naming the file and how, the next
 * request served by a fresh child), an answer over the memory budget, in-process mode; a whole
 * command's exit status, its standard output held back until it ends and dropped on a crash. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "tap.h"

/* Dies by SIGSEGV with the default action: a sanitizer's handler would turn the signal into its
 * report and exit 1, and these tests are about how a signal is told. */
static void die(void)
{
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
}

/* Answers by the request (NUL-ended text): "crash" dies by SIGSEGV, "exit" exits 3, "fail" is an
 * input error, "big" answers 1 MiB, anything else comes back with the child's pid appended. */
static rc_status answer(const void *ctx, const void *req, size_t n, rc_isolate_out *out, rc_err *err)
{
    (void)ctx;
    const char *q = req;
    if (n == 0 || q[n - 1]) return rc_err_set(err, RC_E_INTERNAL, __FILE__, __LINE__, "no text");
    if (!strcmp(q, "crash")) die();
    if (!strcmp(q, "exit")) _exit(3);
    if (!strcmp(q, "fail")) {
        rc_err_scope(err, "x.h5", "ep-7", "/episodes/ep-7");
        return rc_err_set(err, RC_E_INPUT, __FILE__, __LINE__, "expected something, found another");
    }
    if (!strcmp(q, "big")) {
        static char mib[1 << 20];
        return rc_isolate_put(out, mib, sizeof mib) ? RC_E_NOMEM : RC_OK;
    }
    char pid[32];
    snprintf(pid, sizeof pid, ":%d", (int)getpid());
    if (rc_isolate_put(out, q, n - 1) || rc_isolate_put(out, pid, strlen(pid) + 1)) return RC_E_NOMEM;
    return RC_OK;
}

/* One request; the answer (rc_free) in *res. */
static rc_status ask(rc_isolate_session *ss, const char *q, char **res, rc_err *err)
{
    size_t n = 0;
    void *r = NULL;
    rc_err_clear(err);
    rc_status st = rc_isolate_ask(ss, "in/f.h5", q, strlen(q) + 1, &r, &n, err);
    *res = r;
    return st;
}

static int body_ok(int argc, char **argv)
{
    (void)argc;
    printf("hello %s\n", argv[1]);
    return 4;
}

static int body_crash(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    rc_isolate_note("out/shard-1.h5");
    printf("partial output\n");
    fflush(stdout);
    die();
    return 0;
}

/* Runs rc_isolate_command(body) with standard output going to a file; *text gets what came out. */
static int command(int (*body)(int, char **), char *text, size_t n)
{
    char path[] = "/tmp/rc-test-isolate.XXXXXX";
    int fd = mkstemp(path), saved = dup(1);
    fflush(stdout);
    dup2(fd, 1);
    char *argv[] = {"cmd", "world", NULL};
    int code = rc_isolate_command(body, 2, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    ssize_t got = pread(fd, text, n - 1, 0);
    text[got > 0 ? got : 0] = '\0';
    close(fd);
    unlink(path);
    return code;
}

int main(void)
{
    rc_isolate_session *ss = NULL;
    rc_err err;
    char *res = NULL;
    rc_err_clear(&err);
    tap_ok(rc_isolate_open(answer, NULL, &ss, &err) == RC_OK, "a session opens");

    rc_status st = ask(ss, "ping", &res, &err);
    int child = 0;
    tap_ok(st == RC_OK && res && sscanf(res, "ping:%d", &child) == 1 && child != getpid(),
           "an answer comes back from another process (%s)", res ? res : "none");
    rc_free(res);
    st = ask(ss, "again", &res, &err);
    int child2 = 0;
    tap_ok(st == RC_OK && res && sscanf(res, "again:%d", &child2) == 1 && child2 == child,
           "the next request goes to the same child");
    rc_free(res);

    st = ask(ss, "fail", &res, &err);
    tap_ok(st == RC_E_INPUT && !res && !strcmp(err.file, "x.h5") && !strcmp(err.episode, "ep-7") &&
               strstr(err.msg, "expected something"),
           "the child's own error comes back as it made it");

    st = ask(ss, "crash", &res, &err);
    tap_ok(st == RC_E_INPUT && !strcmp(err.file, "in/f.h5") && strstr(err.msg, "killed by signal 11") &&
               strstr(err.msg, "HDF5 library crashed"),
           "a crash is an input error naming the file and the signal (%s)", err.msg);
    st = ask(ss, "after", &res, &err);
    int child3 = 0;
    tap_ok(st == RC_OK && res && sscanf(res, "after:%d", &child3) == 1 && child3 != child,
           "after a crash a fresh child answers");
    rc_free(res);
    st = ask(ss, "exit", &res, &err);
    tap_ok(st == RC_E_INPUT && strstr(err.msg, "exited with status 3"), "a child that exits says how (%s)",
           err.msg);

    rc_budget_set(1000, "the test");
    st = ask(ss, "big", &res, &err);
    tap_ok(st == RC_E_INPUT && !res && !strcmp(err.file, "in/f.h5"), "an answer over the memory budget is refused");
    rc_budget_set(1ull << 30, "the test");
    rc_isolate_close(ss);

    ss = NULL;
    rc_isolate_set_in_process(1);
    tap_ok(rc_isolate_open(answer, NULL, &ss, &err) == RC_OK, "in-process: a session opens");
    st = ask(ss, "here", &res, &err);
    tap_ok(st == RC_OK && res && sscanf(res, "here:%d", &child) == 1 && child == getpid(),
           "in-process: the answer is made in this process");
    rc_free(res);
    rc_isolate_close(ss);
    char text[256];
    int code = command(body_ok, text, sizeof text);
    tap_ok(code == 4 && !strcmp(text, "hello world\n"), "in-process: a command runs here (exit %d)", code);
    rc_isolate_set_in_process(0);

    code = command(body_ok, text, sizeof text);
    tap_ok(code == 4 && !strcmp(text, "hello world\n"), "a command's exit status and output come back (exit %d)",
           code);
    code = command(body_crash, text, sizeof text);
    tap_ok(code == 2 && !text[0], "a command that crashes: exit 2, its partial output dropped (exit %d, '%s')", code,
           text);
    return tap_done();
}
