/* rc_reader.h — reads input files in the layouts of SPEC section 5 (robocache-raw, robomimic,
 * aloha, robosuite; docs/LAYOUTS.md): lists the input files, opens one, and loads one episode's
 * streams, checked against the layout, with timestamps converted once to int64 ns and data
 * converted to float32.  Every error names the file, the
 * episode, the HDF5 path and what was expected (RC_E_INPUT for bad data, RC_E_IO otherwise). */
#ifndef RC_READER_H
#define RC_READER_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_error.h"
#include "spec/rc_layout.h"

/* One stream of one episode, owned by the rc_episode. */
typedef struct rc_stream_data {
    char name[64];
    rc_stream_kind kind;
    int64_t S;          /* samples (series) or frames (cloud) */
    int32_t D;          /* columns: D of a series, C of a cloud, channels of an image */
    int64_t *t_ns;      /* [S] strictly increasing */
    float *x;           /* series: [S, D]; cloud: points [P, C] */
    int64_t P;          /* cloud: total points */
    int64_t *offsets;   /* cloud: [S + 1], offsets[0] = 0, offsets[S] = P, non-decreasing */
    uint8_t *u8;        /* image: frames [S, H, W, D] as stored (uint8); x is NULL */
    int32_t H, W;       /* image: frame height and width */
    uint64_t bytes_read;/* bytes of the stored datasets (for the report) */
    char **col_names;   /* series and cloud: [D] names from the input's `names` attribute, or NULL */
} rc_stream_data;

typedef struct rc_episode {
    char file[1024];    /* the input shard */
    char id[256];       /* the episode group name under /episodes */
    char group[512];    /* "/episodes/<id>", "/data/<id>"; "/" when the file is the episode (aloha) */
    int32_t n_streams;
    rc_stream_data *streams; /* [n_streams], in the order requested */
} rc_episode;

/* Finds the files under dir (recursively, following no symlinked folders) whose base name
 * matches the fnmatch pattern, sorted bytewise by path.  *files is an array of n strings the
 * caller frees with rc_input_list_free.  No match is RC_E_INPUT naming dir and pattern. */
rc_status rc_input_list(const char *dir, const char *pattern, char ***files, size_t *n, rc_err *err);
void rc_input_list_free(char **files, size_t n);

typedef struct rc_reader rc_reader;

/* Opens a robocache-raw input shard and lists its episodes (sorted bytewise by id). */
rc_status rc_reader_open(const char *file, rc_reader **out, rc_err *err);
/* Opens an input file in the format of layout (NULL: robocache-raw) and lists its episodes:
 * robomimic and robosuite: the groups under /data in numeric order (demo_9 before demo_10);
 * aloha: one, named after the file without folder and extension.  rate_hz > 0 replaces the
 * layout's rate (spec input.rate_hz); filter_key (robomimic, spec input.filter_key; NULL or ""
 * for none) keeps the demos listed in /mask/<filter_key>.  read_episode must get the same layout. */
rc_status rc_reader_open_layout(const char *file, const rc_layout *layout, double rate_hz,
                                const char *filter_key, rc_reader **out, rc_err *err);
int64_t rc_reader_n_episodes(const rc_reader *r);
const char *rc_reader_episode_id(const rc_reader *r, int64_t i);
/* Reads episode i's streams named in names[n_names] (each must be in the layout), checks them
 * (dtype numeric, shapes, columns as the layout says, timestamps strictly increasing and finite,
 * units attribute known, data finite, non-empty, cloud offsets covering the points) and fills
 * *out (free with rc_episode_free).  On error *out is left empty. */
rc_status rc_reader_read_episode(rc_reader *r, int64_t i, const rc_layout *layout,
                                 const char *const *names, int n_names, rc_episode *out,
                                 rc_err *err);
/* As rc_reader_read_episode with every check but one: timestamps are returned in stored order,
 * duplicates and decreases included, so `scan` can count and locate them (t_ns is then not
 * strictly increasing: never pass such an episode to the ops). */
rc_status rc_reader_read_episode_unordered(rc_reader *r, int64_t i, const rc_layout *layout,
                                           const char *const *names, int n_names, rc_episode *out,
                                           rc_err *err);
void rc_episode_free(rc_episode *ep);
void rc_reader_close(rc_reader *r);

/* The stream called name in ep, or NULL. */
const rc_stream_data *rc_episode_stream(const rc_episode *ep, const char *name);

#endif
