/* bench_cupti.c — device time of the backend's launchers without changing them: CUPTI's
 * activity records carry the GPU's own start and end timestamps of every kernel, memset and
 * copy, so one launcher call (which allocates, copies in, launches, copies out) splits into
 * the kernel time and the copy times.  Records are flushed after each call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cupti.h>

#include "bench.h"
#include "common/rc_common.h"

#define BUF_BYTES (8u << 20)
#define MAX_NAMES 32

/* The kinds traced: bench_cupti_pause disables them all, so nothing is recorded until bench_cupti_resume. */
static const CUpti_ActivityKind g_kinds[] = {CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
                                             CUPTI_ACTIVITY_KIND_MEMSET};

static bench_dev g_acc;
static uint64_t g_first, g_last;

static struct {
    char name[48];
    double ms;
} g_names[MAX_NAMES];
static int g_n_names;

/* A short, stable name for a kernel: our own kernels by their identifier, CUB's by role. */
static void short_name(const char *mangled, char *out, size_t n)
{
    static const char *const ours[] = {"fuse_kernel", "vox_scatter_kernel", "vox_key_kernel", "vox_head_kernel",
                                       "vox_segment_kernel", "vox_rows_kernel", "vox_tail_kernel",
                                       "vox_mean_dense_kernel", "vox_points_kernel", "probe_kernel"};
    static const char *const cub[][2] = {{"Onesweep", "cub radix sort (onesweep)"},
                                         {"RadixSortHistogram", "cub radix sort (histogram)"},
                                         {"RadixSortExclusiveSum", "cub radix sort (scan)"},
                                         {"RadixSortSingleTile", "cub radix sort (single tile)"},
                                         {"RadixSortUpsweep", "cub radix sort (upsweep)"},
                                         {"RadixSortDownsweep", "cub radix sort (downsweep)"},
                                         {"RadixSortScanBins", "cub radix sort (scan bins)"},
                                         {"ScanInitKernel", "cub scan (init)"},
                                         {"ScanKernel", "cub scan"}};
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
        if (strstr(mangled, ours[i])) {
            snprintf(out, n, "%s", ours[i]);
            return;
        }
    for (size_t i = 0; i < sizeof cub / sizeof cub[0]; i++)
        if (strstr(mangled, cub[i][0])) {
            snprintf(out, n, "%s", cub[i][1]);
            return;
        }
    snprintf(out, n, "other");
}

static void name_add(const char *name, double ms)
{
    int i;
    for (i = 0; i < g_n_names; i++)
        if (!strcmp(g_names[i].name, name)) break;
    if (i == g_n_names) {
        if (g_n_names == MAX_NAMES) return;
        snprintf(g_names[i].name, sizeof g_names[i].name, "%s", name);
        g_names[i].ms = 0;
        g_n_names++;
    }
    g_names[i].ms += ms;
}

static void span_add(uint64_t start, uint64_t end)
{
    if (!g_first || start < g_first) g_first = start;
    if (end > g_last) g_last = end;
}

static void CUPTIAPI buffer_requested(uint8_t **buffer, size_t *size, size_t *max_records)
{
    *buffer = rc_malloc(BUF_BYTES) /* malloc alignment >= the 8 bytes CUPTI needs */;
    *size = *buffer ? BUF_BYTES : 0;
    *max_records = 0;
}

static void CUPTIAPI buffer_completed(CUcontext ctx, uint32_t stream, uint8_t *buffer, size_t size,
                                      size_t valid)
{
    CUpti_Activity *rec = NULL;
    (void)ctx;
    (void)stream;
    (void)size;
    while (cuptiActivityGetNextRecord(buffer, valid, &rec) == CUPTI_SUCCESS) {
        if (rec->kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) {
            const CUpti_ActivityKernel10 *k = (const CUpti_ActivityKernel10 *)rec;
            char nm[48];
            double ms = (double)(k->end - k->start) / 1e6;
            g_acc.kernel_ms += ms;
            g_acc.n_kernels++;
            span_add(k->start, k->end);
            short_name(k->name ? k->name : "", nm, sizeof nm);
            name_add(nm, ms);
        } else if (rec->kind == CUPTI_ACTIVITY_KIND_MEMSET) {
            const CUpti_ActivityMemset4 *m = (const CUpti_ActivityMemset4 *)rec;
            double ms = (double)(m->end - m->start) / 1e6;
            g_acc.kernel_ms += ms;
            span_add(m->start, m->end);
            name_add("memset", ms);
        } else if (rec->kind == CUPTI_ACTIVITY_KIND_MEMCPY) {
            const CUpti_ActivityMemcpy6 *m = (const CUpti_ActivityMemcpy6 *)rec;
            double ms = (double)(m->end - m->start) / 1e6;
            if (m->copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_HTOD) g_acc.h2d_ms += ms;
            else if (m->copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_DTOH) g_acc.d2h_ms += ms;
            else { /* device-side copies are device work like a kernel */
                g_acc.kernel_ms += ms;
                span_add(m->start, m->end);
                name_add("memcpy (device)", ms);
            }
        }
    }
    rc_free(buffer);
}

int bench_cupti_start(char *why, size_t n)
{
    const char *msg = NULL;
    CUptiResult r = cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed);
    for (size_t i = 0; i < sizeof g_kinds / sizeof g_kinds[0] && r == CUPTI_SUCCESS; i++)
        r = cuptiActivityEnable(g_kinds[i]);
    if (r == CUPTI_SUCCESS) return 0;
    cuptiGetResultString(r, &msg);
    snprintf(why, n, "CUPTI activity tracing unavailable: %s", msg ? msg : "unknown error");
    return -1;
}

void bench_cupti_pause(void)
{
    cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    for (size_t i = 0; i < sizeof g_kinds / sizeof g_kinds[0]; i++) cuptiActivityDisable(g_kinds[i]);
}

void bench_cupti_resume(void)
{
    for (size_t i = 0; i < sizeof g_kinds / sizeof g_kinds[0]; i++) cuptiActivityEnable(g_kinds[i]);
}

void bench_cupti_reset(void)
{
    cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED); /* drop anything pending */
    memset(&g_acc, 0, sizeof g_acc);
    g_first = g_last = 0;
}

void bench_cupti_collect(bench_dev *out)
{
    cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    g_acc.span_ms = g_last > g_first ? (double)(g_last - g_first) / 1e6 : 0.0;
    *out = g_acc;
}

void bench_cupti_names_reset(void) { g_n_names = 0; }

void bench_cupti_names_json(rc_json *j, int runs)
{
    rc_json_object_begin(j);
    for (int i = 0; i < g_n_names; i++) {
        rc_json_key(j, g_names[i].name);
        rc_json_double(j, g_names[i].ms / (runs > 0 ? runs : 1));
    }
    rc_json_object_end(j);
}
