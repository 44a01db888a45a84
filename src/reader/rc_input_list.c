/* rc_input_list.c — finds the input shards: a recursive walk of the input folder (symlinked
 * folders are not followed, symlinked files are taken), base names matched with fnmatch,
 * paths sorted bytewise so every run sees the files in the same order. */
#include "config.h"
#include "reader/rc_reader.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/rc_alloc.h"

typedef struct file_list {
    char **v;
    size_t n, cap;
} file_list;

static rc_status push(file_list *l, const char *path, rc_err *err)
{
    rc_status st = RC_OK;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **v = rc_realloc(l->v, cap * sizeof *v);
        RC_FAIL_IF(!v, err, RC_E_NOMEM, "out of memory listing %zu input files", cap);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n] = rc_strdup(path);
    RC_FAIL_IF(!l->v[l->n], err, RC_E_NOMEM, "out of memory for the input path '%s'", path);
    l->n++;
done:
    return st;
}

static rc_status walk(const char *dir, const char *pattern, file_list *l, rc_err *err)
{
    rc_status st = RC_OK;
    char *path = NULL;
    DIR *d = opendir(dir);
    RC_FAIL_IF(!d, err, RC_E_IO, "cannot open input folder '%s': %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        path = rc_malloc(len);
        RC_FAIL_IF(!path, err, RC_E_NOMEM, "out of memory for a path under '%s'", dir);
        snprintf(path, len, "%s/%s", dir, e->d_name);
        struct stat sb;
        RC_FAIL_IF(lstat(path, &sb) != 0, err, RC_E_IO, "cannot stat '%s': %s", path, strerror(errno));
        if (S_ISDIR(sb.st_mode)) {
            RC_TRY(walk(path, pattern, l, err));
        } else {
            /* A symlink counts when it leads to a regular file (dangling ones are skipped). */
            int regular = S_ISREG(sb.st_mode) || (S_ISLNK(sb.st_mode) && stat(path, &sb) == 0 &&
                                                  S_ISREG(sb.st_mode));
            if (regular && fnmatch(pattern, e->d_name, 0) == 0) RC_TRY(push(l, path, err));
        }
        rc_free(path);
        path = NULL;
    }
done:
    rc_free(path);
    if (d) closedir(d);
    return st;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

rc_status rc_input_list(const char *dir, const char *pattern, char ***files, size_t *n, rc_err *err)
{
    rc_status st = RC_OK;
    file_list l = {NULL, 0, 0};
    *files = NULL;
    *n = 0;
    rc_err_scope(err, dir, NULL, NULL);
    RC_TRY(walk(dir, pattern, &l, err));
    RC_FAIL_IF(l.n == 0, err, RC_E_INPUT,
               "expected input files matching '%s' under this folder, found none", pattern);
    qsort(l.v, l.n, sizeof *l.v, cmp_path);
    *files = l.v;
    *n = l.n;
    l.v = NULL;
    l.n = 0;
done:
    rc_input_list_free(l.v, l.n);
    return st;
}

void rc_input_list_free(char **files, size_t n)
{
    if (!files) return;
    for (size_t i = 0; i < n; i++) rc_free(files[i]);
    rc_free(files);
}
