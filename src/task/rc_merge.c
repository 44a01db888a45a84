/* rc_merge.c — merge-manifests (rc_task.h).  Checks, in this order: every task 0..N-1 is there
 * with the same N, spec, tool version, plan and outputs; the plan's assignment is a partition
 * (each episode given to one task, as many as the plan counted); each task listed exactly the
 * episodes it was given, converted or skipped; no episode id twice; the shards and state files
 * exist and are unaltered.  Then writes manifest.json with episodes in input order and the
 * statistics added exactly from the states. */
#include "config.h"
#include "task/rc_task.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/rc_common.h"
#include "stats/rc_stats.h"
#include "writer/rc_writer.h"

/* An (input file, episode id) pair met in a task manifest. */
typedef struct entry {
    const char *file, *id;
    int task;
    int seen;           /* assigned entries: listed as converted or skipped */
    const rc_mf_episode *ep;  /* episodes: the manifest row */
    const rc_mf_skipped *sk;  /* skipped: the manifest row */
} entry;

typedef struct merge_state {
    int n;
    rc_manifest_doc *docs;        /* [n] task manifests */
    entry *assigned, *eps, *skipped;
    size_t n_assigned, n_eps, n_skipped;
    rc_run_stats *stats;
    rc_manifest *m;
} merge_state;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->id, y->id);
}

static int cmp_entry_id(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->id, ((const entry *)b)->id);
}

/* Finds N from the names manifest-tIIII-of-NNNN.json (all must agree) and checks 0..N-1. */
static rc_status find_tasks(const char *dir, int *n_out, rc_err *err)
{
    rc_status st = RC_OK;
    unsigned char *present = rc_calloc(RC_TASK_MAX + 1, 1);
    DIR *d = opendir(dir);
    int n = 0;
    rc_err_scope(err, dir, NULL, NULL);
    RC_FAIL_IF(!present, err, RC_E_NOMEM, "out of memory");
    RC_FAIL_IF(!d, err, RC_E_IO, "cannot open the output folder: %s", strerror(errno));
    for (struct dirent *e; (e = readdir(d));) {
        int i, c;
        char again[64];
        if (strlen(e->d_name) != 27 || sscanf(e->d_name, "manifest-t%4d-of-%4d.json", &i, &c) != 2) continue;
        snprintf(again, sizeof again, "manifest-t%04d-of-%04d.json", i, c);
        if (strcmp(again, e->d_name) != 0 || c < 1) continue;
        RC_FAIL_IF(n && c != n, err, RC_E_IO,
                   "expected task manifests of one task count, found both of-%04d and of-%04d (an earlier run "
                   "with another task count left files here)", n, c);
        n = c;
        RC_FAIL_IF(i >= c, err, RC_E_IO, "%s: expected a task index below %d", e->d_name, c);
        present[i] = 1;
    }
    RC_FAIL_IF(!n, err, RC_E_IO, "expected task manifests manifest-tIIII-of-NNNN.json, found none");
    for (int i = 0; i < n; i++)
        RC_FAIL_IF(!present[i], err, RC_E_IO,
                   "task %d of %d is missing: manifest-t%04d-of-%04d.json not found (did task %d fail or not run?)",
                   i, n, i, n, i);
    *n_out = n;
done:
    if (d) closedir(d);
    rc_free(present);
    return st;
}

static const char *task_str(const rc_manifest_doc *doc, const char *key)
{
    return rc_jv_get_string(rc_jv_get(doc->root, "task"), key);
}

/* One task manifest's header against task 0's. */
static rc_status check_header(const merge_state *s, int i, const char *path, rc_err *err)
{
    rc_status st = RC_OK;
    const rc_manifest_doc *doc = &s->docs[i], *first = &s->docs[0];
    const rc_jv *task = rc_jv_get(doc->root, "task");
    int64_t v = 0, total = 0, total0 = 0;
    rc_err_scope(err, path, NULL, NULL);
    RC_FAIL_IF(!task || task->type != RC_JV_OBJECT, err, RC_E_IO, "expected a \"task\" section (a task manifest)");
    RC_FAIL_IF(rc_jv_get_int(task, "index", &v) || v != i, err, RC_E_IO, "expected task.index %d", i);
    RC_FAIL_IF(rc_jv_get_int(task, "count", &v) || v != s->n, err, RC_E_IO, "expected task.count %d", s->n);
    static const char *const same[] = {"spec_sha256", "tool_version"};
    const char *mine[] = {doc->spec_sha256, doc->tool_version}, *first_[] = {first->spec_sha256, first->tool_version};
    for (int k = 0; k < 2; k++) {
        const char *a = mine[k], *b = first_[k];
        RC_FAIL_IF(!a || !b || strcmp(a, b), err, RC_E_IO, "expected %s %s (as task 0), found %s", same[k],
                   b ? b : "?", a ? a : "none");
    }
    const char *a = task_str(doc, "plan_sha256"), *b = task_str(first, "plan_sha256");
    RC_FAIL_IF(!a || !b || strcmp(a, b), err, RC_E_IO,
               "expected plan_sha256 %s (as task 0), found %s: the tasks did not see the same input listing",
               b ? b : "?", a ? a : "none");
    RC_FAIL_IF(rc_jv_get_int(task, "episodes_total", &total) || rc_jv_get_int(rc_jv_get(first->root, "task"),
               "episodes_total", &total0) || total != total0, err, RC_E_IO, "expected episodes_total %lld (as task 0)",
               (long long)total0);
done:
    return st;
}

static rc_status push_entry(entry **v, size_t *n, entry e, rc_err *err)
{
    rc_status st = RC_OK;
    entry *p = rc_realloc(*v, (*n + 1) * sizeof *p);
    RC_FAIL_IF(!p, err, RC_E_NOMEM, "out of memory");
    *v = p;
    p[*n] = e;
    (*n)++;
done:
    return st;
}

/* Collects the assigned, converted and skipped episodes of task i. */
static rc_status collect(merge_state *s, int i, const char *path, rc_err *err)
{
    rc_status st = RC_OK;
    const rc_manifest_doc *doc = &s->docs[i];
    const rc_jv *as = rc_jv_get(rc_jv_get(doc->root, "task"), "assigned");
    rc_err_scope(err, path, NULL, NULL);
    RC_FAIL_IF(!as || as->type != RC_JV_ARRAY, err, RC_E_IO, "expected an array task.assigned");
    for (size_t k = 0; k < as->n; k++) {
        const rc_jv *p = &as->items[k];
        RC_FAIL_IF(p->type != RC_JV_ARRAY || p->n != 2 || p->items[0].type != RC_JV_STRING ||
                       p->items[1].type != RC_JV_STRING,
                   err, RC_E_IO, "task.assigned[%zu]: expected [file, episode id]", k);
        RC_TRY(push_entry(&s->assigned, &s->n_assigned, (entry){p->items[0].text, p->items[1].text, i, 0, NULL, NULL},
                          err));
    }
    for (size_t k = 0; k < doc->n_episodes; k++) {
        const rc_mf_episode *e = &doc->episodes[k];
        RC_FAIL_IF(!e->source_file, err, RC_E_IO, "episodes[%zu]: expected id and source_file", k);
        RC_TRY(push_entry(&s->eps, &s->n_eps, (entry){e->source_file, e->id, i, 0, e, NULL}, err));
    }
    for (size_t k = 0; k < doc->n_skipped; k++) {
        const rc_mf_skipped *sk = &doc->skipped[k];
        RC_TRY(push_entry(&s->skipped, &s->n_skipped, (entry){sk->source_file, sk->episode, i, 0, NULL, sk}, err));
    }
done:
    return st;
}

/* Marks assigned (file, id) as listed by task; RC_E_IO when the plan gave it to another task,
 * never gave it, or it was listed already. */
static rc_status mark(merge_state *s, const char *file, const char *id, int task, rc_err *err)
{
    rc_status st = RC_OK;
    entry key = {file, id, 0, 0, NULL, NULL};
    entry *a = s->n_assigned ? bsearch(&key, s->assigned, s->n_assigned, sizeof *s->assigned, cmp_entry) : NULL;
    RC_FAIL_IF(!a, err, RC_E_IO, "task %d lists episode %s of %s, which the plan gave to no task", task, id, file);
    RC_FAIL_IF(a->task != task, err, RC_E_IO, "task %d lists episode %s of %s, which the plan gave to task %d", task,
               id, file, a->task);
    RC_FAIL_IF(a->seen, err, RC_E_IO, "episode %s of %s is listed twice by task %d (converted and skipped, or twice)",
               id, file, task);
    a->seen = 1;
done:
    return st;
}

static rc_status check_partition(merge_state *s, rc_err *err)
{
    rc_status st = RC_OK;
    int64_t total = 0;
    rc_err_clear(err);
    rc_jv_get_int(rc_jv_get(s->docs[0].root, "task"), "episodes_total", &total);
    if (s->n_assigned) qsort(s->assigned, s->n_assigned, sizeof *s->assigned, cmp_entry);
    for (size_t k = 1; k < s->n_assigned; k++)
        RC_FAIL_IF(!cmp_entry(&s->assigned[k - 1], &s->assigned[k]), err, RC_E_IO,
                   "episode %s of %s is assigned to tasks %d and %d", s->assigned[k].id, s->assigned[k].file,
                   s->assigned[k - 1].task, s->assigned[k].task);
    RC_FAIL_IF((int64_t)s->n_assigned != total, err, RC_E_IO,
               "expected the tasks to be assigned %lld episodes in all (the plan's count), found %zu",
               (long long)total, s->n_assigned);
    for (size_t k = 0; k < s->n_eps; k++) RC_TRY(mark(s, s->eps[k].file, s->eps[k].id, s->eps[k].task, err));
    for (size_t k = 0; k < s->n_skipped; k++) {
        const entry *e = &s->skipped[k];
        if (strcmp(e->id, "*") != 0) {
            RC_TRY(mark(s, e->file, e->id, e->task, err));
            continue;
        }
        int any = 0; /* a whole file skipped: every unit of it in this task */
        for (size_t a = 0; a < s->n_assigned; a++)
            if (!strcmp(s->assigned[a].file, e->file) && s->assigned[a].task == e->task) s->assigned[a].seen = any = 1;
        RC_FAIL_IF(!any, err, RC_E_IO, "task %d skipped file %s, which the plan gave to other tasks", e->task, e->file);
    }
    for (size_t k = 0; k < s->n_assigned; k++)
        RC_FAIL_IF(!s->assigned[k].seen, err, RC_E_IO,
                   "episode %s of %s (task %d) is missing: neither converted nor skipped in that task's manifest",
                   s->assigned[k].id, s->assigned[k].file, s->assigned[k].task);
    /* Output ids are unique across the whole run, as one task checks them. */
    entry *by_id = rc_malloc((s->n_eps + 1) * sizeof *by_id);
    RC_FAIL_IF(!by_id, err, RC_E_NOMEM, "out of memory");
    if (s->n_eps) {
        memcpy(by_id, s->eps, s->n_eps * sizeof *by_id);
        qsort(by_id, s->n_eps, sizeof *by_id, cmp_entry_id);
    }
    for (size_t k = 1; k < s->n_eps; k++)
        if (!strcmp(by_id[k - 1].id, by_id[k].id)) {
            rc_err_set(err, RC_E_IO, __FILE__, __LINE__, "episode id %s is converted twice (tasks %d and %d)",
                       by_id[k].id, by_id[k - 1].task, by_id[k].task);
            rc_free(by_id);
            return RC_E_IO;
        }
    rc_free(by_id);
done:
    return st;
}

/* Loads task i's statistics state, checked against its recorded digest, and adds it. */
static rc_status add_state(merge_state *s, int i, const char *dir, rc_err *err)
{
    rc_status st = RC_OK;
    const char *name = task_str(&s->docs[i], "stats_state"), *hex = task_str(&s->docs[i], "stats_state_sha256");
    const char *name0 = task_str(&s->docs[0], "stats_state");
    char path[RC_PATH_MAX + 100], got[65];
    char *buf = NULL;
    FILE *f = NULL;
    rc_run_stats *part = NULL;
    RC_FAIL_IF(!name != !name0, err, RC_E_IO, "task %d %s statistics and task 0 %s", i, name ? "has" : "has no",
               name0 ? "has" : "has not");
    if (!name) return RC_OK;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    rc_err_scope(err, path, NULL, NULL);
    RC_FAIL_IF(strchr(name, '/') || !hex, err, RC_E_IO, "expected a state file name and its sha256 in task %d", i);
    f = fopen(path, "rb");
    RC_FAIL_IF(!f, err, RC_E_IO, "task %d's statistics state: cannot open: %s", i, strerror(errno));
    struct stat sb;
    RC_FAIL_IF(fstat(fileno(f), &sb) != 0, err, RC_E_IO, "cannot stat: %s", strerror(errno));
    buf = rc_malloc((size_t)sb.st_size + 1);
    RC_FAIL_IF(!buf, err, RC_E_NOMEM, "out of memory");
    RC_FAIL_IF(fread(buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size, err, RC_E_IO, "read failed");
    fclose(f);
    f = NULL;
    rc_sha256_of(buf, (size_t)sb.st_size, got);
    RC_FAIL_IF(strcmp(got, hex) != 0, err, RC_E_IO, "expected sha256 %s (recorded by task %d), found %s", hex, i, got);
    f = fmemopen(buf, (size_t)sb.st_size, "rb");
    RC_FAIL_IF(!f, err, RC_E_NOMEM, "out of memory");
    RC_TRY(rc_run_stats_load(f, &part, err));
    if (!s->stats) {
        s->stats = part;
        part = NULL;
    } else {
        RC_TRY(rc_run_stats_merge(s->stats, part, err));
    }
done:
    if (f) fclose(f);
    rc_free(buf);
    rc_run_stats_free(part);
    return st;
}

static int cmp_row_order(const void *a, const void *b)
{
    return cmp_entry(a, b);
}

static rc_status build_manifest(merge_state *s, const char *dir, rc_merge_result *res, rc_err *err)
{
    rc_status st = RC_OK;
    char path[RC_PATH_MAX + 100];
    s->m = rc_manifest_new();
    RC_FAIL_IF(!s->m, err, RC_E_NOMEM, "out of memory");
    for (int i = 0; i < s->n; i++) {
        for (size_t k = 0; k < s->docs[i].n_shards; k++) {
            const rc_mf_shard *r = &s->docs[i].shards[k];
            const char *name = r->name;
            int64_t bytes = r->bytes, n_ep = r->episodes;
            RC_FAIL_IF(strchr(name, '/') || bytes < 0 || n_ep < 0, err, RC_E_IO,
                       "task %d shards[%zu]: expected name, bytes and episodes", i, k);
            snprintf(path, sizeof path, "%s/%s", dir, name);
            struct stat sb;
            RC_FAIL_IF(stat(path, &sb) != 0, err, RC_E_IO, "task %d's shard %s is missing: %s", i, name, strerror(errno));
            RC_TRY(rc_manifest_add_shard(s->m, name, (uint64_t)bytes, n_ep, err));
            res->shards++;
        }
    }
    if (s->n_eps) qsort(s->eps, s->n_eps, sizeof *s->eps, cmp_row_order); /* input order: file, then id */
    for (size_t k = 0; k < s->n_eps; k++) {
        const rc_mf_episode *r = s->eps[k].ep;
        const char *shard = r->shard, *split = r->split, *sha = r->content_sha256;
        int64_t v = r->steps;
        RC_FAIL_IF(!sha, err, RC_E_IO,
                   "task %d: episode %s: expected shard, split, steps and content_sha256", s->eps[k].task, s->eps[k].id);
        /* With ids unique (checked above) and one split each, train and val are disjoint. */
        RC_FAIL_IF(strcmp(split, "train") && strcmp(split, "val"), err, RC_E_IO,
                   "task %d: episode %s: expected split train or val, found '%s'", s->eps[k].task, s->eps[k].id, split);
        RC_TRY(rc_manifest_add_episode(s->m, s->eps[k].id, shard, split, v, sha, s->eps[k].file, err));
    }
    if (s->n_skipped) qsort(s->skipped, s->n_skipped, sizeof *s->skipped, cmp_row_order);
    for (size_t k = 0; k < s->n_skipped; k++) {
        if (k && !cmp_entry(&s->skipped[k - 1], &s->skipped[k])) continue; /* a file two tasks could not open */
        RC_TRY(rc_manifest_add_skipped(s->m, s->skipped[k].file, s->skipped[k].id,
                                       s->skipped[k].sk->reason, err));
        res->skipped++;
    }
    RC_TRY(rc_manifest_read_features(s->m, dir, err));
    rc_manifest_warn_empty_splits(s->m, 0);
    if (s->stats) RC_TRY(rc_run_stats_to_manifest(s->stats, s->m, err));
    /* The backend of every task, or "mixed" when they differ (content digests are equal anyway). */
    const char *backend = s->docs[0].backend;
    for (int i = 1; i < s->n; i++) {
        const char *b = s->docs[i].backend;
        if (!b || !backend || strcmp(b, backend)) backend = "mixed";
    }
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    RC_TRY(rc_manifest_write(s->m, path, s->docs[0].spec_sha256, s->docs[0].tool_version,
                             backend ? backend : "unknown", err));
    res->episodes = (int64_t)s->n_eps;
done:
    return st;
}

rc_status rc_merge_manifests(const char *dir, rc_merge_result *res, rc_err *err)
{
    rc_status st = RC_OK;
    merge_state s;
    char path[RC_PATH_MAX + 100];
    memset(&s, 0, sizeof s);
    memset(res, 0, sizeof *res);
    RC_TRY(find_tasks(dir, &s.n, err));
    s.docs = rc_calloc((size_t)s.n, sizeof *s.docs);
    RC_FAIL_IF(!s.docs, err, RC_E_NOMEM, "out of memory");
    for (int i = 0; i < s.n; i++) {
        snprintf(path, sizeof path, "%s/manifest-t%04d-of-%04d.json", dir, i, s.n);
        RC_TRY(rc_manifest_read(path, &s.docs[i], err));
        rc_err_scope(err, path, NULL, NULL);
        RC_FAIL_IF(s.docs[i].incomplete, err, RC_E_IO,
                   "this manifest is marked incomplete (\"complete\": false): task %d was interrupted; "
                   "finish it with `run --resume` first", i);
        RC_TRY(check_header(&s, i, path, err));
        RC_TRY(collect(&s, i, path, err));
    }
    rc_err_scope(err, dir, NULL, NULL);
    RC_TRY(check_partition(&s, err));
    for (int i = 0; i < s.n; i++) RC_TRY(add_state(&s, i, dir, err));
    rc_err_scope(err, dir, NULL, NULL);
    RC_TRY(build_manifest(&s, dir, res, err));
    res->tasks = s.n;
done:
    for (int i = 0; s.docs && i < s.n; i++) rc_manifest_doc_free(&s.docs[i]);
    rc_free(s.docs);
    rc_free(s.assigned);
    rc_free(s.eps);
    rc_free(s.skipped);
    rc_run_stats_free(s.stats);
    rc_manifest_free(s.m);
    return st;
}
