/* test_schema_agree.c — proves schemas/pipeline.schema.yaml and the validator agree.  Walking
 * the schema, for every key path it declares: a spec of tests/spec/valid/ uses it (the first
 * file in name order that does: every_option.yaml has nearly all) and validates; the same spec
 * with that key misspelt (KEY_x) is rejected with "unknown key 'KEY_x'" at the right path; and
 * for every enum value the schema lists for that key, the spec with the value put in place
 * validates (so C knows every value the schema accepts), and every value it marks unsupported
 * is refused as such.  Conversely every key those specs use
 * is declared by the schema. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "spec/rc_schema_int.h"
#include "spec/rc_spec.h"
#include "spec/rc_yaml_int.h"
#include "tap.h"

#define MAX_USES 512
#define MAX_FILES 16

/* One valid spec: its name, bytes and parsed document. */
typedef struct spec_file {
    char name[256];
    char *text;
    size_t len;
    rc_yaml doc;
} spec_file;

/* A key as a valid spec uses it: normalized path (list indices as []), real path, nodes. */
typedef struct use {
    char norm[256];
    char path[256];
    spec_file *file;
    yaml_node_t *key, *val;
} use;

static spec_file g_files[MAX_FILES];
static int g_n_files;
static use g_uses[MAX_USES];
static int g_n_uses;
static rc_schema g_sc;
static char g_schemas[1024], g_tmp[1100];
static char g_log[64][1024];
static int g_n_log;

static void sink(int level, const char *line)
{
    if (level == RC_LOG_ERROR && g_n_log < 64) snprintf(g_log[g_n_log++], sizeof g_log[0], "%s", line);
}

static void collect(spec_file *sf, yaml_node_t *n, const char *path, const char *norm)
{
    rc_yaml *doc = &sf->doc;
    char p[256], q[256];
    if (n->type == YAML_MAPPING_NODE) {
        for (int i = 0; i < rc_yaml_len(n); i++) {
            const char *k = rc_yaml_text(rc_yaml_key(doc, n, i));
            snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", k);
            snprintf(q, sizeof q, "%s%s%s", norm, *norm ? "." : "", k);
            int seen = 0;
            for (int u = 0; u < g_n_uses; u++) seen |= !strcmp(g_uses[u].norm, q);
            if (!seen && g_n_uses < MAX_USES) {
                use *u = &g_uses[g_n_uses++];
                snprintf(u->norm, sizeof u->norm, "%s", q);
                snprintf(u->path, sizeof u->path, "%s", p);
                u->file = sf;
                u->key = rc_yaml_key(doc, n, i);
                u->val = rc_yaml_val(doc, n, i);
            }
            collect(sf, rc_yaml_val(doc, n, i), p, q);
        }
    } else if (n->type == YAML_SEQUENCE_NODE) {
        for (int i = 0; i < rc_yaml_len(n); i++) {
            snprintf(p, sizeof p, "%s[%d]", path, i);
            snprintf(q, sizeof q, "%s[]", norm);
            collect(sf, rc_yaml_item(doc, n, i), p, q);
        }
    }
}

/* Loads sf's text with bytes [from, to) replaced by repl; returns the status, logs in g_log. */
static rc_status load_edited(spec_file *sf, size_t from, size_t to, const char *repl)
{
    const char *text = sf->text;
    size_t len = sf->len;
    FILE *f = fopen(g_tmp, "wb");
    if (!f) TAP_BAIL("cannot write %s", g_tmp);
    fwrite(text, 1, from, f);
    fputs(repl, f);
    fwrite(text + to, 1, len - to, f);
    fclose(f);
    rc_spec *spec = NULL;
    rc_err err;
    int n = 0;
    g_n_log = 0;
    rc_status st = rc_spec_load_input(g_tmp, g_schemas, NULL, NULL, &spec, &n, &err);
    rc_spec_free(spec);
    return st;
}

/* libyaml marks count characters; the edits need bytes of the (UTF-8) text. */
static size_t byte_at(spec_file *sf, yaml_mark_t m)
{
    const char *text = sf->text;
    size_t len = sf->len;
    size_t i = 0;
    for (size_t line = 0; line < m.line && i < len; i++)
        if (text[i] == '\n') line++;
    for (size_t col = 0; col < m.column && i < len; col++)
        for (i++; i < len && ((unsigned char)text[i] & 0xC0) == 0x80; i++) continue;
    return i;
}

static const char *type_of(yaml_node_t *s) { return rc_yaml_text(rc_yaml_get(&g_sc.y, s, "type")); }

static void check_enum(use *u, yaml_node_t *values)
{
    size_t from = byte_at(u->file, u->val->start_mark), to = byte_at(u->file, u->val->end_mark);
    for (int i = 0; i < rc_yaml_len(values); i++) {
        const char *v = rc_yaml_text(rc_yaml_item(&g_sc.y, values, i));
        rc_status st = load_edited(u->file, from, to, v);
        tap_ok(st == RC_OK, "%s %s: %s is accepted%s%s", u->file->name, u->path, v, g_n_log ? ": " : "",
               g_n_log ? g_log[0] : "");
    }
}

/* Values the schema marks unsupported are refused, saying so. */
static void check_unsupported(use *u, yaml_node_t *values)
{
    size_t from = byte_at(u->file, u->val->start_mark), to = byte_at(u->file, u->val->end_mark);
    char want[256];
    for (int i = 0; i < rc_yaml_len(values); i++) {
        const char *v = rc_yaml_text(rc_yaml_item(&g_sc.y, values, i));
        snprintf(want, sizeof want, "'%s' is not supported in this version (supported: ", v);
        rc_status st = load_edited(u->file, from, to, v);
        int found = 0;
        for (int k = 0; k < g_n_log; k++) found |= strstr(g_log[k], want) != NULL;
        tap_ok(st == RC_E_SPEC && found, "%s %s: %s is refused as not supported", u->file->name, u->path, v);
    }
}

static void check_key(const char *norm, const char *key, yaml_node_t *ks)
{
    use *u = NULL;
    for (int i = 0; i < g_n_uses && !u; i++)
        if (!strcmp(g_uses[i].norm, norm)) u = &g_uses[i];
    if (!tap_ok(u != NULL, "schema key %s is used by a valid spec%s%s", norm, u ? " " : "", u ? u->file->name : ""))
        return;

    char bad[128], want[512];
    snprintf(bad, sizeof bad, "%s_x", key);
    size_t cut = strlen(u->path) - strlen(key);
    snprintf(want, sizeof want, ": key '%.*s%s': unknown key '%s' (expected one of: ", (int)cut, u->path, bad, bad);
    rc_status st = load_edited(u->file, byte_at(u->file, u->key->start_mark), byte_at(u->file, u->key->end_mark), bad);
    int found = 0;
    for (int i = 0; i < g_n_log; i++) found |= strstr(g_log[i], want) != NULL;
    tap_ok(st == RC_E_SPEC && found, "%s %s misspelt as %s is rejected%s%s", u->file->name, u->path, bad, found ? "" : "; got: ",
           found ? "" : (g_n_log ? g_log[0] : "nothing"));

    const char *t = type_of(ks);
    if (t && !strcmp(t, "enum")) {
        check_enum(u, rc_yaml_get(&g_sc.y, ks, "values"));
        check_unsupported(u, rc_yaml_get(&g_sc.y, ks, "unsupported"));
    }
    if (t && !strcmp(t, "either")) {
        yaml_node_t *opts = rc_yaml_get(&g_sc.y, ks, "options");
        for (int i = 0; i < rc_yaml_len(opts); i++) {
            yaml_node_t *o = rc_yaml_item(&g_sc.y, opts, i);
            if (!strcmp(type_of(o), "enum")) check_enum(u, rc_yaml_get(&g_sc.y, o, "values"));
        }
    }
}

static void walk_schema(yaml_node_t *s, const char *norm)
{
    const char *t = type_of(s);
    char q[256];
    if (!strcmp(t, "map")) {
        yaml_node_t *keys = rc_yaml_get(&g_sc.y, s, "keys");
        for (int i = 0; i < rc_yaml_len(keys); i++) {
            const char *k = rc_yaml_text(rc_yaml_key(&g_sc.y, keys, i));
            yaml_node_t *ks = rc_yaml_val(&g_sc.y, keys, i);
            snprintf(q, sizeof q, "%s%s%s", norm, *norm ? "." : "", k);
            check_key(q, k, ks);
            walk_schema(ks, q);
        }
    } else if (!strcmp(t, "list")) {
        snprintf(q, sizeof q, "%s[]", norm);
        walk_schema(rc_yaml_get(&g_sc.y, s, "items"), q);
    } else if (!strcmp(t, "either")) {
        yaml_node_t *opts = rc_yaml_get(&g_sc.y, s, "options");
        for (int i = 0; i < rc_yaml_len(opts); i++) walk_schema(rc_yaml_item(&g_sc.y, opts, i), norm);
    }
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const spec_file *)a)->name, ((const spec_file *)b)->name);
}

/* Reads and parses every YAML file of tests/spec/valid, in name order. */
static void load_valid_specs(const char *src)
{
    char dir[1100], path[1400];
    rc_err err;
    snprintf(dir, sizeof dir, "%s/tests/spec/valid", src);
    DIR *d = opendir(dir);
    if (!d) TAP_BAIL("cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && g_n_files < MAX_FILES) {
        size_t n = strlen(e->d_name);
        if (n > 5 && !strcmp(e->d_name + n - 5, ".yaml"))
            snprintf(g_files[g_n_files++].name, sizeof g_files[0].name, "%s", e->d_name);
    }
    closedir(d);
    qsort(g_files, (size_t)g_n_files, sizeof g_files[0], cmp_name);
    for (int i = 0; i < g_n_files; i++) {
        spec_file *sf = &g_files[i];
        snprintf(path, sizeof path, "%s/%s", dir, sf->name);
        if (rc_yaml_read_file(path, &sf->text, &sf->len, &err) != RC_OK) TAP_BAIL("%s", err.msg);
        if (rc_yaml_parse(path, sf->text, sf->len, &sf->doc, &err) != RC_OK) TAP_BAIL("%s: %s", path, err.msg);
        collect(sf, rc_yaml_root(&sf->doc), "", "");
        tap_ok(load_edited(sf, 0, 0, "") == RC_OK, "%s validates as written%s%s", sf->name, g_n_log ? ": " : "",
               g_n_log ? g_log[0] : "");
    }
}

int main(void)
{
    const char *src = getenv("RC_SRCDIR"), *tmpdir = getenv("TMPDIR");
    rc_err err;
    if (!src) TAP_BAIL("RC_SRCDIR is not set");
    snprintf(g_schemas, sizeof g_schemas, "%s/schemas", src);
    snprintf(g_tmp, sizeof g_tmp, "%s/rc-agree-%d.yaml", tmpdir && *tmpdir ? tmpdir : "/tmp", (int)getpid());
    rc_log_configure(RC_LOG_ERROR, sink);
    if (rc_schema_load(g_schemas, &g_sc, &err) != RC_OK) TAP_BAIL("schema: %s", err.msg);
    load_valid_specs(src);
    walk_schema(g_sc.spec, "");
    for (int i = 0; i < g_n_uses; i++) {
        /* the other direction: every key the specs use is one the schema declares */
        const char *p = g_uses[i].norm;
        yaml_node_t *s = g_sc.spec;
        char part[256];
        while (s && *p) {
            size_t n = strcspn(p, ".[");
            snprintf(part, sizeof part, "%.*s", (int)n, p);
            s = rc_schema_child(&g_sc, s, part);
            p += n;
            while (s && !strncmp(p, "[]", 2)) {
                s = rc_schema_items(&g_sc, s);
                p += 2;
            }
            if (*p == '.') p++;
        }
        if (!s) tap_ok(0, "%s: key %s is not in the schema", g_uses[i].file->name, g_uses[i].norm);
    }
    unlink(g_tmp);
    for (int i = 0; i < g_n_files; i++) {
        rc_yaml_free(&g_files[i].doc);
        rc_free(g_files[i].text);
    }
    rc_schema_free(&g_sc);
    return tap_done();
}
