/* rc_layout.h — an input layout (schemas/layouts/NAME.yaml): which streams an input episode
 * has, whether each is a time series or a point cloud, and its column count.  The spec
 * validator checks stream names against it; the reader checks every episode against it. */
#ifndef RC_LAYOUT_H
#define RC_LAYOUT_H

#include <stdint.h>

#include "common/rc_error.h"

#define RC_LAYOUT_MAX_STREAMS 64

typedef enum rc_stream_kind { RC_STREAM_SERIES = 0, RC_STREAM_CLOUD } rc_stream_kind;

typedef struct rc_layout_stream {
    char name[64];
    rc_stream_kind kind;
    int32_t columns;      /* D of a series, C (>= 3) of a cloud */
    int is_quaternion;    /* 4 columns meant for slerp */
} rc_layout_stream;

typedef struct rc_layout {
    char name[64];
    double rate_hz;       /* layouts without timestamps; 0 when timestamps are stored */
    int32_t n_streams;
    rc_layout_stream streams[RC_LAYOUT_MAX_STREAMS];
} rc_layout;

/* Loads schema_dir/layouts/NAME.yaml into *out.  RC_E_SPEC when NAME is unknown (message lists
 * the known layouts), RC_E_IO when the file cannot be read. */
rc_status rc_layout_load(const char *schema_dir, const char *name, rc_layout *out, rc_err *err);
/* The stream called name, or NULL. */
const rc_layout_stream *rc_layout_find(const rc_layout *l, const char *name);

#endif
