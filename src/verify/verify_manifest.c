/* verify_manifest.c — reads manifest.json back for verify: the shard list and, per episode, its
 * id, shard, split and steps (docs/FORMAT.md, "Manifest").  Statistics are not read: they are
 * derived from the content that verify compares directly. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/rc_alloc.h"
#include "common/rc_utf8.h"
#include "verify/verify_int.h"

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

/* A string field of an object; NULL when absent or not a string. */
static const char *get_str(const verify_json *obj, const char *key)
{
    const verify_json *v = verify_json_get(obj, key);
    return v && v->kind == VJ_STRING ? v->str : NULL;
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

static rc_status load_shards(const verify_json *arr, verify_manifest *m, rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(!arr || arr->kind != VJ_ARRAY, err, RC_E_IO, "expected an array \"shards\", found %s",
               arr ? "another type" : "none");
    m->shards = rc_calloc(arr->n ? arr->n : 1, sizeof *m->shards);
    RC_FAIL_IF(!m->shards, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < arr->n; i++) {
        const char *name = get_str(arr->items[i], "name");
        RC_FAIL_IF(!name || !name_is_safe(name), err, RC_E_IO,
                   "shards[%zu]: expected a string \"name\" of a file inside the folder, found %s%s%s", i,
                   name ? "\"" : "none", name ? name : "", name ? "\"" : "");
        m->shards[i] = rc_strdup(name);
        RC_FAIL_IF(!m->shards[i], err, RC_E_NOMEM, "out of memory");
        m->n_shards++;
    }
done:
    return st;
}

static rc_status load_episodes(const verify_json *arr, verify_manifest *m, rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(!arr || arr->kind != VJ_ARRAY, err, RC_E_IO, "expected an array \"episodes\", found %s",
               arr ? "another type" : "none");
    m->episodes = rc_calloc(arr->n ? arr->n : 1, sizeof *m->episodes);
    RC_FAIL_IF(!m->episodes, err, RC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < arr->n; i++) {
        const verify_json *e = arr->items[i];
        const char *id = get_str(e, "id"), *shard = get_str(e, "shard"), *split = get_str(e, "split");
        const verify_json *steps = verify_json_get(e, "steps");
        RC_FAIL_IF(!id || !shard || !split, err, RC_E_IO,
                   "episodes[%zu]: expected strings \"id\", \"shard\" and \"split\"", i);
        RC_FAIL_IF(!name_is_safe(shard), err, RC_E_IO,
                   "episodes[%zu]: expected a shard inside the folder, found \"%s\"", i, shard);
        RC_FAIL_IF(!steps || steps->kind != VJ_NUMBER || !(steps->num >= 0 && steps->num <= 9e18) || steps->num != floor(steps->num),
                   err, RC_E_IO, "episodes[%zu]: expected a non-negative integer \"steps\"", i);
        verify_mf_episode *me = &m->episodes[m->n_episodes];
        me->id = rc_strdup(id);
        me->shard = rc_strdup(shard);
        me->split = rc_strdup(split);
        me->steps = (int64_t)steps->num;
        m->n_episodes++;
        RC_FAIL_IF(!me->id || !me->shard || !me->split, err, RC_E_NOMEM, "out of memory");
    }
done:
    return st;
}

rc_status verify_manifest_load(const char *dir, verify_manifest *m, rc_err *err)
{
    rc_status st = RC_OK;
    char path[4096];
    char *text = NULL;
    size_t n = 0;
    verify_json *root = NULL;
    memset(m, 0, sizeof *m);
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    rc_err_scope(err, path, NULL, NULL);
    RC_TRY(read_text(path, &text, &n, err));
    size_t utf8 = rc_utf8_valid_len(text, n); /* JSON is UTF-8 (RFC 8259) */
    RC_FAIL_IF(utf8 != n, err, RC_E_IO, "expected a UTF-8 manifest, found byte 0x%02x at offset %zu",
               (unsigned char)text[utf8], utf8);
    RC_TRY(verify_json_parse(text, n, &root, err));
    const char *format = get_str(root, "format");
    const verify_json *version = verify_json_get(root, "format_version");
    RC_FAIL_IF(!format || strcmp(format, "robocache-manifest") != 0, err, RC_E_IO,
               "expected \"format\": \"robocache-manifest\", found %s%s%s", format ? "\"" : "none",
               format ? format : "", format ? "\"" : "");
    RC_FAIL_IF(!version || version->kind != VJ_NUMBER || version->num != 1, err, RC_E_IO,
               "expected \"format_version\": 1, found %s", version ? "another value" : "none");
    RC_TRY(load_shards(verify_json_get(root, "shards"), m, err));
    RC_TRY(load_episodes(verify_json_get(root, "episodes"), m, err));
done:
    verify_json_free(root);
    rc_free(text);
    if (st != RC_OK) verify_manifest_free(m);
    return st;
}

void verify_manifest_free(verify_manifest *m)
{
    for (size_t i = 0; i < m->n_shards; i++) rc_free(m->shards[i]);
    for (size_t i = 0; i < m->n_episodes; i++) {
        rc_free(m->episodes[i].id);
        rc_free(m->episodes[i].shard);
        rc_free(m->episodes[i].split);
    }
    rc_free(m->shards);
    rc_free(m->episodes);
    memset(m, 0, sizeof *m);
}
