/* test_reader.c — the reader on synth output: the input list (recursion, pattern, bytewise
 * order, symlinked folders not followed, no match, missing folder) and every stream of every
 * episode compared with the raw datasets read here directly through HDF5, with the timestamp
 * units of docs/INPUT.md typed in below (not taken from the file or from the reader). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "reader/rc_reader.h"
#include "synth/rc_synth.h"
#include "raw_layout.h"
#include "tap.h"

/* ns per stored unit for each stream, as synth promises to write them (layout.md). */
static const int64_t raw_units_ns[] = {1, 1000, 0 /* float64 s */, 1, 1000000, 1, 1, 1};
static const double raw_rate_hz[] = {500, 500, 200, 100, 10, 30, 50, 10};

static double *read_doubles(hid_t f, const char *path, hsize_t *n)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0) return NULL;
    hid_t s = H5Dget_space(d);
    hsize_t dims[2] = {1, 1};
    int rank = H5Sget_simple_extent_dims(s, dims, NULL);
    *n = rank == 2 ? dims[0] * dims[1] : dims[0];
    double *v = malloc((*n ? *n : 1) * sizeof *v);
    if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
        free(v);
        v = NULL;
    }
    H5Sclose(s);
    H5Dclose(d);
    return v;
}

static int64_t *read_int64(hid_t f, const char *path, hsize_t *n)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0) return NULL;
    hid_t s = H5Dget_space(d);
    H5Sget_simple_extent_dims(s, n, NULL);
    int64_t *v = malloc((*n ? *n : 1) * sizeof *v);
    if (H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
        free(v);
        v = NULL;
    }
    H5Sclose(s);
    H5Dclose(d);
    return v;
}

/* The stored times converted here, independently of the reader. */
static int expected_times(hid_t f, const char *grp, int k, const rc_stream_data *s)
{
    char path[1024];
    hsize_t n = 0;
    snprintf(path, sizeof path, "%s/%s/t", grp, raw_stream_names[k]);
    int ok = 1;
    if (raw_units_ns[k] == 0) {
        double *t = read_doubles(f, path, &n);
        ok = t && (int64_t)n == s->S;
        for (hsize_t i = 0; ok && i < n; i++) ok = s->t_ns[i] == llround(t[i] * 1e9);
        free(t);
    } else {
        int64_t *t = read_int64(f, path, &n);
        ok = t && (int64_t)n == s->S;
        for (hsize_t i = 0; ok && i < n; i++) ok = s->t_ns[i] == t[i] * raw_units_ns[k];
        free(t);
    }
    return ok;
}

static int expected_values(hid_t f, const char *grp, int k, const rc_stream_data *s)
{
    char path[1024];
    hsize_t n = 0;
    int cloud = k == RAW_N_STREAMS - 1;
    snprintf(path, sizeof path, "%s/%s/%s", grp, raw_stream_names[k], cloud ? "points" : "data");
    double *x = read_doubles(f, path, &n);
    int64_t rows = cloud ? s->P : s->S;
    int ok = x && (int64_t)n == rows * raw_stream_columns[k] && s->D == raw_stream_columns[k];
    for (hsize_t i = 0; ok && i < n; i++) ok = s->x[i] == (float)x[i];
    free(x);
    if (ok && cloud) {
        snprintf(path, sizeof path, "%s/lidar/offsets", grp);
        int64_t *o = read_int64(f, path, &n);
        ok = o && (int64_t)n == s->S + 1 && !memcmp(o, s->offsets, n * sizeof *o);
        free(o);
    }
    return ok;
}

static void check_list(const char *dir)
{
    char path[1024], **files = NULL;
    size_t n = 0;
    rc_err err;
    rc_err_clear(&err);
    snprintf(path, sizeof path, "%s/sub", dir);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/sub/extra.h5", dir);
    fclose(fopen(path, "w"));
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    fclose(fopen(path, "w"));
    snprintf(path, sizeof path, "%s/link", dir);
    if (symlink("sub", path) != 0) TAP_BAIL("cannot make a symlink in %s", dir);
    rc_status st = rc_input_list(dir, "*.h5", &files, &n, &err);
    char want[3][1024];
    snprintf(want[0], sizeof want[0], "%s/raw-00000.h5", dir);
    snprintf(want[1], sizeof want[1], "%s/raw-00001.h5", dir);
    snprintf(want[2], sizeof want[2], "%s/sub/extra.h5", dir);
    int ok = st == RC_OK && n == 3;
    for (size_t i = 0; ok && i < 3; i++) ok = !strcmp(files[i], want[i]);
    if (!tap_ok(ok, "input list: recursive, bytewise sorted, pattern on base names, symlinked folder not followed"))
        for (size_t i = 0; i < n; i++) tap_diag("got %s", files[i]);
    rc_input_list_free(files, n);
    st = rc_input_list(dir, "raw-*.h5", &files, &n, &err);
    tap_ok(st == RC_OK && n == 2, "input list: pattern raw-*.h5 gives the 2 shards");
    rc_input_list_free(files, n);
    st = rc_input_list(dir, "*.nc", &files, &n, &err);
    tap_ok(st == RC_E_INPUT && files == NULL && !strcmp(err.file, dir) && strstr(err.msg, "'*.nc'"),
           "input list: no match is RC_E_INPUT naming folder and pattern");
    snprintf(path, sizeof path, "%s/absent", dir);
    st = rc_input_list(path, "*.h5", &files, &n, &err);
    tap_ok(st == RC_E_IO, "input list: a missing folder is RC_E_IO");
    /* the default pattern: .h5, .hdf5 and .hdf */
    char more[2][1024];
    snprintf(more[0], sizeof more[0], "%s/sub/b.hdf5", dir);
    snprintf(more[1], sizeof more[1], "%s/sub/c.hdf", dir);
    fclose(fopen(more[0], "w"));
    fclose(fopen(more[1], "w"));
    st = rc_input_list(dir, "", &files, &n, &err);
    tap_ok(st == RC_OK && n == 5 && !strcmp(files[2], more[0]) && !strcmp(files[3], more[1]) &&
               !strcmp(files[4], want[2]),
           "input list: no pattern takes *.h5, *.hdf5 and *.hdf (%zu files)", n);
    rc_input_list_free(files, n);
    unlink(more[0]);
    unlink(more[1]);
    unlink(want[2]);
    /* a folder whose HDF5 files carry another extension: named, with the pattern to set */
    char odd[1024], dst[1100], cmd[3000];
    snprintf(odd, sizeof odd, "%s/odd", dir);
    mkdir(odd, 0777);
    snprintf(dst, sizeof dst, "%s/log.mat", odd);
    snprintf(cmd, sizeof cmd, "cp '%s/raw-00000.h5' '%s'", dir, dst);
    if (system(cmd) != 0) TAP_BAIL("cannot copy a shard to %s", dst);
    snprintf(path, sizeof path, "%s/notes.mat", odd);
    fclose(fopen(path, "w"));
    st = rc_input_list(odd, "", &files, &n, &err);
    tap_ok(st == RC_E_INPUT && strstr(err.msg, "1 HDF5 file under another name, e.g. ") && strstr(err.msg, dst) &&
               strstr(err.msg, "set input.pattern: \"*.mat\""),
           "input list: HDF5 files under another extension are named with the pattern to set (%s)", err.msg);
    unlink(dst);
    unlink(path);
    rmdir(odd);
}

int main(void)
{
    char dir[] = "/tmp/rc-test-reader.XXXXXX";
    rc_reader_thread_quiet(); /* as the CLI: failures come back as rc_err only */
    if (!mkdtemp(dir)) TAP_BAIL("mkdtemp failed");
    rc_layout layout;
    raw_layout(&layout);
    rc_err err;
    rc_err_clear(&err);
    rc_synth_opts o;
    memset(&o, 0, sizeof o);
    snprintf(o.preset, sizeof o.preset, "tiny");
    o.episodes = 3;
    o.seed = 11;
    if (rc_synth_preset(&o, &err) != RC_OK || rc_synth_write(dir, &o, &err) != RC_OK)
        TAP_BAIL("synth failed: %s", err.msg);
    check_list(dir);

    int64_t next_id = 0;
    for (int shard = 0; shard < 2; shard++) {
        char file[1024];
        snprintf(file, sizeof file, "%s/raw-%05d.h5", dir, shard);
        rc_reader *r = NULL;
        if (!tap_ok(rc_reader_open(file, &r, &err) == RC_OK, "open %s", file)) continue;
        hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
        tap_ok(rc_reader_n_episodes(r) == (shard == 0 ? 2 : 1), "shard %d holds %d episodes", shard,
               shard == 0 ? 2 : 1);
        for (int64_t e = 0; e < rc_reader_n_episodes(r); e++, next_id++) {
            char want_id[32];
            snprintf(want_id, sizeof want_id, "ep-%06lld", (long long)next_id);
            const char *id = rc_reader_episode_id(r, e);
            tap_ok(!strcmp(id, want_id), "episode ids continue across shards: %s", want_id);
            rc_episode ep;
            if (!tap_ok(rc_reader_read_episode(r, e, &layout, raw_stream_names, RAW_N_STREAMS, &ep, &err) ==
                            RC_OK,
                        "%s: all streams read and pass the checks", id)) {
                tap_diag("%s", err.msg);
                continue;
            }
            for (int k = 0; k < RAW_N_STREAMS; k++) {
                const rc_stream_data *s = &ep.streams[k];
                double nominal = o.seconds * raw_rate_hz[k];
                tap_ok(!strcmp(s->name, raw_stream_names[k]) && s->S >= 0.5 * nominal &&
                           s->S <= nominal + 1 && s->bytes_read > 0,
                       "%s/%s: %lld samples for %g nominal", id, s->name, (long long)s->S, nominal);
                tap_ok(expected_times(f, ep.group, k, s), "%s/%s: times converted to ns", id, s->name);
                tap_ok(expected_values(f, ep.group, k, s), "%s/%s: values as stored", id, s->name);
            }
            rc_episode_free(&ep);
        }
        if (shard == 1) {
            static const char *const two[] = {"lidar", "imu"};
            rc_episode ep;
            rc_status st = rc_reader_read_episode(r, 0, &layout, two, 2, &ep, &err);
            tap_ok(st == RC_OK && ep.n_streams == 2 && !strcmp(ep.streams[0].name, "lidar") &&
                       rc_episode_stream(&ep, "imu") == &ep.streams[1] && !rc_episode_stream(&ep, "action"),
                   "a subset of streams comes back in the order asked");
            rc_episode_free(&ep);
            static const char *const bad[] = {"imu", "sonar"};
            st = rc_reader_read_episode(r, 0, &layout, bad, 2, &ep, &err);
            tap_ok(st == RC_E_INPUT && ep.n_streams == 0 && strstr(err.msg, "'sonar'") &&
                       strstr(err.msg, "streams of this episode: action, base_quat, camera_features, gripper, imu, "
                                       "joint_pos, joint_vel, lidar)") && err.episode[0],
                   "a stream the episode lacks is bad input naming the streams it has (%s)", err.msg);
        }
        H5Fclose(f);
        rc_reader_close(r);
    }
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) tap_diag("could not remove %s", dir);
    return tap_done();
}
