/* rc_run_paths.c — the folder rules a run checks before it writes anything
 * (docs/RELIABILITY.md): the output folder is neither the input folder nor inside it, so a run
 * never reads its own shards as input and --force never removes an input file; --report and
 * --trace go to an existing writable folder outside the output folder, so they never replace
 * a shard or the manifest. */
#include "config.h"

#include "pipeline/rc_stream_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/rc_fs.h"

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

rc_status rc_check_run_paths(const rc_run *s, rc_err *err)
{
    rc_status st = RC_OK;
    rc_err_scope(err, s->output_dir, NULL, NULL);
    RC_FAIL_IF(rc_path_within(s->output_dir, s->spec->input_dir), err, RC_E_USAGE,
               "the output folder is the input folder %s or inside it; choose an output folder outside the input",
               s->spec->input_dir);
    st = check_side_file("--report", s->o->report_path, s->output_dir, err);
    if (st == RC_OK) st = check_side_file("--trace", s->o->trace_path, s->output_dir, err);
    s->rep->paths_refused = st != RC_OK;
done:
    return st;
}
