/* rc_reader_pool.c — reader processes: the spawner that forks them, the loop each runs (open the
 * file, read the episode, write its image into the slot's shared memory) and the run's side of
 * the exchange, which checks every size before it maps or trusts anything
 * (rc_reader_pool_int.h). */
#define _GNU_SOURCE
#include "config.h"
#include "pipeline/rc_reader_pool_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "pipeline/rc_episode_wire_int.h"

/* At the end of a run, how long the spawner waits for its readers to end. */
#define READERS_END_S 2.0

/* run -> reader process */
typedef struct msg_req {
    int64_t item;
    uint64_t file;
    int64_t episode;
} msg_req;

/* reader process -> run, after the read */
typedef struct msg_reply {
    int32_t st;
    rc_err err;
    uint64_t size;             /* bytes of the episode image (st == RC_OK) */
    double t0;                 /* when the read began */
    uint64_t path_reads[RC_READ_PATHS], path_bytes[RC_READ_PATHS]; /* this episode's reads */
} msg_reply;

/* run -> reader process: write the image into the memfd that comes with it (ok), or drop it */
typedef struct msg_grant {
    int32_t ok;
    uint64_t cap;
} msg_grant;

/* reader process -> run: the image is written */
typedef struct msg_done {
    double t1;
    double waited;             /* seconds between the reply and the grant: waiting on the run */
} msg_done;

/* run <-> spawner */
typedef struct msg_spawn {
    int32_t op;                /* 'S': fork a reader process; 'W': wait for pid and tell its status */
    int32_t pid;
} msg_spawn;

typedef struct reader_proc {
    int sock;                  /* valid when pid > 0 */
    pid_t pid;
    int track;                 /* its trace track */
} reader_proc;

struct rc_reader_pool {
    rc_run *s;
    int n;
    int ctl;                   /* socket to the spawner */
    pid_t spawner;
    pthread_mutex_t ctl_mu;    /* one exchange with the spawner at a time */
    reader_proc procs[RC_MAX_READERS];
};

/* Room for the one descriptor a message may carry. */
typedef union cmsg_room {
    struct cmsghdr h;
    char space[CMSG_SPACE(sizeof(int))];
} cmsg_room;

/* A message header over one buffer, with room for a descriptor. */
static struct msghdr msg_over(struct iovec *iov, cmsg_room *cm)
{
    struct msghdr mh = {0};
    memset(cm, 0, sizeof *cm);
    mh.msg_iov = iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cm->space;
    mh.msg_controllen = sizeof cm->space;
    return mh;
}

/* Sends n bytes as one message, with fd attached when fd >= 0.  0 or -1. */
static int send_msg(int sock, const void *buf, size_t n, int fd)
{
    struct iovec iov = {(void *)buf, n};
    cmsg_room cm;
    struct msghdr mh = msg_over(&iov, &cm);
    if (fd >= 0) {
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    } else {
        mh.msg_control = NULL;
        mh.msg_controllen = 0;
    }
    ssize_t w;
    do w = sendmsg(sock, &mh, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    return w == (ssize_t)n ? 0 : -1;
}

/* Receives one message of exactly n bytes (and a passed descriptor into *fd when fd is not
 * NULL; -1 when none came).  0, or -1 on end of stream, error or another size. */
static int recv_msg(int sock, void *buf, size_t n, int *fd)
{
    struct iovec iov = {buf, n};
    cmsg_room cm;
    struct msghdr mh = msg_over(&iov, &cm);
    if (fd) *fd = -1;
    ssize_t r;
    do r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); r >= 0 && c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int got;
        memcpy(&got, CMSG_DATA(c), sizeof got);
        if (fd && *fd < 0) *fd = got;
        else close(got);
    }
    if (r != (ssize_t)n || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
        if (fd && *fd >= 0) close(*fd);
        if (fd) *fd = -1;
        return -1;
    }
    return 0;
}

/* A reader process's mappings of the slots' shared memory, kept from one episode to the next (a
 * slot's memfd comes anew with every grant): mapping it again would fault every page in again. */
#define MAP_CACHE 16
typedef struct slot_map {
    ino_t ino;
    size_t cap;
    void *at;
} slot_map;

/* The mapping of memfd fd (cap bytes), from the cache or made (replacing a smaller one of the same
 * memfd, or the oldest); NULL when it cannot be mapped. */
static void *map_slot(slot_map *cache, int fd, size_t cap)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0) return NULL;
    int k = 0;
    while (k < MAP_CACHE && cache[k].at && cache[k].ino != sb.st_ino) k++;
    if (k < MAP_CACHE && cache[k].at && cache[k].cap == cap) return cache[k].at;
    if (k == MAP_CACHE) { /* full: the oldest goes */
        munmap(cache[0].at, cache[0].cap);
        memmove(cache, cache + 1, (MAP_CACHE - 1) * sizeof *cache);
        k = MAP_CACHE - 1;
        cache[k].at = NULL;
    }
    if (cache[k].at) munmap(cache[k].at, cache[k].cap);
    void *at = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    cache[k] = (slot_map){sb.st_ino, cap, at == MAP_FAILED ? NULL : at};
    return cache[k].at;
}

/* The loop of a reader process: one request at a time until the run closes the socket.  The
 * process is single-threaded and frees each episode before it reads the next, so its episodes
 * come from the heap, kept from one to the next (no mmap per large array, no trimming): the
 * pages are faulted in by the first episode only, not again for every one (page faults and
 * zeroing fresh pages cost more than the reads themselves).  The heap stays at about the
 * largest episode read, the one episode a reader process holds anyway (docs/STREAMING.md). */
static void reader_main(rc_run *s, int sock)
{
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    rc_reader *r = NULL;
    slot_map cache[MAP_CACHE];
    memset(cache, 0, sizeof cache);
    uint64_t open_file = UINT64_MAX;
    uint64_t seen_reads[RC_READ_PATHS], seen_bytes[RC_READ_PATHS];
    rc_reader_path_counts(seen_reads, seen_bytes);
    rc_reader_thread_quiet();
    rc_reader_set_decode_threads(s->rep->decode_threads);
    msg_req q;
    while (recv_msg(sock, &q, sizeof q, NULL) == 0) {
        msg_reply rp;
        memset(&rp, 0, sizeof rp);
        rc_err_clear(&rp.err);
        rp.t0 = rc_now_s();
        rc_episode ep;
        memset(&ep, 0, sizeof ep);
        rc_status st = RC_OK;
        if (q.file >= s->n_files) {
            st = rc_err_set(&rp.err, RC_E_INTERNAL, __FILE__, __LINE__, "no input file %llu",
                            (unsigned long long)q.file);
        } else if (q.file != open_file) {
            rc_reader_close(r);
            r = NULL;
            open_file = UINT64_MAX;
            st = rc_reader_open_layout(s->files[q.file], &s->layout, s->spec->layout_rate_hz, s->spec->filter_key,
                                       &r, &rp.err);
            if (st == RC_OK) open_file = q.file;
        }
        if (st == RC_OK) st = rc_reader_read_episode(r, q.episode, &s->layout, s->names, s->n_names, &ep, &rp.err);
        if (st == RC_OK && !(rp.size = rc_wire_size(&ep)))
            st = rc_err_set(&rp.err, RC_E_INPUT, __FILE__, __LINE__, "the episode does not fit in memory");
        uint64_t reads[RC_READ_PATHS], bytes[RC_READ_PATHS];
        rc_reader_path_counts(reads, bytes);
        for (int k = 0; k < RC_READ_PATHS; k++) {
            rp.path_reads[k] = reads[k] - seen_reads[k];
            rp.path_bytes[k] = bytes[k] - seen_bytes[k];
            seen_reads[k] = reads[k];
            seen_bytes[k] = bytes[k];
        }
        rp.st = st;
        if (send_msg(sock, &rp, sizeof rp, -1) != 0) break;
        if (st == RC_OK) {
            msg_grant g;
            int fd;
            double asked = rc_now_s();
            if (recv_msg(sock, &g, sizeof g, &fd) != 0) break;
            double waited = rc_now_s() - asked;
            if (g.ok && fd >= 0 && g.cap >= rp.size) {
                void *map = map_slot(cache, fd, g.cap);
                if (!map) break; /* the run sees the end of the stream */
                rc_wire_put(&ep, map);
            }
            if (fd >= 0) close(fd);
            msg_done d = {rc_now_s(), waited};
            if (g.ok && send_msg(sock, &d, sizeof d, -1) != 0) break;
        }
        rc_episode_free(&ep);
    }
    rc_reader_close(r);
}

/* Closes, as an exec would, every descriptor marked close-on-exec but keep: the run's own (all
 * opened close-on-exec) go, and those another program meant this process's children to keep (the
 * channel of a tool such as compute-sanitizer to the processes it follows) stay. */
static void close_own_descriptors(int keep)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) { /* no /proc: every descriptor above stdio but keep */
        for (int fd = 3; fd < keep; fd++) close(fd);
        close_range((unsigned)keep + 1, ~0U, 0);
        return;
    }
    int self = dirfd(d);
    for (struct dirent *e; (e = readdir(d));) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end || e->d_name[0] < '0' || e->d_name[0] > '9' || fd < 3 || fd == keep || fd == self) continue;
        int flags = fcntl((int)fd, F_GETFD);
        if (flags >= 0 && (flags & FD_CLOEXEC)) close((int)fd);
    }
    closedir(d);
}

/* The spawner: forks reader processes on request and waits for the ones that died. */
static void spawner_main(rc_run *s, int ctl)
{
    msg_spawn m;
    pid_t self = getpid();
    while (recv_msg(ctl, &m, sizeof m, NULL) == 0) {
        if (m.op == 'W') {
            int status = 0;
            if (waitpid(m.pid, &status, 0) != m.pid) status = -1;
            if (send_msg(ctl, &status, sizeof status, -1) != 0) break;
            continue;
        }
        int sv[2];
        int32_t pid = -1;
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
            if (send_msg(ctl, &pid, sizeof pid, -1) != 0) break;
            continue;
        }
        pid = fork();
        if (pid == 0) {
            close(ctl);
            close(sv[0]);
            rc_isolate_child(self, 1);
            reader_main(s, sv[1]);
            _exit(0);
        }
        close(sv[1]);
        int sent = send_msg(ctl, &pid, sizeof pid, pid > 0 ? sv[0] : -1);
        close(sv[0]);
        if (sent != 0) break;
    }
    /* The run has closed the readers' sockets: they end on their own.  Waiting for them makes
     * their peak memory count in the run's RUSAGE_CHILDREN (the report's readers_peak_rss_mb);
     * one still busy after READERS_END_S ends with this process (PDEATHSIG). */
    double end = rc_now_s() + READERS_END_S;
    for (;;) {
        pid_t w = waitpid(-1, NULL, WNOHANG);
        if (w > 0 || (w < 0 && errno == EINTR)) continue;
        if (w < 0 || rc_now_s() > end) break; /* ECHILD: every reader waited for */
        struct timespec tick = {0, 5000000};
        nanosleep(&tick, NULL);
    }
}

rc_status rc_reader_pool_start(rc_run *s, int n, rc_reader_pool **out, rc_err *err)
{
    rc_status st = RC_OK;
    int sv[2] = {-1, -1};
    rc_reader_pool *p = rc_calloc(1, sizeof *p);
    RC_FAIL_IF(!p, err, RC_E_NOMEM, "out of memory");
    p->s = s;
    p->n = n < 1 ? 1 : n > RC_MAX_READERS ? RC_MAX_READERS : n;
    p->ctl = -1;
    pthread_mutex_init(&p->ctl_mu, NULL);
    RC_FAIL_IF(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0, err, RC_E_IO,
               "cannot make a socket for the reader processes: %s", strerror(errno));
    pid_t parent = getpid();
    fflush(NULL);
    p->spawner = fork();
    RC_FAIL_IF(p->spawner < 0, err, RC_E_IO, "cannot start the reader processes: %s", strerror(errno));
    if (p->spawner == 0) {
        rc_free(p); /* the spawner needs only s and its socket */
        p = NULL;
        rc_isolate_child(parent, 1);
        /* nothing of the run's but the spawner socket and stdio (it starts before the lock and
         * the output are opened, and drops whatever else the run holds) */
        close_own_descriptors(sv[1]);
        spawner_main(s, sv[1]);
        _exit(0);
    }
    close(sv[1]);
    sv[1] = -1;
    p->ctl = sv[0];
    sv[0] = -1;
    for (int k = 0; k < p->n; k++) {
        char name[40];
        snprintf(name, sizeof name, "reader process %d", k + 1);
        p->procs[k].track = rc_report_track(s->rep, name, RC_PIPE_NONE);
    }
    s->rep->readers = p->n;
    *out = p;
    p = NULL;
done:
    if (sv[0] >= 0) close(sv[0]);
    if (sv[1] >= 0) close(sv[1]);
    rc_reader_pool_stop(p);
    return st;
}

/* Asks the spawner for a reader process for pr. */
static rc_status spawn(rc_reader_pool *p, reader_proc *pr, rc_err *err)
{
    rc_status st = RC_OK;
    msg_spawn m = {'S', 0};
    int32_t pid = -1;
    int fd = -1;
    pthread_mutex_lock(&p->ctl_mu);
    int ok = send_msg(p->ctl, &m, sizeof m, -1) == 0 && recv_msg(p->ctl, &pid, sizeof pid, &fd) == 0;
    pthread_mutex_unlock(&p->ctl_mu);
    RC_FAIL_IF(!ok || pid <= 0 || fd < 0, err, RC_E_IO, "cannot start a reader process");
    pr->pid = pid;
    pr->sock = fd;
    fd = -1;
done:
    if (fd >= 0) close(fd);
    return st;
}

/* Ends reader process pr (it may be alive: stalled or confused) and returns its wait status
 * (-1 when unknown); the next request gets a fresh process. */
static int proc_end(rc_reader_pool *p, reader_proc *pr)
{
    close(pr->sock);
    kill(pr->pid, SIGKILL);
    msg_spawn m = {'W', pr->pid};
    int status = -1;
    pthread_mutex_lock(&p->ctl_mu);
    if (send_msg(p->ctl, &m, sizeof m, -1) != 0 || recv_msg(p->ctl, &status, sizeof status, NULL) != 0)
        status = -1;
    pthread_mutex_unlock(&p->ctl_mu);
    pr->pid = 0;
    pr->sock = -1;
    return status;
}

/* Waits until reader process pr has answered, or the run is asked to stop (-1): a read stalled
 * inside HDF5 must not keep a signal from ending the run. */
static int wait_answer(rc_reader_pool *p, reader_proc *pr)
{
    struct pollfd pf = {pr->sock, POLLIN, 0};
    for (;;) {
        int r = poll(&pf, 1, 200);
        if (r > 0 || (r < 0 && errno != EINTR)) return 0;
        if (p->s->o->stop && *p->s->o->stop) return -1;
    }
}

/* The end of reader process pr, which broke off the exchange: described in err. */
static rc_status proc_died(rc_reader_pool *p, reader_proc *pr, int k, rc_err *err)
{
    int status = proc_end(p, pr);
    pthread_mutex_lock(&p->s->rep->mu);
    p->s->rep->reader_figures[k].restarts++;
    pthread_mutex_unlock(&p->s->rep->mu);
    char how[128];
    if (status != -1 && WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
        snprintf(how, sizeof how, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (status != -1 && WIFEXITED(status))
        snprintf(how, sizeof how, "exited with status %d", WEXITSTATUS(status));
    else
        snprintf(how, sizeof how, "broke off the exchange");
    return rc_err_set(err, RC_E_INPUT, __FILE__, __LINE__,
                      "the reader process died reading this episode: %s; the HDF5 library crashed on this "
                      "input (a damaged file)",
                      how);
}

/* Undoes the page-locking of the slot's shared memory, before it is unmapped. */
static void shm_unpin(rc_slot *slot, rc_backend *b)
{
    if (slot->shm_pinned) rc_backend_host_unregister(b, slot->shm);
    slot->shm_pinned = 0;
}

/* Grows the slot's shared memory to at least need bytes (memfd, mapped shared); on CUDA the
 * mapping is page-locked once per growth, so the device copies read the episode in place. */
static rc_status shm_reserve(rc_run *s, rc_slot *slot, size_t need, rc_err *err)
{
    rc_status st = RC_OK;
    if (need <= slot->shm_cap) return RC_OK;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t cap = (need + need / 4 + page - 1) / page * page;
    if (slot->shm_cap == 0) {
        slot->shm_fd = memfd_create("robocache-slot", MFD_CLOEXEC);
        RC_FAIL_IF(slot->shm_fd < 0, err, RC_E_IO, "cannot make shared memory for a slot: %s", strerror(errno));
    } else {
        shm_unpin(slot, s->backend);
        munmap(slot->shm, slot->shm_cap);
        slot->shm = NULL;
    }
    slot->shm_cap = 0;
    RC_FAIL_IF(ftruncate(slot->shm_fd, (off_t)cap) != 0, err, RC_E_NOMEM,
               "out of memory for a %zu-byte shared episode buffer: %s", cap, strerror(errno));
    void *map = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED, slot->shm_fd, 0);
    RC_FAIL_IF(map == MAP_FAILED, err, RC_E_NOMEM, "cannot map a %zu-byte shared episode buffer: %s", cap,
               strerror(errno));
    slot->shm = map;
    slot->shm_cap = cap;
    if (s->pin) {
        slot->shm_pinned = rc_backend_host_register(s->backend, map, cap);
        pthread_mutex_lock(&s->rep->mu);
        if (slot->shm_pinned) s->rep->slot_pins++;
        else s->rep->slot_pins_refused++;
        pthread_mutex_unlock(&s->rep->mu);
    }
done:
    if (st != RC_OK && slot->shm_fd >= 0 && slot->shm_cap == 0) {
        close(slot->shm_fd);
        slot->shm_fd = -1;
    }
    return st;
}

/* Adds one episode of reader process k to the report: busy (its own time on the episode) and
 * wait (the part of it spent waiting for the run's grant). */
static void count_episode(rc_report *rep, int k, const msg_reply *rp, uint64_t bytes, double busy, double wait)
{
    pthread_mutex_lock(&rep->mu);
    rep->reader_figures[k].episodes++;
    rep->reader_figures[k].bytes += bytes;
    rep->reader_figures[k].busy_s += busy - wait;
    rep->reader_figures[k].wait_s += wait;
    rep->n_paths = RC_READ_PATHS;
    for (int a = 0; a < RC_READ_PATHS; a++) {
        rep->path_names[a] = rc_reader_path_name(a);
        rep->path_reads[a] += rp->path_reads[a];
        rep->path_bytes[a] += rp->path_bytes[a];
    }
    pthread_mutex_unlock(&rep->mu);
}

/* The exchange of one episode with reader process k; RC_E_INPUT when it died. */
static rc_status exchange(rc_reader_pool *p, int k, int64_t i, rc_slot *slot, rc_err *err)
{
    rc_status st = RC_OK;
    rc_run *s = p->s;
    reader_proc *pr = &p->procs[k];
    const rc_work_item *w = &s->items[i];
    if (pr->pid <= 0) RC_TRY(spawn(p, pr, err));
    msg_req q = {i, w->file, w->episode};
    msg_reply rp;
    if (send_msg(pr->sock, &q, sizeof q, -1) != 0) return proc_died(p, pr, k, err);
    if (wait_answer(p, pr) != 0) {
        proc_end(p, pr);
        return rc_err_set(err, RC_E_INTERRUPTED, __FILE__, __LINE__,
                          "interrupted by a signal while a reader process read this episode");
    }
    if (recv_msg(pr->sock, &rp, sizeof rp, NULL) != 0) return proc_died(p, pr, k, err);
    if (rp.st != RC_OK) { /* the reader's own error, as a reader thread would have made it */
        st = rc_isolate_err_take(err, &rp.err, rp.st);
        count_episode(s->rep, k, &rp, 0, rc_now_s() - rp.t0, 0);
        return st;
    }
    msg_grant g;
    memset(&g, 0, sizeof g); /* padding included: every byte sent is defined */
    rc_err why;
    rc_err_clear(&why);
    st = rc_budget_check(rp.size, RC_E_INPUT, "the episode read", &why);
    if (st == RC_OK) st = shm_reserve(s, slot, (size_t)rp.size, &why);
    g.ok = st == RC_OK;
    g.cap = g.ok ? slot->shm_cap : 0;
    msg_done d;
    if (send_msg(pr->sock, &g, sizeof g, g.ok ? slot->shm_fd : -1) != 0 ||
        (g.ok && recv_msg(pr->sock, &d, sizeof d, NULL) != 0))
        return proc_died(p, pr, k, err);
    if (!g.ok) {
        *err = why;
        return st;
    }
    RC_TRY(rc_wire_take(slot->shm, (size_t)rp.size, &slot->ep, err));
    slot->ep_in_shm = 1;
    uint64_t bytes = 0;
    for (int a = 0; a < slot->ep.n_streams; a++) bytes += slot->ep.streams[a].bytes_read;
    double waited = d.waited >= 0 && d.waited <= d.t1 - rp.t0 ? d.waited : 0; /* trusted only within the episode */
    count_episode(s->rep, k, &rp, bytes, d.t1 - rp.t0, waited);
    rc_report_slice(s->rep, pr->track, RC_TIMED_READ, i, rp.t0, d.t1);
done:
    return st;
}

void rc_reader_pool_read(rc_reader_pool *p, int k, int64_t i, rc_slot *slot)
{
    const rc_work_item *w = &p->s->items[i];
    slot->st = exchange(p, k, i, slot, &slot->err);
    if (slot->st != RC_OK && !slot->err.file[0]) rc_err_scope(&slot->err, p->s->files[w->file], p->s->ids[i], NULL);
}

void rc_reader_pool_stop(rc_reader_pool *p)
{
    if (!p) return;
    for (int k = 0; k < p->n; k++)
        if (p->procs[k].pid > 0) close(p->procs[k].sock); /* the process sees the end and exits */
    if (p->ctl >= 0) close(p->ctl);
    if (p->spawner > 0)
        while (waitpid(p->spawner, NULL, 0) < 0 && errno == EINTR) continue;
    pthread_mutex_destroy(&p->ctl_mu);
    rc_free(p);
}

void rc_slot_shm_free(rc_slot *slot, rc_backend *b)
{
    if (slot->shm_cap == 0) return;
    shm_unpin(slot, b);
    munmap(slot->shm, slot->shm_cap);
    close(slot->shm_fd);
    slot->shm = NULL;
    slot->shm_cap = 0;
    slot->shm_fd = -1;
}
