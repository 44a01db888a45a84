/* rc_durable.c — fsync + rename + fsync of the folder (rc_durable_int.h): after it returns RC_OK the
 * file is on disk under its final name, whole, even across a crash. */
#include "config.h"
#include "writer/rc_durable_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"

static int fsync_path(const char *path, int flags)
{
    int fd = open(path, O_RDONLY | flags);
    if (fd < 0) return -1;
    int rc = rc_fault_hit(RC_FAULT_FSYNC) ? (errno = EIO, -1) : fsync(fd);
    if (close(fd) < 0) rc = -1;
    return rc;
}

rc_status rc_durable_publish(const char *tmp_path, const char *final_path, rc_err *err)
{
    rc_status st = RC_OK;
    char dir[1024];
    const char *slash = strrchr(final_path, '/');
    RC_FAIL_IF(fsync_path(tmp_path, 0) < 0, err, RC_E_IO, "fsync of %s failed: %s", tmp_path, strerror(errno));
    int renamed = rc_fault_hit(RC_FAULT_RENAME) ? (errno = EIO, -1) : rename(tmp_path, final_path);
    RC_FAIL_IF(renamed < 0, err, RC_E_IO, "renaming %s to %s failed: %s", tmp_path, final_path, strerror(errno));
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == final_path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - final_path), final_path);
    /* The rename is durable only once the folder's entry is on disk; until then the file is
     * not published, so a failure takes it back. */
    if (fsync_path(dir, O_DIRECTORY) < 0) {
        int e = errno;
        unlink(final_path);
        RC_FAIL_IF(1, err, RC_E_IO, "fsync of folder %s failed: %s", dir, strerror(e));
    }
done:
    return st;
}
