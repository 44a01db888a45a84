/* cmd_scan.c — `robocache-convert scan SPEC|DIR [--json FILE]`: the timestamp health of the
 * input without converting it (src/scan).  Prints a worst-first table, every problem with its
 * file, episode and HDF5 path, and the verdict; --json writes the figures for machines.  Exit 0
 * when `run` would succeed, 2 when it would fail (1 for bad usage or a bad spec, 3 when the
 * scan itself fails). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/rc_cli_int.h"

#define DEFAULT_PATTERNS "*.h5|*.hdf5|*.hdf" /* no input.pattern: the HDF5 extensions */
#include "common/rc_common.h"
#include "scan/rc_scan.h"

#define TABLE_ROWS 20     /* episodes listed on the terminal; the JSON has all of them */
#define PROBLEM_LINES 100 /* problems listed on the terminal */
#define COLUMN_NAMES_LISTED 16 /* column names listed per stream on the terminal; the JSON has all */
#define CAMERA_LINES 20   /* camera streams listed on the terminal */

static void usage(FILE *f)
{
    fprintf(f, "usage: robocache-convert scan SPEC|DIR [--json FILE] [--memory SIZE]\n"
               "  Reads the input as `run` would (SPEC: its input, layout, streams and timeline; DIR: the\n"
               "  robocache-raw files under DIR, every stream, span intersection) and reports, per episode\n"
               "  and stream, sample counts, median rate, step p50/p99, the largest gaps, duplicate and\n"
               "  decreasing timestamps, start/stop offsets, the timeline span, and for point clouds the\n"
               "  points per frame and the share each voxelize range drops.  Nothing is written.\n"
               "  --json FILE   the figures as JSON ('-': stdout; the table then goes to stderr)\n"
               "  --memory SIZE the memory budget, as for run (default: the spec's limits.memory, else\n"
               "                half of the smallest of RAM, RLIMIT_AS and the cgroup's memory.max)\n"
               CLI_HELP_LOG_OPTIONS
               "  Exit 0 when `run` would succeed, 2 when it would fail (the reason is named), 3 when the\n"
               "  input folder cannot be opened (as for `run`).\n");
}

/* "12.5 ms" style for a duration in ns. */
static void fmt_ns(char *buf, size_t n, int64_t ns)
{
    double a = (double)(ns < 0 ? -ns : ns);
    if (a >= 1e9) snprintf(buf, n, "%.3f s", (double)ns / 1e9);
    else if (a >= 1e6) snprintf(buf, n, "%.2f ms", (double)ns / 1e6);
    else if (a >= 1e3) snprintf(buf, n, "%.2f us", (double)ns / 1e3);
    else snprintf(buf, n, "%lld ns", (long long)ns);
}

static const rc_scan_stream *stream_named(const rc_scan_episode *e, const char *name)
{
    for (int32_t k = 0; k < e->n_streams; k++)
        if (!strcmp(e->streams[k].name, name)) return &e->streams[k];
    return NULL;
}

static void print_table(FILE *f, const rc_scan_result *r, const int64_t *rank)
{
    fprintf(f, "%-24s %-28s %10s %8s  %-40s %s\n", "episode", "file", "span s", "steps",
            "largest gap (stream: gap, x median step)",
            "problems");
    int64_t rows = r->n_eps < TABLE_ROWS ? r->n_eps : TABLE_ROWS;
    for (int64_t i = 0; i < rows; i++) {
        const rc_scan_episode *e = &r->eps[rank[i]];
        const char *base = strrchr(e->file, '/');
        char span[32] = "-", steps[32] = "-", gap[160] = "-", g[32];
        if (e->span_ok) snprintf(span, sizeof span, "%.3f", ((double)e->span_end_ns - (double)e->span_start_ns) / 1e9);
        if (e->steps >= 0) snprintf(steps, sizeof steps, "%lld", (long long)e->steps);
        const rc_scan_stream *w = e->worst_stream[0] ? stream_named(e, e->worst_stream) : NULL;
        if (w && w->n_gaps) {
            fmt_ns(g, sizeof g, w->gaps[0].gap_ns);
            snprintf(gap, sizeof gap, "%s: %s, %.1fx at index %lld", w->name, g, e->worst_gap_ratio,
                     (long long)w->gaps[0].index);
        }
        fprintf(f, "%-24s %-28s %10s %8s  %-40s %d\n", e->id, base ? base + 1 : e->file, span, steps, gap,
                e->n_problems);
    }
    if (r->n_eps > rows)
        fprintf(f, "... %lld more episode(s), in the JSON (--json)\n", (long long)(r->n_eps - rows));
}

/* The stream names of every scanned episode, each once, in the order first met; returns how many. */
static int scanned_streams(const rc_scan_result *r, char names[RC_LAYOUT_MAX_STREAMS][64])
{
    int n = 0;
    for (int64_t i = 0; i < r->n_eps; i++)
        for (int32_t k = 0; k < r->eps[i].n_streams; k++) {
            int seen = 0;
            for (int m = 0; m < n; m++) seen |= !strcmp(names[m], r->eps[i].streams[k].name);
            if (!seen && n < RC_LAYOUT_MAX_STREAMS)
                snprintf(names[n++], sizeof names[0], "%s", r->eps[i].streams[k].name);
        }
    return n;
}

/* One line per stream name over every scanned episode: the spread of median rates, the worst
 * p99 step, the largest gap (and its episode), order findings and the largest offsets.  The
 * median rates are those of the episodes: "lo-hi" when they differ. */
static void print_streams(FILE *f, const rc_scan_result *r)
{
    char names[RC_LAYOUT_MAX_STREAMS][64];
    int n = scanned_streams(r, names);
    if (!n) return;
    fprintf(f, "%-18s %6s %19s %12s %-34s %5s %5s %11s %11s\n", "stream", "eps", "median rate Hz", "max p99 step",
            "largest gap (episode)", "dups", "decr", "max start", "max stop");
    for (int m = 0; m < n; m++) {
        double lo = 0, hi = 0;
        int64_t eps = 0, p99 = 0, dups = 0, decr = 0, start = 0, stop = 0;
        const rc_scan_stream *worst = NULL;
        const char *worst_ep = "";
        for (int64_t i = 0; i < r->n_eps; i++) {
            const rc_scan_stream *s = stream_named(&r->eps[i], names[m]);
            if (!s) continue;
            if (!eps || s->median_rate_hz < lo) lo = s->median_rate_hz;
            if (!eps || s->median_rate_hz > hi) hi = s->median_rate_hz;
            eps++;
            if (s->step_p99_ns > p99) p99 = s->step_p99_ns;
            dups += s->duplicates;
            decr += s->decreases;
            if (s->start_offset_ns > start) start = s->start_offset_ns;
            if (s->stop_offset_ns > stop) stop = s->stop_offset_ns;
            if (s->n_gaps && (!worst || s->gaps[0].gap_ns > worst->gaps[0].gap_ns)) {
                worst = s;
                worst_ep = r->eps[i].id;
            }
        }
        char rate[40], b[24], g[24], gap[80] = "-", st[24], sp[24];
        snprintf(rate, sizeof rate, lo == hi ? "%.2f" : "%.2f-%.2f", lo, hi);
        fmt_ns(b, sizeof b, p99);
        fmt_ns(st, sizeof st, start);
        fmt_ns(sp, sizeof sp, stop);
        if (worst) {
            fmt_ns(g, sizeof g, worst->gaps[0].gap_ns);
            snprintf(gap, sizeof gap, "%s (%s)", g, worst_ep);
        }
        fprintf(f, "%-18s %6lld %19s %12s %-34s %5lld %5lld %11s %11s\n", names[m], (long long)eps, rate, b, gap,
                (long long)dups, (long long)decr, st, sp);
    }
}

/* One line per series or cloud stream: its columns by the names its outputs give them (the
 * input's `names` attribute, else "<stream>[<i>]"), as the first episode holding it has them;
 * at most COLUMN_NAMES_LISTED names, then a count. */
static void print_columns(FILE *f, const rc_scan_result *r)
{
    char names[RC_LAYOUT_MAX_STREAMS][64];
    int n = scanned_streams(r, names), header = 0;
    for (int m = 0; m < n; m++) {
        const rc_scan_stream *s = NULL;
        for (int64_t i = 0; i < r->n_eps && !s; i++) s = stream_named(&r->eps[i], names[m]);
        if (!s || s->columns < 1) continue;
        if (!header++) fprintf(f, "columns (named as in the outputs)\n");
        fprintf(f, "  %s: %d column%s: ", s->name, (int)s->columns, s->columns == 1 ? "" : "s");
        if (!s->col_names) {
            if (s->columns == 1) fprintf(f, "%s[0] (no names attribute)\n", s->name);
            else fprintf(f, "%s[0] .. %s[%d] (no names attribute)\n", s->name, s->name, (int)s->columns - 1);
            continue;
        }
        for (int32_t c = 0; c < s->columns && c < COLUMN_NAMES_LISTED; c++)
            fprintf(f, "%s%s", c ? ", " : "", s->col_names[c]);
        if (s->columns > COLUMN_NAMES_LISTED) fprintf(f, ", ... (%d more)", (int)s->columns - COLUMN_NAMES_LISTED);
        fputc('\n', f);
    }
}

/* One line per camera stream of an episode: frozen and dropped frames, then per image stage the
 * dt_ns the timeline would give (the first CAMERA_LINES lines; all of it is in the JSON). */
static void print_cameras(FILE *f, const rc_scan_result *r)
{
    int64_t shown = 0;
    for (int64_t i = 0; i < r->n_eps; i++)
        for (int k = 0; k < r->eps[i].n_streams; k++) {
            const rc_scan_stream *s = &r->eps[i].streams[k];
            if (s->kind != RC_STREAM_IMAGE || s->samples < 1) continue;
            if (shown == 0) fprintf(f, "cameras:\n");
            if (shown++ == CAMERA_LINES) {
                fprintf(f, "  ... more, in the JSON (--json)\n");
                return;
            }
            fprintf(f, "  %s %s: %lld frames", r->eps[i].id, s->name, (long long)s->samples);
            if (s->frozen_runs)
                fprintf(f, ", %lld frozen (%lld run%s, longest %lld frames from index %lld)", (long long)s->frozen_frames,
                        (long long)s->frozen_runs, s->frozen_runs == 1 ? "" : "s", (long long)s->frozen_longest,
                        (long long)s->frozen_longest_at);
            else
                fprintf(f, ", none frozen");
            if (s->dropped_gaps)
                fprintf(f, ", %lld dropped in %lld gap%s over 1.5 steps (first at index %lld)", (long long)s->dropped_frames,
                        (long long)s->dropped_gaps, s->dropped_gaps == 1 ? "" : "s", (long long)s->first_drop_index);
            else
                fprintf(f, ", none dropped");
            for (int d = 0; d < s->n_dt; d++) {
                char p50[24], p99[24], mx[24];
                fmt_ns(p50, sizeof p50, s->dt[d].p50_ns);
                fmt_ns(p99, sizeof p99, s->dt[d].p99_ns);
                fmt_ns(mx, sizeof mx, s->dt[d].max_ns);
                fprintf(f, "; %s: dt p50 %s, p99 %s, max %s, %lld of %lld steps invalid", s->dt[d].stage, p50, p99, mx,
                        (long long)s->dt[d].invalid, (long long)s->dt[d].steps);
            }
            fprintf(f, "\n");
        }
}

static void print_problems(FILE *f, const rc_scan_result *r)
{
    int64_t shown = 0;
    char line[4096];
    if (!r->n_problems) return;
    fprintf(f, "problems (%lld):\n", (long long)r->n_problems);
    for (int64_t i = 0; i < r->n_eps; i++)
        for (int k = 0; k < r->eps[i].n_problems; k++, shown++) {
            if (shown == PROBLEM_LINES) {
                fprintf(f, "  ... %lld more, in the JSON (--json)\n", (long long)(r->n_problems - shown));
                return;
            }
            rc_err_format(&r->eps[i].problems[k], line, sizeof line);
            fprintf(f, "  %s\n", line);
        }
}

static int write_json(const char *path, const char *spec_path, const rc_spec *spec, const rc_scan_result *r,
                      int code)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    rc_json j;
    if (!f) {
        fprintf(stderr, "robocache-convert scan: cannot write %s\n", path);
        return -1;
    }
    rc_json_init(&j, f);
    rc_json_object_begin(&j);
    rc_json_key(&j, "format");
    rc_json_string(&j, "robocache-scan");
    rc_json_key(&j, "format_version");
    rc_json_int(&j, 1);
    rc_json_key(&j, "spec");
    if (spec_path) rc_json_string(&j, spec_path);
    else rc_json_null(&j);
    rc_json_key(&j, "input");
    rc_json_object_begin(&j);
    rc_json_key(&j, "dir");
    rc_json_string(&j, spec->input_dir);
    rc_json_key(&j, "pattern");
    rc_json_string(&j, spec->input_pattern[0] ? spec->input_pattern : DEFAULT_PATTERNS);
    rc_json_key(&j, "layout");
    rc_json_string(&j, spec->layout);
    rc_json_object_end(&j);
    rc_json_key(&j, "on_error");
    rc_json_string(&j, spec->on_error == RC_ON_ERROR_SKIP ? "skip" : "fail");
    rc_json_key(&j, "files");
    rc_json_int(&j, r->n_files);
    rc_json_key(&j, "episodes");
    rc_json_int(&j, r->n_episodes);
    rc_json_key(&j, "entries_with_problems");
    rc_json_int(&j, r->n_bad_episodes);
    rc_json_key(&j, "problems");
    rc_json_int(&j, r->n_problems);
    rc_json_key(&j, "run_would_succeed");
    rc_json_bool(&j, !r->would_fail);
    rc_json_key(&j, "exit_code");
    rc_json_int(&j, code);
    rc_json_key(&j, "scanned");
    rc_json_array_begin(&j);
    for (int64_t i = 0; i < r->n_eps; i++) rc_scan_episode_json(&j, &r->eps[i]);
    rc_json_array_end(&j);
    rc_json_object_end(&j);
    int bad = rc_json_finish(&j);
    if (f != stdout) bad |= fclose(f) != 0;
    if (bad) fprintf(stderr, "robocache-convert scan: cannot write %s\n", path);
    return bad ? -1 : 0;
}

/* 0 when dir can be listed; else says so as `run` does and returns its exit code (3). */
static int check_input_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        closedir(d);
        return 0;
    }
    fprintf(stderr, "robocache-convert: error: cannot open input folder '%s': %s\n", dir, strerror(errno));
    return rc_status_exit_code(RC_E_IO);
}

/* 1 when path names a spec file (.yaml or .yml), not an input folder. */
static int is_spec_name(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && !strcmp(path + n - 5, ".yaml")) || (n > 4 && !strcmp(path + n - 4, ".yml"));
}

int cmd_scan(int argc, char **argv)
{
    const char *target = NULL, *json = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--json")) {
            if (i + 1 >= argc) return cli_usage_error("scan", "--json needs a FILE (or '-')");
            json = argv[++i];
            continue;
        }
        if (!strcmp(argv[i], "--memory")) {
            if (cli_memory_option("scan", i + 1 < argc ? argv[++i] : NULL)) return 1;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') return cli_usage_error("scan", "unknown option '%s'", argv[i]);
        if (target) return cli_usage_error("scan", "expected one SPEC or DIR, found a second: '%s'", argv[i]);
        target = argv[i];
    }
    if (!target) return cli_usage_error("scan", "expected a SPEC file or an input DIR");

    struct stat sb;
    int exists = stat(target, &sb) == 0;
    int is_dir = exists && S_ISDIR(sb.st_mode);
    /* A missing input folder, given directly or by the spec, is an I/O error as for `run`. */
    if (!exists && !is_spec_name(target)) return check_input_folder(target);
    rc_spec *spec = NULL;
    rc_scan_result res;
    rc_err err;
    int n_errors = 0, code;
    int64_t *rank = NULL;
    memset(&res, 0, sizeof res);
    rc_err_clear(&err);
    if (is_dir ? rc_scan_folder_spec(target, cli_schema_dir(), &spec, &err) != RC_OK
               : rc_spec_load_input(target, cli_schema_dir(), NULL, rc_input_discover_run, &spec, &n_errors, &err) != RC_OK) {
        if (is_dir) return cli_fail(&err);
        fprintf(stderr, "%s: %d error%s\n", target, n_errors > 1 ? n_errors : 1, n_errors > 1 ? "s" : "");
        return 1;
    }
    if (!is_dir && (code = check_input_folder(spec->input_dir)) != 0) goto done;
    rc_spec_apply_memory(spec);
    if (rc_scan_input(spec, cli_schema_dir(), is_dir, &res, &err) != RC_OK) {
        code = cli_fail(&err);
        goto done;
    }
    code = res.would_fail ? 2 : 0;
    rank = rc_malloc((size_t)(res.n_eps > 0 ? res.n_eps : 1) * sizeof *rank);
    if (!rank) {
        fprintf(stderr, "robocache-convert scan: out of memory\n");
        code = 3;
        goto done;
    }
    rc_scan_rank(&res, rank);
    FILE *out = json && !strcmp(json, "-") ? stderr : stdout;
    fprintf(out, "scan of %s (layout %s, pattern %s%s%s): %lld file(s), %lld episode(s), %lld with problems\n",
            spec->input_dir, spec->layout, spec->input_pattern[0] ? spec->input_pattern : DEFAULT_PATTERNS, is_dir ? "" : ", spec ", is_dir ? "" : target,
            (long long)res.n_files, (long long)res.n_episodes, (long long)res.n_bad_episodes);
    print_table(out, &res, rank);
    print_streams(out, &res);
    print_columns(out, &res);
    print_cameras(out, &res);
    print_problems(out, &res);
    if (res.would_fail) {
        char line[4096];
        rc_err_format(&res.first_failure, line, sizeof line);
        fprintf(out, "run would fail (exit 2): %s\n", line);
    } else if (res.n_problems) {
        fprintf(out, "run would succeed, skipping %lld bad entr%s (on_error: skip)\n", (long long)res.n_bad_episodes,
                res.n_bad_episodes == 1 ? "y" : "ies");
    } else {
        fprintf(out, "run would succeed: no problems found\n");
    }
    if (json && write_json(json, is_dir ? NULL : target, spec, &res, code) != 0) code = 3;
done:
    rc_free(rank);
    rc_scan_result_free(&res);
    rc_spec_free(spec);
    return code;
}
