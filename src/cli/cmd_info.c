/* cmd_info.c — the 'info' subcommand (SPEC section 2): version, backends compiled in, the CUDA
 * targets embedded in this very binary (read from /proc/self/exe's .nv_fatbin section, not
 * from what the build intended), the CUDA runtime and driver, the devices seen, and which
 * backend `auto` would pick and why (that runs the backend's probe kernel), and the memory
 * budget with its source.  Text by default,
 * one JSON object with --json. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "backend/rc_backend.h"
#include "backend/rc_fatbin.h"
#include "cli/rc_cli.h"
#include "common/rc_budget.h"
#ifdef RC_HAVE_CUDA
#include "backend/rc_cuda.h"
#endif

#define MAX_TARGETS 32
#define MAX_DEVICES 16

/* Everything info reports, gathered before printing. */
typedef struct info_facts {
    int cuda_compiled;
    rc_fatbin_target targets[MAX_TARGETS];
    int n_targets;
    char targets_err[1100]; /* non-empty: the binary could not be read */
    int runtime, driver;    /* CUDA versions (1000*major + 10*minor); 0 = none */
    char devices_err[1100]; /* non-empty: no device list */
    int n_devices;
#ifdef RC_HAVE_CUDA
    rc_cuda_device devices[MAX_DEVICES];
#endif
    const char *auto_name;
    char auto_reason[1200];
} info_facts;

static void gather(info_facts *f)
{
    rc_err err;
    rc_backend *b = NULL;
    memset(f, 0, sizeof *f);
    rc_err_clear(&err);
    if (rc_fatbin_list_file("/proc/self/exe", f->targets, MAX_TARGETS, &f->n_targets, &err) != RC_OK)
        snprintf(f->targets_err, sizeof f->targets_err, "%s", err.msg);
#ifdef RC_HAVE_CUDA
    f->cuda_compiled = 1;
    rc_cuda_versions(&f->runtime, &f->driver);
    rc_err_clear(&err);
    if (rc_cuda_list_devices(f->devices, MAX_DEVICES, &f->n_devices, &err) != RC_OK)
        snprintf(f->devices_err, sizeof f->devices_err, "%s", err.msg);
    if (f->n_devices > MAX_DEVICES) f->n_devices = MAX_DEVICES;
#else
    snprintf(f->devices_err, sizeof f->devices_err, "CUDA backend not compiled in");
#endif
    rc_err_clear(&err);
    if (rc_backend_open("auto", 0, &b, f->auto_reason, sizeof f->auto_reason, &err) == RC_OK) {
        f->auto_name = rc_backend_name(b); /* a string literal: outlives the backend */
        rc_backend_close(b);
    } else {
        f->auto_name = "none";
        snprintf(f->auto_reason, sizeof f->auto_reason, "%s", err.msg);
    }
}

static void print_text(const info_facts *f)
{
    printf("robocache-convert %s\n", PACKAGE_VERSION);
    printf("backends: cpu%s\n", f->cuda_compiled ? ", cuda" : "");
    printf("cuda: %s\n", f->cuda_compiled ? "compiled in" : "not compiled");
    printf("cuda architectures: ");
    if (f->targets_err[0]) printf("unknown: %s", f->targets_err);
    else if (f->n_targets == 0) printf("none");
    for (int i = 0; i < f->n_targets; i++) {
        char name[64];
        rc_fatbin_target_name(&f->targets[i], name, sizeof name);
        printf("%s%s", i ? ", " : "", name);
    }
    printf("\n");
    if (f->cuda_compiled) {
        printf("cuda runtime: %d.%d\n", f->runtime / 1000, f->runtime % 1000 / 10);
        if (f->driver) printf("cuda driver: %d.%d\n", f->driver / 1000, f->driver % 1000 / 10);
        else printf("cuda driver: none\n");
        if (f->devices_err[0]) printf("cuda devices: none: %s\n", f->devices_err);
        else printf("cuda devices: %d\n", f->n_devices);
#ifdef RC_HAVE_CUDA
        for (int i = 0; i < f->n_devices; i++)
            printf("  device %d: %s, sm_%d%d, %.1f GiB, %d multiprocessors\n", i, f->devices[i].name,
                   f->devices[i].sm_major, f->devices[i].sm_minor,
                   (double)f->devices[i].mem_bytes / (1024.0 * 1024.0 * 1024.0),
                   f->devices[i].multiprocessors);
#endif
    }
    printf("backend auto: %s (%s)\n", f->auto_name, f->auto_reason);
    printf("memory budget: %llu bytes (%s)\n", (unsigned long long)rc_budget_bytes(), rc_budget_source());
}

/* s as a JSON string (quotes, backslashes and control characters escaped). */
static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static void json_version(int v)
{
    if (v) printf("\"%d.%d\"", v / 1000, v % 1000 / 10);
    else printf("null");
}

static void print_json(const info_facts *f)
{
    printf("{\"version\": ");
    json_str(PACKAGE_VERSION);
    printf(", \"backends\": [\"cpu\"%s], \"cuda_compiled\": %s", f->cuda_compiled ? ", \"cuda\"" : "",
           f->cuda_compiled ? "true" : "false");
    printf(", \"cuda_architectures\": ");
    if (f->targets_err[0]) {
        printf("null, \"cuda_architectures_error\": ");
        json_str(f->targets_err);
    } else {
        printf("[");
        for (int i = 0; i < f->n_targets; i++) {
            char name[64];
            rc_fatbin_target_name(&f->targets[i], name, sizeof name);
            printf("%s", i ? ", " : "");
            json_str(name);
        }
        printf("]");
    }
    printf(", \"cuda_runtime\": ");
    json_version(f->runtime);
    printf(", \"cuda_driver\": ");
    json_version(f->driver);
    printf(", \"devices\": [");
#ifdef RC_HAVE_CUDA
    for (int i = 0; i < f->n_devices; i++) {
        printf("%s{\"index\": %d, \"name\": ", i ? ", " : "", i);
        json_str(f->devices[i].name);
        printf(", \"sm\": \"sm_%d%d\", \"memory_bytes\": %llu, \"multiprocessors\": %d}",
               f->devices[i].sm_major, f->devices[i].sm_minor,
               (unsigned long long)f->devices[i].mem_bytes, f->devices[i].multiprocessors);
    }
#endif
    printf("], \"devices_error\": ");
    if (f->devices_err[0]) json_str(f->devices_err);
    else printf("null");
    printf(", \"backend_auto\": ");
    json_str(f->auto_name);
    printf(", \"backend_auto_reason\": ");
    json_str(f->auto_reason);
    printf(", \"memory_budget\": %llu, \"memory_budget_source\": ", (unsigned long long)rc_budget_bytes());
    json_str(rc_budget_source());
    printf("}\n");
}

int cmd_info(int argc, char **argv)
{
    info_facts f;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: robocache-convert info [--json]\n"
                   "  prints the version, the backends compiled in, the CUDA targets embedded in\n"
                   "  this binary, the CUDA runtime, driver and devices, what --backend auto picks,\n"
                   "  and the memory budget with where it comes from\n");
            return 0;
        }
        if (!strcmp(argv[i], "--json")) {
            json = 1;
            continue;
        }
        return cli_usage_error("info", "unexpected argument '%s'", argv[i]);
    }
    gather(&f);
    if (json) print_json(&f);
    else print_text(&f);
    return fflush(stdout) == 0 ? 0 : 3;
}
