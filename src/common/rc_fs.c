/* rc_fs.c — small file-system helpers: mkdir -p, rm -r; whether a path lies inside a folder. */
#include "config.h"

#include "common/rc_common.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) != 0 ? -1 : 0;
}

int rc_remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) return -1;
    if (!S_ISDIR(sb.st_mode)) return unlink(path);
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int rc_path_within(const char *path, const char *dir)
{
    char p[4096];
    struct stat d, sb;
    if (stat(dir, &d) != 0) return 0;
    size_t n = 0;
    if (path[0] != '/') {
        if (!getcwd(p, sizeof p)) return 0;
        n = strlen(p);
        if (n + 1 < sizeof p) p[n++] = '/';
    }
    if (n + strlen(path) >= sizeof p) return 0;
    strcpy(p + n, path);
    for (;;) {
        if (stat(p, &sb) == 0 && sb.st_dev == d.st_dev && sb.st_ino == d.st_ino) return 1;
        char *slash = strrchr(p, '/');
        if (!slash) return 0;
        while (slash > p && slash[-1] == '/') slash--;
        if (slash == p) return stat("/", &sb) == 0 && sb.st_dev == d.st_dev && sb.st_ino == d.st_ino;
        *slash = '\0';
    }
}
