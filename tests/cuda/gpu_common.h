/* gpu_common.h — what the GPU test programs share: a seeded PRNG, opening both backends (the
 * CUDA one must open: a machine that cannot run the kernels FAILS these tests), output
 * poisoning, and a byte comparison that names the first differing element in hex. */
#ifndef RC_TEST_GPU_COMMON_H
#define RC_TEST_GPU_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/rc_backend.h"
#include "tap.h"

/* xorshift64*: reproducible inputs from the seed printed in the log. */
static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static inline uint64_t rng_u64(void)
{
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 0x2545F4914F6CDD1Dull;
}
static inline double rng_unit(void) { return (double)(rng_u64() >> 11) / 9007199254740992.0; }
static inline float rng_float(float lo, float hi) { return lo + (float)rng_unit() * (hi - lo); }
static inline int64_t rng_range(int64_t lo, int64_t hi) { return lo + (int64_t)(rng_u64() % (uint64_t)(hi - lo + 1)); }

/* RC_TEST_SMALL=1 divides the big cases by 10 (the sanitizers run them 10-100x slower). */
static inline int64_t big(int64_t n) { return getenv("RC_TEST_SMALL") ? n / 10 : n; }

static inline void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) TAP_BAIL("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

/* Opens cpu and cuda; the cuda backend failing to open is a failed test and a bail-out. */
static inline void open_backends(rc_backend **cpu, rc_backend **gpu)
{
    char why[1200] = "";
    rc_err err;
    rc_err_clear(&err);
    if (getenv("RC_TEST_SEED")) g_rng = strtoull(getenv("RC_TEST_SEED"), NULL, 0) | 1;
    tap_diag("seed 0x%llx (set RC_TEST_SEED to replay)", (unsigned long long)g_rng);
    if (!tap_ok(rc_backend_open("cuda", 0, gpu, why, sizeof why, &err) == RC_OK,
                "the cuda backend opens and its probe kernel runs"))
        TAP_BAIL("no usable CUDA device: %s", err.msg);
    tap_diag("%s", why);
    if (!tap_ok(rc_backend_open("cpu", 0, cpu, why, sizeof why, &err) == RC_OK, "the cpu backend opens"))
        TAP_BAIL("%s", err.msg);
    tap_ok(!strcmp(rc_backend_name(*gpu), "cuda") && !strcmp(rc_backend_name(*cpu), "cpu"),
           "backends report their names (cuda, cpu)");
}

/* 1 when a[0..n) == b[0..n); otherwise prints the first differing element of elem bytes. */
static inline int same_bytes(const void *a, const void *b, size_t n, size_t elem, const char *what)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    if (!memcmp(a, b, n)) return 1;
    for (size_t i = 0; i < n; i++) {
        if (x[i] == y[i]) continue;
        size_t k = i / elem;
        uint64_t vx = 0, vy = 0;
        memcpy(&vx, x + k * elem, elem < 8 ? elem : 8);
        memcpy(&vy, y + k * elem, elem < 8 ? elem : 8);
        tap_diag("%s: element %zu differs: cpu 0x%llx, cuda 0x%llx", what, k,
                 (unsigned long long)vx, (unsigned long long)vy);
        if (elem == 4) {
            float fx, fy;
            memcpy(&fx, x + k * 4, 4);
            memcpy(&fy, y + k * 4, 4);
            tap_diag("%s: as float32: cpu %a, cuda %a", what, (double)fx, (double)fy);
        }
        break;
    }
    return 0;
}

#endif
