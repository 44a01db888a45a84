/* read_bad.c DIR — the reader on files written by h5py (make_bad_inputs.py): good.h5 must read
 * with the exact values and timestamp conversions typed in below (int16/uint8/float64 data;
 * ns/us/ms/int64-s/float64-s times); every malformed file listed in DIR/cases.tsv must fail with
 * RC_E_INPUT, leave the episode empty, and name the file, the episode, the HDF5 path and what
 * was expected; HDF5's own error printing must stay silent throughout. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reader/rc_reader.h"
#include "raw_layout.h"
#include "tap.h"

static rc_layout g_layout;

static void check_good(const char *dir)
{
    char path[2048];
    rc_err err;
    rc_reader *r = NULL;
    rc_episode ep;
    rc_err_clear(&err);
    snprintf(path, sizeof path, "%s/good.h5", dir);
    if (!tap_ok(rc_reader_open(path, &r, &err) == RC_OK, "good.h5 opens")) {
        tap_diag("%s", err.msg);
        return;
    }
    tap_ok(rc_reader_n_episodes(r) == 1 && !strcmp(rc_reader_episode_id(r, 0), "ep-000000"),
           "good.h5 lists its one episode");
    rc_status st = rc_reader_read_episode(r, 0, &g_layout, raw_stream_names, RAW_N_STREAMS, &ep, &err);
    if (!tap_ok(st == RC_OK, "good.h5 reads all 8 streams")) {
        char buf[4096];
        rc_err_format(&err, buf, sizeof buf);
        tap_diag("%s", buf);
        rc_reader_close(r);
        return;
    }
    const rc_stream_data *jp = rc_episode_stream(&ep, "joint_pos");
    int ok = jp && jp->S == 5 && jp->D == 7;
    for (int i = 0; ok && i < 35; i++) ok = jp->x[i] == (float)(i - 3);
    tap_ok(ok, "int16 data converted to float32 exactly");
    const rc_stream_data *jv = rc_episode_stream(&ep, "joint_vel");
    ok = jv && jv->S == 5;
    for (int i = 0; ok && i < 35; i++) ok = jv->x[i] == ((float)i - 3.0f) / 4.0f;
    tap_ok(ok, "float64 data narrowed to float32");
    ok = jv && jv->t_ns[0] == 1000 && jv->t_ns[4] == 5000;
    tap_ok(ok, "int64 'us' times x 1000");
    const rc_stream_data *imu = rc_episode_stream(&ep, "imu");
    static const int64_t imu_ns[5] = {500000000, 750000000, 1000000000, 1250000000, 1500000000};
    tap_ok(imu && !memcmp(imu->t_ns, imu_ns, sizeof imu_ns), "float64 's' times -> ns");
    const rc_stream_data *cf = rc_episode_stream(&ep, "camera_features");
    static const int64_t halves_ns[5] = {-3, -1, 1, 3, 1000000001};
    tap_ok(cf && !memcmp(cf->t_ns, halves_ns, sizeof halves_ns),
           "float64 's' times: exact halves of a ns round away from zero");
    const rc_stream_data *bq = rc_episode_stream(&ep, "base_quat");
    tap_ok(bq && bq->t_ns[0] == 1000000000 && bq->t_ns[4] == 5000000000, "int64 's' times x 1e9");
    const rc_stream_data *gr = rc_episode_stream(&ep, "gripper");
    static const float grip[5] = {0, 1, 1, 0, 1};
    tap_ok(gr && gr->D == 1 && !memcmp(gr->x, grip, sizeof grip) && gr->t_ns[0] == 10000000 &&
               gr->t_ns[4] == 50000000,
           "uint8 data and 'ms' times");
    const rc_stream_data *ac = rc_episode_stream(&ep, "action");
    tap_ok(ac && ac->t_ns[0] == 7 && ac->t_ns[4] == 4007, "int64 'ns' times unchanged");
    const rc_stream_data *li = rc_episode_stream(&ep, "lidar");
    ok = li && li->kind == RC_STREAM_CLOUD && li->S == 3 && li->P == 6 && li->D == 4 &&
         li->offsets[0] == 0 && li->offsets[1] == 2 && li->offsets[2] == 2 && li->offsets[3] == 6 &&
         li->t_ns[2] == 300;
    for (int i = 0; ok && i < 24; i++) ok = li->x[i] == (float)i / 2.0f;
    tap_ok(ok, "cloud: frames, offsets (with an empty frame), points");
    ok = 1;
    for (int k = 0; k < ep.n_streams; k++) ok = ok && ep.streams[k].bytes_read > 0;
    tap_ok(ok && jp->bytes_read == 35 * 2 + 5 * 8, "bytes_read counts the stored datasets");
    tap_ok(!strcmp(ep.group, "/episodes/ep-000000") && !strcmp(ep.file, path), "episode names its file and group");
    static const char *const imu_names[6] = {"ax", "ay", "az", "gx", "gy", "gz"};
    ok = imu && imu->col_names != NULL;
    for (int c = 0; ok && c < 6; c++) ok = !strcmp(imu->col_names[c], imu_names[c]);
    tap_ok(ok, "the names attribute (variable-length strings) gives one name per column");
    tap_ok(gr && gr->col_names && !strcmp(gr->col_names[0], "closed") && jp && !jp->col_names,
           "fixed-length names are read too; a stream without names has none");
    rc_episode_free(&ep);
    rc_reader_close(r);
}

static void check_case(const char *dir, const char *file, const char *stage, const char *h5path,
                       const char *expect)
{
    char path[2048], buf[4096];
    rc_err err;
    rc_reader *r = NULL;
    rc_episode ep;
    rc_err_clear(&err);
    memset(&ep, 0xff, sizeof ep); /* must come back empty */
    snprintf(path, sizeof path, "%s/%s", dir, file);
    rc_status st = rc_reader_open(path, &r, &err);
    int open_stage = !strcmp(stage, "open");
    if (!open_stage && st == RC_OK) {
        st = rc_reader_read_episode(r, 0, &g_layout, raw_stream_names, RAW_N_STREAMS, &ep, &err);
        if (!tap_ok(ep.n_streams == 0 && ep.streams == NULL, "%s: episode left empty on error", file))
            rc_episode_free(&ep);
    }
    rc_reader_close(r);
    rc_err_format(&err, buf, sizeof buf);
    if (!strcmp(h5path, "-")) h5path = ""; /* the file itself is at fault */
    int ok = st == RC_E_INPUT && !strcmp(err.file, path) && !strcmp(err.path, h5path) &&
             (open_stage || !strcmp(err.episode, "ep-000000")) && strstr(err.msg, "expected") &&
             strstr(err.msg, expect) && strstr(buf, path) && strstr(buf, h5path);
    tap_ok(ok, "%s: RC_E_INPUT naming file, episode, %s and '%s'", file, h5path, expect);
    tap_diag("status %s, message: %s", rc_status_name(st), buf);
}

int main(int argc, char **argv)
{
    if (argc != 2) TAP_BAIL("usage: read_bad DIR (made by make_bad_inputs.py)");
    rc_reader_thread_quiet(); /* as the CLI: failures come back as rc_err only */
    raw_layout(&g_layout);
    /* stderr goes to a file: HDF5 must print nothing while the reader probes. */
    FILE *captured = tmpfile();
    if (!captured || dup2(fileno(captured), 2) < 0) TAP_BAIL("cannot capture stderr");
    check_good(argv[1]);
    char cases[2048], line[4096];
    snprintf(cases, sizeof cases, "%s/cases.tsv", argv[1]);
    FILE *f = fopen(cases, "r");
    if (!f) TAP_BAIL("cannot open %s", cases);
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *file = strtok(line, "\t"), *stage = strtok(NULL, "\t");
        char *h5path = strtok(NULL, "\t"), *expect = strtok(NULL, "\t");
        if (!file || !stage || !h5path || !expect) TAP_BAIL("bad line in %s", cases);
        check_case(argv[1], file, stage, h5path, expect);
        n++;
    }
    fclose(f);
    tap_ok(n >= 30, "cases.tsv lists the malformed cases (%d)", n);
    fflush(stderr);
    long printed = fseek(captured, 0, SEEK_END) == 0 ? ftell(captured) : -1;
    tap_ok(printed == 0, "nothing printed on stderr (%ld bytes)", printed);
    return tap_done();
}
