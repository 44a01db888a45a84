/* cmd_synth.c — the 'synth' subcommand: parses and checks the options, lets the preset fill
 * what was not given, says what it will write when the preset decides, writes the shards
 * (src/synth) with a progress line, and prints a one-line summary. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/rc_cli_int.h"
#include "common/rc_common.h"
#include "synth/rc_synth.h"

static void print_help(void)
{
    printf("usage: robocache-convert synth DIR [--episodes N] [--seconds S] [--seed K] [--preset NAME]\n"
           "write synthetic raw robot logs (layout robocache-raw) as DIR/raw-00000.h5, ...\n"
           "(presets aloha, aloha-jpeg: layout aloha, DIR/episode_0.hdf5, ...)\n\n"
           "  --episodes N    episodes to write (1..%d; default: the preset's)\n"
           "  --seconds S     length of each episode in seconds (0 < S <= %g; default: the preset's)\n"
           "  --seed K        generator seed (default 0); same options, same bytes\n"
           "  --preset NAME   tiny (2 x 3 s, 2k-4k LiDAR points per sweep, 2 episodes per file),\n"
           "                  demo (6 x 8 s, 30k-120k points, 4 per file; the default),\n"
           "                  bench (16 x 60 s, 30k-120k points, 4 per file: about 12 GB),\n"
           "                  camera (2 x 2 s as tiny, plus 480x640 RGB streams cam_30hz, cam_50hz),\n"
           "                  aloha (2 x 2 s, 4 cameras 480x640 at 50 Hz, one episode per file),\n"
           "                  aloha-jpeg (aloha with JPEG frames: padded rows + compress_len)\n"
           "  --progress WHEN auto (default: when stderr is a terminal), always, never\n"
           CLI_HELP_LOG_OPTIONS,
           RC_SYNTH_MAX_EPISODES, RC_SYNTH_MAX_SECONDS);
}

/* The progress line's state: when writing began and when the last line was printed. */
typedef struct synth_progress {
    int tty;
    double interval_s, t0, last_s;
} synth_progress;

/* "episodes 3/16 (18%), 0.4 episodes/s, ETA 32 s", at most every interval_s and at the end. */
static void on_episode(int64_t written, int64_t total, void *ctx)
{
    synth_progress *p = ctx;
    double now = rc_now_s(), el = now - p->t0, rate = el > 0 ? (double)written / el : 0.0;
    int final = written >= total;
    if (!final && now - p->last_s < p->interval_s) return;
    p->last_s = now;
    char line[160];
    int len = snprintf(line, sizeof line, "episodes %" PRId64 "/%" PRId64 " (%d%%), %.2f episodes/s", written,
                       total, (int)(100 * written / total), rate);
    if (len > 0 && (size_t)len < sizeof line) {
        if (final) snprintf(line + len, sizeof line - (size_t)len, ", %.1f s", el);
        else if (rate > 0) snprintf(line + len, sizeof line - (size_t)len, ", ETA %.0f s", (double)(total - written) / rate);
    }
    cli_progress_print(line, final, p->tty);
}

/* Whole-string integer/number parses: no trailing junk, no overflow. */
static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end) return 0;
    *out = v;
    return 1;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-') return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end) return 0;
    *out = v;
    return 1;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end) return 0;
    *out = v;
    return 1;
}

int cmd_synth(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"episodes", required_argument, NULL, 'e'}, {"seconds", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'k'},     {"preset", required_argument, NULL, 'p'},
        {"progress", required_argument, NULL, 'P'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *progress = "auto";
    rc_synth_opts o;
    rc_err err;
    memset(&o, 0, sizeof o);
    rc_err_clear(&err);
    int c;
    cli_options_begin();
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'e':
            if (!parse_i64(optarg, &o.episodes) || o.episodes < 1 || o.episodes > RC_SYNTH_MAX_EPISODES)
                return cli_usage_error("synth", "--episodes: expected an integer in 1..%d, found '%s'",
                                       RC_SYNTH_MAX_EPISODES, optarg);
            break;
        case 's':
            if (!parse_double(optarg, &o.seconds) || !isfinite(o.seconds) || o.seconds <= 0.0 ||
                o.seconds > RC_SYNTH_MAX_SECONDS)
                return cli_usage_error("synth", "--seconds: expected a number in (0, %g], found '%s'",
                                       RC_SYNTH_MAX_SECONDS, optarg);
            break;
        case 'k':
            if (!parse_u64(optarg, &o.seed))
                return cli_usage_error("synth", "--seed: expected a non-negative integer, found '%s'", optarg);
            break;
        case 'p':
            if (strlen(optarg) >= sizeof o.preset)
                return cli_usage_error("synth", "--preset: unknown preset '%s' (known: tiny, demo, bench, camera, aloha, aloha-jpeg)", optarg);
            snprintf(o.preset, sizeof o.preset, "%s", optarg);
            break;
        case 'P':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
                return cli_usage_error("synth", "--progress must be auto, always or never, not '%s'", optarg);
            progress = optarg;
            break;
        case 'h':
            print_help();
            return 0;
        default:
            return cli_usage_error("synth", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return cli_usage_error("synth", "missing the output folder DIR");
    if (optind + 1 < argc) return cli_usage_error("synth", "unexpected argument '%s'", argv[optind + 1]);
    const char *dir = argv[optind];
    int sized = o.episodes > 0 || o.seconds > 0.0;
    if (rc_synth_preset(&o, &err) != RC_OK) return cli_usage_error("synth", "%s", err.msg);
    int quiet = rc_log_level() < RC_LOG_INFO; /* -q: errors only */
    synth_progress prog = {isatty(STDERR_FILENO), 0, rc_now_s(), 0};
    prog.interval_s = prog.tty ? 0.25 : 5.0;
    prog.last_s = prog.t0;
    if (!strcmp(progress, "always") || (!strcmp(progress, "auto") && prog.tty && !quiet)) {
        o.on_episode = on_episode;
        o.ctx = &prog;
    }
    if (!sized && !quiet) /* the preset decides the size: say what that means before writing it */
        fprintf(stderr,
                "robocache-convert synth: writing %" PRId64 " episodes of %g s (preset %s, seed %" PRIu64
                ") into %s, %" PRId64 " per file; --episodes and --seconds change that\n",
                o.episodes, o.seconds, o.preset, o.seed, dir, o.episodes_per_shard);
    if (rc_synth_write(dir, &o, &err) != RC_OK) return cli_fail(&err);

    int64_t files = (o.episodes + o.episodes_per_shard - 1) / o.episodes_per_shard;
    uint64_t bytes = 0;
    for (int64_t i = 0; i < files; i++) {
        char path[4096];
        struct stat sb;
        rc_synth_file_path(dir, &o, i, path, sizeof path);
        if (stat(path, &sb) == 0) bytes += (uint64_t)sb.st_size;
    }
    printf("synth: wrote %" PRId64 " files, %" PRId64 " episodes of %g s (preset %s, seed %" PRIu64
           "), %" PRIu64 " bytes in %s\n",
           files, o.episodes, o.seconds, o.preset, o.seed, bytes, dir);
    return 0;
}
