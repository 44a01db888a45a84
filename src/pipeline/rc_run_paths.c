/* rc_run_paths.c — the folder rules a run checks before it writes anything
 * (docs/RELIABILITY.md): the output folder is not the input folder, and one inside the input
 * folder is left out of the input listing, so a run never reads its own shards as input and
 * --force never removes an input file; --report and --trace go to an existing writable folder
 * outside the output folder, so they never replace a shard or the manifest. */
#include "config.h"

#include "pipeline/rc_stream_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/rc_common.h"

/* A --report or --trace path: RC_E_USAGE naming the option and the path when it cannot be used. */
static rc_status check_side_file(const char *opt, const char *path, const char *output_dir, rc_err *err)
{
    rc_status st = RC_OK;
    char dir[RC_PATH_MAX];
    struct stat sb;
    if (!path || !strcmp(path, "-")) return RC_OK;
    rc_err_scope(err, path, NULL, NULL);
    RC_FAIL_IF(snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir, err, RC_E_USAGE, "%s: path too long", opt);
    char *slash = strrchr(dir, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == dir) dir[1] = '\0';
    else *slash = '\0';
    RC_FAIL_IF(rc_path_within(path, output_dir), err, RC_E_USAGE,
               "%s may not be inside the output folder %s (it could replace a shard or the manifest)", opt, output_dir);
    RC_FAIL_IF(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode), err, RC_E_USAGE, "%s names a folder, expected a file", opt);
    RC_FAIL_IF(stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode), err, RC_E_USAGE, "%s: the folder %s does not exist", opt,
               dir);
    RC_FAIL_IF(access(dir, W_OK | X_OK) != 0, err, RC_E_USAGE, "%s: the folder %s is not writable", opt, dir);
done:
    return st;
}

rc_status rc_exclude_output(rc_run *s, rc_err *err)
{
    rc_status st = RC_OK;
    size_t kept = 0, n = s->n_files;
    if (!rc_path_within(s->output_dir, s->spec->input_dir)) return RC_OK;
    for (size_t i = 0; i < n; i++) {
        if (rc_path_within(s->files[i], s->output_dir)) rc_free(s->files[i]);
        else s->files[kept++] = s->files[i];
    }
    s->n_files = kept;
    if (kept < n)
        rc_log(RC_LOG_INFO, "%zu file(s) in the output folder %s left out of the input", n - kept, s->output_dir);
    rc_err_scope(err, s->spec->input_dir, NULL, NULL);
    RC_FAIL_IF(kept == 0, err, RC_E_INPUT, "no input file matches %s outside the output folder %s",
               s->spec->input_pattern, s->output_dir);
done:
    return st;
}

rc_status rc_check_run_paths(const rc_run *s, rc_err *err)
{
    rc_status st = RC_OK;
    rc_err_scope(err, s->output_dir, NULL, NULL);
    struct stat in, out;
    RC_FAIL_IF(stat(s->spec->input_dir, &in) == 0 && stat(s->output_dir, &out) == 0 && in.st_dev == out.st_dev &&
                   in.st_ino == out.st_ino,
               err, RC_E_USAGE, "the output folder is the input folder %s; choose another output folder",
               s->spec->input_dir);
    st = check_side_file("--report", s->o->report_path, s->output_dir, err);
    if (st == RC_OK) st = check_side_file("--trace", s->o->trace_path, s->output_dir, err);
    s->rep->paths_refused = st != RC_OK;
done:
    return st;
}
