/* rc_task_output.c — makes the output folder ready for a task: created if missing; the
 * task's earlier files refused without --force, then removed, except shards --resume kept. */
#include "config.h"
#include "task/rc_task_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"

rc_status rc_task_prepare_output(const rc_task *t, const char *output_dir, int force, rc_err *err)
{
    rc_status st = RC_OK;
    DIR *d = NULL;
    char path[RC_PATH_MAX + 300];
    rc_err_scope(err, output_dir, NULL, NULL);
    RC_TRY(rc_mkdir_p(output_dir, err));
    d = opendir(output_dir);
    RC_FAIL_IF(!d, err, RC_E_IO, "cannot open the output folder: %s", strerror(errno));
    for (struct dirent *e; (e = readdir(d));) {
        int own = rc_task_owns_file(t, e->d_name);
        if (!own || rc_task_is_kept_shard(t, e->d_name)) continue;
        RC_FAIL_IF(own == 1 && !force && !t->resuming, err, RC_E_USAGE,
                   "already holds a conversion (%s); use --force to replace it", e->d_name);
        snprintf(path, sizeof path, "%s/%s", output_dir, e->d_name);
        RC_FAIL_IF(rc_remove_tree(path) != 0, err, RC_E_IO, "cannot remove %s: %s", path, strerror(errno));
    }
done:
    if (d) closedir(d);
    return st;
}
