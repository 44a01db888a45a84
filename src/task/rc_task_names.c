/* rc_task_names.c — the file names of a task inside the output folder: shards, manifest and
 * statistics state, plain for an unsharded run and carrying the task index when sharded, and
 * which names in the folder are this task's. */
#include "config.h"
#include "task/rc_task_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rc_task_set_format(rc_task *t, rc_out_format format)
{
    snprintf(t->shard_ext, sizeof t->shard_ext, "%s", format == RC_OUT_ZARR ? ".zarr" : ".h5");
}

static const char *ext_of(const rc_task *t)
{
    return t->shard_ext[0] ? t->shard_ext : ".h5";
}

void rc_task_shard_name(const rc_task *t, int64_t k, char *buf, size_t n)
{
    if (t->id.count > 0) snprintf(buf, n, "shard-t%04d-%05lld%s", t->id.index, (long long)k, ext_of(t));
    else snprintf(buf, n, "shard-%05lld%s", (long long)k, ext_of(t));
}

/* Whether name[len] ends with a shard extension (either format: a run replaces the other's too). */
static int shard_suffix(const char *name, size_t len, size_t min)
{
    return (len > min + 3 && !strncmp(name + len - 3, ".h5", 3)) ||
           (len > min + 5 && !strncmp(name + len - 5, ".zarr", 5));
}

void rc_task_manifest_name(const rc_task *t, char *buf, size_t n)
{
    if (t->id.count > 0) snprintf(buf, n, "manifest-t%04d-of-%04d.json", t->id.index, t->id.count);
    else snprintf(buf, n, "manifest.json");
}

void rc_task_state_name(const rc_task *t, char *buf, size_t n)
{
    snprintf(buf, n, "stats-t%04d-of-%04d.bin", t->id.index, t->id.count);
}

/* 1 when name is one of this task's final files, 2 when it is a temporary file of one
 * (FINAL.tmp.PID), else 0. */
int rc_task_owns_file(const rc_task *t, const char *name)
{
    char own[64];
    size_t len = strlen(name);
    const char *tmp = strstr(name, ".tmp.");
    if (tmp && tmp[5] && strspn(tmp + 5, "0123456789") == strlen(tmp + 5)) len = (size_t)(tmp - name);
    int kind = len < strlen(name) ? 2 : 1;
    if (t->id.count == 0) {
        if (len == 13 && !strncmp(name, "manifest.json", 13)) return kind;
        return !strncmp(name, "shard-", 6) && shard_suffix(name, len, 6) ? kind : 0;
    }
    rc_task_manifest_name(t, own, sizeof own);
    if (len == strlen(own) && !strncmp(name, own, len)) return kind;
    rc_task_state_name(t, own, sizeof own);
    if (len == strlen(own) && !strncmp(name, own, len)) return kind;
    snprintf(own, sizeof own, "shard-t%04d-", t->id.index);
    return !strncmp(name, own, strlen(own)) && shard_suffix(name, len, strlen(own)) ? kind : 0;
}

/* Whether name is shard K of this task with K below the kept count (K read after the last '-'). */
int rc_task_is_kept_shard(const rc_task *t, const char *name)
{
    char own[64];
    const char *dash = strrchr(name, '-');
    if (!dash || !t->n_kept_shards) return 0;
    long long k = strtoll(dash + 1, NULL, 10);
    if (k < 0 || k >= t->n_kept_shards) return 0;
    rc_task_shard_name(t, k, own, sizeof own);
    return !strcmp(own, name);
}
