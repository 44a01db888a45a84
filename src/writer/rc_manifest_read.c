/* rc_manifest_read.c — parses a manifest with the common JSON reader and checks the fields its
 * readers rely on (rc_writer.h). */
#include "config.h"

#include "writer/rc_writer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"

/* A manifest larger than this is refused rather than read into memory. */
#define MANIFEST_MAX_BYTES (1024L * 1024 * 1024)

static rc_status read_text(const char *path, char **text, size_t *n, rc_err *err)
{
    rc_status st = RC_OK;
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    RC_FAIL_IF(!f, err, RC_E_IO, "expected a manifest, found none (%s)", strerror(errno));
    RC_FAIL_IF(fseek(f, 0, SEEK_END) != 0, err, RC_E_IO, "seeking failed: %s", strerror(errno));
    long size = ftell(f);
    RC_FAIL_IF(size < 0 || size > MANIFEST_MAX_BYTES, err, RC_E_IO,
               "expected a manifest of at most %ld bytes, found %ld", MANIFEST_MAX_BYTES, size);
    RC_FAIL_IF(fseek(f, 0, SEEK_SET) != 0, err, RC_E_IO, "seeking failed: %s", strerror(errno));
    buf = rc_malloc((size_t)size + 1);
    RC_FAIL_IF(!buf, err, RC_E_NOMEM, "out of memory for %ld bytes", size);
    RC_FAIL_IF(fread(buf, 1, (size_t)size, f) != (size_t)size, err, RC_E_IO, "expected %ld bytes, read fewer",
               size);
    buf[size] = '\0';
    *text = buf;
    *n = (size_t)size;
    buf = NULL;
done:
    rc_free(buf);
    if (f) fclose(f);
    return st;
}

/* A shard name must stay inside the output folder. */
static int name_is_safe(const char *s)
{
    if (!s[0] || s[0] == '/') return 0;
    for (const char *p = s;;) {
        if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0')) return 0;
        const char *slash = strchr(p, '/');
        if (!slash) return 1;
        p = slash + 1;
    }
}

/* The integer of key, or -1 when absent or not a non-negative integer. */
static int64_t get_count(const rc_jv *obj, const char *key)
{
    int64_t v = -1;
    return rc_jv_get_int(obj, key, &v) == 0 && v >= 0 ? v : -1;
}

/* The array of key in root; RC_E_IO naming key when it is absent or no array. */
static rc_status get_array(const rc_jv *root, const char *key, const rc_jv **arr, rc_err *err)
{
    rc_status st = RC_OK;
    const rc_jv *a = rc_jv_get(root, key);
    RC_FAIL_IF(!a || a->type != RC_JV_ARRAY, err, RC_E_IO, "expected an array \"%s\", found %s", key,
               a ? "another type" : "none");
    *arr = a;
done:
    return st;
}

static rc_status load_shards(const rc_jv *arr, rc_manifest_doc *d, rc_err *err)
{
    rc_status st = RC_OK;
    d->shards = rc_calloc(arr->n ? arr->n : 1, sizeof *d->shards);
    RC_FAIL_IF(!d->shards, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < arr->n; i++) {
        const rc_jv *r = &arr->items[i];
        const char *name = rc_jv_get_string(r, "name");
        RC_FAIL_IF(!name || !name_is_safe(name), err, RC_E_IO,
                   "shards[%zu]: expected a string \"name\" of a file inside the folder, found %s%s%s", i,
                   name ? "\"" : "none", name ? name : "", name ? "\"" : "");
        d->shards[d->n_shards++] = (rc_mf_shard){name, get_count(r, "bytes"), get_count(r, "episodes")};
    }
done:
    return st;
}

static rc_status load_episodes(const rc_jv *arr, rc_manifest_doc *d, rc_err *err)
{
    rc_status st = RC_OK;
    d->episodes = rc_calloc(arr->n ? arr->n : 1, sizeof *d->episodes);
    RC_FAIL_IF(!d->episodes, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < arr->n; i++) {
        const rc_jv *e = &arr->items[i];
        rc_mf_episode *me = &d->episodes[i];
        me->id = rc_jv_get_string(e, "id");
        me->shard = rc_jv_get_string(e, "shard");
        me->split = rc_jv_get_string(e, "split");
        RC_FAIL_IF(!me->id || !me->shard || !me->split, err, RC_E_IO,
                   "episodes[%zu]: expected strings \"id\", \"shard\" and \"split\"", i);
        RC_FAIL_IF(!name_is_safe(me->shard), err, RC_E_IO,
                   "episodes[%zu]: expected a shard inside the folder, found \"%s\"", i, me->shard);
        me->steps = get_count(e, "steps");
        RC_FAIL_IF(me->steps < 0, err, RC_E_IO, "episodes[%zu]: expected a non-negative integer \"steps\"", i);
        me->content_sha256 = rc_jv_get_string(e, "content_sha256");
        me->source_file = rc_jv_get_string(e, "source_file");
        d->n_episodes++;
    }
done:
    return st;
}

static rc_status load_skipped(const rc_jv *arr, rc_manifest_doc *d, rc_err *err)
{
    rc_status st = RC_OK;
    d->skipped = rc_calloc(arr->n ? arr->n : 1, sizeof *d->skipped);
    RC_FAIL_IF(!d->skipped, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < arr->n; i++) {
        const rc_jv *r = &arr->items[i];
        rc_mf_skipped *sk = &d->skipped[i];
        *sk = (rc_mf_skipped){rc_jv_get_string(r, "source_file"), rc_jv_get_string(r, "episode"),
                              rc_jv_get_string(r, "reason")};
        RC_FAIL_IF(!sk->source_file || !sk->episode || !sk->reason, err, RC_E_IO,
                   "skipped[%zu]: expected source_file, episode and reason", i);
        d->n_skipped++;
    }
done:
    return st;
}

rc_status rc_manifest_read(const char *path, rc_manifest_doc *d, rc_err *err)
{
    rc_status st = RC_OK;
    char *text = NULL;
    size_t n = 0;
    const rc_jv *arr = NULL;
    memset(d, 0, sizeof *d);
    rc_err_scope(err, path, NULL, NULL);
    RC_TRY(read_text(path, &text, &n, err));
    rc_err json_err;
    rc_err_clear(&json_err);
    st = rc_json_read_text(text, n, &d->root, &json_err);
    RC_FAIL_IF(st == RC_E_NOMEM, err, RC_E_NOMEM, "%s", json_err.msg);
    RC_FAIL_IF(st != RC_OK, err, RC_E_IO, "expected JSON, found an error at %s", json_err.msg);
    const char *format = rc_jv_get_string(d->root, "format");
    int64_t version = 0;
    RC_FAIL_IF(!format || strcmp(format, "robocache-manifest") != 0, err, RC_E_IO,
               "expected \"format\": \"robocache-manifest\", found %s%s%s", format ? "\"" : "none",
               format ? format : "", format ? "\"" : "");
    RC_FAIL_IF(rc_jv_get_int(d->root, "format_version", &version) != 0 || version != 1, err, RC_E_IO,
               "expected \"format_version\": 1, found %s", rc_jv_get(d->root, "format_version") ? "another value" : "none");
    d->spec_sha256 = rc_jv_get_string(d->root, "spec_sha256");
    d->tool_version = rc_jv_get_string(d->root, "tool_version");
    d->backend = rc_jv_get_string(d->root, "backend");
    const rc_jv *complete = rc_jv_get(d->root, "complete");
    RC_FAIL_IF(complete && complete->type != RC_JV_BOOL, err, RC_E_IO, "expected \"complete\" to be true or false");
    d->incomplete = complete && !complete->boolean;
    RC_TRY(get_array(d->root, "shards", &arr, err));
    RC_TRY(load_shards(arr, d, err));
    RC_TRY(get_array(d->root, "episodes", &arr, err));
    RC_TRY(load_episodes(arr, d, err));
    RC_TRY(get_array(d->root, "skipped", &arr, err));
    RC_TRY(load_skipped(arr, d, err));
done:
    rc_free(text);
    if (st != RC_OK) rc_manifest_doc_free(d);
    return st;
}

void rc_manifest_doc_free(rc_manifest_doc *d)
{
    rc_jv_free(d->root);
    rc_free(d->shards);
    rc_free(d->episodes);
    rc_free(d->skipped);
    memset(d, 0, sizeof *d);
}
