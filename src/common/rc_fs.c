/* rc_fs.c — small file-system helpers: mkdir -p. */
#include "config.h"

#include "common/rc_fs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

rc_status rc_mkdir_p(const char *dir, rc_err *err)
{
    rc_status st = RC_OK;
    char path[4096];
    struct stat sb;
    RC_FAIL_IF(snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path || !path[0], err, RC_E_USAGE,
               "expected a folder path of 1 to %zu bytes", sizeof path - 1);
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0) {
            int e = errno;
            RC_FAIL_IF(e != EEXIST, err, RC_E_IO, "cannot create the folder %s: %s", path, strerror(e));
            RC_FAIL_IF(stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode), err, RC_E_IO,
                       "expected %s to be a folder, found another kind of file", path);
        }
        *p = c;
        if (!c) break;
    }
done:
    return st;
}
