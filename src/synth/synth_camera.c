/* synth_camera.c — synthetic camera frames (uint8 RGB [H, W, 3], channels last) with moving
 * content: a background of soft colour bands that drift with the base's yaw, and three discs
 * (a different set per camera) that move on Lissajous paths driven by the episode model, so
 * consecutive frames differ, motion is smooth, and frozen or dropped frames are detectable.
 * Also the robocache-raw camera streams of the `camera` preset: <name>/data [S, H, W, 3]
 * uint8, one frame per HDF5 chunk, and <name>/t int64 ns. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "common/rc_common.h"
#include "synth/synth_int.h"

#define TWO_PI (2.0 * M_PI)
#define DISCS 3

/* The cameras of the camera preset: name, rate (Hz); both 480 x 640. */
static const struct {
    const char *name;
    double rate_hz;
} g_raw_cams[] = {{"cam_30hz", 30.0}, {"cam_50hz", 50.0}};

static uint8_t clamp_u8(double v) { return (uint8_t)(v < 0.0 ? 0.0 : v > 255.0 ? 255.0 : v + 0.5); }

void synth_camera_frame(const synth_model *m, int cam, double t, int32_t H, int32_t W, uint8_t *rgb)
{
    double cx[DISCS], cy[DISCS], r2[DISCS], col[DISCS][3];
    double shift = (m->yaw0 + m->yaw_rate * t) * W * 0.5; /* the scene pans with the base */
    for (int d = 0; d < DISCS; d++) {
        int k = (cam * DISCS + d) % SY_CAM;
        cx[d] = W * (0.5 + 0.38 * sin(TWO_PI * m->cam_f[k][0] * t + m->cam_p[k][0]));
        cy[d] = H * (0.5 + 0.38 * sin(TWO_PI * m->cam_f[k][1] * t + m->cam_p[k][1]));
        double r = (0.06 + 0.05 * m->cam_a[k][0]) * H;
        r2[d] = r * r;
        for (int c = 0; c < 3; c++) col[d][c] = 40.0 + 200.0 * fabs(sin(m->cam_p[k][1] * (c + 1) + d));
    }
    for (int32_t x = 0; x < W; x++) { /* background: one band pattern per column, shaded per row */
        double b = sin((x + shift) * 0.02 + cam);
        rgb[x * 3 + 0] = clamp_u8(90.0 + 50.0 * b);
        rgb[x * 3 + 1] = clamp_u8(110.0 + 40.0 * sin((x + shift) * 0.013 + 1.0 + cam));
        rgb[x * 3 + 2] = clamp_u8(120.0 - 45.0 * b);
    }
    for (int32_t y = 1; y < H; y++) memcpy(rgb + (size_t)y * W * 3, rgb, (size_t)W * 3);
    for (int32_t y = 0; y < H; y++) {
        uint8_t *row = rgb + (size_t)y * W * 3;
        double shade = 0.75 + 0.25 * (double)y / H;
        for (int32_t x = 0; x < W; x++) {
            uint8_t *p = row + x * 3;
            for (int c = 0; c < 3; c++) p[c] = (uint8_t)(p[c] * shade);
            for (int d = 0; d < DISCS; d++) {
                double dx = x + 0.5 - cx[d], dy = y + 0.5 - cy[d];
                if (dx * dx + dy * dy <= r2[d])
                    for (int c = 0; c < 3; c++) p[c] = clamp_u8(col[d][c]);
            }
        }
    }
}

rc_status synth_h5_frames(hid_t parent, const char *name, int rank, const hsize_t *dims, hid_t *out,
                          rc_err *err)
{
    rc_status st = RC_OK;
    hid_t dcpl = -1, space = -1;
    hsize_t chunk[4] = {1, 1, 1, 1};
    for (int i = 1; i < rank; i++) chunk[i] = dims[i];
    *out = -1;
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    RC_FAIL_IF(dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0 || (dims[0] > 0 && H5Pset_chunk(dcpl, rank, chunk) < 0),
               err, RC_E_IO, "cannot make the property list of '%s'", name);
    space = H5Screate_simple(rank, dims, NULL);
    RC_FAIL_IF(space < 0, err, RC_E_IO, "cannot make the dataspace of '%s'", name);
    *out = H5Dcreate2(parent, name, H5T_STD_U8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    RC_FAIL_IF(*out < 0, err, RC_E_IO, "cannot create dataset '%s'", name);
done:
    if (space >= 0) H5Sclose(space);
    if (dcpl >= 0) H5Pclose(dcpl);
    return st;
}

rc_status synth_h5_write_row(hid_t dset, int rank, const hsize_t *dims, hsize_t row, const void *buf,
                             rc_err *err)
{
    rc_status st = RC_OK;
    hid_t fspace = H5Dget_space(dset), mspace = -1;
    hsize_t start[4] = {row, 0, 0, 0}, count[4] = {1, 1, 1, 1};
    for (int i = 1; i < rank; i++) count[i] = dims[i];
    mspace = H5Screate_simple(rank, count, NULL);
    RC_FAIL_IF(fspace < 0 || mspace < 0 || H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0,
               err, RC_E_IO, "cannot select row %llu", (unsigned long long)row);
    RC_FAIL_IF(H5Dwrite(dset, H5T_NATIVE_UINT8, mspace, fspace, H5P_DEFAULT, buf) < 0, err, RC_E_IO,
               "cannot write row %llu", (unsigned long long)row);
done:
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    return st;
}

/* One raw camera stream: times from its own generator (jitter, drops, maybe a gap), frames
 * rendered at each time and written one by one (memory: one frame). */
static rc_status write_raw_camera(hid_t ep, int cam, const synth_model *m, uint64_t seed, int64_t idx, int64_t t0,
                                  double seconds, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t g = -1, dset = -1, tset = -1;
    int64_t *t = NULL, n = 0;
    uint8_t *frame = rc_malloc((size_t)SY_CAM_H * SY_CAM_W * 3);
    synth_rng rt;
    synth_rng_seed(&rt, seed, (uint64_t)idx, 100 + (uint64_t)cam);
    RC_FAIL_IF(!frame, err, RC_E_NOMEM, "out of memory for a camera frame");
    RC_TRY(synth_times(&rt, g_raw_cams[cam].rate_hz, t0, seconds, synth_rng_uniform(&rt) < 0.5, &t, &n, err));
    RC_TRY(synth_h5_group(ep, g_raw_cams[cam].name, &g, err));
    hsize_t dims[4] = {(hsize_t)n, SY_CAM_H, SY_CAM_W, 3}, tdims[1] = {(hsize_t)n};
    RC_TRY(synth_h5_frames(g, "data", 4, dims, &dset, err));
    for (int64_t i = 0; i < n; i++) {
        synth_camera_frame(m, cam, (double)(t[i] - t0) * 1e-9, SY_CAM_H, SY_CAM_W, frame);
        RC_TRY(synth_h5_write_row(dset, 4, dims, (hsize_t)i, frame, err));
    }
    RC_TRY(synth_h5_dataset(g, "t", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, tdims, t, &tset, err));
    RC_TRY(synth_h5_attr_str(tset, "units", "ns", err));
done:
    if (tset >= 0) H5Dclose(tset);
    if (dset >= 0) H5Dclose(dset);
    if (g >= 0) H5Gclose(g);
    rc_free(t);
    rc_free(frame);
    return st;
}

rc_status synth_raw_cameras(hid_t ep, const synth_model *m, uint64_t seed, int64_t idx, int64_t t0, double seconds,
                            rc_err *err)
{
    rc_status st = RC_OK;
    for (int c = 0; c < (int)(sizeof g_raw_cams / sizeof g_raw_cams[0]); c++)
        RC_TRY(write_raw_camera(ep, c, m, seed, idx, t0, seconds, err));
done:
    return st;
}
