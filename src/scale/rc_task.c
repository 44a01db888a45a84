/* rc_task.c — a task of a sharded run (rc_task.h): the partition of the input episodes, the
 * task's file names, its output folder preparation, and the "task" section and state file of
 * its manifest.  The --resume check is in rc_resume.c. */
#include "config.h"
#include "scale/rc_task_int.h"

#include <dirent.h>
#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_alloc.h"
#include "common/rc_fs.h"
#include "common/rc_log.h"
#include "common/rc_sha256.h"
#include "reader/rc_reader.h"
#include "writer/rc_durable.h"

void rc_task_free(rc_task *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n_units; i++) rc_free(t->units[i].id);
    for (size_t i = 0; i < t->n_kept; i++) {
        rc_free(t->kept[i].file);
        rc_free(t->kept[i].id);
    }
    rc_free(t->units);
    rc_free(t->file_wanted);
    rc_free(t->kept);
    rc_free(t->train_pick);
    rc_free(t);
}

/* ---- listing: every episode of every file with its stored bytes ---- */

static herr_t add_storage(hid_t g, const char *name, const H5L_info_t *info, void *sum)
{
    (void)info;
    hid_t o = H5Oopen(g, name, H5P_DEFAULT);
    if (o < 0) return 0;
    if (H5Iget_type(o) == H5I_DATASET) *(uint64_t *)sum += H5Dget_storage_size(o);
    H5Oclose(o);
    return 0;
}

static rc_status push_unit(rc_task *t, size_t *cap, size_t file, const char *id, uint64_t bytes, rc_err *err)
{
    rc_status st = RC_OK;
    if (t->n_units == *cap) {
        *cap = *cap ? 2 * *cap : 256;
        plan_unit *u = rc_realloc(t->units, *cap * sizeof *u);
        RC_FAIL_IF(!u, err, RC_E_NOMEM, "out of memory planning %zu episodes", *cap);
        t->units = u;
    }
    plan_unit *u = &t->units[t->n_units];
    u->file = file;
    u->bytes = bytes;
    u->task = -1;
    u->id = NULL;
    RC_FAIL_IF(id && !(u->id = rc_strdup(id)), err, RC_E_NOMEM, "out of memory");
    t->n_units++;
done:
    return st;
}

/* The episodes of file f in the order the run reads them (rc_reader's), with their sizes. */
static rc_status list_file(rc_task *t, size_t f, size_t *cap, rc_err *err)
{
    rc_status st = RC_OK;
    rc_reader *r = NULL;
    hid_t fid = -1;
    if (rc_reader_open_layout(t->files[f], t->layout, t->rate_hz, t->filter_key, &r, err) != RC_OK) { /* the run will report it; here one unit */
        rc_err_clear(err);
        return push_unit(t, cap, f, NULL, 0, err);
    }
    H5E_auto2_t fn;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &fn, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    fid = H5Fopen(t->files[f], H5F_ACC_RDONLY, H5P_DEFAULT);
    for (int64_t i = 0; i < rc_reader_n_episodes(r); i++) {
        const char *id = rc_reader_episode_id(r, i);
        uint64_t bytes = 0;
        char path[300];
        switch (t->layout ? t->layout->format : RC_FORMAT_RAW) { /* the episode's group */
        case RC_FORMAT_RAW: snprintf(path, sizeof path, "/episodes/%s", id); break;
        case RC_FORMAT_ALOHA: snprintf(path, sizeof path, "/"); break;
        default: snprintf(path, sizeof path, "/data/%s", id); break;
        }
        hid_t g = fid >= 0 ? H5Gopen2(fid, path, H5P_DEFAULT) : -1;
        if (g >= 0) {
            H5Lvisit(g, H5_INDEX_NAME, H5_ITER_INC, add_storage, &bytes);
            H5Gclose(g);
        }
        RC_TRY(push_unit(t, cap, f, id, bytes, err));
    }
done:
    if (fid >= 0) H5Fclose(fid);
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    rc_reader_close(r);
    return st;
}

/* ---- the partition ---- */

static const rc_task *g_sort_task; /* qsort has no context argument; planning is single-threaded */

static int cmp_by_id(const void *a, const void *b)
{
    const plan_unit *x = &g_sort_task->units[*(const size_t *)a], *y = &g_sort_task->units[*(const size_t *)b];
    int c = strcmp(x->id ? x->id : "", y->id ? y->id : "");
    if (c) return c;
    return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

static int cmp_by_size(const void *a, const void *b)
{
    const plan_unit *x = &g_sort_task->units[*(const size_t *)a], *y = &g_sort_task->units[*(const size_t *)b];
    if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
    return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* Min-heap of tasks by (load, index). */
typedef struct task_load {
    uint64_t load;
    int index;
} task_load;

static int load_less(const task_load *a, const task_load *b)
{
    return a->load < b->load || (a->load == b->load && a->index < b->index);
}

static void heap_sift_down(task_load *h, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && load_less(&h[l], &h[m])) m = l;
        if (r < n && load_less(&h[r], &h[m])) m = r;
        if (m == i) return;
        task_load tmp = h[i];
        h[i] = h[m];
        h[m] = tmp;
        i = m;
    }
}

static rc_status assign(rc_task *t, rc_err *err)
{
    rc_status st = RC_OK;
    size_t n = t->n_units, *order = rc_malloc((n + 1) * sizeof *order);
    size_t *leader = rc_malloc((n + 1) * sizeof *leader);
    task_load *heap = rc_malloc((size_t)t->id.count * sizeof *heap);
    RC_FAIL_IF(!order || !leader || !heap, err, RC_E_NOMEM, "out of memory planning %zu episodes", n);
    /* Episodes sharing an id go with the first of them (the run's duplicate check sees both). */
    g_sort_task = t;
    for (size_t i = 0; i < n; i++) order[i] = leader[i] = i;
    qsort(order, n, sizeof *order, cmp_by_id);
    for (size_t i = 1; i < n; i++) {
        const plan_unit *a = &t->units[order[i - 1]], *b = &t->units[order[i]];
        if (a->id && b->id && !strcmp(a->id, b->id)) leader[order[i]] = leader[order[i - 1]];
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (leader[i] != i) t->units[leader[i]].bytes += t->units[i].bytes;
        else order[m++] = i;
    }
    qsort(order, m, sizeof *order, cmp_by_size);
    for (int k = 0; k < t->id.count; k++) heap[k] = (task_load){0, k}; /* already a heap */
    for (size_t i = 0; i < m; i++) {
        plan_unit *u = &t->units[order[i]];
        u->task = heap[0].index;
        heap[0].load += u->bytes;
        heap_sift_down(heap, t->id.count, 0);
    }
    for (size_t i = 0; i < n; i++) t->units[i].task = t->units[leader[i]].task;
done:
    rc_free(order);
    rc_free(leader);
    rc_free(heap);
    return st;
}

/* SHA-256 over the task count and, per unit in input order, its file relative to the input
 * folder, its id ("*" for a whole file) and its task, each NUL-terminated. */
static void plan_digest(rc_task *t)
{
    rc_sha256 c;
    char num[32];
    rc_sha256_init(&c);
    snprintf(num, sizeof num, "%d", t->id.count);
    rc_sha256_update(&c, num, strlen(num) + 1);
    size_t skip = strlen(t->input_dir);
    for (size_t i = 0; i < t->n_units; i++) {
        const plan_unit *u = &t->units[i];
        const char *rel = t->files[u->file];
        if (!strncmp(rel, t->input_dir, skip)) rel += skip;
        while (*rel == '/') rel++;
        rc_sha256_update(&c, rel, strlen(rel) + 1);
        rc_sha256_update(&c, u->id ? u->id : "*", strlen(u->id ? u->id : "*") + 1);
        snprintf(num, sizeof num, "%d", u->task);
        rc_sha256_update(&c, num, strlen(num) + 1);
    }
    uint8_t d[32];
    rc_sha256_final(&c, d);
    rc_sha256_hex(d, t->plan_hex);
}

rc_status rc_task_open(const rc_task_id *id, const char *input_dir, char **files, size_t n_files,
                       const rc_layout *layout, double rate_hz, const char *filter_key, rc_task **out,
                       rc_err *err)
{
    rc_status st = RC_OK;
    rc_task *t = rc_calloc(1, sizeof *t);
    RC_FAIL_IF(!t, err, RC_E_NOMEM, "out of memory");
    t->id = *id;
    t->files = files;
    t->n_files = n_files;
    t->input_dir = input_dir;
    t->layout = layout;
    t->rate_hz = rate_hz;
    t->filter_key = filter_key;
    if (id->count > 0) {
        size_t cap = 0;
        t->file_wanted = rc_calloc(n_files + 1, 1);
        RC_FAIL_IF(!t->file_wanted, err, RC_E_NOMEM, "out of memory");
        for (size_t f = 0; f < n_files; f++) RC_TRY(list_file(t, f, &cap, err));
        RC_TRY(assign(t, err));
        plan_digest(t);
        for (size_t i = 0; i < t->n_units; i++)
            if (t->units[i].task == id->index) {
                t->file_wanted[t->units[i].file] = 1;
                t->n_assigned++;
            }
        rc_log(RC_LOG_INFO, "task %d of %d (from %s): %lld of %zu episodes", id->index, id->count, id->source,
               (long long)t->n_assigned, t->n_units);
    }
    *out = t;
    t = NULL;
done:
    rc_task_free(t);
    return st;
}

/* ---- what the run converts ---- */

static int cmp_kept(const void *a, const void *b)
{
    const kept_episode *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->id, y->id);
}

rc_status rc_task_keep(rc_task *t, const char *file, const char *id, rc_err *err)
{
    rc_status st = RC_OK;
    kept_episode *k = rc_realloc(t->kept, (t->n_kept + 1) * sizeof *k);
    RC_FAIL_IF(!k, err, RC_E_NOMEM, "out of memory");
    t->kept = k;
    k[t->n_kept].file = rc_strdup(file);
    k[t->n_kept].id = rc_strdup(id);
    t->n_kept++;
    RC_FAIL_IF(!k[t->n_kept - 1].file || !k[t->n_kept - 1].id, err, RC_E_NOMEM, "out of memory");
done:
    return st;
}

void rc_task_sort_kept(rc_task *t)
{
    if (t->n_kept) qsort(t->kept, t->n_kept, sizeof *t->kept, cmp_kept);
}

int rc_task_wants_file(const rc_task *t, size_t f)
{
    return t->id.count == 0 || t->file_wanted[f];
}

/* The unit of (f, id) by binary search over the input order, or NULL. */
static const plan_unit *find_unit(const rc_task *t, size_t f, const char *id)
{
    size_t lo = 0, hi = t->n_units;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const plan_unit *u = &t->units[mid];
        int c = u->file != f ? (u->file < f ? -1 : 1) : !u->id ? -1 : strcmp(u->id, id);
        if (c == 0) return u;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

int rc_task_wants_episode(const rc_task *t, size_t f, const char *id)
{
    if (t->id.count > 0) {
        const plan_unit *u = find_unit(t, f, id);
        /* An episode the planner did not see (the file changed since) belongs to the file's
         * first unit's task, so exactly one task takes it. */
        if (!u) {
            for (size_t i = 0; i < t->n_units && !u; i++)
                if (t->units[i].file == f) u = &t->units[i];
        }
        if (!u || u->task != t->id.index) return 0;
    }
    if (t->n_kept) {
        kept_episode key = {t->files[f], (char *)id};
        if (bsearch(&key, t->kept, t->n_kept, sizeof *t->kept, cmp_kept)) return 0;
    }
    return 1;
}

/* ---- names ---- */

void rc_task_shard_name(const rc_task *t, int64_t k, char *buf, size_t n)
{
    if (t->id.count > 0) snprintf(buf, n, "shard-t%04d-%05lld.h5", t->id.index, (long long)k);
    else snprintf(buf, n, "shard-%05lld.h5", (long long)k);
}

void rc_task_manifest_name(const rc_task *t, char *buf, size_t n)
{
    if (t->id.count > 0) snprintf(buf, n, "manifest-t%04d-of-%04d.json", t->id.index, t->id.count);
    else snprintf(buf, n, "manifest.json");
}

static void stats_state_name(const rc_task *t, char *buf, size_t n)
{
    snprintf(buf, n, "stats-t%04d-of-%04d.bin", t->id.index, t->id.count);
}

/* 1 when name is one of this task's final files, 2 when it is a temporary file of one
 * (FINAL.tmp.PID), else 0. */
static int owns_file(const rc_task *t, const char *name)
{
    char own[64];
    size_t len = strlen(name);
    const char *tmp = strstr(name, ".tmp.");
    if (tmp && tmp[5] && strspn(tmp + 5, "0123456789") == strlen(tmp + 5)) len = (size_t)(tmp - name);
    int kind = len < strlen(name) ? 2 : 1;
    if (t->id.count == 0) {
        if (len == 13 && !strncmp(name, "manifest.json", 13)) return kind;
        return len > 9 && !strncmp(name, "shard-", 6) && !strncmp(name + len - 3, ".h5", 3) ? kind : 0;
    }
    rc_task_manifest_name(t, own, sizeof own);
    if (len == strlen(own) && !strncmp(name, own, len)) return kind;
    stats_state_name(t, own, sizeof own);
    if (len == strlen(own) && !strncmp(name, own, len)) return kind;
    snprintf(own, sizeof own, "shard-t%04d-", t->id.index);
    return len > strlen(own) + 3 && !strncmp(name, own, strlen(own)) && !strncmp(name + len - 3, ".h5", 3) ? kind : 0;
}

/* Whether name is shard K of this task with K below the kept count (K read after the last '-'). */
static int is_kept_shard(const rc_task *t, const char *name)
{
    char own[64];
    const char *dash = strrchr(name, '-');
    if (!dash || !t->n_kept_shards) return 0;
    long long k = strtoll(dash + 1, NULL, 10);
    if (k < 0 || k >= t->n_kept_shards) return 0;
    rc_task_shard_name(t, k, own, sizeof own);
    return !strcmp(own, name);
}

rc_status rc_task_prepare_output(const rc_task *t, const char *output_dir, int force, rc_err *err)
{
    rc_status st = RC_OK;
    DIR *d = NULL;
    char path[RC_PATH_MAX + 300];
    rc_err_scope(err, output_dir, NULL, NULL);
    RC_TRY(rc_mkdir_p(output_dir, err));
    d = opendir(output_dir);
    RC_FAIL_IF(!d, err, RC_E_IO, "cannot open the output folder: %s", strerror(errno));
    for (struct dirent *e; (e = readdir(d));) {
        int own = owns_file(t, e->d_name);
        if (!own || is_kept_shard(t, e->d_name)) continue;
        RC_FAIL_IF(own == 1 && !force && !t->resuming, err, RC_E_USAGE,
                   "already holds a conversion (%s); use --force to replace it", e->d_name);
        snprintf(path, sizeof path, "%s/%s", output_dir, e->d_name);
        RC_FAIL_IF(unlink(path) != 0, err, RC_E_IO, "cannot remove %s: %s", path, strerror(errno));
    }
done:
    if (d) closedir(d);
    return st;
}

/* ---- the task manifest ---- */

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
    FILE *mem = NULL, *f = NULL;
    char path[RC_PATH_MAX + 100], tmp[RC_PATH_MAX + 140];
    stats_state_name(t, t->stats_name, sizeof t->stats_name);
    snprintf(path, sizeof path, "%s/%s", output_dir, t->stats_name);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    rc_err_scope(err, path, NULL, NULL);
    mem = open_memstream(&buf, &len);
    RC_FAIL_IF(!mem, err, RC_E_NOMEM, "out of memory for the statistics state");
    RC_TRY(rc_run_stats_save(rs, mem, err));
    int closed = fclose(mem);
    mem = NULL;
    RC_FAIL_IF(closed != 0, err, RC_E_NOMEM, "out of memory for the statistics state");
    rc_sha256_of(buf, len, t->stats_hex);
    f = fopen(tmp, "wb");
    RC_FAIL_IF(!f, err, RC_E_IO, "cannot create %s: %s", tmp, strerror(errno));
    int bad = fwrite(buf, 1, len, f) != len;
    bad |= fclose(f) != 0;
    f = NULL;
    RC_FAIL_IF(bad, err, RC_E_IO, "writing %s failed: %s", tmp, strerror(errno));
    RC_TRY(rc_durable_publish(tmp, path, err));
done:
    if (mem) fclose(mem);
    if (f) fclose(f);
    if (st != RC_OK) unlink(tmp);
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
