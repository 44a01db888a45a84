/* rc_reader.h — reads input files in the layouts of docs/SPEC.md §5 (robocache-raw, robomimic,
 * aloha, robosuite; docs/LAYOUTS.md): lists the input files, opens one, finds the streams of an
 * episode in the file, and loads one episode's streams, checked, with timestamps converted once
 * to int64 ns and data converted to float32.  Every error names the file, the episode, the HDF5
 * path and what was expected (RC_E_INPUT for bad data, RC_E_IO otherwise). */
#ifndef RC_READER_H
#define RC_READER_H

#include <stddef.h>
#include <stdint.h>

#include "common/rc_common.h"
#include "spec/rc_spec.h"

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
 * matches the fnmatch pattern ("": ends in .h5, .hdf5 or .hdf), sorted bytewise by path.  *files is an array of n strings the
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
/* Bytes that episode i's datasets take in the file (their storage sizes, summed over the
 * episode's group and below): what the partition of a sharded run balances.  0 when the group
 * cannot be opened (reading the episode will say why). */
uint64_t rc_reader_episode_stored_bytes(const rc_reader *r, int64_t i);
/* The episodes of input files as rc_reader_open_layout lists them, with their stored bytes when
 * with_bytes (else 0), found in a reader process (rc_common.h, rc_isolate; one for all the files of a lister,
 * replaced after a crash): a crash of the HDF5 library on a file is RC_E_INPUT naming it, as is
 * an open that fails.  layout and filter_key must outlive the lister. */
typedef struct rc_file_episodes {
    int64_t n;
    char **ids;
    uint64_t *bytes;
} rc_file_episodes;
typedef struct rc_reader_lister rc_reader_lister;
rc_status rc_reader_lister_open(const rc_layout *layout, double rate_hz, const char *filter_key, int with_bytes,
                                rc_reader_lister **out, rc_err *err);
rc_status rc_reader_list_episodes(rc_reader_lister *l, const char *file, rc_file_episodes *out, rc_err *err);
void rc_reader_lister_close(rc_reader_lister *l);
void rc_file_episodes_free(rc_file_episodes *e);
/* Reads episode i's streams named in names[n_names] (each must be a stream the episode holds:
 * found in the file as reader_discover.c says, merged with what layout knows of it; a name the
 * episode lacks is RC_E_INPUT listing the streams it has), checks them (dtype numeric, shapes,
 * kind and columns as layout says where it does, timestamps strictly increasing and finite,
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
/* The streams episode i holds (discovered in the file, merged with what layout knows of them)
 * into *out, with out->from naming the file and out->from_episode the episode. */
rc_status rc_reader_discover(rc_reader *r, int64_t i, const rc_layout *layout, rc_layout *out, rc_err *err);
void rc_episode_free(rc_episode *ep);
/* Turns HDF5's own error printing off for the calling thread only (the thread-safe HDF5 keeps
 * it per thread), for a thread that reads inputs and reports failures through rc_err; the
 * CLI turns it off for its main thread at its start. */
void rc_reader_thread_quiet(void);
/* The spec loader's look at the input (an rc_spec_discover_fn): table (the spec's layout) becomes
 * the streams of the first episode of the first input file that opens.  0 when there is none,
 * why saying why. */
int rc_input_discover(const rc_spec *spec, rc_layout *table, char *why, size_t n);
/* As rc_input_discover for `run` and `scan`: a stream the first file lacks is no spec error (2),
 * the episodes are read and every one that lacks it is reported as bad input. */
int rc_input_discover_run(const rc_spec *spec, rc_layout *table, char *why, size_t n);
void rc_reader_close(rc_reader *r);

/* Threads this process may use to decode one large compressed chunked dataset (1, the default:
 * the reading thread alone; at most RC_READER_MAX_DECODE_THREADS); a reader process gets its
 * share of the machine's cores. */
#define RC_READER_MAX_DECODE_THREADS 16
void rc_reader_set_decode_threads(int n);

/* How this process's dataset reads went since it started: reads and bytes (in memory) per path,
 * [0] the direct path (pread and our own filter decoding), the others H5Dread for the reason
 * rc_reader_path_name gives ("type", "filter", ...). */
#define RC_READ_PATHS 9
void rc_reader_path_counts(uint64_t reads[RC_READ_PATHS], uint64_t bytes[RC_READ_PATHS]);
const char *rc_reader_path_name(int path);

/* The stream called name in ep, or NULL. */
const rc_stream_data *rc_episode_stream(const rc_episode *ep, const char *name);

#endif
