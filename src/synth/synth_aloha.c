/* synth_aloha.c — the `aloha` and `aloha-jpeg` presets: episodes in the layout the ALOHA / ACT
 * recording tools write (docs/LAYOUTS.md, layout aloha), one file per episode,
 * DIR/episode_<i>.hdf5, no timestamps (50 Hz): /observations/{qpos,qvel,effort} and /action
 * [S, 14] float64 (two arms of 6 joints and a gripper), and four 480 x 640 RGB cameras under
 * /observations/images/.  `aloha` stores them as uint8 [S, 480, 640, 3]; `aloha-jpeg` as
 * ALOHA's compressed variant: each frame JPEG-encoded (quality 90), stored zero-padded in uint8
 * [S, P] (P = the episode's longest JPEG, one frame per chunk), with the lengths in
 * /compress_len [4, S] float32 (camera order as below) and root attribute compress = 1.
 * The JPEG lengths are found by a first encoding pass, so memory stays one frame. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "common/rc_common.h"
#include "compress/rc_compress.h"
#include "synth/synth_int.h"

#define ALOHA_RATE_HZ 50.0
#define ALOHA_DOF 14
#define ALOHA_JPEG_QUALITY 90
#define ALOHA_CAMS 4

static const char *const g_cams[ALOHA_CAMS] = {"cam_high", "cam_low", "cam_left_wrist", "cam_right_wrist"};

/* qpos, qvel, effort and action [S, 14]: arm a's joints j < 6 follow the model's joint j (arm 1
 * mirrored), its gripper the model's gripper state. */
static rc_status write_joints(hid_t file, hid_t obs, const synth_model *m, synth_rng *r, const int64_t *t, int64_t S,
                              rc_err *err)
{
    rc_status st = RC_OK;
    double *q = rc_calloc((size_t)S * 7, sizeof *q), *v = rc_calloc((size_t)S * 7, sizeof *v);
    double *a = rc_calloc((size_t)S * 7, sizeof *a), *gr = rc_calloc((size_t)S, sizeof *gr);
    double *out[4] = {NULL, NULL, NULL, NULL};
    hsize_t dims[2] = {(hsize_t)S, ALOHA_DOF};
    for (int k = 0; k < 4; k++) out[k] = rc_calloc((size_t)S * ALOHA_DOF, sizeof(double));
    RC_FAIL_IF(!q || !v || !a || !gr || !out[0] || !out[1] || !out[2] || !out[3], err, RC_E_NOMEM,
               "out of memory for %lld joint samples", (long long)S);
    synth_series(m, SY_JOINT_POS, r, t, S, q);
    synth_series(m, SY_JOINT_VEL, r, t, S, v);
    synth_series(m, SY_ACTION, r, t, S, a);
    synth_series(m, SY_GRIPPER, r, t, S, gr);
    for (int64_t i = 0; i < S; i++)
        for (int arm = 0; arm < 2; arm++) {
            double sign = arm ? -1.0 : 1.0;
            for (int j = 0; j < 7; j++) {
                int64_t at = i * ALOHA_DOF + arm * 7 + j;
                out[0][at] = j < 6 ? sign * q[i * 7 + j] : 0.2 + 0.8 * gr[i];
                out[1][at] = j < 6 ? sign * v[i * 7 + j] : 0.0;
                out[2][at] = j < 6 ? 0.5 * sign * v[i * 7 + j] : 0.1 * gr[i];
                out[3][at] = j < 6 ? sign * a[i * 7 + j] : 0.2 + 0.8 * gr[i];
            }
        }
    RC_TRY(synth_h5_dataset(obs, "qpos", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims, out[0], NULL, err));
    RC_TRY(synth_h5_dataset(obs, "qvel", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims, out[1], NULL, err));
    RC_TRY(synth_h5_dataset(obs, "effort", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims, out[2], NULL, err));
    RC_TRY(synth_h5_dataset(file, "action", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims, out[3], NULL, err));
done:
    for (int k = 0; k < 4; k++) rc_free(out[k]);
    rc_free(q);
    rc_free(v);
    rc_free(a);
    rc_free(gr);
    return st;
}

/* Renders frame i of camera c and, when jpeg, encodes it (*jpg rc_free'd by the caller). */
static rc_status frame_at(const synth_model *m, int c, int64_t i, uint8_t *px, int jpeg, uint8_t **jpg, size_t *n,
                          rc_err *err)
{
    synth_camera_frame(m, c, (double)i / ALOHA_RATE_HZ, SY_CAM_H, SY_CAM_W, px);
    if (!jpeg) return RC_OK;
    return rc_jpeg_encode(px, SY_CAM_H, SY_CAM_W, 3, ALOHA_JPEG_QUALITY, jpg, n, g_cams[c], err);
}

static rc_status write_cameras(hid_t file, hid_t obs, const synth_model *m, int64_t S, int jpeg, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t images = -1, dset = -1, one = -1;
    uint8_t *px = rc_malloc((size_t)SY_CAM_H * SY_CAM_W * 3), *jpg = NULL, *row = NULL;
    float *lens = rc_calloc((size_t)S * ALOHA_CAMS, sizeof *lens);
    size_t n = 0, pad = 1;
    RC_FAIL_IF(!px || !lens, err, RC_E_NOMEM, "out of memory for a camera frame");
    RC_TRY(synth_h5_group(obs, "images", &images, err));
    if (jpeg) { /* first pass: the longest JPEG sets the padded row length */
        for (int c = 0; c < ALOHA_CAMS; c++)
            for (int64_t i = 0; i < S; i++) {
                RC_TRY(frame_at(m, c, i, px, 1, &jpg, &n, err));
                if (n > pad) pad = n;
                lens[c * S + i] = (float)n;
                rc_free(jpg);
                jpg = NULL;
            }
        row = rc_calloc(pad, 1);
        RC_FAIL_IF(!row, err, RC_E_NOMEM, "out of memory for a %zu-byte JPEG row", pad);
    }
    for (int c = 0; c < ALOHA_CAMS; c++) {
        hsize_t dims[4] = {(hsize_t)S, SY_CAM_H, SY_CAM_W, 3}, pdims[2] = {(hsize_t)S, (hsize_t)pad};
        RC_TRY(synth_h5_frames(images, g_cams[c], jpeg ? 2 : 4, jpeg ? pdims : dims, &dset, err));
        for (int64_t i = 0; i < S; i++) {
            RC_TRY(frame_at(m, c, i, px, jpeg, &jpg, &n, err));
            if (jpeg) {
                RC_FAIL_IF((float)n != lens[c * S + i], err, RC_E_INTERNAL,
                           "%s frame %lld: the second JPEG encoding gave %zu bytes, the first %g", g_cams[c],
                           (long long)i, n, (double)lens[c * S + i]);
                memset(row, 0, pad);
                memcpy(row, jpg, n);
                rc_free(jpg);
                jpg = NULL;
            }
            RC_TRY(synth_h5_write_row(dset, jpeg ? 2 : 4, jpeg ? pdims : dims, (hsize_t)i, jpeg ? row : px, err));
        }
        H5Dclose(dset);
        dset = -1;
    }
    if (jpeg) {
        hsize_t ldims[2] = {ALOHA_CAMS, (hsize_t)S};
        uint8_t yes = 1;
        RC_TRY(synth_h5_dataset(file, "compress_len", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, ldims, lens, NULL, err));
        hid_t space = H5Screate(H5S_SCALAR);
        one = space < 0 ? -1 : H5Acreate2(file, "compress", H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT);
        if (space >= 0) H5Sclose(space);
        RC_FAIL_IF(one < 0 || H5Awrite(one, H5T_NATIVE_UINT8, &yes) < 0, err, RC_E_IO,
                   "cannot write attribute 'compress'");
    }
done:
    if (one >= 0) H5Aclose(one);
    if (dset >= 0) H5Dclose(dset);
    if (images >= 0) H5Gclose(images);
    rc_free(px);
    rc_free(jpg);
    rc_free(row);
    rc_free(lens);
    return st;
}

rc_status synth_aloha_episode(const char *path, const rc_synth_opts *o, int64_t idx, int jpeg, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t file = -1, obs = -1;
    int64_t S = (int64_t)floor(o->seconds * ALOHA_RATE_HZ), *t = NULL;
    synth_model m;
    synth_rng r, rv;
    if (S < 1) S = 1;
    synth_rng_seed(&r, o->seed, (uint64_t)idx, 0);
    synth_rng_seed(&rv, o->seed, (uint64_t)idx, 1);
    synth_model_init(&m, &r, o->seconds);
    t = rc_calloc((size_t)S, sizeof *t);
    RC_FAIL_IF(!t, err, RC_E_NOMEM, "out of memory for %lld steps", (long long)S);
    for (int64_t i = 0; i < S; i++) t[i] = (int64_t)llround((double)i * 1e9 / ALOHA_RATE_HZ);
    RC_TRY(synth_h5_create(path, &file, err));
    RC_TRY(synth_h5_group(file, "observations", &obs, err));
    RC_TRY(write_joints(file, obs, &m, &rv, t, S, err));
    RC_TRY(write_cameras(file, obs, &m, S, jpeg, err));
    RC_TRY(synth_h5_close(&obs, &file, err));
done:
    (void)synth_h5_close(&obs, &file, NULL); /* what a failure left open */
    rc_free(t);
    return st;
}
