/* rc_manifest.c — builds and writes train/manifest.json (docs/SPEC.md §6; schema in
 * docs/FORMAT.md): shards, episodes with their split and content digest, skipped episodes,
 * per-output stats.  Written to a temporary name, fsync'd and renamed like the shards. */
#include "config.h"
#include "writer/rc_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "writer/rc_durable_int.h"

#define RC_MANIFEST_PATH_MAX 2200

typedef struct shard_row {
    char *name;
    uint64_t bytes;
    int64_t n_episodes;
} shard_row;

typedef struct episode_row {
    char *id, *shard, *split, *sha256_hex, *source_file;
    int64_t steps;
} episode_row;

typedef struct skipped_row {
    char *source_file, *episode, *reason;
} skipped_row;

typedef struct stats_row {
    char *name;
    rc_manifest_figures fig; /* owned */
} stats_row;

/* Each array grows by doubling; rows are kept in the order added (= the order written). */
struct rc_manifest {
    shard_row *shards;
    size_t n_shards, cap_shards;
    episode_row *episodes;
    size_t n_episodes, cap_episodes;
    skipped_row *skipped;
    size_t n_skipped, cap_skipped;
    stats_row *stats;
    size_t n_stats, cap_stats;
    rc_features *features;      /* "fps" and "features"; NULL: none known */
    rc_manifest_extra_fn extra; /* writes more top-level keys after "stats" (task manifests) */
    const void *extra_ctx;
    int incomplete;             /* written as "complete": false */
};

rc_manifest *rc_manifest_new(void)
{
    return rc_calloc(1, sizeof(rc_manifest));
}

void rc_manifest_free(rc_manifest *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n_shards; i++) rc_free(m->shards[i].name);
    for (size_t i = 0; i < m->n_episodes; i++) {
        episode_row *e = &m->episodes[i];
        rc_free(e->id);
        rc_free(e->shard);
        rc_free(e->split);
        rc_free(e->sha256_hex);
        rc_free(e->source_file);
    }
    for (size_t i = 0; i < m->n_skipped; i++) {
        rc_free(m->skipped[i].source_file);
        rc_free(m->skipped[i].episode);
        rc_free(m->skipped[i].reason);
    }
    for (size_t i = 0; i < m->n_stats; i++) {
        rc_free(m->stats[i].name);
        m->stats[i].fig.free(m->stats[i].fig.ctx);
    }
    rc_free(m->shards);
    rc_free(m->episodes);
    rc_free(m->skipped);
    rc_free(m->stats);
    rc_features_free(m->features);
    rc_free(m);
}

/* Makes room for one more row of size `size` in *rows; 0 or -1. */
static int grow(void **rows, size_t n, size_t *cap, size_t size)
{
    if (n < *cap) return 0;
    size_t want = *cap ? 2 * *cap : 16;
    void *p = rc_realloc(*rows, want * size);
    if (!p) return -1;
    *rows = p;
    *cap = want;
    return 0;
}

rc_status rc_manifest_add_shard(rc_manifest *m, const char *name, uint64_t bytes, int64_t n_episodes,
                                rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(grow((void **)&m->shards, m->n_shards, &m->cap_shards, sizeof *m->shards) < 0, err, RC_E_NOMEM,
               "out of memory adding shard %s to the manifest", name);
    shard_row *r = &m->shards[m->n_shards];
    r->name = rc_strdup(name);
    RC_FAIL_IF(!r->name, err, RC_E_NOMEM, "out of memory adding shard %s to the manifest", name);
    r->bytes = bytes;
    r->n_episodes = n_episodes;
    m->n_shards++;
done:
    return st;
}

rc_status rc_manifest_add_episode(rc_manifest *m, const char *id, const char *shard, const char *split,
                                  int64_t steps, const char *sha256_hex, const char *source_file,
                                  rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(grow((void **)&m->episodes, m->n_episodes, &m->cap_episodes, sizeof *m->episodes) < 0, err,
               RC_E_NOMEM, "out of memory adding episode %s to the manifest", id);
    episode_row *e = &m->episodes[m->n_episodes];
    memset(e, 0, sizeof *e);
    e->id = rc_strdup(id);
    e->shard = rc_strdup(shard);
    e->split = rc_strdup(split);
    e->sha256_hex = rc_strdup(sha256_hex);
    e->source_file = rc_strdup(source_file);
    e->steps = steps;
    m->n_episodes++; /* counted now so rc_manifest_free releases what was copied */
    RC_FAIL_IF(!e->id || !e->shard || !e->split || !e->sha256_hex || !e->source_file, err, RC_E_NOMEM,
               "out of memory adding episode %s to the manifest", id);
done:
    return st;
}

rc_status rc_manifest_add_skipped(rc_manifest *m, const char *source_file, const char *episode,
                                  const char *reason, rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(grow((void **)&m->skipped, m->n_skipped, &m->cap_skipped, sizeof *m->skipped) < 0, err,
               RC_E_NOMEM, "out of memory adding skipped episode %s to the manifest", episode);
    skipped_row *r = &m->skipped[m->n_skipped];
    r->source_file = rc_strdup(source_file);
    r->episode = rc_strdup(episode);
    r->reason = rc_strdup(reason);
    m->n_skipped++;
    RC_FAIL_IF(!r->source_file || !r->episode || !r->reason, err, RC_E_NOMEM,
               "out of memory adding skipped episode %s to the manifest", episode);
done:
    return st;
}

rc_status rc_manifest_add_stats(rc_manifest *m, const char *name, rc_manifest_figures fig, rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(grow((void **)&m->stats, m->n_stats, &m->cap_stats, sizeof *m->stats) < 0, err, RC_E_NOMEM,
               "out of memory adding stats of %s to the manifest", name);
    stats_row *r = &m->stats[m->n_stats];
    r->fig = fig;
    fig.ctx = NULL; /* the row owns it now */
    r->name = rc_strdup(name);
    m->n_stats++;
    RC_FAIL_IF(!r->name, err, RC_E_NOMEM, "out of memory adding stats of %s to the manifest", name);
done:
    if (fig.ctx) fig.free(fig.ctx);
    return st;
}

/* One output's statistics: {"names": [..], then the figures stats/ writes: "count": .., ...,
 * "train": {..}, "val": {..}}. */
static void write_stats(rc_json *j, const stats_row *r, const rc_features *features)
{
    rc_json_object_begin(j);
    rc_json_key(j, "names");
    rc_features_write_names(j, features, r->name);
    r->fig.write(j, r->fig.ctx);
    rc_json_object_end(j);
}

static void write_document(rc_json *j, const rc_manifest *m, const char *spec_sha256_hex,
                           const char *tool_version, const char *backend)
{
    rc_json_object_begin(j);
    rc_json_key(j, "format");
    rc_json_string(j, "robocache-manifest");
    rc_json_key(j, "format_version");
    rc_json_int(j, 1);
    rc_json_key(j, "tool_version");
    rc_json_string(j, tool_version);
    rc_json_key(j, "backend");
    rc_json_string(j, backend);
    rc_json_key(j, "spec_sha256");
    rc_json_string(j, spec_sha256_hex);
    if (m->incomplete) {
        rc_json_key(j, "complete");
        rc_json_bool(j, 0);
    }
    rc_json_key(j, "shards");
    rc_json_array_begin(j);
    for (size_t i = 0; i < m->n_shards; i++) {
        rc_json_object_begin(j);
        rc_json_key(j, "name");
        rc_json_string(j, m->shards[i].name);
        rc_json_key(j, "bytes");
        rc_json_uint(j, m->shards[i].bytes);
        rc_json_key(j, "episodes");
        rc_json_int(j, m->shards[i].n_episodes);
        rc_json_object_end(j);
    }
    rc_json_array_end(j);
    rc_json_key(j, "episodes");
    rc_json_array_begin(j);
    for (size_t i = 0; i < m->n_episodes; i++) {
        const episode_row *e = &m->episodes[i];
        rc_json_object_begin(j);
        rc_json_key(j, "id");
        rc_json_string(j, e->id);
        rc_json_key(j, "shard");
        rc_json_string(j, e->shard);
        rc_json_key(j, "split");
        rc_json_string(j, e->split);
        rc_json_key(j, "steps");
        rc_json_int(j, e->steps);
        rc_json_key(j, "content_sha256");
        rc_json_string(j, e->sha256_hex);
        rc_json_key(j, "source_file");
        rc_json_string(j, e->source_file);
        rc_json_object_end(j);
    }
    rc_json_array_end(j);
    rc_json_key(j, "skipped");
    rc_json_array_begin(j);
    for (size_t i = 0; i < m->n_skipped; i++) {
        rc_json_object_begin(j);
        rc_json_key(j, "source_file");
        rc_json_string(j, m->skipped[i].source_file);
        rc_json_key(j, "episode");
        rc_json_string(j, m->skipped[i].episode);
        rc_json_key(j, "reason");
        rc_json_string(j, m->skipped[i].reason);
        rc_json_object_end(j);
    }
    rc_json_array_end(j);
    rc_json_key(j, "empty_splits");
    rc_json_array_begin(j);
    for (int k = 0; k < 2; k++)
        if (!rc_manifest_split_count(m, k ? "val" : "train")) rc_json_string(j, k ? "val" : "train");
    rc_json_array_end(j);
    rc_features_write_json(j, m->features);
    rc_json_key(j, "stats");
    rc_json_object_begin(j);
    for (size_t i = 0; i < m->n_stats; i++) {
        rc_json_key(j, m->stats[i].name);
        write_stats(j, &m->stats[i], m->features);
    }
    rc_json_object_end(j);
    if (m->extra) m->extra(j, m->extra_ctx);
    rc_json_object_end(j);
}

void rc_manifest_set_features(rc_manifest *m, rc_features *f)
{
    rc_features_free(m->features);
    m->features = f;
}

rc_status rc_manifest_read_features(rc_manifest *m, const char *dir, rc_err *err)
{
    rc_status st = RC_OK;
    rc_features *f = NULL;
    char path[RC_MANIFEST_PATH_MAX];
    if (!m->n_episodes) return RC_OK;
    RC_FAIL_IF((size_t)snprintf(path, sizeof path, "%s/%s", dir, m->episodes[0].shard) >= sizeof path, err,
               RC_E_IO, "expected a shard path under %d bytes", RC_MANIFEST_PATH_MAX);
    RC_TRY(rc_features_read(path, m->episodes[0].id, &f, err));
    rc_manifest_set_features(m, f);
done:
    return st;
}

const rc_features *rc_manifest_features(const rc_manifest *m)
{
    return m->features;
}

int64_t rc_manifest_split_count(const rc_manifest *m, const char *split)
{
    int64_t n = 0;
    for (size_t i = 0; i < m->n_episodes; i++) n += !strcmp(m->episodes[i].split, split);
    return n;
}

void rc_manifest_warn_empty_splits(const rc_manifest *m, int want_val)
{
    int64_t train = rc_manifest_split_count(m, "train"), val = rc_manifest_split_count(m, "val");
    if (m->n_episodes && !train)
        rc_log(RC_LOG_WARN, "the train split is empty: all %zu episodes are in val", m->n_episodes);
    if (want_val && !val)
        rc_log(RC_LOG_WARN, "the val split is empty (%zu episodes, all in train)", m->n_episodes);
}

void rc_manifest_set_extra(rc_manifest *m, rc_manifest_extra_fn fn, const void *ctx)
{
    m->extra = fn;
    m->extra_ctx = ctx;
}

void rc_manifest_mark_incomplete(rc_manifest *m, const char *discarded)
{
    size_t kept = 0;
    m->incomplete = 1;
    for (size_t i = 0; i < m->n_episodes; i++) {
        episode_row *e = &m->episodes[i];
        if (!discarded || strcmp(e->shard, discarded) != 0) {
            m->episodes[kept++] = *e;
            continue;
        }
        rc_free(e->id);
        rc_free(e->shard);
        rc_free(e->split);
        rc_free(e->sha256_hex);
        rc_free(e->source_file);
    }
    m->n_episodes = kept;
}

rc_status rc_manifest_write(const rc_manifest *m, const char *path, const char *spec_sha256_hex,
                            const char *tool_version, const char *backend, rc_err *err)
{
    rc_status st = RC_OK;
    char *buf = NULL;
    size_t len = 0;
    rc_json j;
    rc_err_scope(err, path, NULL, NULL);
    FILE *mem = open_memstream(&buf, &len);
    RC_FAIL_IF(!mem, err, RC_E_NOMEM, "out of memory for the manifest");
    rc_json_init(&j, mem);
    write_document(&j, m, spec_sha256_hex, tool_version, backend);
    int failed = rc_json_finish(&j) < 0;
    failed |= fclose(mem) != 0;
    RC_FAIL_IF(failed, err, RC_E_NOMEM, "out of memory for the manifest");
    RC_TRY(rc_manifest_write_file(path, buf, len, err));
done:
    free(buf); /* open_memstream's buffer comes from malloc */
    return st;
}

rc_status rc_manifest_write_file(const char *path, const void *buf, size_t len, rc_err *err)
{
    rc_status st = RC_OK;
    char tmp[1100];
    FILE *f = NULL;
    rc_err_scope(err, path, NULL, NULL);
    RC_FAIL_IF((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp, err, RC_E_IO,
               "expected a path under 1024 bytes, found %zu bytes", strlen(path));
    f = fopen(tmp, "wb");
    RC_FAIL_IF(!f, err, RC_E_IO, "cannot create %s: %s", tmp, strerror(errno));
    int bad = rc_fault_hit(RC_FAULT_WRITE) ? (errno = ENOSPC, 1) : fwrite(buf, 1, len, f) != len;
    bad |= fclose(f) != 0;
    f = NULL;
    RC_FAIL_IF(bad, err, RC_E_IO, "writing %s failed: %s", tmp, strerror(errno));
    RC_TRY(rc_durable_publish(tmp, path, err));
done:
    if (f) fclose(f);
    if (st != RC_OK) unlink(tmp);
    return st;
}
