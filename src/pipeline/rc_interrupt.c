/* rc_interrupt.c — the end of a run stopped by SIGINT, SIGTERM, SIGHUP or SIGPIPE
 * (docs/RELIABILITY.md): the shard being written is removed, the committed shards stay, and
 * the manifest lists them and their episodes with "complete": false, so `run --resume` keeps
 * them and converts the rest, while `verify` and `merge-manifests` refuse the folder. */
#include "config.h"

#include "pipeline/rc_stream_int.h"

#include <stdio.h>

#include "common/rc_common.h"

rc_status rc_interrupted_finish(rc_run *s, rc_err *err)
{
    rc_status st = RC_OK;
    const char *discarded = NULL;
    if (s->shard) { /* unfinished: removed, its episodes are redone by --resume */
        rc_shard_abort(s->shard);
        s->shard = NULL;
        discarded = s->shard_name;
        s->rep->episodes_written -= s->shard_episodes;
        s->shard_episodes = 0;
    }
    rc_manifest_mark_incomplete(s->manifest, discarded);
    char mpath[RC_PATH_MAX + 100], mname[64];
    rc_task_manifest_name(s->task, mname, sizeof mname);
    snprintf(mpath, sizeof mpath, "%s/%s", s->output_dir, mname);
    RC_TRY(rc_manifest_write(s->manifest, mpath, s->spec_hex, PACKAGE_VERSION, s->rep->backend, err));
done:
    return st;
}
