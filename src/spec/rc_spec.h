/* rc_spec.h — the public header of src/spec: the validated pipeline spec and its loader, the
 * input layouts, the kinds the ops take and byte sizes as a spec writes them. */
#ifndef RC_SPEC_H
#define RC_SPEC_H

#include <stdint.h>
#include <stddef.h>

#include "common/rc_common.h"

/* rc_kinds — the kinds a spec names and the ops take: resample methods, quaternion order,
 * output dtype, voxel mode, image interpolation.  Plain C enums with no dependency, so the CUDA kernels (nvcc) see
 * them through ops/rc_ops.h as the CPU code does. */
typedef enum rc_method {
    RC_METHOD_LINEAR = 0,
    RC_METHOD_NEAREST,
    RC_METHOD_PREVIOUS,
    RC_METHOD_SLERP,
    RC_METHOD_WINDOW
} rc_method;

typedef enum rc_quat_order { RC_QUAT_WXYZ = 0, RC_QUAT_XYZW } rc_quat_order;
typedef enum rc_dtype { RC_DTYPE_F32 = 0, RC_DTYPE_F16, RC_DTYPE_BF16 } rc_dtype;
typedef enum rc_interp { RC_INTERP_AREA = 0, RC_INTERP_BILINEAR } rc_interp; /* image resize */
typedef enum rc_vox_mode { RC_VOX_OCCUPANCY = 0, RC_VOX_COUNT, RC_VOX_MEAN, RC_VOX_POINTS } rc_vox_mode;

/* output.format: the layout of the shards on disk. */
typedef enum rc_out_format { RC_OUT_ROBOCACHE = 0, RC_OUT_ROBOMIMIC, RC_OUT_ZARR } rc_out_format;

/* Bytes of one element of the fused output. */
static inline int rc_dtype_size(rc_dtype d) { return d == RC_DTYPE_F32 ? 4 : 2; }

/* rc_layout — an input layout (schemas/layouts/NAME.yaml, or a file named by path): the file
 * format the reader uses, where timestamps come from, and what cannot be read from the file
 * itself: the quaternion order, fixed column counts or other paths of known streams.  Which
 * streams an episode has, their kinds and widths, are discovered in the file
 * (src/reader/reader_discover.c), and a discovered table of the same type describes them.  The
 * spec validator checks stream names against the table of the first input file; the reader
 * checks every episode against it (docs/LAYOUTS.md). */
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

/* Every schema_dir below is one schemas/ folder, or several separated by ':' (as PATH): the
 * first holds pipeline.schema.yaml, and layouts are looked up in each in turn (the CLI passes
 * $RC_SCHEMA_DIR then the shipped folder, so a folder given for testing hides no built-in
 * layout). */
/* Loads DIR/layouts/NAME.yaml from the first folder DIR of schema_dir that has it into *out.
 * RC_E_SPEC when NAME is unknown (message lists the known layouts), RC_E_IO when the file
 * cannot be read. */
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

/* rc_size — byte sizes as a spec writes them: "4096" (bytes), "512MiB", "2GB". */

/* Parses s: decimal digits, then optionally one space and a unit: kB MB GB TB (powers of 1000)
 * or KiB MiB GiB TiB (powers of 1024); no unit means bytes.  Returns 0 and sets *out, or -1 with
 * `why` saying what was expected and what was found (unknown unit, no digits, fraction,
 * overflow past 2^64-1). */
int rc_size_parse(const char *s, uint64_t *out, char *why, size_t why_n);

/* rc_spec — the validated pipeline spec (docs/SPEC.md §3) as plain structs, and the loader
 * that builds it from YAML.  Everything a run needs to know before reading data is here;
 * rc_spec.c checks it against schemas/pipeline.schema.yaml and the input layout. */
#define RC_NAME_MAX 64     /* stream, stage and output names */
#define RC_PATH_MAX 1024
#define RC_MAX_STAGES 32
#define RC_MAX_FUSE_STREAMS 32

typedef enum rc_stage_kind { RC_STAGE_FUSE, RC_STAGE_RESAMPLE, RC_STAGE_VOXELIZE, RC_STAGE_IMAGE } rc_stage_kind;
typedef enum rc_image_encoding { RC_IMAGE_RAW = 0, RC_IMAGE_JPEG } rc_image_encoding;
typedef enum rc_span { RC_SPAN_INTERSECTION, RC_SPAN_UNION, RC_SPAN_STREAM } rc_span;
typedef enum rc_on_error { RC_ON_ERROR_FAIL, RC_ON_ERROR_SKIP } rc_on_error;

/* One stream as a fuse or resample stage uses it. */
typedef struct rc_spec_stream {
    char name[RC_NAME_MAX];
    rc_method method;
    rc_quat_order quat_order; /* slerp only; default wxyz */
    int32_t window;           /* method window only: N samples */
    int64_t offset_ns;        /* offset_ms, exactly, in ns: added to the stream's times before resampling */
} rc_spec_stream;

typedef struct rc_spec_stage {
    rc_stage_kind kind;
    char name[RC_NAME_MAX];   /* output group name under /episodes/<id>/ */
    /* fuse and resample (resample: exactly one stream) */
    rc_dtype dtype;           /* default float32 */
    double max_gap_ms;        /* fuse; 0 = no gap check */
    int32_t n_streams;
    rc_spec_stream streams[RC_MAX_FUSE_STREAMS];
    int image;                /* carries an image stream: an image stage, or a resample (method nearest) */
    /* voxelize */
    char cloud[RC_NAME_MAX];  /* the point-cloud stream */
    int32_t cloud_columns;    /* its C, from the input layout */
    double range[3][2];       /* metres, [axis][min,max] as written in the spec */
    double voxel_size[3];
    rc_vox_mode mode;
    int sparse;               /* layout: 0 dense, 1 sparse */
    int32_t max_points_per_voxel;
    int32_t max_voxels;
    /* image: streams[0] is the camera stream (method nearest or previous), max_gap_ms as fuse */
    int has_crop;             /* crop given: crop = y, x, h, w (h, w >= 1); else the whole frame */
    int32_t crop[4];
    int has_resize;           /* resize given: resize = H, W; else the (cropped) size */
    int32_t resize[2];
    rc_interp interp;         /* default area */
    rc_image_encoding encoding; /* default raw */
    int32_t quality;          /* jpeg: 1..100, default 90 */
    int32_t image_channels;   /* C of the stream from the layout; 0 = any */
} rc_spec_stage;

typedef struct rc_spec {
    char path[RC_PATH_MAX];   /* the spec file as given */
    char *text;               /* the spec file's bytes (owned), written to /meta/pipeline */
    uint8_t sha256[32];       /* of text */
    int version;

    char input_dir[RC_PATH_MAX];  /* as resolved: relative paths are relative to the spec's folder */
    char input_pattern[256];      /* "" = the default: *.h5, *.hdf5 and *.hdf */
    char layout[256];             /* a built-in layout's name or a layout file's path; default robocache-raw */
    rc_layout *input_layout;      /* the layout's streams, from the first input file when one was at hand (owned) */
    char deferred[1024];          /* why stream checks waited for the run ("" when the input was read) */
    double layout_rate_hz;        /* input.rate_hz for layouts without timestamps; 0 = layout default */
    char filter_key[RC_NAME_MAX]; /* input.filter_key: robomimic /mask/<key>; "" = every demo */

    char output_dir[RC_PATH_MAX];
    uint64_t shard_max_bytes;     /* 0 = not set */
    int64_t shard_max_episodes;   /* 0 = not set */
    int zstd_level;               /* default 3 */
    rc_out_format out_format;     /* output.format; default robocache */
    char actions[RC_NAME_MAX];    /* output.actions: the output written as robomimic's actions; "" = none */
    double val_fraction;          /* default 0 */
    uint64_t split_seed;          /* default 0 */

    rc_on_error on_error;         /* default fail */
    double rate_hz;
    rc_span span;                 /* default intersection */
    char span_stream[RC_NAME_MAX];/* span: stream: NAME */

    int32_t n_stages;
    rc_spec_stage stages[RC_MAX_STAGES];
    int stats;                    /* default 0 */
    uint64_t memory;              /* limits.memory: the memory budget; 0 = not set */
    int stats_exact;              /* stats: {quantiles: exact}; default 0 (the sketch) */
} rc_spec;

/* Reads, parses and validates the spec at `path` ("-": standard input, named <stdin> in errors,
 * relative paths taken from the current folder) and the layout it names (from
 * `schema_dir`/layouts/).  On success *out is a new spec the caller frees with rc_spec_free.
 * On failure returns RC_E_SPEC (or RC_E_IO if the file cannot be read) and err holds the FIRST
 * error; every error found is also passed to rc_log at RC_LOG_ERROR, one line each, so a user
 * sees all of them in one run. *n_errors (if not NULL) receives how many were found. */
rc_status rc_spec_load(const char *path, const char *schema_dir, rc_spec **out, int *n_errors,
                       rc_err *err);
/* A look at the input for the stream checks (rc_input_discover in src/reader): replaces *table
 * (the layout) by the streams of the first input file and returns 1 (or 2: a stream that file
 * lacks is left to the run, which reports each episode without it), or returns 0 with why[n]
 * saying why there is no input at hand. */
typedef int (*rc_spec_discover_fn)(const rc_spec *spec, rc_layout *table, char *why, size_t n);
/* rc_spec_load, with stream names, kinds and widths checked against what discover finds;
 * input_dir (not NULL) replaces the spec's input.dir (run --input). */
rc_status rc_spec_load_input(const char *path, const char *schema_dir, const char *input_dir,
                             rc_spec_discover_fn discover, rc_spec **out, int *n_errors, rc_err *err);
/* The offset (ns) the spec gives stream name (every use of a stream has the same one). */
int64_t rc_spec_stream_offset(const rc_spec *spec, const char *name);
/* offset_ms text ("-12.5", "3", "1e-3") to int64 ns exactly, |ms| <= RC_OFFSET_MS_MAX;
 * 0 on success, -1 when not a number of whole nanoseconds in range. */
#define RC_OFFSET_MS_MAX 86400000
int rc_offset_ms_parse(const char *text, int64_t *ns);
void rc_spec_free(rc_spec *spec);
/* Makes the spec's limits.memory the process's memory budget, unless --memory set one. */
void rc_spec_apply_memory(const rc_spec *spec);

/* Bytes one frame of this voxelize stage takes in memory: a dense grid n_x*n_y*n_z (n_a =
 * round((max_a - min_a) / size_a)) times 1 (occupancy), 4 (count) or 4*C (mean); mode points: its
 * fixed buffers, max_voxels * (max_points_per_voxel * C * 4 + 16).  Saturates at UINT64_MAX. */
uint64_t rc_spec_dense_frame_bytes(const rc_spec_stage *st);

/* The split of an episode (rc_split.c): "val" when the first 8 bytes of SHA-256(seed as 8
 * little-endian bytes || id), read as a little-endian uint64 and divided by 2^64, are
 * < val_fraction; else "train". */
const char *rc_split_of(const char *episode_id, uint64_t seed, double val_fraction);
/* That value in [0, 1): the first 8 bytes of SHA-256(seed || id), little-endian, / 2^64. */
double rc_split_value(const char *episode_id, uint64_t seed);

#endif
