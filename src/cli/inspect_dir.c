/* inspect_dir.c — `robocache-convert inspect DIR`: an output folder summarised from its
 * manifest.json: format and provenance, each shard listed (the manifest's bytes and episodes, and
 * whether the file is there), episodes per split, steps, skipped episodes and the outputs that
 * have statistics; as text or as one JSON object.  Exit 0; 3 when the folder has no readable
 * manifest or a listed shard is missing. */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/rc_cli_int.h"
#include "common/rc_common.h"
#include "writer/rc_writer.h"

/* What the summary reports, gathered from the manifest and the folder. */
typedef struct dir_facts {
    int64_t episodes, train, val, steps, skipped, missing;
} dir_facts;

static const char *str_or(const rc_jv *v, const char *key, const char *dflt)
{
    const char *s = rc_jv_get_string(v, key);
    return s ? s : dflt;
}

static int64_t int_or(const rc_jv *v, const char *key, int64_t dflt)
{
    int64_t x;
    return rc_jv_get_int(v, key, &x) == 0 ? x : dflt;
}

static size_t len_of(const rc_jv *v)
{
    return v && (v->type == RC_JV_ARRAY || v->type == RC_JV_OBJECT) ? v->n : 0;
}

/* 1 when DIR/name is a regular file. */
static int shard_present(const char *dir, const char *name)
{
    char path[4096];
    struct stat sb;
    if (strchr(name, '/')) return 0; /* a manifest names shards inside its folder only */
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void gather(const rc_jv *m, dir_facts *f)
{
    const rc_jv *eps = rc_jv_get(m, "episodes");
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < len_of(eps) && eps->type == RC_JV_ARRAY; i++) {
        const char *split = str_or(&eps->items[i], "split", "");
        f->episodes++;
        f->train += !strcmp(split, "train");
        f->val += !strcmp(split, "val");
        f->steps += int_or(&eps->items[i], "steps", 0);
    }
    f->skipped = (int64_t)len_of(rc_jv_get(m, "skipped"));
}

static void print_text(const char *dir, const rc_jv *m, const dir_facts *f)
{
    const rc_jv *shards = rc_jv_get(m, "shards"), *stats = rc_jv_get(m, "stats");
    printf("folder: %s\n", dir);
    printf("format: %s %lld\n", str_or(m, "format", "?"), (long long)int_or(m, "format_version", -1));
    printf("tool_version: %s\n", str_or(m, "tool_version", "?"));
    printf("backend: %s\n", str_or(m, "backend", "?"));
    printf("spec_sha256: %s\n", str_or(m, "spec_sha256", "?"));
    int64_t total = 0;
    for (size_t i = 0; i < len_of(shards); i++) total += int_or(&shards->items[i], "bytes", 0);
    printf("shards: %zu (%lld bytes)\n", len_of(shards), (long long)total);
    for (size_t i = 0; i < len_of(shards); i++) {
        const rc_jv *s = &shards->items[i];
        const char *name = str_or(s, "name", "?");
        int64_t bytes = int_or(s, "bytes", -1);
        printf("  %s  %lld bytes  %lld episodes%s\n", name, (long long)bytes, (long long)int_or(s, "episodes", 0),
               shard_present(dir, name) ? "" : "  MISSING");
    }
    printf("episodes: %lld (train %lld, val %lld), %lld steps\n", (long long)f->episodes, (long long)f->train,
           (long long)f->val, (long long)f->steps);
    printf("skipped: %lld\n", (long long)f->skipped);
    printf("stats:");
    for (size_t i = 0; i < len_of(stats) && stats->type == RC_JV_OBJECT; i++) printf("%s %s", i ? "," : "", stats->keys[i]);
    printf("%s\n", len_of(stats) ? "" : " none");
}

static int print_json(const char *dir, const rc_jv *m, const dir_facts *f)
{
    const rc_jv *shards = rc_jv_get(m, "shards"), *stats = rc_jv_get(m, "stats");
    rc_json j;
    rc_json_init(&j, stdout);
    rc_json_object_begin(&j);
    rc_json_key(&j, "folder");
    rc_json_string(&j, dir);
    rc_json_key(&j, "format");
    rc_json_string(&j, str_or(m, "format", ""));
    rc_json_key(&j, "format_version");
    rc_json_int(&j, int_or(m, "format_version", -1));
    rc_json_key(&j, "tool_version");
    rc_json_string(&j, str_or(m, "tool_version", ""));
    rc_json_key(&j, "backend");
    rc_json_string(&j, str_or(m, "backend", ""));
    rc_json_key(&j, "spec_sha256");
    rc_json_string(&j, str_or(m, "spec_sha256", ""));
    rc_json_key(&j, "shards");
    rc_json_array_begin(&j);
    for (size_t i = 0; i < len_of(shards); i++) {
        const rc_jv *s = &shards->items[i];
        rc_json_object_begin(&j);
        rc_json_key(&j, "name");
        rc_json_string(&j, str_or(s, "name", ""));
        rc_json_key(&j, "bytes");
        rc_json_int(&j, int_or(s, "bytes", -1));
        rc_json_key(&j, "episodes");
        rc_json_int(&j, int_or(s, "episodes", 0));
        rc_json_key(&j, "present");
        rc_json_bool(&j, shard_present(dir, str_or(s, "name", "?")));
        rc_json_object_end(&j);
    }
    rc_json_array_end(&j);
    rc_json_key(&j, "episodes");
    rc_json_int(&j, f->episodes);
    rc_json_key(&j, "train");
    rc_json_int(&j, f->train);
    rc_json_key(&j, "val");
    rc_json_int(&j, f->val);
    rc_json_key(&j, "steps");
    rc_json_int(&j, f->steps);
    rc_json_key(&j, "skipped");
    rc_json_int(&j, f->skipped);
    rc_json_key(&j, "stats");
    rc_json_array_begin(&j);
    for (size_t i = 0; i < len_of(stats) && stats->type == RC_JV_OBJECT; i++) rc_json_string(&j, stats->keys[i]);
    rc_json_array_end(&j);
    rc_json_object_end(&j);
    return rc_json_finish(&j);
}

int cli_inspect_dir(const char *dir, int json)
{
    char path[4096];
    rc_err err;
    dir_facts f;
    rc_err_clear(&err);
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    if (access(path, F_OK) != 0) {
        glob_t g;
        char pattern[4200];
        snprintf(pattern, sizeof pattern, "%s/manifest-t*-of-*.json", dir);
        int tasks = glob(pattern, 0, NULL, &g) == 0 ? (int)g.gl_pathc : 0;
        if (tasks) globfree(&g);
        fprintf(stderr, "robocache-convert: error: %s: no manifest.json, so not a finished output folder%s\n", dir,
                tasks ? " (it holds task manifests of a sharded run: join them with "
                        "'robocache-convert merge-manifests DIR')"
                      : "");
        return 3;
    }
    rc_manifest_doc doc = {0};
    if (rc_manifest_read(path, &doc, &err) != RC_OK) return cli_fail(&err);
    const rc_jv *m = doc.root;
    gather(m, &f);
    for (size_t i = 0; i < doc.n_shards; i++)
        f.missing += !shard_present(dir, doc.shards[i].name);
    int bad = 0;
    if (json) bad = print_json(dir, m, &f) != 0;
    else print_text(dir, m, &f);
    rc_manifest_doc_free(&doc);
    if (f.missing) {
        fprintf(stderr, "robocache-convert: error: %s: %lld shard%s of the manifest missing\n", dir,
                (long long)f.missing, f.missing == 1 ? "" : "s");
        return 3;
    }
    return bad || fflush(stdout) != 0 ? 3 : 0;
}
