/* rc_input_list.c — finds the input shards: a recursive walk of the input folder (symlinked
 * folders are not followed, symlinked files are taken), base names matched with fnmatch (no
 * pattern: the HDF5 extensions .h5, .hdf5, .hdf), paths sorted bytewise so every run sees the
 * files in the same order.  When nothing matches, HDF5 files under other names (by their 8-byte
 * signature) are named in the error with the pattern that would take them. */
#include "config.h"
#include "reader/rc_reader.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/rc_common.h"

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

/* A file's name matches pattern, or with no pattern ends in an HDF5 extension. */
static int name_match(const char *path, const char *base, const char *pattern)
{
    (void)path;
    if (pattern[0]) return fnmatch(pattern, base, 0) == 0;
    return fnmatch("*.h5", base, 0) == 0 || fnmatch("*.hdf5", base, 0) == 0 || fnmatch("*.hdf", base, 0) == 0;
}

/* A file starts with the HDF5 signature (at offset 0, where h5py and the HDF5 tools put it). */
static int hdf5_signature(const char *path, const char *base, const char *pattern)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    unsigned char head[8];
    (void)base;
    (void)pattern;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    return got == sizeof head && !memcmp(head, sig, sizeof sig);
}

typedef int (*match_fn)(const char *path, const char *base, const char *pattern);

static rc_status walk(const char *dir, const char *pattern, match_fn match, file_list *l, rc_err *err)
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
            RC_TRY(walk(path, pattern, match, l, err));
        } else {
            /* A symlink counts when it leads to a regular file (dangling ones are skipped). */
            int regular = S_ISREG(sb.st_mode) || (S_ISLNK(sb.st_mode) && stat(path, &sb) == 0 &&
                                                  S_ISREG(sb.st_mode));
            if (regular && match(path, e->d_name, pattern)) RC_TRY(push(l, path, err));
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
    char want[300];
    if (pattern[0]) snprintf(want, sizeof want, "'%s'", pattern);
    else snprintf(want, sizeof want, "*.h5, *.hdf5 or *.hdf (the default input.pattern)");
    RC_TRY(walk(dir, pattern, name_match, &l, err));
    if (l.n == 0) {
        RC_TRY(walk(dir, "", hdf5_signature, &l, err));
        if (l.n > 0) {
            qsort(l.v, l.n, sizeof *l.v, cmp_path);
            const char *base = strrchr(l.v[0], '/') ? strrchr(l.v[0], '/') + 1 : l.v[0];
            const char *ext = strrchr(base, '.');
            RC_FAIL_IF(1, err, RC_E_INPUT,
                       "expected input files matching %s under this folder, found none; %zu HDF5 file%s under "
                       "another name, e.g. %s: set input.pattern: \"%s%s\"",
                       want, l.n, l.n == 1 ? "" : "s", l.v[0],
                       ext && ext != base ? "*" : "", ext && ext != base ? ext : base);
        }
        RC_FAIL_IF(1, err, RC_E_INPUT, "expected input files matching %s under this folder, found none", want);
    }
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
