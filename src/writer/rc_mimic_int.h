/* rc_mimic_int.h — the robomimic layout of a shard (output.format: robomimic, docs/FORMAT.md):
 * where each logical dataset of an episode (the path it has in a robocache shard, e.g.
 * "observation/data") lives inside /data/demo_N, and back.  The writer, the reader and the
 * feature list share these, so digests, verify, resume and stats see the same logical
 * content in both layouts. */
#ifndef RC_MIMIC_INT_H
#define RC_MIMIC_INT_H

#include <hdf5.h>
#include <stddef.h>

/* Root attribute naming a shard's layout; absent in robocache-layout shards. */
#define RC_MIMIC_FORMAT_ATTR "output_format"
/* Demo-group attribute holding the episode's id. */
#define RC_MIMIC_ID_ATTR "episode_id"

/* Logical path -> path below the demo group: "<out>/data" -> "obs/<out>", any other
 * "<out>[/...]" -> "robocache/<out>[/...]".  -1 when buf is too small. */
int rc_mimic_physical(const char *logical, char *buf, size_t n);
/* Path below the demo group -> logical path; 0 for a dataset that is no logical dataset
 * (actions, next_obs/...: copies derived from obs), 1 when buf holds one, -1 when too long. */
int rc_mimic_logical(const char *physical, char *buf, size_t n);
/* 1 when the file's root says robomimic layout, 0 otherwise. */
int rc_mimic_is(hid_t fid);
/* Opens the episode group of id: /episodes/<id>, or in the robomimic layout the demo group of
 * /data whose episode_id is id.  Negative when there is none. */
hid_t rc_mimic_open_episode(hid_t fid, const char *id);

#endif
