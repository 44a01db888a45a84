/* bench_mem.c — the physical limits the kernels are judged against, measured in the same run:
 * device-to-device copy bandwidth (bytes read + bytes written), pinned host-to-device and
 * device-to-host copies.  Timed with CUDA events on the default stream. */
#include <stdio.h>
#include <string.h>

#include <cuda_runtime_api.h>

#include "bench.h"

#define MEM_CHECK(call)                                                                     \
    do {                                                                                    \
        cudaError_t e_ = (call);                                                            \
        if (e_ != cudaSuccess) {                                                            \
            fprintf(stderr, "rc-bench mem: %s failed: %s\n", #call, cudaGetErrorString(e_)); \
            rc = -1;                                                                        \
            goto done;                                                                      \
        }                                                                                   \
    } while (0)

/* One copy kind: runs warm-up + runs copies of n bytes and prints its JSON line. */
static int mem_case(const bench_opts *o, const char *name, void *dst, const void *src, size_t n,
                    enum cudaMemcpyKind kind, double bytes_counted)
{
    int rc = 0, runs = o->runs;
    double ms[1024];
    cudaEvent_t a = NULL, b = NULL;
    rc_json j;
    if (runs > 1024) runs = 1024;
    MEM_CHECK(cudaEventCreate(&a));
    MEM_CHECK(cudaEventCreate(&b));
    for (int i = 0; i < o->warmup + runs; i++) {
        float t = 0;
        MEM_CHECK(cudaEventRecord(a, 0));
        MEM_CHECK(cudaMemcpyAsync(dst, src, n, kind, 0));
        MEM_CHECK(cudaEventRecord(b, 0));
        MEM_CHECK(cudaEventSynchronize(b));
        MEM_CHECK(cudaEventElapsedTime(&t, a, b));
        if (i >= o->warmup) ms[i - o->warmup] = t;
    }
    rc_json_init(&j, stdout);
    rc_json_object_begin(&j);
    rc_json_key(&j, "group");
    rc_json_string(&j, "mem");
    rc_json_key(&j, "name");
    rc_json_string(&j, name);
    rc_json_key(&j, "engine");
    rc_json_string(&j, "cuda");
    rc_json_key(&j, "params");
    rc_json_object_begin(&j);
    rc_json_key(&j, "copy_bytes");
    rc_json_uint(&j, n);
    rc_json_object_end(&j);
    rc_json_key(&j, "bytes");
    rc_json_double(&j, bytes_counted);
    rc_json_key(&j, "warmup");
    rc_json_int(&j, o->warmup);
    bench_json_stats(&j, "kernel_ms", ms, runs);
    rc_json_object_end(&j);
    rc_json_finish(&j);
    fflush(stdout);
done:
    if (a) cudaEventDestroy(a);
    if (b) cudaEventDestroy(b);
    return rc;
}

int bench_mem(const bench_opts *o)
{
    int rc = 0;
    size_t n = o->quick ? ((size_t)64 << 20) : ((size_t)1 << 30);
    void *d0 = NULL, *d1 = NULL, *h = NULL;
    MEM_CHECK(cudaMalloc(&d0, n));
    MEM_CHECK(cudaMalloc(&d1, n));
    MEM_CHECK(cudaMallocHost(&h, n));
    memset(h, 0x5A, n); /* not zeros: touch every page with real bytes */
    MEM_CHECK(cudaMemcpy(d0, h, n, cudaMemcpyHostToDevice));
    rc |= mem_case(o, "mem/d2d", d1, d0, n, cudaMemcpyDeviceToDevice, 2.0 * (double)n);
    rc |= mem_case(o, "mem/h2d_pinned", d1, h, n, cudaMemcpyHostToDevice, (double)n);
    rc |= mem_case(o, "mem/d2h_pinned", h, d0, n, cudaMemcpyDeviceToHost, (double)n);
done:
    if (d0) cudaFree(d0);
    if (d1) cudaFree(d1);
    if (h) cudaFreeHost(h);
    return rc;
}
