/* rc_layout.h — an input layout (schemas/layouts/NAME.yaml, or a file named by path): the file
 * format the reader uses, where timestamps come from, and what cannot be read from the file
 * itself: the quaternion order, fixed column counts or other paths of known streams.  Which
 * streams an episode has, their kinds and widths, are discovered in the file
 * (src/reader/reader_discover.c), and a discovered table of the same type describes them.  The
 * spec validator checks stream names against the table of the first input file; the reader
 * checks every episode against it (docs/LAYOUTS.md). */
#ifndef RC_LAYOUT_H
#define RC_LAYOUT_H

#include <stdint.h>

#include "common/rc_error.h"

#define RC_LAYOUT_MAX_STREAMS 128

/* series [S, D]; cloud: points [P, C] in frames; image: uint8 [S, H, W, C] frames (C = columns). */
/* RC_STREAM_UNKNOWN: a layout entry that leaves the kind to the file's contents. */
typedef enum rc_stream_kind { RC_STREAM_SERIES = 0, RC_STREAM_CLOUD, RC_STREAM_IMAGE, RC_STREAM_UNKNOWN } rc_stream_kind;

/* How the reader finds episodes and timestamps (layout key `format`). */
typedef enum rc_layout_format {
    RC_FORMAT_RAW = 0,    /* robocache-raw: /episodes/<id>/<stream>/{data,t} (the default) */
    RC_FORMAT_ROBOMIMIC,  /* /data/demo_N/<path>; times from rate_hz; /mask/<key> filters */
    RC_FORMAT_ALOHA,      /* one episode per file, /<path>; times from rate_hz */
    RC_FORMAT_ROBOSUITE   /* /data/demo_N/<path>; times from column time_column of time_from */
} rc_layout_format;

/* A quaternion's column order as the layout declares it (key `quaternion`). */
typedef enum rc_layout_quat { RC_LQ_NONE = 0, RC_LQ_ANY, RC_LQ_WXYZ, RC_LQ_XYZW } rc_layout_quat;

typedef struct rc_layout_stream {
    char name[64];
    rc_stream_kind kind;
    int32_t columns;      /* D of a series, C (>= 3) of a cloud, channels of an image; 0 = any */
    int is_quaternion;    /* 4 columns meant for slerp */
    rc_layout_quat quat;  /* RC_LQ_ANY: order given by the spec (`quaternion: true`) */
    char path[128];       /* HDF5 path below the episode group; default: the stream name */
    int path_given;       /* the layout names the path (else discovery finds it) */
    int32_t width;        /* columns found in the file looked in (discovered tables); 0 = not looked */
} rc_layout_stream;

typedef struct rc_layout {
    char name[64];
    rc_layout_format format;
    double rate_hz;       /* layouts without timestamps; 0 when timestamps are stored */
    char time_from[64];   /* robosuite format: the stream whose column time_column is time (s) */
    int32_t time_column;
    int32_t n_streams;
    rc_layout_stream streams[RC_LAYOUT_MAX_STREAMS];
    char from[1024];      /* a discovered table: the file looked in ("" for a layout file) */
    char from_episode[256]; /*                     and the episode */
} rc_layout;

/* The schemas/ folder of the shipped layouts (the installed one, or the source tree's before
 * installation), tried after schema_dir: a schema_dir given for testing (RC_SCHEMA_DIR) hides
 * no built-in layout.  Set once at start-up; NULL or "" for none. */
void rc_layout_set_builtin_dir(const char *schema_dir);
/* Loads schema_dir/layouts/NAME.yaml (else the built-in folder's) into *out.  RC_E_SPEC when NAME is unknown (message lists
 * the known layouts), RC_E_IO when the file cannot be read. */
rc_status rc_layout_load(const char *schema_dir, const char *name, rc_layout *out, rc_err *err);
/* Reads the layout file at path into *out; its `name` key, when given, must be expect_name. */
rc_status rc_layout_load_file(const char *path, const char *expect_name, rc_layout *out, rc_err *err);
/* input.layout as a spec gives it: a built-in NAME (schema_dir/layouts/NAME.yaml), or a path to a
 * layout file (it holds a '/' or ends in .yaml), relative to base_dir when not absolute. */
rc_status rc_layout_open(const char *schema_dir, const char *base_dir, const char *value, rc_layout *out,
                         rc_err *err);
/* 1 when input.layout's value names a file rather than a built-in layout. */
int rc_layout_is_path(const char *value);
/* The stream called name, or NULL. */
const rc_layout_stream *rc_layout_find(const rc_layout *l, const char *name);

#endif
