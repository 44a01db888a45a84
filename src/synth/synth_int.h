/* synth_int.h — private to src/synth: the PRNG, the stream table of the robocache-raw layout as
 * synth writes it, the per-episode motion/scene model and the HDF5 write helpers. */
#ifndef SYNTH_INT_H
#define SYNTH_INT_H

#include <stdint.h>

#include <hdf5.h>

#include "common/rc_common.h"
#include "synth/rc_synth.h"

/* --- PRNG: xoshiro256** seeded through splitmix64 (same seed, same sequence everywhere) --- */
typedef struct synth_rng {
    uint64_t s[4];
} synth_rng;

/* A generator for (seed, a, b): episodes and streams each get their own, so changing one
 * stream's model never shifts another stream's numbers. */
void synth_rng_seed(synth_rng *r, uint64_t seed, uint64_t a, uint64_t b);
uint64_t synth_rng_next(synth_rng *r);
double synth_rng_uniform(synth_rng *r);                  /* [0, 1), 53 bits */
double synth_rng_range(synth_rng *r, double lo, double hi); /* [lo, hi) */
double synth_rng_normal(synth_rng *r);                   /* N(0, 1), Box-Muller */

/* --- the streams synth writes (layout robocache-raw, docs/INPUT.md) --- */
enum {
    SY_JOINT_POS, SY_JOINT_VEL, SY_IMU, SY_BASE_QUAT, SY_GRIPPER, SY_CAMERA, SY_ACTION, SY_LIDAR,
    SY_N_STREAMS
};
enum { SY_F64, SY_F32, SY_U8 };          /* stored data type */

typedef struct synth_stream_def {
    const char *name;
    int columns;
    double rate_hz;
    int dtype;          /* SY_F64 | SY_F32 | SY_U8 (lidar points: SY_F32) */
    const char *units;  /* "ns" | "us" | "ms" | "s" (float64 t) */
} synth_stream_def;

extern const synth_stream_def synth_streams[SY_N_STREAMS];

/* --- per-episode model: one smooth motion shared by all streams, and a LiDAR scene --- */
#define SY_JOINTS 7
#define SY_SINES 3
#define SY_CAM 32
#define SY_MAX_BOXES 6

typedef struct synth_model {
    double seconds;                       /* episode length */
    double q_c[SY_JOINTS];                /* joint q(t) = c + sum a sin(2 pi f t + p) */
    double q_a[SY_JOINTS][SY_SINES], q_f[SY_JOINTS][SY_SINES], q_p[SY_JOINTS][SY_SINES];
    double yaw0, yaw_rate;                /* base yaw(t) = yaw0 + yaw_rate t (rad, rad/s) */
    double roll_a, roll_f, roll_p;        /* small roll/pitch sways (rad, Hz, rad) */
    double pitch_a, pitch_f, pitch_p;
    double cam_a[SY_CAM][2], cam_f[SY_CAM][2], cam_p[SY_CAM][2];
    double grip_t0, grip_period[8];       /* gripper toggles cycle through these periods (s) */
    double wall_x, wall_y, wall_h;        /* room half-sizes and wall height (m) */
    double ground_z;                      /* ground plane height in the sensor frame (m) */
    int n_boxes;
    double box[SY_MAX_BOXES][5];          /* centre x, y; half-size x, y; height */
} synth_model;

void synth_model_init(synth_model *m, synth_rng *r, double seconds);
/* Sample times of one stream, absolute int64 ns: own start/stop offsets, jitter, dropped samples,
 * and (when gap is set) one run of samples removed for 150–400 ms.  *t is rc_free'd by the caller. */
rc_status synth_times(synth_rng *r, double rate_hz, int64_t t0_ns, double seconds, int gap,
                      int64_t **t, int64_t *n, rc_err *err);
/* Values of series stream `stream` at times t[n] (ns, relative to the episode start), [n, D]. */
void synth_series(const synth_model *m, int stream, synth_rng *r, const int64_t *t_rel, int64_t n,
                  double *out);
/* One LiDAR sweep of n points [n, 4] (x, y, z, intensity) at time t_rel_s. */
void synth_sweep(const synth_model *m, synth_rng *r, double t_rel_s, int64_t n, float *out);

/* --- cameras (synth_camera.c, synth_aloha.c): 480 x 640 RGB frames with moving content --- */
#define SY_CAM_H 480
#define SY_CAM_W 640

/* Frame of camera `cam` at episode time t (s): uint8 [H, W, 3]. */
void synth_camera_frame(const synth_model *m, int cam, double t, int32_t H, int32_t W, uint8_t *rgb);
/* The camera preset's image streams of one episode (robocache-raw: cam_30hz, cam_50hz, each
 * <name>/data [S, 480, 640, 3] uint8 and <name>/t int64 ns). */
rc_status synth_raw_cameras(hid_t ep, const synth_model *m, uint64_t seed, int64_t idx, int64_t t0, double seconds,
                            rc_err *err);
/* Episode idx of the aloha presets, one ALOHA file at path; jpeg selects ALOHA's compressed
 * variant (padded JPEG rows + compress_len). */
rc_status synth_aloha_episode(const char *path, const rc_synth_opts *o, int64_t idx, int jpeg, rc_err *err);

/* --- HDF5 helpers: object time stamps off on every group and dataset --- */
/* Creates the file at path (truncating) with fixed libver bounds and no time stamps. */
rc_status synth_h5_create(const char *path, hid_t *file, rc_err *err);
/* Closes *group and then *file, those that are open (>= 0), setting them to -1; RC_E_IO when
 * the file's close (its flush) fails.  err may be NULL (the cleanup after a failure). */
rc_status synth_h5_close(hid_t *group, hid_t *file, rc_err *err);
/* A uint8 dataset [dims] of `rank` <= 4 dimensions, one row (dims[1..]) per chunk, left open in *out. */
rc_status synth_h5_frames(hid_t parent, const char *name, int rank, const hsize_t *dims, hid_t *out, rc_err *err);
/* Writes row `row` (uint8, dims[1..] elements) of a dataset of shape dims. */
rc_status synth_h5_write_row(hid_t dset, int rank, const hsize_t *dims, hsize_t row, const void *buf,
                             rc_err *err);
rc_status synth_h5_group(hid_t parent, const char *name, hid_t *out, rc_err *err);
rc_status synth_h5_attr_str(hid_t obj, const char *name, const char *value, rc_err *err);
/* Creates dataset name [dims] of file_type and writes buf (mem_type) into it whole
 * (buf may be NULL to only create it); *out (optional) keeps it open. */
rc_status synth_h5_dataset(hid_t parent, const char *name, hid_t file_type, hid_t mem_type,
                           int rank, const hsize_t *dims, const void *buf, hid_t *out,
                           rc_err *err);

#endif
