/* cmd_info.c — the 'info' subcommand (SPEC section 2): version, backends compiled in, the CUDA
 * targets embedded in this very binary (read from /proc/self/exe's .nv_fatbin section, not
 * from what the build intended), the CUDA runtime and driver, the devices seen, and which
 * backend `auto` would pick and why (that runs the backend's probe kernel). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "backend/rc_backend.h"
#include "backend/rc_fatbin.h"
#include "cli/rc_cli.h"
#ifdef RC_HAVE_CUDA
#include "backend/rc_cuda.h"
#endif

static void print_targets(void)
{
    rc_fatbin_target t[32];
    int n = 0;
    rc_err err;
    rc_err_clear(&err);
    printf("cuda architectures: ");
    if (rc_fatbin_list_file("/proc/self/exe", t, 32, &n, &err) != RC_OK) {
        printf("unknown: %s\n", err.msg);
        return;
    }
    if (n == 0) printf("none");
    for (int i = 0; i < n; i++) {
        char name[64];
        rc_fatbin_target_name(&t[i], name, sizeof name);
        printf("%s%s", i ? ", " : "", name);
    }
    printf("\n");
}

#ifdef RC_HAVE_CUDA
static void print_cuda(void)
{
    rc_cuda_device d[16];
    int n = 0, rt = 0, drv = 0;
    rc_err err;
    rc_err_clear(&err);
    rc_cuda_versions(&rt, &drv);
    printf("cuda runtime: %d.%d\n", rt / 1000, rt % 1000 / 10);
    if (drv) printf("cuda driver: %d.%d\n", drv / 1000, drv % 1000 / 10);
    else printf("cuda driver: none\n");
    if (rc_cuda_list_devices(d, 16, &n, &err) != RC_OK) {
        printf("cuda devices: none: %s\n", err.msg);
        return;
    }
    printf("cuda devices: %d\n", n);
    for (int i = 0; i < n && i < 16; i++)
        printf("  device %d: %s, sm_%d%d, %.1f GiB, %d multiprocessors\n", i, d[i].name,
               d[i].sm_major, d[i].sm_minor, (double)d[i].mem_bytes / (1024.0 * 1024.0 * 1024.0),
               d[i].multiprocessors);
}
#endif

int cmd_info(int argc, char **argv)
{
    rc_backend *b = NULL;
    char reason[1200] = "";
    rc_err err;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: robocache-convert info\n"
                   "  prints the version, the backends compiled in, the CUDA targets embedded in\n"
                   "  this binary, the CUDA runtime, driver and devices, and what --backend auto picks\n");
            return 0;
        }
        return cli_usage_error("info", "unexpected argument '%s'", argv[i]);
    }
    printf("robocache-convert %s\n", PACKAGE_VERSION);
#ifdef RC_HAVE_CUDA
    printf("backends: cpu, cuda\n");
    printf("cuda: compiled in\n");
#else
    printf("backends: cpu\n");
    printf("cuda: not compiled\n");
#endif
    print_targets();
#ifdef RC_HAVE_CUDA
    print_cuda();
#endif
    rc_err_clear(&err);
    if (rc_backend_open("auto", 0, &b, reason, sizeof reason, &err) != RC_OK) return cli_fail(&err);
    printf("backend auto: %s (%s)\n", rc_backend_name(b), reason);
    rc_backend_close(b);
    return 0;
}
