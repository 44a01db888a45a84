/* synth_model.c — what the synthetic robot does in one episode: a 7-joint arm following smooth
 * sums of sines (velocities are their exact derivatives, actions lead the positions by 100 ms),
 * a base that yaws slowly and sways in roll/pitch (IMU and quaternion agree with it), a gripper
 * that opens and closes, camera features that drift; and the sample times of each stream. */
#include "config.h"
#include "synth/synth_int.h"

#include <math.h>

#include "common/rc_common.h"

#define TWO_PI (2.0 * M_PI)
#define GRAVITY 9.81
#define ACTION_LEAD_S 0.1

const synth_stream_def synth_streams[SY_N_STREAMS] = {
    {"joint_pos", 7, 500.0, SY_F64, "ns"},
    {"joint_vel", 7, 500.0, SY_F32, "us"},
    {"imu", 6, 200.0, SY_F32, "s"},
    {"base_quat", 4, 100.0, SY_F32, "ns"},
    {"gripper", 1, 10.0, SY_U8, "ms"},
    {"camera_features", 32, 30.0, SY_F32, "ns"},
    {"action", 7, 50.0, SY_F32, "ns"},
    {"lidar", 4, 10.0, SY_F32, "ns"},
};

void synth_model_init(synth_model *m, synth_rng *r, double seconds)
{
    m->seconds = seconds;
    for (int j = 0; j < SY_JOINTS; j++) {
        m->q_c[j] = synth_rng_range(r, -1.0, 1.0);
        for (int k = 0; k < SY_SINES; k++) {
            m->q_a[j][k] = synth_rng_range(r, 0.05, 0.5) / (k + 1);
            m->q_f[j][k] = synth_rng_range(r, 0.05, 0.4) * (k + 1);
            m->q_p[j][k] = synth_rng_range(r, 0.0, TWO_PI);
        }
    }
    m->yaw0 = synth_rng_range(r, -M_PI, M_PI);
    m->yaw_rate = synth_rng_range(r, -0.3, 0.3);
    m->roll_a = synth_rng_range(r, 0.01, 0.06);
    m->roll_f = synth_rng_range(r, 0.1, 0.5);
    m->roll_p = synth_rng_range(r, 0.0, TWO_PI);
    m->pitch_a = synth_rng_range(r, 0.01, 0.05);
    m->pitch_f = synth_rng_range(r, 0.1, 0.5);
    m->pitch_p = synth_rng_range(r, 0.0, TWO_PI);
    for (int c = 0; c < SY_CAM; c++)
        for (int k = 0; k < 2; k++) {
            m->cam_a[c][k] = synth_rng_range(r, 0.2, 1.0);
            m->cam_f[c][k] = synth_rng_range(r, 0.02, 0.8);
            m->cam_p[c][k] = synth_rng_range(r, 0.0, TWO_PI);
        }
    m->grip_t0 = synth_rng_range(r, 0.2, 1.5);
    for (int k = 0; k < 8; k++) m->grip_period[k] = synth_rng_range(r, 0.8, 3.0);
    m->wall_x = synth_rng_range(r, 12.0, 30.0);
    m->wall_y = synth_rng_range(r, 8.0, 25.0);
    m->wall_h = synth_rng_range(r, 2.5, 5.0);
    m->ground_z = -synth_rng_range(r, 1.5, 1.9);
    m->n_boxes = 3 + (int)(synth_rng_next(r) % (SY_MAX_BOXES - 2));
    for (int b = 0; b < m->n_boxes; b++) {
        m->box[b][0] = synth_rng_range(r, -0.8, 0.8) * m->wall_x;
        m->box[b][1] = synth_rng_range(r, -0.8, 0.8) * m->wall_y;
        m->box[b][2] = synth_rng_range(r, 0.3, 1.5);
        m->box[b][3] = synth_rng_range(r, 0.3, 1.5);
        m->box[b][4] = synth_rng_range(r, 0.5, 2.5);
    }
}

rc_status synth_times(synth_rng *r, double rate_hz, int64_t t0_ns, double seconds, int gap,
                      int64_t **t, int64_t *n, rc_err *err)
{
    rc_status st = RC_OK;
    int64_t *out = NULL;
    /* Start and stop offsets of up to 300 ms (at most a tenth of a short episode). */
    double max_off = fmin(0.3, 0.1 * seconds);
    double start = synth_rng_range(r, 0.0, max_off);
    double stop = seconds - synth_rng_range(r, 0.0, max_off);
    double period = 1.0 / rate_hz;
    int64_t nominal = (int64_t)floor((stop - start) / period) + 1;
    double gap_a = -1.0, gap_b = -1.0;
    if (gap && seconds >= 2.0) {
        gap_a = synth_rng_range(r, 0.2, 0.6) * seconds;
        gap_b = gap_a + synth_rng_range(r, 0.15, 0.4);
    }
    out = rc_calloc((size_t)nominal, sizeof *out);
    RC_FAIL_IF(!out, err, RC_E_NOMEM, "out of memory for %lld sample times", (long long)nominal);
    int64_t k = 0;
    for (int64_t i = 0; i < nominal; i++) {
        /* Jitter of +-10% of the period keeps the times strictly increasing. */
        double ts = start + (double)i * period + period * synth_rng_range(r, -0.1, 0.1);
        int edge = i == 0 || i == nominal - 1;
        int dropped = synth_rng_uniform(r) < 0.004;
        if (!edge && (dropped || (ts >= gap_a && ts < gap_b))) continue;
        out[k++] = t0_ns + (int64_t)llround(ts * 1e9);
    }
    *t = out;
    *n = k;
    out = NULL;
done:
    rc_free(out);
    return st;
}

static double joint_pos(const synth_model *m, int j, double t)
{
    double q = m->q_c[j];
    for (int k = 0; k < SY_SINES; k++) q += m->q_a[j][k] * sin(TWO_PI * m->q_f[j][k] * t + m->q_p[j][k]);
    return q;
}

static double joint_vel(const synth_model *m, int j, double t)
{
    double v = 0.0;
    for (int k = 0; k < SY_SINES; k++)
        v += m->q_a[j][k] * TWO_PI * m->q_f[j][k] * cos(TWO_PI * m->q_f[j][k] * t + m->q_p[j][k]);
    return v;
}

/* Base attitude at t: roll, pitch, yaw and their rates. */
static void attitude(const synth_model *m, double t, double rpy[3], double rates[3])
{
    double wr = TWO_PI * m->roll_f, wp = TWO_PI * m->pitch_f;
    rpy[0] = m->roll_a * sin(wr * t + m->roll_p);
    rpy[1] = m->pitch_a * sin(wp * t + m->pitch_p);
    rpy[2] = m->yaw0 + m->yaw_rate * t;
    rates[0] = m->roll_a * wr * cos(wr * t + m->roll_p);
    rates[1] = m->pitch_a * wp * cos(wp * t + m->pitch_p);
    rates[2] = m->yaw_rate;
}

static int gripper_closed(const synth_model *m, double t)
{
    double edge = m->grip_t0;
    int state = 0;
    for (int k = 0; edge <= t; k = (k + 1) % 8) {
        state ^= 1;
        edge += m->grip_period[k];
    }
    return state;
}

void synth_series(const synth_model *m, int stream, synth_rng *r, const int64_t *t_rel, int64_t n,
                  double *out)
{
    int D = synth_streams[stream].columns;
    int flipped = 0; /* quaternion sign state: logs flip q -> -q now and then */
    for (int64_t i = 0; i < n; i++) {
        double t = (double)t_rel[i] * 1e-9;
        double *y = out + i * D;
        double rpy[3], rates[3];
        switch (stream) {
        case SY_JOINT_POS:
            for (int j = 0; j < D; j++) y[j] = joint_pos(m, j, t) + 1e-4 * synth_rng_normal(r);
            break;
        case SY_JOINT_VEL:
            for (int j = 0; j < D; j++) y[j] = joint_vel(m, j, t) + 1e-3 * synth_rng_normal(r);
            break;
        case SY_ACTION:
            for (int j = 0; j < D; j++) y[j] = joint_pos(m, j, t + ACTION_LEAD_S);
            break;
        case SY_IMU:
            attitude(m, t, rpy, rates);
            y[0] = GRAVITY * sin(rpy[1]) + 0.05 * synth_rng_normal(r);
            y[1] = -GRAVITY * sin(rpy[0]) * cos(rpy[1]) + 0.05 * synth_rng_normal(r);
            y[2] = GRAVITY * cos(rpy[0]) * cos(rpy[1]) + 0.05 * synth_rng_normal(r);
            for (int a = 0; a < 3; a++) y[3 + a] = rates[a] + 0.005 * synth_rng_normal(r);
            break;
        case SY_BASE_QUAT: {
            attitude(m, t, rpy, rates);
            double cr = cos(rpy[0] / 2), sr = sin(rpy[0] / 2), cp = cos(rpy[1] / 2);
            double sp = sin(rpy[1] / 2), cy = cos(rpy[2] / 2), sy = sin(rpy[2] / 2);
            double q[4] = {cr * cp * cy + sr * sp * sy, sr * cp * cy - cr * sp * sy,
                           cr * sp * cy + sr * cp * sy, cr * cp * sy - sr * sp * cy};
            double norm = sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
            if (synth_rng_uniform(r) < 0.03) flipped ^= 1;
            for (int a = 0; a < 4; a++) y[a] = (flipped ? -q[a] : q[a]) / norm;
            break;
        }
        case SY_GRIPPER:
            y[0] = gripper_closed(m, t);
            break;
        case SY_CAMERA:
            for (int c = 0; c < D; c++) {
                double s = m->cam_a[c][0] * sin(TWO_PI * m->cam_f[c][0] * t + m->cam_p[c][0]) +
                           m->cam_a[c][1] * sin(TWO_PI * m->cam_f[c][1] * t + m->cam_p[c][1]);
                y[c] = tanh(s) + 0.01 * synth_rng_normal(r);
            }
            break;
        }
    }
}
