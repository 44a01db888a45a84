/* device.cu — finding and opening a CUDA device for the backend (docs/SPEC.md §2: `cuda` must
 * fail loudly when it cannot run).  A device counts as usable only after a probe kernel from
 * this binary's own fatbin has run on it and returned the expected value: a driver that is
 * too old, a GPU with no matching SASS/PTX, or a broken context all fail here, with reasons. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nvtx3/nvToolsExt.h>

#include "rc_cuda_check_int.h"
#include "rc_cuda_ctx_int.h"
extern "C" {
#include "common/rc_common.h"
}

/* What the probe must write: a value no uninitialised or zeroed buffer holds. */
#define PROBE_MAGIC 0x5EC0CAFEu

__global__ void probe_kernel(unsigned *out, unsigned seed)
{
    if (blockIdx.x == 0 && threadIdx.x == 0) *out = seed ^ PROBE_MAGIC;
}

extern "C" void rc_cuda_versions(int *runtime_version, int *driver_version)
{
    *runtime_version = 0;
    *driver_version = 0;
    if (cudaRuntimeGetVersion(runtime_version) != cudaSuccess) *runtime_version = 0;
    if (cudaDriverGetVersion(driver_version) != cudaSuccess) *driver_version = 0;
}

/* Why cudaGetDeviceCount found no device (error e, or success and 0 devices), named by what is
 * missing: the NVIDIA driver (its library libcuda.so.1, which the runtime loads; without it the
 * runtime says "driver version is insufficient"), a GPU, or a driver new enough for this
 * binary's runtime.  The runtime's own words only for anything else. */
static void no_device_reason(cudaError_t e, char *buf, size_t n)
{
    void *lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(buf, n, "no NVIDIA driver (%s)", why ? why : "libcuda.so.1 cannot be loaded");
        return;
    }
    dlclose(lib);
    int runtime = 0, driver = 0;
    rc_cuda_versions(&runtime, &driver);
    const char *visible = getenv("CUDA_VISIBLE_DEVICES");
    if (e == cudaErrorInsufficientDriver)
        snprintf(buf, n, "the NVIDIA driver is too old: it supports CUDA %d.%d, this binary's CUDA runtime is %d.%d",
                 driver / 1000, driver % 1000 / 10, runtime / 1000, runtime % 1000 / 10);
    else if (e != cudaSuccess && e != cudaErrorNoDevice)
        snprintf(buf, n, "CUDA cannot start: %s", cudaGetErrorString(e));
    else if (access("/proc/driver/nvidia/version", F_OK) != 0)
        snprintf(buf, n, "no NVIDIA GPU: the driver library is installed but the nvidia kernel module is not "
                         "loaded (no /proc/driver/nvidia/version)");
    else if (visible)
        snprintf(buf, n, "no NVIDIA GPU visible with CUDA_VISIBLE_DEVICES='%.64s'", visible);
    else
        snprintf(buf, n, "no NVIDIA GPU: the driver is loaded and finds no device");
}

extern "C" rc_status rc_cuda_list_devices(rc_cuda_device *out, int max, int *n, rc_err *err)
{
    rc_status st = RC_OK;
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    *n = 0;
    if (e != cudaSuccess || count == 0) {
        char why[512];
        cudaGetLastError(); /* clear the sticky "no device" error for later calls */
        no_device_reason(e, why, sizeof why);
        return rc_err_set(err, RC_E_BACKEND, __FILE__, __LINE__, "no CUDA device: %s", why);
    }
    for (int d = 0; d < count && d < max; d++) {
        cudaDeviceProp prop;
        RC_CUDA_TRY(cudaGetDeviceProperties(&prop, d), err, "listing devices");
        snprintf(out[d].name, sizeof out[d].name, "%s", prop.name);
        out[d].sm_major = prop.major;
        out[d].sm_minor = prop.minor;
        out[d].mem_bytes = (uint64_t)prop.totalGlobalMem;
        out[d].multiprocessors = prop.multiProcessorCount;
    }
    *n = count;
done:
    return st;
}

/* Launches the probe on c's stream and checks the value it wrote. */
static rc_status run_probe(rc_cuda *c, rc_err *err)
{
    rc_status st = RC_OK;
    unsigned *d_out = NULL, got = 0;
    const unsigned seed = 0x1234567u;
    cudaError_t e;
    RC_CUDA_TRY(cudaMalloc(&d_out, sizeof *d_out), err, "probe");
    RC_CUDA_TRY(cudaMemsetAsync(d_out, 0, sizeof *d_out, c->stream), err, "probe");
    probe_kernel<<<1, 32, 0, c->stream>>>(d_out, seed);
    e = cudaGetLastError();
    if (e == cudaSuccess) e = cudaStreamSynchronize(c->stream);
    if (e != cudaSuccess) {
        st = rc_err_set(err, RC_E_BACKEND, __FILE__, __LINE__,
                        "kernel image not usable on %s: probe_kernel: %s (this binary embeds "
                        "sm_80 and sm_90 SASS and compute_90 PTX; see `robocache-convert info`)",
                        c->describe, cudaGetErrorString(e));
        goto done;
    }
    RC_CUDA_TRY(cudaMemcpy(&got, d_out, sizeof got, cudaMemcpyDeviceToHost), err, "probe");
    RC_FAIL_IF(got != (seed ^ PROBE_MAGIC), err, RC_E_BACKEND,
               "kernel image not usable on %s: probe_kernel wrote 0x%08x, expected 0x%08x",
               c->describe, got, seed ^ PROBE_MAGIC);
done:
    if (d_out) cudaFree(d_out);
    return st;
}

extern "C" rc_status rc_cuda_open(int device, rc_cuda **out, rc_err *err)
{
    rc_status st = RC_OK;
    rc_cuda_device devs[16];
    int n = 0;
    rc_cuda *c = NULL;
    *out = NULL;
    RC_TRY(rc_cuda_list_devices(devs, 16, &n, err));
    RC_FAIL_IF(device < 0 || device >= n || device >= 16, err, RC_E_BACKEND,
               "CUDA device %d requested, found %d device(s)", device, n);
    c = (rc_cuda *)rc_calloc(1, sizeof *c);
    RC_FAIL_IF(!c, err, RC_E_NOMEM, "out of memory for the CUDA backend handle");
    c->device = device;
    snprintf(c->describe, sizeof c->describe, "%s (sm_%d%d)", devs[device].name,
             devs[device].sm_major, devs[device].sm_minor);
    RC_CUDA_TRY(cudaSetDevice(device), err, c->describe);
    RC_CUDA_TRY(cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking), err, c->describe);
    RC_CUDA_TRY(cudaStreamCreateWithFlags(&c->h2d, cudaStreamNonBlocking), err, c->describe);
    RC_CUDA_TRY(cudaStreamCreateWithFlags(&c->d2h, cudaStreamNonBlocking), err, c->describe);
    RC_CUDA_TRY(cudaEventCreate(&c->ev_start), err, c->describe);
    RC_CUDA_TRY(cudaEventCreate(&c->ev_in), err, c->describe);
    RC_CUDA_TRY(cudaEventCreate(&c->ev_kernel), err, c->describe);
    RC_CUDA_TRY(cudaEventCreate(&c->ev_out), err, c->describe);
    RC_TRY(run_probe(c, err));
    *out = c;
    c = NULL;
done:
    rc_cuda_close(c);
    return st;
}

extern "C" void rc_cuda_close(rc_cuda *c)
{
    if (!c) return;
    rc_vox_cache_free(c);
    rc_img_cache_free(c);
    void *bufs[] = {c->f_in, c->f_out, c->f_jobs, c->f_cols};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        if (bufs[i]) cudaFree(bufs[i]);
    cudaEvent_t evs[] = {c->ev_start, c->ev_in, c->ev_kernel, c->ev_out};
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        if (evs[i]) cudaEventDestroy(evs[i]);
    if (c->d2h) cudaStreamDestroy(c->d2h);
    if (c->h2d) cudaStreamDestroy(c->h2d);
    if (c->stream) cudaStreamDestroy(c->stream);
    rc_free(c);
}

extern "C" const char *rc_cuda_describe(const rc_cuda *c) { return c->describe; }

extern "C" int rc_cuda_host_register(void *p, size_t n)
{
    if (cudaHostRegister(p, n, cudaHostRegisterPortable) != cudaSuccess) {
        cudaGetLastError(); /* not sticky: the caller copies from pageable memory */
        return 0;
    }
    return 1;
}

extern "C" void rc_cuda_host_unregister(void *p)
{
    if (cudaHostUnregister(p) != cudaSuccess) cudaGetLastError();
}

extern "C" rc_cuda_timing rc_cuda_last_timing(const rc_cuda *c) { return c->last; }

extern "C" void rc_cuda_range_push(const char *name, int64_t episode)
{
    char label[96];
    if (episode >= 0) snprintf(label, sizeof label, "%s ep %lld", name, (long long)episode);
    else snprintf(label, sizeof label, "%s", name);
    nvtxRangePushA(label);
}

extern "C" void rc_cuda_range_pop(void) { nvtxRangePop(); }
