/* bench_common.c — statistics, RNG and the timing loop shared by every rc-bench group: each
 * case is warm-up runs, then timed runs of one launcher call, printed as one JSON line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "common/rc_common.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void bench_stats_of(double *v, int n, bench_stats *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n <= 0) return;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    out->median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    int r = (int)ceil(0.99 * n); /* nearest rank */
    out->p99 = v[(r < 1 ? 1 : r) - 1];
    out->min = v[0];
    out->max = v[n - 1];
}

double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

uint64_t bench_rng_u64(bench_rng *r) /* splitmix64 */
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

float bench_rng_unit(bench_rng *r) { return (float)(bench_rng_u64(r) >> 40) * (1.0f / 16777216.0f); }

float bench_rng_gauss(bench_rng *r)
{
    double u = ((double)(bench_rng_u64(r) >> 11) + 0.5) / 9007199254740992.0;
    double v = (double)(bench_rng_u64(r) >> 11) / 9007199254740992.0;
    return (float)(sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v));
}

void bench_json_stats(rc_json *j, const char *key, double *v, int n)
{
    bench_stats s;
    bench_stats_of(v, n, &s);
    rc_json_key(j, key);
    rc_json_object_begin(j);
    rc_json_key(j, "median");
    rc_json_double(j, s.median);
    rc_json_key(j, "p99");
    rc_json_double(j, s.p99);
    rc_json_key(j, "min");
    rc_json_double(j, s.min);
    rc_json_key(j, "max");
    rc_json_double(j, s.max);
    rc_json_key(j, "n");
    rc_json_int(j, s.n);
    rc_json_object_end(j);
}

int bench_selected(const bench_opts *o, const char *name) { return !o->only || strstr(name, o->only); }

int bench_run_case(const bench_opts *o, bench_case *c, bench_call_fn call, void *ctx,
                   void (*params_fn)(rc_json *j, void *ctx))
{
    int n = o->runs, rc = 0;
    double *v = rc_calloc((size_t)n * 5, sizeof *v);
    double *call_ms = v, *kern = v + n, *span = v + 2 * n, *h2d = v + 3 * n, *d2h = v + 4 * n;
    rc_json j;
    if (!v) return -1;
    fprintf(stderr, "rc-bench: %s ...\n", c->name);
    for (int i = 0; i < o->warmup + n; i++) {
        bench_dev d;
        if (i == o->warmup) bench_cupti_names_reset();
        if (g_bench_cupti_ok) bench_cupti_reset();
        double t0 = bench_now_ms();
        if (call(ctx)) {
            rc = -1;
            break;
        }
        double t1 = bench_now_ms();
        memset(&d, 0, sizeof d);
        if (g_bench_cupti_ok) bench_cupti_collect(&d);
        if (i >= o->warmup) {
            int k = i - o->warmup;
            call_ms[k] = t1 - t0;
            kern[k] = d.kernel_ms;
            span[k] = d.span_ms;
            h2d[k] = d.h2d_ms;
            d2h[k] = d.d2h_ms;
        }
    }
    if (rc == 0) {
        rc_json_init(&j, stdout);
        rc_json_object_begin(&j);
        rc_json_key(&j, "group");
        rc_json_string(&j, c->group);
        rc_json_key(&j, "name");
        rc_json_string(&j, c->name);
        rc_json_key(&j, "engine");
        rc_json_string(&j, "robocache");
        rc_json_key(&j, "params");
        rc_json_object_begin(&j);
        if (params_fn) params_fn(&j, ctx);
        rc_json_object_end(&j);
        rc_json_key(&j, "bytes");
        rc_json_double(&j, c->bytes);
        rc_json_key(&j, "items");
        rc_json_double(&j, c->items);
        rc_json_key(&j, "items_unit");
        rc_json_string(&j, c->items_unit);
        rc_json_key(&j, "checked_against_cpu");
        if (c->checked < 0) rc_json_null(&j);
        else rc_json_bool(&j, c->checked);
        rc_json_key(&j, "warmup");
        rc_json_int(&j, o->warmup);
        bench_json_stats(&j, "call_ms", call_ms, n);
        if (c->extra_key) bench_json_stats(&j, c->extra_key, c->extra_ms, c->extra_n);
        if (g_bench_cupti_ok) {
            bench_json_stats(&j, "kernel_ms", kern, n);
            bench_json_stats(&j, "span_ms", span, n);
            bench_json_stats(&j, "h2d_ms", h2d, n);
            bench_json_stats(&j, "d2h_ms", d2h, n);
            rc_json_key(&j, "kernels_ms_per_call");
            bench_cupti_names_json(&j, n);
        }
        rc_json_object_end(&j);
        rc_json_finish(&j);
        fflush(stdout);
    }
    rc_free(v);
    return rc;
}
