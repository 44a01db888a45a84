/* raw_layout.h — the robocache-raw layout (docs/INPUT.md) typed in by hand for the reader tests,
 * so they do not depend on the YAML layout loader. */
#ifndef RC_TEST_RAW_LAYOUT_H
#define RC_TEST_RAW_LAYOUT_H

#include <stdio.h>
#include <string.h>

#include "spec/rc_spec.h"

static const char *const raw_stream_names[] = {"joint_pos", "joint_vel", "imu", "base_quat", "gripper",
                                               "camera_features", "action", "lidar"};
static const int raw_stream_columns[] = {7, 7, 6, 4, 1, 32, 7, 4};
#define RAW_N_STREAMS 8

static inline void raw_layout(rc_layout *l)
{
    memset(l, 0, sizeof *l);
    snprintf(l->name, sizeof l->name, "robocache-raw");
    l->n_streams = RAW_N_STREAMS;
    for (int i = 0; i < RAW_N_STREAMS; i++) {
        snprintf(l->streams[i].name, sizeof l->streams[i].name, "%s", raw_stream_names[i]);
        l->streams[i].kind = i == RAW_N_STREAMS - 1 ? RC_STREAM_CLOUD : RC_STREAM_SERIES;
        l->streams[i].columns = raw_stream_columns[i];
        l->streams[i].is_quaternion = !strcmp(raw_stream_names[i], "base_quat");
    }
}

#endif
