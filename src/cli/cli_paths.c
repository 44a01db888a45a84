/* cli_paths.c — finds what robocache-convert reads besides its input: the schemas/ folder and the
 * HDF5 zstd filter plugin.  An installed binary looks relative to its own location
 * (/proc/self/exe), so a prefix moved or copied elsewhere still works, then in the folders
 * configure named; a binary in its build tree uses the source tree and the build's plugins/. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/rc_cli_int.h"

#define MAX_PLACES 5

/* The folder holding this executable (resolved), or "" when /proc is not there. */
static const char *exe_dir(void)
{
    static char dir[PATH_MAX];
    static int done;
    if (!done) {
        char *p = realpath("/proc/self/exe", NULL);
        done = 1;
        if (p) {
            char *slash = strrchr(p, '/');
            if (slash) *slash = '\0';
            snprintf(dir, sizeof dir, "%s", p);
            free(p);
        }
    }
    return dir;
}

/* 1 when this executable is the one the build tree holds. */
static int in_build_tree(void)
{
    char *b = realpath(RC_BUILD_DIR, NULL);
    int same = b && !strcmp(b, exe_dir());
    free(b);
    return same;
}

/* Adds dir to places (as given, or exe_dir/rel when rel_to_exe), skipping repeats. */
static void add_place(char places[][PATH_MAX], int *n, const char *dir, int rel_to_exe)
{
    char buf[PATH_MAX];
    int len;
    if (rel_to_exe && !exe_dir()[0]) return;
    if (rel_to_exe) len = snprintf(buf, sizeof buf, "%s/%s", exe_dir(), dir);
    else len = snprintf(buf, sizeof buf, "%s", dir);
    if (len < 0 || (size_t)len >= sizeof buf) return; /* longer than any path: not a place */
    for (int i = 0; i < *n; i++)
        if (!strcmp(places[i], buf)) return;
    if (*n < MAX_PLACES) snprintf(places[(*n)++], PATH_MAX, "%s", buf);
}

/* The first place holding file (copied into out, resolved), or 0; looked lists every place. */
static int first_with(char places[][PATH_MAX], int n, const char *file, char *out, size_t out_n, char *looked,
                      size_t looked_n)
{
    size_t len = 0;
    if (looked_n) looked[0] = '\0';
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s", places[i], file);
        if (access(path, R_OK) == 0) {
            char *r = realpath(places[i], NULL);
            snprintf(out, out_n, "%s", r ? r : places[i]);
            free(r);
            return 1;
        }
        if (len < looked_n) len += (size_t)snprintf(looked + len, looked_n - len, "%s%s", i ? ", " : "", places[i]);
    }
    return 0;
}

/* The installed or source schemas/ folder into found[n]: 1, or 0 with every place looked in. */
static int find_builtin(char *found, size_t n, char *looked, size_t looked_n)
{
    char places[MAX_PLACES][PATH_MAX];
    int np = 0;
    if (in_build_tree()) add_place(places, &np, RC_SOURCE_SCHEMA_DIR, 0);
    add_place(places, &np, RC_SCHEMA_DIR_FROM_BIN, 1);
    add_place(places, &np, RC_INSTALLED_SCHEMA_DIR, 0);
    return first_with(places, np, "pipeline.schema.yaml", found, n, looked, looked_n);
}

const char *cli_schema_dir(void)
{
    static char found[PATH_MAX], both[2 * PATH_MAX + 2];
    char looked[MAX_PLACES * (PATH_MAX + 2)];
    const char *env = getenv("RC_SCHEMA_DIR");
    if (env && *env) {
        /* the shipped folder after it: RC_SCHEMA_DIR hides no built-in layout */
        if (!found[0] && !find_builtin(found, sizeof found, looked, sizeof looked)) return env;
        snprintf(both, sizeof both, "%s:%s", env, found);
        return both;
    }
    if (found[0] || find_builtin(found, sizeof found, looked, sizeof looked)) return found;
    fprintf(stderr,
            "robocache-convert: error: cannot find the schemas (pipeline.schema.yaml); looked in: %s "
            "(reinstall, or set RC_SCHEMA_DIR to the folder that holds them)\n",
            looked);
    exit(3);
}

int cli_plugin_dir(char *dir, size_t n, char *looked, size_t looked_n)
{
    char places[MAX_PLACES][PATH_MAX];
    int np = 0;
    if (in_build_tree()) add_place(places, &np, RC_BUILD_DIR "/plugins", 0);
    add_place(places, &np, RC_PLUGIN_DIR_FROM_BIN, 1);
    add_place(places, &np, RC_PLUGIN_DIR, 0);
    return first_with(places, np, RC_PLUGIN_FILE, dir, n, looked, looked_n);
}

int cli_plugin_dir_in_env(char *dir, size_t n)
{
    const char *env = getenv("HDF5_PLUGIN_PATH");
    char place[1][PATH_MAX];
    while (env && *env) { /* every folder, in order: the first holding the plugin is HDF5's */
        size_t len = strcspn(env, ":");
        if (len > 0 && len < PATH_MAX) {
            memcpy(place[0], env, len);
            place[0][len] = '\0';
            if (first_with(place, 1, RC_PLUGIN_FILE, dir, n, NULL, 0)) return 1;
        }
        env += len + (env[len] == ':');
    }
    return 0;
}

int cli_is_hdf5_default_plugin_dir(const char *dir)
{
    char *d = realpath(RC_HDF5_DEFAULT_PLUGIN_DIR, NULL);
    int same = d && !strcmp(d, dir);
    if (!d) same = !strcmp(RC_HDF5_DEFAULT_PLUGIN_DIR, dir);
    free(d);
    return same;
}
