/* rc_fs.h — small file-system helpers every module may use: mkdir -p, rm -r. */
#ifndef RC_FS_H
#define RC_FS_H
#include "common/rc_error.h"

/* Creates the folder `dir` and any missing parents (mkdir -p, mode 0777 before umask).
 * RC_E_IO naming the folder when one cannot be created or a path component is not a folder. */
rc_status rc_mkdir_p(const char *dir, rc_err *err);
/* Removes path: a file, or a folder with everything in it (rm -r; symbolic links are removed,
 * not followed).  0, or -1 with errno set by the first removal that failed. */
int rc_remove_tree(const char *path);

/* 1 when `path`, or a folder above it, is the existing folder `dir` (compared by device and
 * inode, so another spelling or a symbolic link to it is found too); 0 otherwise, also when
 * `dir` does not exist.  Folders above `path` are taken by removing its last components (a
 * relative path is taken from the current folder); parts that do not exist yet are skipped. */
int rc_path_within(const char *path, const char *dir);

#endif
