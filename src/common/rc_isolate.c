/* rc_isolate.c — work on untrusted files in child processes (rc_common.h, rc_isolate): the fork, the
 * requests and answers over a socket, the held-back standard output, and a crash told apart from
 * an ordinary end. */
#define _GNU_SOURCE
#include "config.h"
#include "common/rc_common.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>


static int g_in_process;
static char *g_note;               /* a shared page in a command's child: the file being read */
static volatile pid_t g_child;     /* the command's child, for the forwarded signals */

void rc_isolate_set_in_process(int on) { g_in_process = on; }
int rc_isolate_in_process(void) { return g_in_process; }

int rc_isolate_put(rc_isolate_out *o, const void *p, size_t n)
{
    if (n > SIZE_MAX - o->n) return -1;
    if (o->n + n > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap < o->n + n) cap = cap > SIZE_MAX / 2 ? o->n + n : 2 * cap;
        unsigned char *q = rc_realloc(o->p, cap);
        if (!q) return -1;
        o->p = q;
        o->cap = cap;
    }
    if (n) memcpy(o->p + o->n, p, n);
    o->n += n;
    return 0;
}

void rc_isolate_note(const char *file)
{
    if (g_note) snprintf(g_note, 4096, "%s", file);
}

void rc_isolate_child(pid_t parent, int ignore_signals)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core); /* a crash on a damaged input leaves no core file behind */
    if (ignore_signals) {
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
    }
    signal(SIGPIPE, SIG_IGN);
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads exactly n bytes; -1 on an early end or an error. */
static int read_all(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

static int wait_child(pid_t pid)
{
    int status = -1;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) continue;
    return status;
}

/* How a child ended, for an error message. */
static void describe_end(int status, char *how, size_t n)
{
    if (status != -1 && WIFSIGNALED(status))
        snprintf(how, n, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (status != -1 && WIFEXITED(status))
        snprintf(how, n, "exited with status %d", WEXITSTATUS(status));
    else
        snprintf(how, n, "ended without an answer");
}

/* A request's header (then n bytes), and an answer's (then n bytes). */
typedef struct request {
    uint64_t n;
} request;
typedef struct answer {
    int32_t st;
    uint64_t n;
    rc_err err;
} answer;

struct rc_isolate_session {
    rc_isolate_fn fn;
    const void *ctx;
    pid_t pid;                 /* 0: no child */
    int sock;                  /* this process's end, when pid > 0 */
};

static int send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL); /* a dead child is no SIGPIPE for the run */
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads and drops n bytes of a request there was no room for; -1 when the socket ends. */
static int skip_bytes(int fd, uint64_t n)
{
    char buf[4096];
    while (n > 0) {
        size_t k = n < sizeof buf ? (size_t)n : sizeof buf;
        if (read_all(fd, buf, k) != 0) return -1;
        n -= k;
    }
    return 0;
}

/* The loop of a session's child: one request at a time until the end of the socket.  A request
 * it has no memory for is answered RC_E_NOMEM (the run's "out of memory", not a crash). */
static void serve(rc_isolate_session *ss, int sock)
{
    request q;
    while (read_all(sock, &q, sizeof q) == 0) {
        void *req = q.n <= SIZE_MAX ? rc_malloc(q.n ? (size_t)q.n : 1) : NULL;
        if (req ? read_all(sock, req, (size_t)q.n) != 0 : skip_bytes(sock, q.n) != 0) break;
        rc_isolate_out o = {0};
        answer a;
        memset(&a, 0, sizeof a); /* padding included: every byte sent is defined */
        rc_err_clear(&a.err);
        if (req)
            a.st = ss->fn(ss->ctx, req, (size_t)q.n, &o, &a.err);
        else
            a.st = rc_err_set(&a.err, RC_E_NOMEM, __FILE__, __LINE__,
                              "out of memory for a %llu-byte request in a reader process", (unsigned long long)q.n);
        a.n = a.st == RC_OK ? o.n : 0;
        int bad = send_all(sock, &a, sizeof a) != 0 || send_all(sock, o.p, (size_t)a.n) != 0;
        rc_free(o.p);
        rc_free(req);
        if (bad) break;
    }
}

rc_status rc_isolate_open(rc_isolate_fn fn, const void *ctx, rc_isolate_session **out, rc_err *err)
{
    rc_status st = RC_OK;
    rc_isolate_session *ss = rc_calloc(1, sizeof *ss);
    RC_FAIL_IF(!ss, err, RC_E_NOMEM, "out of memory");
    ss->fn = fn;
    ss->ctx = ctx;
    ss->sock = -1;
    *out = ss;
done:
    return st;
}

/* Forks the session's child. */
static rc_status start(rc_isolate_session *ss, rc_err *err)
{
    rc_status st = RC_OK;
    int sv[2];
    RC_FAIL_IF(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0, err, RC_E_IO,
               "cannot make a socket for a reader process: %s", strerror(errno));
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        rc_isolate_child(parent, 1);
        serve(ss, sv[1]);
        _exit(0);
    }
    close(sv[1]);
    if (pid < 0) close(sv[0]);
    RC_FAIL_IF(pid < 0, err, RC_E_IO, "cannot start a reader process: %s", strerror(errno));
    ss->pid = pid;
    ss->sock = sv[0];
done:
    return st;
}

/* Ends the session's child (it may be alive: confused, or answering too much) and returns its
 * wait status (-1 when unknown). */
static int stop(rc_isolate_session *ss, int kill_it)
{
    shutdown(ss->sock, SHUT_RDWR); /* the child sees the end even where another process holds a copy */
    close(ss->sock);
    if (kill_it) kill(ss->pid, SIGKILL);
    int status = wait_child(ss->pid);
    ss->pid = 0;
    ss->sock = -1;
    return status;
}

rc_status rc_isolate_ask(rc_isolate_session *ss, const char *file, const void *req, size_t n, void **res, size_t *rn,
                         rc_err *err)
{
    rc_status st = RC_OK;
    rc_isolate_out o = {0};
    *res = NULL;
    *rn = 0;
    if (g_in_process) {
        st = ss->fn(ss->ctx, req, n, &o, err);
        if (st == RC_OK) {
            *res = o.p;
            *rn = o.n;
        } else {
            rc_free(o.p);
        }
        return st;
    }
    if (ss->pid <= 0) RC_TRY(start(ss, err));
    request q = {n};
    answer a;
    void *bytes = NULL;
    int got = send_all(ss->sock, &q, sizeof q) == 0 && send_all(ss->sock, req, n) == 0 &&
              read_all(ss->sock, &a, sizeof a) == 0;
    if (got && a.st == RC_OK) {
        rc_err why;
        rc_err_clear(&why);
        if (a.n > SIZE_MAX || rc_budget_check(a.n, RC_E_INPUT, "a reader process's answer", &why) != RC_OK) {
            stop(ss, 1);
            *err = why;
            rc_err_scope(err, file, NULL, NULL);
            return RC_E_INPUT;
        }
        bytes = rc_malloc(a.n ? (size_t)a.n : 1);
        if (!bytes) {
            stop(ss, 1);
            RC_FAIL_IF(1, err, RC_E_NOMEM, "out of memory for a %llu-byte answer of a reader process",
                       (unsigned long long)a.n);
        }
        got = read_all(ss->sock, bytes, (size_t)a.n) == 0;
    }
    if (!got) {
        rc_free(bytes);
        char how[160];
        describe_end(stop(ss, 1), how, sizeof how);
        rc_err_clear(err);
        rc_err_scope(err, file, NULL, NULL);
        return rc_err_set(err, RC_E_INPUT, __FILE__, __LINE__,
                          "the reader process died reading this file: %s; the HDF5 library crashed on this "
                          "input (a damaged file)",
                          how);
    }
    if (a.st != RC_OK) { /* the child's own error, as the call would have made it here */
        rc_free(bytes);
        return rc_isolate_err_take(err, &a.err, a.st);
    }
    *res = bytes;
    *rn = (size_t)a.n;
done:
    return st;
}

void rc_isolate_close(rc_isolate_session *ss)
{
    if (!ss) return;
    if (ss->pid > 0) stop(ss, 0);
    rc_free(ss);
}

rc_status rc_isolate_err_take(rc_err *err, const rc_err *from, int32_t st)
{
    *err = *from;
    err->file[sizeof err->file - 1] = err->episode[sizeof err->episode - 1] = 0;
    err->path[sizeof err->path - 1] = err->msg[sizeof err->msg - 1] = 0;
    err->src_file = __FILE__;
    err->src_line = __LINE__;
    err->code = st > RC_OK && st <= RC_E_INTERNAL ? (rc_status)st : RC_E_INPUT;
    return err->code;
}

static void forward(int sig)
{
    if (g_child > 0) kill(g_child, sig);
}

/* Copies the held-back output (fd, from its start) to standard output; -1 (errno set) when it
 * could not all be written: the command's own checks of its writes saw only the memfd. */
static int release_output(int fd)
{
    char buf[65536];
    ssize_t r;
    if (lseek(fd, 0, SEEK_SET) != 0) return -1;
    while ((r = read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
        if (r > 0 && write_all(STDOUT_FILENO, buf, (size_t)r) != 0) return -1;
    return r < 0 ? -1 : 0;
}

int rc_isolate_command(int (*body)(int, char **), int argc, char **argv)
{
    if (g_in_process) return body(argc, argv);
    char *note = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int out = memfd_create("robocache-stdout", MFD_CLOEXEC);
    if (note == MAP_FAILED || out < 0) {
        rc_log(RC_LOG_ERROR, "cannot start the reader process of this command: %s", strerror(errno));
        if (note != MAP_FAILED) munmap(note, 4096);
        if (out >= 0) close(out);
        return rc_status_exit_code(RC_E_IO);
    }
    note[0] = '\0';
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        rc_isolate_child(parent, 0);
        g_note = note;
        if (dup2(out, STDOUT_FILENO) != STDOUT_FILENO) _exit(rc_status_exit_code(RC_E_IO));
        close(out);
        int code = body(argc, argv);
        fflush(NULL);
        _exit(code);
    }
    if (pid < 0) {
        rc_log(RC_LOG_ERROR, "cannot start the reader process of this command: %s", strerror(errno));
        munmap(note, 4096);
        close(out);
        return rc_status_exit_code(RC_E_IO);
    }
    static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    g_child = pid;
    void (*before[sizeof forwarded / sizeof *forwarded])(int);
    for (size_t k = 0; k < sizeof forwarded / sizeof *forwarded; k++) before[k] = signal(forwarded[k], forward);
    signal(SIGPIPE, SIG_IGN);
    int status = wait_child(pid);
    g_child = 0;
    int code;
    for (size_t k = 0; k < sizeof forwarded / sizeof *forwarded; k++) /* this process's own again */
        if (before[k] != SIG_ERR) signal(forwarded[k], before[k]);
    if (status != -1 && WIFEXITED(status)) {
        code = WEXITSTATUS(status);
        if (release_output(out) != 0 && code == 0) {
            rc_log(RC_LOG_ERROR, "writing the output failed: %s", strerror(errno));
            code = rc_status_exit_code(RC_E_IO);
        }
    } else if (status != -1 && WIFSIGNALED(status) &&
               (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGHUP ||
                WTERMSIG(status) == SIGQUIT)) {
        signal(WTERMSIG(status), SIG_DFL); /* ended by a signal sent to it: so does this process */
        raise(WTERMSIG(status));
        code = 128 + WTERMSIG(status);
    } else {
        char how[160];
        describe_end(status, how, sizeof how);
        note[4095] = '\0';
        rc_log(RC_LOG_ERROR,
               "%s: the process reading this file died: %s; the HDF5 library crashed on this input (a damaged "
               "file); nothing was written",
               note[0] ? note : "(no file opened yet)", how);
        code = rc_status_exit_code(RC_E_INPUT);
    }
    close(out);
    munmap(note, 4096);
    return code;
}
