/* rc_bench.c — rc-bench: times the CUDA backend's launchers (kernels/fuse.cu, kernels/voxelize.cu,
 * kernels/image.cu through src/backend/rc_cuda_int.h) and the device's copy bandwidth; one JSON line per case on
 * stdout, progress on stderr.  bench/run-gpu.sh runs it on the GPU machine.
 * usage: rc-bench [--quick] [--runs N] [--warmup N] [--dump DIR] [--only SUBSTRING] [--frame FILE]...
 *                 GROUP...
 *        GROUP: mem resample fuse voxelize image frame all (frame: the --frame sweeps, bench_frame.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/rc_cuda_int.h"
#include "bench.h"

struct rc_cuda *g_bench_cuda;
int g_bench_cupti_ok;

static int usage(void)
{
    fprintf(stderr, "usage: rc-bench [--quick] [--runs N] [--warmup N] [--dump DIR] [--only SUBSTRING] "
                    "[--frame KITTI_BIN]... mem|resample|fuse|voxelize|image|frame|all...\n");
    return 1;
}

int main(int argc, char **argv)
{
    bench_opts o = {0, 50, 3, NULL, NULL, {NULL}, 0};
    int i, rc = 0, runs_set = 0;
    char why[256];
    rc_err err;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--quick")) o.quick = 1;
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc) o.runs = atoi(argv[++i]), runs_set = 1;
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) o.warmup = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) o.dump = argv[++i];
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) o.only = argv[++i];
        else if (!strcmp(argv[i], "--frame") && i + 1 < argc &&
                 o.n_frames < (int)(sizeof o.frames / sizeof o.frames[0]))
            o.frames[o.n_frames++] = argv[++i];
        else return usage();
    }
    if (i == argc || o.runs < 1 || o.warmup < 0) return usage();
    if (o.quick && !runs_set) o.runs = 5;
    /* CUPTI first, so that the backend's context is traced from its creation. */
    g_bench_cupti_ok = bench_cupti_start(why, sizeof why) == 0;
    if (!g_bench_cupti_ok) fprintf(stderr, "rc-bench: %s; only call times are recorded\n", why);
    rc_err_clear(&err);
    if (rc_cuda_open(0, &g_bench_cuda, &err) != RC_OK) {
        char msg[2048];
        rc_err_format(&err, msg, sizeof msg);
        fprintf(stderr, "rc-bench: cannot open the CUDA backend: %s\n", msg);
        return 4;
    }
    fprintf(stderr, "rc-bench: device %s, %d timed runs after %d warm-up\n",
            rc_cuda_describe(g_bench_cuda), o.runs, o.warmup);
    for (; i < argc; i++) {
        int all = !strcmp(argv[i], "all"), known = all;
        if (all || !strcmp(argv[i], "mem")) rc |= bench_mem(&o), known = 1;
        if (all || !strcmp(argv[i], "resample")) rc |= bench_resample(&o), known = 1;
        if (all || !strcmp(argv[i], "fuse")) rc |= bench_fuse(&o), known = 1;
        if (all || !strcmp(argv[i], "voxelize")) rc |= bench_voxelize(&o), known = 1;
        if (all || !strcmp(argv[i], "image")) rc |= bench_image(&o), known = 1;
        if (all || !strcmp(argv[i], "frame")) rc |= bench_frame(&o), known = 1;
        if (!known) {
            rc_cuda_close(g_bench_cuda);
            return usage();
        }
    }
    rc_cuda_close(g_bench_cuda);
    return rc ? 1 : 0;
}
