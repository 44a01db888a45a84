/* cmd_run.c — `robocache-convert run SPEC [options]`: parses the options, installs the
 * SIGINT/SIGTERM/SIGHUP/SIGPIPE handler that stops the run cleanly between episodes (a second
 * signal ends it at once), runs the pipeline, and writes the report, the trace and the
 * end-of-run summary. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/rc_cli_int.h"
#include "common/rc_common.h"
#include "pipeline/rc_pipeline.h"
#include "stats/rc_stats.h"
#include "task/rc_task.h"

static volatile sig_atomic_t g_stop = 0; /* the first stopping signal's number */
static atomic_flag g_stop_taken = ATOMIC_FLAG_INIT; /* set by the first stopping signal */

/* The first signal asks the run to stop between episodes (docs/RELIABILITY.md); a second one
 * ends the process at once with 128 + its number: committed shards are whole files under their
 * final names, so they stay for --resume.  A SIGPIPE the process raised itself (a write to
 * stderr or stdout whose reader has gone) is not a request to stop: the write just fails. */
static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (sig == SIGPIPE && si && si->si_code == SI_USER && si->si_pid == getpid()) return;
    /* Two signals can be handled at once on two threads (the second goes to another thread
     * while the first is still pending on its own): one test-and-set decides which is first. */
    if (atomic_flag_test_and_set(&g_stop_taken)) _exit(128 + sig);
    g_stop = sig;
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    case SIGPIPE: return "SIGPIPE";
    default: return "a signal";
    }
}

/* The end-of-run summary on stderr: totals per stage and per pipeline thread group. */
static void print_summary(const rc_report *r, FILE *f)
{
    fprintf(f, "robocache-convert: %lld episodes in %lld shards, %lld skipped, %.2f s wall, backend %s\n",
            (long long)r->episodes_written, (long long)r->shards_written, (long long)r->n_skipped,
            r->wall_s, r->backend);
    fprintf(f, "  %-9s %9s %9s %12s %12s %10s\n", "stage", "busy s", "wall s", "MB in", "MB out", "items");
    for (int s = 0; s < RC_N_TIMED; s++) {
        const rc_stage_totals *t = &r->stage[s];
        fprintf(f, "  %-9s %9.3f %9.3f %12.2f %12.2f %10lld\n", rc_timed_stage_name((rc_timed_stage)s), t->busy_s,
                t->n_intervals ? t->last_s - t->first_s : 0.0, (double)t->bytes_in / 1e6,
                (double)t->bytes_out / 1e6, (long long)t->items);
    }
    fprintf(f, "  %-9s %7s %9s %9s %9s   (streaming wall %.3f s, %d buffers)\n", "thread", "count", "busy s",
            "idle s", "load s", r->stream_wall_s, r->buffers);
    for (int p = 0; p < RC_N_PIPE; p++) {
        rc_pipe_totals t = rc_report_pipe(r, (rc_pipe_stage)p);
        fprintf(f, "  %-9s %7d %9.3f %9.3f %9.3f\n", rc_pipe_stage_name((rc_pipe_stage)p), t.threads, t.busy_s, t.idle_s, t.load_s);
    }
    rc_pipe_totals slow = rc_report_pipe(r, rc_report_slowest(r));
    fprintf(f, "  overlap efficiency %.2f (sum of stage loads / (stages x wall)); slowest stage %s, "
               "wall / slowest = %.2f\n",
            rc_report_overlap_efficiency(r), rc_pipe_stage_name(rc_report_slowest(r)),
            slow.load_s > 0 ? r->stream_wall_s / slow.load_s : 0.0);
    if (r->readers > 0) {
        uint64_t decoded = rc_report_decoded_bytes(r), direct = r->n_paths ? r->path_bytes[0] : 0;
        fprintf(f, "  read: %d reader processes, %.3f GB decoded directly, %.3f GB by H5Dread; raw input %.2f GB/s\n",
                r->readers, (double)direct / 1e9, (double)(decoded - direct) / 1e9,
                r->stream_wall_s > 0 ? (double)decoded / r->stream_wall_s / 1e9 : 0.0);
    }
    if (r->vox_points_in)
        fprintf(f, "  voxelize: %lld points, %lld out of range, %lld past max_points, %lld past max_voxels\n",
                (long long)r->vox_points_in, (long long)r->vox_dropped_range,
                (long long)r->vox_dropped_points, (long long)r->vox_dropped_voxels);
    for (int64_t i = 0; i < r->n_skipped; i++)
        fprintf(f, "  skipped %s episode %s: %s\n", r->skipped[i].file, r->skipped[i].episode,
                r->skipped[i].reason);
}

/* Progress on stderr: one line rewritten in place on a terminal, plain lines otherwise. */
static int g_progress_tty;

static void on_progress(const char *line, int final, void *ctx)
{
    (void)ctx;
    cli_progress_print(line, final, g_progress_tty);
}

static const char *env_of(const char *name)
{
    return getenv(name);
}

/* The most --threads: far above any core count, and below where OpenMP's own thread setup
 * fails (tens of thousands of threads abort or crash inside the runtime). */
#define RC_MAX_THREADS 1024

static void print_usage(FILE *f)
{
    fprintf(f,
            "usage: robocache-convert run SPEC [options]   (or: robocache-convert SPEC.yaml [options])\n"
            "  --input DIR           read input shards from DIR instead of the spec's input.dir\n"
            "  --output DIR          write to DIR instead of the spec's output.dir\n"
            "  --backend B           auto (default: CUDA when usable, else CPU, and says which), cpu, cuda\n"
            "                        (cuda fails with exit 4 when CUDA cannot run)\n"
            "  --threads N           CPU backend OpenMP threads and zstd workers, 1..%d (default: all cores,\n"
            "                        at most 64 workers); results do not depend on N\n"
            "  --force               replace an earlier conversion in the output folder\n"
            "  --report FILE         write the per-stage timing report as JSON ('-' = stdout)\n"
            "  --trace FILE          write a Chrome trace-event JSON of the stage intervals (Perfetto)\n"
            "  --progress WHEN       auto (default: when stderr is a terminal), always, never\n"
            "  --buffers N           episodes in flight through the streaming stages (>= 2, default %d)\n"
            "  --readers N           reader processes, 0..%d (default: %d, or one per core when fewer);\n"
            "                        each opens inputs with its own HDF5, so a library crash on a damaged\n"
            "                        file fails only that episode (exit 2); results do not depend on N.\n"
            "                        0: no reader process, every input is opened in the run's own process,\n"
            "                        for tools that do not follow child processes (compute-sanitizer); a\n"
            "                        crash of the HDF5 library on a damaged input then ends the run itself\n"
            "  --shard I/N           convert task I's part of the episodes (0 <= I < N); default: from\n"
            "                        SLURM_ARRAY_TASK_ID/_COUNT, else SLURM_PROCID/SLURM_NTASKS of an srun step (docs/SLURM.md)\n"
            "  --resume              keep this task's complete, verified shards and convert the rest\n"
            "  --memory SIZE         the memory budget (e.g. 8GiB): no buffer sized by the input may pass it;\n"
            "                        default limits.memory, else half of the smallest of RAM, RLIMIT_AS and\n"
            "                        the cgroup's memory.max (see `info`)\n"
            "folders: the output folder is locked for the run (a second run into it fails with exit 3); it\n"
            "  may not be the input folder (inside it, its files are not input); --report and --trace need an\n"
            "  existing writable folder outside the output folder (checked before converting, else exit 1)\n"
            "signals: SIGINT, SIGTERM, SIGHUP or SIGPIPE stop the run between episodes; complete shards stay\n"
            "  with a manifest marked incomplete (\"complete\": false) for --resume; a second signal stops at once\n"
            CLI_HELP_LOG_OPTIONS
            "exit codes: 0 done; 1 bad usage or spec; 2 bad input data (on_error: fail); 3 I/O or system\n"
            "            error, or the output folder in use; 4 requested backend unavailable;\n"
            "            128 + signal number when stopped by a signal (130 SIGINT, 143 SIGTERM, 129 SIGHUP,\n"
            "            141 SIGPIPE)\n",
            RC_MAX_THREADS, RC_DEFAULT_BUFFERS, RC_MAX_READERS, RC_DEFAULT_READERS);
}

/* Parses a positive int option value; returns -1 when it is not one. */
static int parse_count(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return (*s && !*end && v > 0 && v <= 1 << 20) ? (int)v : -1;
}

int cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"input", required_argument, 0, 'i'},   {"output", required_argument, 0, 'o'},
        {"backend", required_argument, 0, 'b'}, {"threads", required_argument, 0, 't'},
        {"buffers", required_argument, 0, 'B'}, {"shard", required_argument, 0, 'S'},
        {"resume", no_argument, 0, 'R'},        {"force", no_argument, 0, 'f'},
        {"report", required_argument, 0, 'r'},  {"trace", required_argument, 0, 'T'},
        {"progress", required_argument, 0, 'p'}, {"help", no_argument, 0, 'h'},
        {"memory", required_argument, 0, 'M'},  {"readers", required_argument, 0, 'N'},
        {0, 0, 0, 0}};
    rc_run_opts o = {0};
    o.backend = "auto";
    o.readers = -1;
    o.stop = &g_stop;
    const char *report_path = NULL, *trace_path = NULL, *progress = "auto", *shard_arg = NULL;
    int c;
    cli_options_begin();
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'i': o.input_dir = optarg; break;
        case 'o': o.output_dir = optarg; break;
        case 'b':
            if (strcmp(optarg, "auto") && strcmp(optarg, "cpu") && strcmp(optarg, "cuda"))
                return cli_usage_error("run", "--backend must be auto, cpu or cuda, not '%s'", optarg);
            o.backend = optarg;
            break;
        case 't':
            if ((o.threads = parse_count(optarg)) < 0 || o.threads > RC_MAX_THREADS)
                return cli_usage_error("run", "--threads needs an integer from 1 to %d, not '%s'", RC_MAX_THREADS,
                                       optarg);
            break;
        case 'B':
            if ((o.buffers = parse_count(optarg)) < 2)
                return cli_usage_error("run", "--buffers needs an integer >= 2, not '%s'", optarg);
            break;
        case 'N':
            o.readers = !strcmp(optarg, "0") ? 0 : parse_count(optarg);
            if (o.readers < 0 || o.readers > RC_MAX_READERS)
                return cli_usage_error("run", "--readers needs an integer from 0 to %d, not '%s'", RC_MAX_READERS,
                                       optarg);
            break;
        case 'S': shard_arg = optarg; break;
        case 'R': o.resume = 1; break;
        case 'f': o.force = 1; break;
        case 'r': report_path = optarg; break;
        case 'T': trace_path = optarg; break;
        case 'p':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
                return cli_usage_error("run", "--progress must be auto, always or never, not '%s'", optarg);
            progress = optarg;
            break;
        case 'M':
            if (cli_memory_option("run", optarg)) return 1;
            break;
        case 'h': print_usage(stdout); return 0;
        default:
            return cli_usage_error("run", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("run", argc - optind < 1 ? "missing SPEC" : "expected one SPEC, found %d arguments",
                               argc - optind);
    o.spec_path = argv[optind];
    o.schema_dir = cli_schema_dir();
    rc_err terr;
    rc_err_clear(&terr);
    if (rc_task_id_select(shard_arg, env_of, &o.task, &terr) != RC_OK) return cli_usage_error("run", "%s", terr.msg);
    g_progress_tty = isatty(STDERR_FILENO);
    int quiet = rc_log_level() < RC_LOG_INFO; /* -q: errors only */
    if (!strcmp(progress, "always") || (!strcmp(progress, "auto") && g_progress_tty && !quiet)) {
        o.on_progress = on_progress;
        o.progress_interval_s = g_progress_tty ? 0.25 : 5.0;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    o.report_path = report_path;
    o.trace_path = trace_path;

    rc_report rep;
    rc_report_init(&rep, trace_path != NULL);
    rc_run_timestamps timestamps = {0};
    if (report_path) o.timestamps = &timestamps;
    rc_err err;
    rc_err_clear(&err);
    rc_status st = rc_pipeline_run(&o, &rep, &err);
    if (st != RC_OK && o.on_progress && g_progress_tty) fputc('\n', stderr); /* end the progress line */
    int code = 0;
    if (st != RC_OK && rep.spec_errors > 0) {
        fprintf(stderr, "%s: %d error%s\n", o.spec_path, rep.spec_errors, rep.spec_errors == 1 ? "" : "s");
        code = 1;
    } else if (st == RC_E_INTERRUPTED && g_stop) {
        cli_fail(&err);
        code = 128 + g_stop;
        snprintf(rep.interrupted, sizeof rep.interrupted, "%s", signal_name(g_stop));
        fprintf(stderr,
                "robocache-convert: stopped by %s: %lld complete shard(s) kept (%lld episode(s) written by this run) and a "
                "manifest marked incomplete; the same command with --resume converts the rest\n",
                rep.interrupted, (long long)rep.shards_written, (long long)rep.episodes_written);
    } else if (st != RC_OK) {
        code = cli_fail(&err);
        if (st == RC_E_INPUT) fprintf(stderr, "robocache-convert: no output was kept (on_error: fail)\n");
    }
    /* The report and trace describe failed runs too: what ran, and for how long. */
    rc_err rerr;
    rc_err_clear(&rerr);
    if (rep.paths_refused) report_path = trace_path = NULL; /* they could replace output files */
    if (report_path && rc_report_write_json(&rep, &timestamps, report_path, &rerr) != RC_OK && !code)
        code = cli_fail(&rerr);
    if (trace_path && rc_report_write_trace(&rep, trace_path, &rerr) != RC_OK && !code) code = cli_fail(&rerr);
    if (st == RC_OK && !quiet) print_summary(&rep, stderr);
    rc_report_free(&rep);
    rc_run_timestamps_free(&timestamps);
    return code;
}
