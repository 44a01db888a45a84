/* rc_manifest.h — train/manifest.json (docs/SPEC.md §6): shards, episodes (id, shard, split,
 * steps, content digest), skipped episodes with reasons, stats per output, spec digest, tool
 * version, backend.  Written atomically (temporary name, fsync, rename). */
#ifndef RC_MANIFEST_H
#define RC_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"
#include "common/rc_json.h"
#include "writer/rc_features.h"

typedef struct rc_manifest rc_manifest;

rc_manifest *rc_manifest_new(void); /* NULL out of memory */
void rc_manifest_free(rc_manifest *m);
rc_status rc_manifest_add_shard(rc_manifest *m, const char *name, uint64_t bytes,
                                int64_t n_episodes, rc_err *err);
rc_status rc_manifest_add_episode(rc_manifest *m, const char *id, const char *shard,
                                  const char *split, int64_t steps, const char *sha256_hex,
                                  const char *source_file, rc_err *err);
/* An interrupted run's manifest (docs/FORMAT.md, "complete": false): the episodes recorded for
 * shard `discarded` (NULL: none), which the run removed unfinished, are dropped. */
void rc_manifest_mark_incomplete(rc_manifest *m, const char *discarded);
rc_status rc_manifest_add_skipped(rc_manifest *m, const char *source_file, const char *episode,
                                  const char *reason, rc_err *err);
/* The statistics of one output as the manifest holds them: an object made by stats/
 * (rc_stats_manifest_figures) that writes the fields of its JSON object and is freed with the manifest. */
typedef struct rc_manifest_figures {
    void *ctx;
    void (*write)(rc_json *j, const void *ctx);
    void (*free)(void *ctx);
} rc_manifest_figures;
/* Adds the stats of output `name`; the manifest owns fig from now on (freed on failure too). */
rc_status rc_manifest_add_stats(rc_manifest *m, const char *name, rc_manifest_figures fig, rc_err *err);
/* Takes f (the outputs' features, rc_features_read) for the keys "fps" and "features" and the
 * column names of the stats; replaces any earlier. */
void rc_manifest_set_features(rc_manifest *m, rc_features *f);
const rc_features *rc_manifest_features(const rc_manifest *m); /* NULL: none set */
/* Sets the features from the first episode's shard (in folder dir); nothing without episodes. */
rc_status rc_manifest_read_features(rc_manifest *m, const char *dir, rc_err *err);
/* Episodes added with this split ("train", "val"). */
int64_t rc_manifest_split_count(const rc_manifest *m, const char *split);
/* Warns that the train split is empty (when there are episodes), and the val split when want_val
 * is set (a val_fraction above 0); the manifest's "empty_splits" says the same. */
void rc_manifest_warn_empty_splits(const rc_manifest *m, int want_val);
/* fn(j, ctx) is called while the manifest is written, after "stats", to add top-level keys
 * (a task manifest's "task"); it writes keys and values with j. */
typedef void (*rc_manifest_extra_fn)(rc_json *j, const void *ctx);
void rc_manifest_set_extra(rc_manifest *m, rc_manifest_extra_fn fn, const void *ctx);
rc_status rc_manifest_write(const rc_manifest *m, const char *path, const char *spec_sha256_hex,
                            const char *tool_version, const char *backend, rc_err *err);
/* Writes buf[len] to path as the manifest is written (a temporary name beside it, fsync,
 * rename, fsync of the folder), for a file that goes with a manifest (a task's statistics
 * state).  RC_E_IO naming the step; on failure nothing is left under either name. */
rc_status rc_manifest_write_file(const char *path, const void *buf, size_t len, rc_err *err);

#endif
