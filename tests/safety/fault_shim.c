/* fault_shim.c — an LD_PRELOAD library for the tests in tests/safety/: it makes the file system
 * and the HDF5 library misbehave in controlled ways, each switched on by an environment
 * variable.
 *
 *   RC_SHIM_ENOSPC_AFTER=N  write(), pwrite() and pwrite64() to regular files fail with ENOSPC
 *                           once the process has written N bytes to regular files (a full disk).
 *   RC_SHIM_PAUSE_AT_TMP=K  the K-th creation (open with O_CREAT) of a file whose name holds
 *                           ".tmp." returns, then the creating thread makes the empty file named
 *                           by RC_SHIM_MARK and waits (at most 120 s) until the run's handler of
 *                           SIGINT, SIGTERM, SIGHUP or SIGPIPE has run, on whatever thread (the
 *                           shim wraps the handlers the run installs with sigaction): the test
 *                           sends its signal once the mark exists, at a known point of the run,
 *                           with no race.
 *   RC_SHIM_HOLD_ON=1       with RC_SHIM_PAUSE_AT_TMP: the process stays held there after the
 *                           run's handler has seen a signal, until a signal ends it (the run's
 *                           second one) or 60 s have passed: however the test's two kills are
 *                           scheduled, the second arrives before the run has gone on.
 *   RC_SHIM_CRASH_OPEN=S    HDF5's H5Fopen of a file whose path holds S dies by SIGSEGV, as the
 *                           library does on a damaged file it crashes on, whatever command opens
 *                           the file (tests/safety/reader_isolation.sh).
 *
 * Writes to anything but regular files (stderr, pipes) are never failed.  Test code only. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static long long g_budget = -2; /* bytes left before ENOSPC; -1 unlimited, -2 not read yet */
static long g_tmp_creates;

static int write_fails(int fd, size_t n)
{
    struct stat sb;
    if (g_budget == -2) {
        const char *e = getenv("RC_SHIM_ENOSPC_AFTER");
        g_budget = e ? atoll(e) : -1;
    }
    if (g_budget < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
    if ((long long)n > g_budget) {
        g_budget = 0;
        errno = ENOSPC;
        return 1;
    }
    g_budget -= (long long)n;
    return 0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    return write_fails(fd, n) ? -1 : real(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t at)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real) real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    return write_fails(fd, n) ? -1 : real(fd, buf, n, at);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t at)
{
    static ssize_t (*real)(int, const void *, size_t, off64_t);
    if (!real) real = (ssize_t(*)(int, const void *, size_t, off64_t))dlsym(RTLD_NEXT, "pwrite64");
    return write_fails(fd, n) ? -1 : real(fd, buf, n, at);
}

/* The run's handlers of the stopping signals, each wrapped so that a pause knows one has run,
 * whichever thread the kernel gave the signal to. */
static void (*g_run_action[NSIG])(int, siginfo_t *, void *);
static void (*g_run_plain[NSIG])(int);
static atomic_int g_seen;

static int stopping(int sig) { return sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGPIPE; }

static void wrapped(int sig, siginfo_t *si, void *uc)
{
    if (g_run_action[sig]) g_run_action[sig](sig, si, uc);
    else if (g_run_plain[sig]) g_run_plain[sig](sig);
    atomic_store(&g_seen, 1);
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    static int (*real)(int, const struct sigaction *, struct sigaction *);
    if (!real) real = (int (*)(int, const struct sigaction *, struct sigaction *))dlsym(RTLD_NEXT, "sigaction");
    int plain = act && !(act->sa_flags & SA_SIGINFO);
    if (!act || !stopping(sig) || (plain && (act->sa_handler == SIG_IGN || act->sa_handler == SIG_DFL)) ||
        (!plain && act->sa_sigaction == wrapped))
        return real(sig, act, old);
    struct sigaction w = *act;
    g_run_action[sig] = plain ? NULL : act->sa_sigaction;
    g_run_plain[sig] = plain ? act->sa_handler : NULL;
    w.sa_sigaction = wrapped;
    w.sa_flags |= SA_SIGINFO;
    return real(sig, &w, old);
}

/* After the K-th temporary file is created: mark, then wait (at most 120 s) until the run's
 * handler has seen a signal; with RC_SHIM_HOLD_ON, go on waiting (at most 60 s more) so that a
 * second signal finds the run still here. */
static void maybe_pause(const char *path, int flags)
{
    const char *k = getenv("RC_SHIM_PAUSE_AT_TMP"), *mark = getenv("RC_SHIM_MARK");
    if (!k || !mark || !(flags & O_CREAT) || !strstr(path, ".tmp.") || ++g_tmp_creates != atol(k)) return;
    struct timespec tick = {0, 1000000};
    atomic_store(&g_seen, 0);
    int fd = creat(mark, 0644);
    if (fd >= 0) close(fd);
    for (int i = 0; i < 120000 && !atomic_load(&g_seen); i++) nanosleep(&tick, NULL);
    if (getenv("RC_SHIM_HOLD_ON"))
        for (int i = 0; i < 60000; i++) nanosleep(&tick, NULL);
}

static int open_common(const char *name, const char *path, int flags, mode_t mode)
{
    int (*real)(const char *, int, ...) = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, name);
    int saved, fd = real(path, flags, mode);
    saved = errno;
    if (fd >= 0) maybe_pause(path, flags);
    errno = saved;
    return fd;
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    return open_common("open", path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    return open_common("open64", path, flags, mode);
}

/* HDF5's H5Fopen (hid_t is int64_t in HDF5 1.10; the library's header is not needed here). */
int64_t H5Fopen(const char *path, unsigned flags, int64_t fapl)
{
    const char *s = getenv("RC_SHIM_CRASH_OPEN");
    if (s && *s && strstr(path, s)) raise(SIGSEGV);
    int64_t (*real)(const char *, unsigned, int64_t) =
        (int64_t(*)(const char *, unsigned, int64_t))dlsym(RTLD_NEXT, "H5Fopen");
    return real(path, flags, fapl);
}
