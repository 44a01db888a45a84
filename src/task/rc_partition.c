/* rc_partition.c — the partition of a sharded run (rc_task.h): every episode of every input
 * file listed with its stored bytes (from the reader), assigned to the tasks largest first,
 * each to the least loaded task, and the digest of the resulting plan. */
#include "config.h"
#include "task/rc_task_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rc_common.h"
#include "reader/rc_reader.h"

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
static rc_status list_file(rc_task *t, rc_reader_lister *lister, size_t f, size_t *cap, rc_err *err)
{
    rc_status st = RC_OK;
    rc_file_episodes eps;
    st = rc_reader_list_episodes(lister, t->files[f], &eps, err);
    if (st == RC_E_NOMEM) return st;
    if (st != RC_OK) { /* the run will report it; here one unit */
        rc_err_clear(err);
        return push_unit(t, cap, f, NULL, 0, err);
    }
    for (int64_t i = 0; i < eps.n; i++) RC_TRY(push_unit(t, cap, f, eps.ids[i], eps.bytes[i], err));
done:
    rc_file_episodes_free(&eps);
    return st;
}

/* A unit as the partition sorts it: qsort compares these, so it needs no context. */
typedef struct sort_key {
    const char *id;   /* "" for a whole file */
    uint64_t bytes;
    size_t unit;      /* index in input order: the last tie-break */
} sort_key;

static int cmp_unit(size_t a, size_t b) { return (a > b) - (a < b); }

static int cmp_by_id(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : cmp_unit(x->unit, y->unit);
}

static int cmp_by_size(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
    return cmp_unit(x->unit, y->unit);
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
    size_t n = t->n_units;
    sort_key *order = rc_malloc((n + 1) * sizeof *order);
    size_t *leader = rc_malloc((n + 1) * sizeof *leader);
    task_load *heap = rc_malloc((size_t)t->id.count * sizeof *heap);
    RC_FAIL_IF(!order || !leader || !heap, err, RC_E_NOMEM, "out of memory planning %zu episodes", n);
    /* Episodes sharing an id go with the first of them (the run's duplicate check sees both). */
    for (size_t i = 0; i < n; i++) {
        order[i] = (sort_key){t->units[i].id ? t->units[i].id : "", 0, i};
        leader[i] = i;
    }
    qsort(order, n, sizeof *order, cmp_by_id);
    for (size_t i = 1; i < n; i++) {
        const plan_unit *a = &t->units[order[i - 1].unit], *b = &t->units[order[i].unit];
        if (a->id && b->id && !strcmp(a->id, b->id)) leader[order[i].unit] = leader[order[i - 1].unit];
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (leader[i] != i) t->units[leader[i]].bytes += t->units[i].bytes;
        else order[m++] = (sort_key){NULL, 0, i};
    }
    for (size_t i = 0; i < m; i++) order[i].bytes = t->units[order[i].unit].bytes;
    qsort(order, m, sizeof *order, cmp_by_size);
    for (int k = 0; k < t->id.count; k++) heap[k] = (task_load){0, k}; /* already a heap */
    for (size_t i = 0; i < m; i++) {
        plan_unit *u = &t->units[order[i].unit];
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

rc_status rc_task_plan(rc_task *t, rc_err *err)
{
    rc_status st = RC_OK;
    size_t cap = 0;
    rc_reader_lister *lister = NULL;
    RC_TRY(rc_reader_lister_open(t->layout, t->rate_hz, t->filter_key, 1, &lister, err));
    for (size_t f = 0; f < t->n_files; f++) RC_TRY(list_file(t, lister, f, &cap, err));
    RC_TRY(assign(t, err));
    plan_digest(t);
done:
    rc_reader_lister_close(lister);
    return st;
}
