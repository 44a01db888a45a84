/* rc_task_lock.c — one writer per output folder (rc_task.h): an exclusive, non-blocking flock
 * on a lock file named after the task, taken after the folder is created and held until the run
 * ends.  The file is removed on release; a run that took the lock checks that the file it
 * locked is still the one under that name, so a release racing a new run cannot leave two
 * holders. */
#include "config.h"
#include "task/rc_task_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/rc_common.h"

static void lock_name(const rc_task *t, char *buf, size_t n)
{
    if (t->id.count > 0) snprintf(buf, n, ".robocache-t%04d-of-%04d.lock", t->id.index, t->id.count);
    else snprintf(buf, n, ".robocache.lock");
}

/* The pid recorded in the lock file held by another run, or 0 when it cannot be read. */
static long holder_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return 0;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

rc_status rc_task_lock_take(const rc_task *t, const char *output_dir, rc_task_lock *lk, rc_err *err)
{
    rc_status st = RC_OK;
    char name[64];
    struct stat sb, fb;
    lk->fd = -1;
    lk->created_dir = stat(output_dir, &sb) != 0;
    snprintf(lk->dir, sizeof lk->dir, "%s", output_dir);
    rc_err_scope(err, output_dir, NULL, NULL);
    RC_TRY(rc_mkdir_p(output_dir, err));
    lock_name(t, name, sizeof name);
    snprintf(lk->path, sizeof lk->path, "%s/%s", output_dir, name);
    for (;;) {
        int fd = open(lk->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0 && (errno == EROFS || errno == EACCES)) return RC_OK; /* nobody can write here */
        RC_FAIL_IF(fd < 0, err, RC_E_IO, "cannot create the lock file %s: %s", lk->path, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            long pid = holder_pid(fd);
            close(fd);
            RC_FAIL_IF(e == EWOULDBLOCK && pid > 0, err, RC_E_IO,
                       "the output folder is in use by another run (pid %ld, lock file %s)", pid, lk->path);
            RC_FAIL_IF(e == EWOULDBLOCK, err, RC_E_IO, "the output folder is in use by another run (lock file %s)",
                       lk->path);
            RC_FAIL_IF(1, err, RC_E_IO, "cannot lock %s: %s", lk->path, strerror(e));
        }
        /* The holder before us may have removed the file between our open and our flock. */
        if (fstat(fd, &fb) == 0 && stat(lk->path, &sb) == 0 && fb.st_dev == sb.st_dev && fb.st_ino == sb.st_ino) {
            lk->fd = fd;
            break;
        }
        close(fd);
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    RC_FAIL_IF(ftruncate(lk->fd, 0) != 0 || pwrite(lk->fd, pid, (size_t)n, 0) != n, err, RC_E_IO,
               "cannot write the lock file %s: %s", lk->path, strerror(errno));
done:
    return st;
}

void rc_task_lock_release(rc_task_lock *lk, int failed)
{
    if (lk->fd >= 0) {
        unlink(lk->path);
        close(lk->fd);
        lk->fd = -1;
    }
    if (failed && lk->created_dir) rmdir(lk->dir); /* fails, as it should, when anything is in it */
}
