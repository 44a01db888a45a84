/* rc_task_state.c — what a sharded task adds to its manifest: the "task" section (its index,
 * the plan digest, the episodes assigned) and the exact statistics state file beside it. */
#include "config.h"
#include "task/rc_task_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"

static void write_task_section(rc_json *j, const void *ctx)
{
    const rc_task *t = ctx;
    rc_json_key(j, "task");
    rc_json_object_begin(j);
    rc_json_key(j, "index");
    rc_json_int(j, t->id.index);
    rc_json_key(j, "count");
    rc_json_int(j, t->id.count);
    rc_json_key(j, "source");
    rc_json_string(j, t->id.source);
    rc_json_key(j, "plan_sha256");
    rc_json_string(j, t->plan_hex);
    rc_json_key(j, "episodes_total");
    rc_json_int(j, (int64_t)t->n_units);
    rc_json_key(j, "assigned");
    rc_json_array_begin(j);
    for (size_t i = 0; i < t->n_units; i++) {
        const plan_unit *u = &t->units[i];
        if (u->task != t->id.index) continue;
        rc_json_array_begin(j);
        rc_json_string(j, t->files[u->file]);
        rc_json_string(j, u->id ? u->id : "*");
        rc_json_array_end(j);
    }
    rc_json_array_end(j);
    rc_json_key(j, "stats_state");
    t->stats_name[0] ? rc_json_string(j, t->stats_name) : rc_json_null(j);
    rc_json_key(j, "stats_state_sha256");
    t->stats_name[0] ? rc_json_string(j, t->stats_hex) : rc_json_null(j);
    rc_json_object_end(j);
}

/* Writes rs to OUTPUT/stats-tIIII-of-NNNN.bin (temporary name, fsync, rename) and its digest. */
static rc_status write_state(rc_task *t, const char *output_dir, rc_run_stats *rs, rc_err *err)
{
    rc_status st = RC_OK;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = NULL;
    char path[RC_PATH_MAX + 100];
    rc_task_state_name(t, t->stats_name, sizeof t->stats_name);
    snprintf(path, sizeof path, "%s/%s", output_dir, t->stats_name);
    rc_err_scope(err, path, NULL, NULL);
    mem = open_memstream(&buf, &len);
    RC_FAIL_IF(!mem, err, RC_E_NOMEM, "out of memory for the statistics state");
    RC_TRY(rc_run_stats_save(rs, mem, err));
    int closed = fclose(mem);
    mem = NULL;
    RC_FAIL_IF(closed != 0, err, RC_E_NOMEM, "out of memory for the statistics state");
    rc_sha256_of(buf, len, t->stats_hex);
    RC_TRY(rc_manifest_write_file(path, buf, len, err));
done:
    if (mem) fclose(mem);
    free(buf); /* open_memstream's buffer comes from malloc */
    return st;
}

rc_status rc_task_finish(rc_task *t, const char *output_dir, rc_manifest *m, rc_run_stats *rs, rc_err *err)
{
    rc_status st = RC_OK;
    if (t->id.count == 0) return RC_OK;
    if (rs) RC_TRY(write_state(t, output_dir, rs, err));
    rc_manifest_set_extra(m, write_task_section, t);
done:
    return st;
}
