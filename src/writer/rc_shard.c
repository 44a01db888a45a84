/* rc_shard.c — writes one output shard (docs/SPEC.md §6): root attributes, /meta/pipeline, and per
 * episode zstd-chunked datasets written chunk by chunk with H5Dwrite_chunk, then fsync and
 * rename, so a shard exists whole or not at all.  Layout and digest: docs/FORMAT.md.  Which
 * episodes go into which shard is the pipeline's decision. */
#include "config.h"
#include "writer/rc_writer.h"

#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/rc_common.h"
#include "compress/rc_compress.h"
#include "writer/rc_digest_int.h"
#include "writer/rc_durable_int.h"
#include "writer/rc_h5_int.h"
#include "writer/rc_mimic_int.h"
#include "writer/rc_zarr_int.h"

/* Target uncompressed chunk size: rows per chunk = max(1, RC_CHUNK_TARGET_BYTES / row bytes),
 * at most the dataset's rows.  1 MiB keeps zstd's ratio near its large-input value and one
 * chunk's round trip (read, decode) cheap for random access by a data loader. */
#define RC_CHUNK_TARGET_BYTES (1u << 20)
/* HDF5 stores chunk sizes in 32 bits. */
#define RC_CHUNK_MAX_BYTES 0xFFFFFFFFull

struct rc_shard {
    char *final_path;
    char *tmp_path;
    int level;          /* zstd level, cd_values[0] of every dataset */
    hid_t fid;
    hid_t gcpl;         /* groups: no time stamps, no creation order */
    hid_t episodes;     /* /episodes */
    hid_t ep;           /* the open episode's group, or -1 */
    char *ep_id;        /* its id, NULL between episodes */
    rc_ds_digest *ds;   /* [n_ds] datasets put into the open episode */
    size_t n_ds, cap_ds;
    uint64_t bytes;     /* compressed chunk bytes written so far */
    /* robomimic layout (mimic = 1): /data holds demo_N groups (sh->episodes), N counting from 0 */
    int mimic;
    char *actions;      /* the output copied to "actions"; NULL = none */
    int64_t n_demos, total_steps;
    char *split;        /* [n_demos] 't' or 'v' */
    rc_zarr *zarr;      /* zarr layout: the store takes the datasets; no HDF5 file */
};

/* Fails with the innermost HDF5 message appended: "<what> failed: <HDF5's reason>". */
#define H5_FAIL_IF(cond, err, ...)                                                      \
    do {                                                                                \
        if (cond) {                                                                     \
            char h5msg_[512], what_[512];                                               \
            rc_h5_error_text(h5msg_, sizeof h5msg_);                                    \
            snprintf(what_, sizeof what_, __VA_ARGS__);                                 \
            RC_FAIL_IF(1, err, RC_E_IO, "%s failed%s%s", what_, h5msg_[0] ? ": " : "",  \
                       h5msg_);                                                         \
        }                                                                               \
    } while (0)

static void free_digests(rc_shard *sh)
{
    for (size_t i = 0; i < sh->n_ds; i++) rc_free(sh->ds[i].rel_path);
    sh->n_ds = 0;
}

/* Closes every HDF5 id; returns -1 if any close failed. */
static int close_ids(rc_shard *sh)
{
    int rc = 0;
    if (sh->ep >= 0 && H5Gclose(sh->ep) < 0) rc = -1;
    if (sh->episodes >= 0 && H5Gclose(sh->episodes) < 0) rc = -1;
    if (sh->gcpl >= 0 && H5Pclose(sh->gcpl) < 0) rc = -1;
    if (sh->fid >= 0 && H5Fclose(sh->fid) < 0) rc = -1;
    sh->ep = sh->episodes = sh->gcpl = sh->fid = -1;
    return rc;
}

static void shard_free(rc_shard *sh)
{
    free_digests(sh);
    rc_free(sh->ds);
    rc_free(sh->ep_id);
    rc_free(sh->actions);
    rc_free(sh->split);
    rc_free(sh->tmp_path);
    rc_free(sh->final_path);
    rc_free(sh);
}

static hid_t new_group(rc_shard *sh, hid_t parent, const char *name)
{
    return H5Gcreate2(parent, name, H5P_DEFAULT, sh->gcpl, H5P_DEFAULT);
}

/* /meta/pipeline: the spec text as one scalar fixed-length string (no global heap). */
static rc_status write_pipeline_text(rc_shard *sh, const char *text, rc_err *err)
{
    rc_status st = RC_OK;
    size_t len = strlen(text);
    hid_t meta = -1, t = -1, space = -1, dcpl = -1, ds = -1;
    rc_err_scope(err, sh->final_path, NULL, "/meta/pipeline");
    meta = new_group(sh, sh->fid, "meta");
    H5_FAIL_IF(meta < 0, err, "creating group /meta");
    t = H5Tcopy(H5T_C_S1);
    H5_FAIL_IF(t < 0 || H5Tset_size(t, len ? len : 1) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 ||
                   H5Tset_cset(t, H5T_CSET_UTF8) < 0,
               err, "making a %zu-byte string type", len);
    space = H5Screate(H5S_SCALAR);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5_FAIL_IF(space < 0 || dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0, err, "dataset properties");
    ds = H5Dcreate2(meta, "pipeline", t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5_FAIL_IF(ds < 0, err, "creating the dataset");
    H5_FAIL_IF(H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, len ? text : "") < 0, err,
               "writing %zu bytes of spec text", len);
done:
    if (ds >= 0) H5Dclose(ds);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (t >= 0) H5Tclose(t);
    if (meta >= 0) H5Gclose(meta);
    return st;
}

static rc_status write_root(rc_shard *sh, const rc_shard_info *info, rc_err *err)
{
    rc_status st = RC_OK;
    rc_err_scope(err, sh->final_path, NULL, "/");
    H5_FAIL_IF(rc_h5_attr_write_str(sh->fid, "format", "robocache-shard") < 0 ||
                   rc_h5_attr_write_i64(sh->fid, "format_version", 1) < 0 ||
                   rc_h5_attr_write_str(sh->fid, "tool_version", info->tool_version) < 0 ||
                   rc_h5_attr_write_str(sh->fid, "spec_sha256", info->spec_sha256_hex) < 0 ||
                   rc_h5_attr_write_str(sh->fid, "backend", info->backend) < 0 ||
                   rc_h5_attr_write_str(sh->fid, "created_from", info->created_from_hex) < 0 ||
                   (sh->mimic && rc_h5_attr_write_str(sh->fid, RC_MIMIC_FORMAT_ATTR, "robomimic") < 0),
               err, "writing the root attributes");
    RC_TRY(write_pipeline_text(sh, info->spec_text, err));
    const char *top = sh->mimic ? "data" : "episodes";
    rc_err_scope(err, sh->final_path, NULL, "/%s", top);
    sh->episodes = new_group(sh, sh->fid, top);
    H5_FAIL_IF(sh->episodes < 0, err, "creating group /%s", top);
done:
    return st;
}

rc_status rc_shard_create(const char *final_path, const rc_shard_info *info, rc_shard **out,
                          rc_err *err)
{
    rc_status st = RC_OK;
    rc_shard *sh = rc_calloc(1, sizeof *sh);
    hid_t fcpl = -1, fapl = -1;
    const uint16_t one = 1;
    *out = NULL;
    rc_err_scope(err, final_path, NULL, NULL);
    RC_FAIL_IF(!sh, err, RC_E_NOMEM, "out of memory creating a shard writer");
    sh->fid = sh->gcpl = sh->episodes = sh->ep = -1;
    RC_FAIL_IF(!info->tool_version || !info->spec_sha256_hex || !info->backend || !info->created_from_hex ||
                   !info->spec_text,
               err, RC_E_INTERNAL, "expected every string of rc_shard_info, found a NULL");
    if (info->format == RC_OUT_ZARR) {
        sh->final_path = rc_strdup(final_path);
        RC_FAIL_IF(!sh->final_path, err, RC_E_NOMEM, "out of memory creating a shard writer");
        RC_TRY(rc_zarr_create(final_path, info, &sh->zarr, err));
        *out = sh;
        sh = NULL;
        goto done;
    }
    sh->level = info->zstd_level;
    sh->mimic = info->format == RC_OUT_ROBOMIMIC;
    if (sh->mimic && info->actions && info->actions[0])
        RC_FAIL_IF(!(sh->actions = rc_strdup(info->actions)), err, RC_E_NOMEM, "out of memory");
    /* Files are little-endian by construction (H5T_*LE types, raw chunk bytes from memory). */
    RC_FAIL_IF(*(const uint8_t *)&one != 1, err, RC_E_INTERNAL,
               "expected a little-endian host, found a big-endian one");
    sh->final_path = rc_strdup(final_path);
    size_t n = strlen(final_path) + 32;
    sh->tmp_path = rc_malloc(n);
    RC_FAIL_IF(!sh->final_path || !sh->tmp_path, err, RC_E_NOMEM, "out of memory creating a shard writer");
    snprintf(sh->tmp_path, n, "%s.tmp.%ld", final_path, (long)getpid());

    RC_TRY(rc_zstd_filter_register(err));
    fcpl = H5Pcreate(H5P_FILE_CREATE);
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    sh->gcpl = H5Pcreate(H5P_GROUP_CREATE);
    /* Fixed format versions (readable by HDF5 1.8 and later) and no time stamps: the bytes of
     * the file then depend on its content alone. */
    H5_FAIL_IF(fcpl < 0 || fapl < 0 || sh->gcpl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0 ||
                   H5Pset_obj_track_times(sh->gcpl, 0) < 0 ||
                   H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) < 0 ||
                   H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0,
               err, "setting file properties");
    sh->fid = H5Fcreate(sh->tmp_path, H5F_ACC_TRUNC, fcpl, fapl);
    H5_FAIL_IF(sh->fid < 0, err, "creating temporary file %s", sh->tmp_path);
    RC_TRY(write_root(sh, info, err));
    *out = sh;
    sh = NULL;
done:
    if (fcpl >= 0) H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
    rc_shard_abort(sh);
    return st;
}

rc_status rc_shard_episode_begin(rc_shard *sh, const char *id, const char *source_file,
                                 const char *source_group, int64_t steps, rc_err *err)
{
    rc_status st = RC_OK;
    rc_err_scope(err, sh->final_path, id, "/episodes/%s", id);
    RC_FAIL_IF(sh->ep_id, err, RC_E_INTERNAL, "expected episode %s to be ended before starting another",
               sh->ep_id);
    RC_FAIL_IF(!source_file || !source_group, err, RC_E_INTERNAL, "expected source_file and source_group, found NULL");
    RC_FAIL_IF(!id[0] || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, ".."), err, RC_E_INTERNAL,
               "expected an episode id without '/', found '%s'", id);
    sh->ep_id = rc_strdup(id);
    RC_FAIL_IF(!sh->ep_id, err, RC_E_NOMEM, "out of memory");
    if (sh->zarr) return rc_zarr_episode_begin(sh->zarr, id, source_file, source_group, steps, err);
    if (sh->mimic) { /* demo_N, with N the episode's place in the shard; the id is an attribute */
        char *p = rc_realloc(sh->split, (size_t)sh->n_demos + 1);
        RC_FAIL_IF(!p, err, RC_E_NOMEM, "out of memory");
        sh->split = p;
        sh->split[sh->n_demos] = 't';
        char demo[32];
        snprintf(demo, sizeof demo, "demo_%lld", (long long)sh->n_demos);
        rc_err_scope(err, sh->final_path, id, "/data/%s", demo);
        sh->ep = new_group(sh, sh->episodes, demo);
    } else {
        sh->ep = new_group(sh, sh->episodes, id);
    }
    H5_FAIL_IF(sh->ep < 0, err, "creating the episode group");
    H5_FAIL_IF(rc_h5_attr_write_str(sh->ep, "source_file", source_file) < 0 ||
                   rc_h5_attr_write_str(sh->ep, "source_group", source_group) < 0 ||
                   rc_h5_attr_write_i64(sh->ep, "steps", steps) < 0 ||
                   (sh->mimic && (rc_h5_attr_write_str(sh->ep, RC_MIMIC_ID_ATTR, id) < 0 ||
                                  rc_h5_attr_write_i64(sh->ep, "num_samples", steps) < 0)),
               err, "writing the episode attributes");
    if (sh->mimic) sh->total_steps += steps;
done:
    return st;
}

rc_status rc_shard_episode_split(rc_shard *sh, const char *split, rc_err *err)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(!sh->ep_id || (strcmp(split, "train") && strcmp(split, "val")), err, RC_E_INTERNAL,
               "expected an open episode and split train or val, found %s", split);
    if (sh->mimic) sh->split[sh->n_demos] = split[0];
done:
    return st;
}

hid_t rc_shard_episode_group(const rc_shard *sh)
{
    return sh->ep_id ? sh->ep : -1;
}

int rc_shard_object_path(const rc_shard *sh, const char *rel_path, char *buf, size_t n)
{
    if (sh->zarr) return 1;
    if (sh->mimic) return rc_mimic_physical(rel_path, buf, n);
    return snprintf(buf, n, "%s", rel_path) < (int)n ? 0 : -1;
}

/* Opens (creating as needed) the groups of rel_path up to its last '/' under the episode;
 * *leaf points at the dataset's own name.  Components are checked: no "", ".", "..". */
static rc_status open_parent(rc_shard *sh, char *rel, hid_t *parent, char **leaf, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t g = H5Gopen2(sh->ep, ".", H5P_DEFAULT);
    char *name = rel;
    H5_FAIL_IF(g < 0, err, "opening the episode group");
    for (;;) {
        char *slash = strchr(name, '/');
        RC_FAIL_IF(name == slash || !name[0] || !strcmp(name, ".") || !strncmp(name, "./", 2) ||
                       !strcmp(name, "..") || !strncmp(name, "../", 3),
                   err, RC_E_INTERNAL, "expected a relative path of non-empty names, found '%s'", rel);
        if (!slash) break;
        *slash = '\0';
        htri_t exists = H5Lexists(g, name, H5P_DEFAULT);
        hid_t next = exists > 0 ? H5Gopen2(g, name, H5P_DEFAULT) : exists == 0 ? new_group(sh, g, name) : -1;
        *slash = '/';
        H5_FAIL_IF(next < 0, err, "opening or creating the groups of '%s'", rel);
        H5Gclose(g);
        g = next;
        name = slash + 1;
    }
    *parent = g;
    *leaf = name;
    g = -1;
done:
    if (g >= 0) H5Gclose(g);
    return st;
}

uint64_t rc_shard_chunk_rows(rc_elem elem, int rank, const uint64_t *dims)
{
    uint64_t row_bytes = (uint64_t)rc_elem_size(elem);
    if (row_bytes == 0 || rank < 1 || rank > RC_SHARD_MAX_RANK) return 0;
    for (int k = 1; k < rank; k++) {
        if (dims[k] == 0 || row_bytes > RC_CHUNK_MAX_BYTES / dims[k]) return 0;
        row_bytes *= dims[k];
    }
    uint64_t rows = row_bytes >= RC_CHUNK_TARGET_BYTES ? 1 : RC_CHUNK_TARGET_BYTES / row_bytes;
    if (rows > dims[0]) rows = dims[0] ? dims[0] : 1;
    return rows;
}

uint64_t rc_shard_chunk_rows_as(rc_elem elem, int rank, const uint64_t *dims, uint64_t rows)
{
    uint64_t rule = rc_shard_chunk_rows(elem, rank, dims);
    return rule && rows >= 1 && rows <= rule ? rows : rule;
}

rc_status rc_shard_compress_chunk(rc_elem elem, int rank, const uint64_t *dims, const void *data,
                                  uint64_t chunk, int level, void **z, size_t *z_n, rc_err *err)
{
    return rc_shard_compress_chunk_as(elem, rank, dims, 0, data, chunk, level, z, z_n, err);
}

rc_status rc_shard_compress_chunk_as(rc_elem elem, int rank, const uint64_t *dims, uint64_t rows_wanted,
                                     const void *data, uint64_t chunk, int level, void **z, size_t *z_n, rc_err *err)
{
    rc_status st = RC_OK;
    uint8_t *pad = NULL;
    uint64_t rows = rc_shard_chunk_rows_as(elem, rank, dims, rows_wanted);
    size_t row_bytes = (size_t)rc_elem_size(elem);
    for (int k = 1; k < rank; k++) row_bytes *= (size_t)dims[k];
    *z = NULL;
    *z_n = 0;
    RC_FAIL_IF(rows == 0 || chunk * rows >= dims[0], err, RC_E_INTERNAL,
               "expected chunk %llu of a dataset of %llu rows in chunks of %llu rows",
               (unsigned long long)chunk, (unsigned long long)dims[0], (unsigned long long)rows);
    size_t chunk_bytes = (size_t)rows * row_bytes;
    uint64_t start = chunk * rows;
    uint64_t n = dims[0] - start < rows ? dims[0] - start : rows;
    const uint8_t *src = (const uint8_t *)data + start * row_bytes;
    /* the last chunk is zero-padded to the full chunk size (HDF5 decodes every chunk to its
     * full shape and clips to the dataset's extent) */
    if (n < rows) {
        pad = rc_calloc(1, chunk_bytes);
        RC_FAIL_IF(!pad, err, RC_E_NOMEM, "out of memory for a %zu-byte chunk", chunk_bytes);
        memcpy(pad, src, (size_t)n * row_bytes);
        src = pad;
    }
    RC_TRY(rc_zstd_compress_chunk(src, chunk_bytes, level, z, z_n, err));
done:
    rc_free(pad);
    return st;
}

void rc_shard_data_sha256(rc_elem elem, int rank, const uint64_t *dims, const void *data,
                          uint8_t out[32])
{
    size_t n = (size_t)rc_elem_size(elem);
    for (int k = 0; k < rank; k++) n *= (size_t)dims[k];
    rc_sha256 c;
    rc_sha256_init(&c);
    rc_sha256_update(&c, data, n);
    rc_sha256_final(&c, out);
}

/* Remembers the dataset's part of the episode digest (rc_digest_int.h). */
static rc_status note_digest(rc_shard *sh, const char *rel_path, rc_elem elem, int rank,
                             const uint64_t *dims, const uint8_t data_sha256[32], rc_err *err)
{
    rc_status st = RC_OK;
    if (sh->n_ds == sh->cap_ds) {
        size_t cap = sh->cap_ds ? 2 * sh->cap_ds : 8;
        rc_ds_digest *p = rc_realloc(sh->ds, cap * sizeof *p);
        RC_FAIL_IF(!p, err, RC_E_NOMEM, "out of memory");
        sh->ds = p;
        sh->cap_ds = cap;
    }
    rc_ds_digest *d = &sh->ds[sh->n_ds];
    memset(d, 0, sizeof *d);
    d->rel_path = rc_strdup(rel_path);
    RC_FAIL_IF(!d->rel_path, err, RC_E_NOMEM, "out of memory");
    d->dtype = rc_elem_name(elem);
    d->rank = rank;
    memcpy(d->dims, dims, (size_t)rank * sizeof *dims);
    memcpy(d->data_sha256, data_sha256, 32);
    sh->n_ds++;
done:
    return st;
}

/* A dataset's creation properties: chunked along axis 0, filter 32015 mandatory, no fill
 * writes, no time stamps. */
static hid_t make_dcpl(const rc_shard *sh, int rank, const uint64_t *dims, uint64_t rows)
{
    hsize_t chunk[RC_SHARD_MAX_RANK];
    unsigned cd[1] = {(unsigned)sh->level};
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    for (int k = 0; k < rank; k++) chunk[k] = k == 0 ? rows : dims[k];
    if (dcpl < 0 || H5Pset_chunk(dcpl, rank, chunk) < 0 ||
        H5Pset_filter(dcpl, RC_H5Z_FILTER_ZSTD, H5Z_FLAG_MANDATORY, 1, cd) < 0 ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0 || H5Pset_obj_track_times(dcpl, 0) < 0) {
        if (dcpl >= 0) H5Pclose(dcpl);
        return -1;
    }
    return dcpl;
}

/* Error scope: the object at rel_path (physical) below the open episode group. */
static void scope_at(const rc_shard *sh, rc_err *err, const char *rel_path)
{
    if (sh->mimic) rc_err_scope(err, sh->final_path, sh->ep_id, "/data/demo_%lld/%s", (long long)sh->n_demos, rel_path);
    else rc_err_scope(err, sh->final_path, sh->ep_id, "/episodes/%s/%s", sh->ep_id ? sh->ep_id : "?", rel_path);
}

/* Writes dataset rel_path (physical) of the open episode: chunk c's compressed bytes come from
 * z[c] / z_n[c] when z is given, else they are compressed here from data, rows_wanted rows a chunk
 * (rc_shard_chunk_rows_as; 0: the rule). */
static rc_status write_dataset(rc_shard *sh, const char *rel_path, rc_elem elem, int rank,
                               const uint64_t *dims, uint64_t rows_wanted, const void *data, void *const *z,
                               const size_t *z_n, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t parent = -1, t = -1, space = -1, dcpl = -1, ds = -1;
    char *rel = NULL, *leaf = NULL;
    void *own_z = NULL;
    scope_at(sh, err, rel_path);
    RC_FAIL_IF(!sh->ep_id, err, RC_E_INTERNAL, "expected rc_shard_episode_begin before writing a dataset");
    RC_FAIL_IF(rank < 1 || rank > RC_SHARD_MAX_RANK, err, RC_E_INTERNAL, "expected rank 1..%d, found %d",
               RC_SHARD_MAX_RANK, rank);
    RC_FAIL_IF(rc_elem_size(elem) == 0, err, RC_E_INTERNAL, "unknown element type %d", (int)elem);
    size_t row_bytes = (size_t)rc_elem_size(elem);
    hsize_t h5dims[RC_SHARD_MAX_RANK], h5max[RC_SHARD_MAX_RANK];
    for (int k = 0; k < rank; k++) {
        RC_FAIL_IF(k > 0 && dims[k] == 0, err, RC_E_INTERNAL,
                   "expected dimensions after the first >= 1, found dims[%d] = 0", k);
        RC_FAIL_IF(k > 0 && row_bytes > RC_CHUNK_MAX_BYTES / dims[k], err, RC_E_INTERNAL,
                   "expected a row under 4 GiB (HDF5's chunk limit), found a larger one");
        if (k > 0) row_bytes *= dims[k];
        h5dims[k] = h5max[k] = dims[k];
    }
    /* HDF5 chunks must be >= 1 and within a fixed dimension: an empty dataset (0 rows) gets an
     * unlimited first axis so it can carry the same one-row chunking and filter, and no chunks. */
    if (dims[0] == 0) h5max[0] = H5S_UNLIMITED;
    RC_FAIL_IF(dims[0] > SIZE_MAX / row_bytes, err, RC_E_INTERNAL, "dataset size overflows size_t");
    RC_FAIL_IF(!data && !z && dims[0] > 0, err, RC_E_INTERNAL, "expected data, found NULL");
    uint64_t rows = rc_shard_chunk_rows_as(elem, rank, dims, rows_wanted);

    rel = rc_strdup(rel_path);
    RC_FAIL_IF(!rel, err, RC_E_NOMEM, "out of memory");
    RC_TRY(open_parent(sh, rel, &parent, &leaf, err));
    t = rc_h5_type_of(elem);
    space = H5Screate_simple(rank, h5dims, h5max);
    dcpl = make_dcpl(sh, rank, dims, rows);
    H5_FAIL_IF(t < 0 || space < 0 || dcpl < 0, err, "making the %s type, dataspace or chunked zstd layout",
               rc_elem_name(elem));
    ds = H5Dcreate2(parent, leaf, t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5_FAIL_IF(ds < 0, err, "creating the dataset");
    if (elem == RC_ELEM_BF16)
        H5_FAIL_IF(rc_h5_attr_write_str(ds, "dtype", "bfloat16") < 0, err, "writing attribute dtype");
    for (uint64_t c = 0; c * rows < dims[0]; c++) {
        size_t n;
        const void *bytes;
        if (z) {
            bytes = z[c];
            n = z_n[c];
        } else {
            RC_TRY(rc_shard_compress_chunk_as(elem, rank, dims, rows, data, c, sh->level, &own_z, &n, err));
            bytes = own_z;
        }
        hsize_t offset[RC_SHARD_MAX_RANK] = {c * rows};
        H5_FAIL_IF(rc_fault_hit(RC_FAULT_WRITE) || H5Dwrite_chunk(ds, H5P_DEFAULT, 0, offset, n, bytes) < 0, err,
                   "writing the chunk at row %llu (%zu compressed bytes)", (unsigned long long)(c * rows), n);
        sh->bytes += n;
        rc_free(own_z);
        own_z = NULL;
    }
    herr_t closed = H5Dclose(ds);
    ds = -1;
    H5_FAIL_IF(closed < 0, err, "closing the dataset");
done:
    rc_free(own_z);
    if (ds >= 0) H5Dclose(ds);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (t >= 0) H5Tclose(t);
    if (parent >= 0) H5Gclose(parent);
    rc_free(rel);
    return st;
}

/* The robomimic copies of output "<out>/data", written at obs/<out>: next_obs/<out> (row k holds
 * row k + 1, the last row repeated, as robomimic's loader reads next observations) and, for the
 * actions output, actions.  data may be NULL: the rows are then read back from obs/<out>. */
static rc_status put_mimic_copies(rc_shard *sh, const char *out, const char *obs, rc_elem elem, int rank,
                                  const uint64_t *dims, const void *data, void *const *z, const size_t *z_n,
                                  rc_err *err)
{
    rc_status st = RC_OK;
    hid_t ds = -1, t = -1;
    uint8_t *next = NULL;
    char path[640];
    size_t row = (size_t)rc_elem_size(elem);
    for (int k = 1; k < rank; k++) row *= (size_t)dims[k];
    size_t bytes = row * (size_t)dims[0];
    snprintf(path, sizeof path, "robocache/%s/x", out); /* creates the output's attribute group */
    char *leaf;
    hid_t g = -1;
    RC_TRY(open_parent(sh, path, &g, &leaf, err));
    H5Gclose(g);
    if (sh->actions && !strcmp(sh->actions, out))
        RC_TRY(write_dataset(sh, "actions", elem, rank, dims, 0, data, data ? NULL : z, z_n, err));
    scope_at(sh, err, obs);
    next = rc_malloc(bytes ? bytes : 1);
    RC_FAIL_IF(!next, err, RC_E_NOMEM, "out of memory for %zu bytes of next_obs", bytes);
    if (bytes && !data) {
        ds = H5Dopen2(sh->ep, obs, H5P_DEFAULT);
        t = ds < 0 ? -1 : H5Dget_type(ds);
        H5_FAIL_IF(t < 0 || rc_zstd_filter_read(ds, t, next) < 0, err, "reading back the rows for next_obs");
        data = next;
    }
    if (bytes) {
        memmove(next, (const uint8_t *)data + row, bytes - row);
        memcpy(next + bytes - row, (const uint8_t *)data + bytes - row, row);
    }
    snprintf(path, sizeof path, "next_obs/%s", out);
    RC_TRY(write_dataset(sh, path, elem, rank, dims, 0, next, NULL, NULL, err));
done:
    if (t >= 0) H5Tclose(t);
    if (ds >= 0) H5Dclose(ds);
    rc_free(next);
    return st;
}

/* Writes logical dataset rel_path of the open episode (at its place in the shard's layout),
 * rows_wanted rows a chunk (0: the rule), and adds it to the episode digest: data_sha256, or the
 * digest of data when it is NULL. */
static rc_status put_dataset(rc_shard *sh, const char *rel_path, rc_elem elem, int rank,
                             const uint64_t *dims, uint64_t rows_wanted, const void *data, void *const *z,
                             const size_t *z_n, const uint8_t data_sha256[32], rc_err *err)
{
    rc_status st = RC_OK;
    char phys[600];
    scope_at(sh, err, rel_path);
    RC_FAIL_IF(!sh->ep_id, err, RC_E_INTERNAL, "expected rc_shard_episode_begin before writing a dataset");
    int where = rc_shard_object_path(sh, rel_path, phys, sizeof phys);
    RC_FAIL_IF(where < 0, err, RC_E_INTERNAL, "expected a dataset path under %zu bytes", sizeof phys);
    RC_FAIL_IF(rank < 1 || rank > RC_SHARD_MAX_RANK, err, RC_E_INTERNAL, "expected rank 1..%d, found %d",
               RC_SHARD_MAX_RANK, rank);
    if (sh->zarr) {
        uint64_t big[RC_SHARD_MAX_RANK]; /* the store's chunks: the row rule without the episode's length */
        memcpy(big, dims, (size_t)rank * sizeof *dims);
        big[0] = UINT64_MAX;
        RC_TRY(rc_zarr_put(sh->zarr, rel_path, elem, rank, dims, rc_shard_chunk_rows(elem, rank, big), data, z, z_n,
                           rc_shard_chunk_rows_as(elem, rank, dims, rows_wanted), err));
    }
    else RC_TRY(write_dataset(sh, phys, elem, rank, dims, rows_wanted, data, z, z_n, err));
    if (sh->mimic && !strncmp(phys, "obs/", 4))
        RC_TRY(put_mimic_copies(sh, phys + 4, phys, elem, rank, dims, data, z, z_n, err));
    uint8_t sha[32];
    if (!data_sha256) {
        rc_shard_data_sha256(elem, rank, dims, data, sha);
        data_sha256 = sha;
    }
    RC_TRY(note_digest(sh, rel_path, elem, rank, dims, data_sha256, err));
done:
    return st;
}

rc_status rc_shard_put(rc_shard *sh, const char *rel_path, rc_elem elem, int rank,
                       const uint64_t *dims, const void *data, rc_err *err)
{
    return put_dataset(sh, rel_path, elem, rank, dims, 0, data, NULL, NULL, NULL, err);
}

rc_status rc_shard_put_compressed(rc_shard *sh, const char *rel_path, rc_elem elem, int rank,
                                  const uint64_t *dims, void *const *z, const size_t *z_n,
                                  const uint8_t data_sha256[32], rc_err *err)
{
    return rc_shard_put_compressed_as(sh, rel_path, elem, rank, dims, 0, z, z_n, data_sha256, err);
}

rc_status rc_shard_put_compressed_as(rc_shard *sh, const char *rel_path, rc_elem elem, int rank,
                                     const uint64_t *dims, uint64_t rows_wanted, void *const *z, const size_t *z_n,
                                     const uint8_t data_sha256[32], rc_err *err)
{
    if (dims[0] > 0 && !z) {
        rc_err_scope(err, sh->final_path, sh->ep_id, "/episodes/%s/%s", sh->ep_id ? sh->ep_id : "?", rel_path);
        return rc_err_set(err, RC_E_INTERNAL, __FILE__, __LINE__, "expected compressed chunks, found NULL");
    }
    static void *const none[1] = {NULL};
    static const size_t none_n[1] = {0};
    return put_dataset(sh, rel_path, elem, rank, dims, rows_wanted, NULL, z ? z : none, z ? z_n : none_n, data_sha256,
                       err);
}

rc_status rc_shard_episode_end(rc_shard *sh, char hex[65], rc_err *err)
{
    rc_status st = RC_OK;
    scope_at(sh, err, "");
    RC_FAIL_IF(!sh->ep_id, err, RC_E_INTERNAL, "expected an open episode, found none");
    rc_digest_episode(sh->ds, sh->n_ds, hex);
    if (sh->zarr) {
        RC_TRY(rc_zarr_episode_end(sh->zarr, hex, err));
        goto ended;
    }
    H5_FAIL_IF(rc_h5_attr_write_str(sh->ep, "content_sha256", hex) < 0, err, "writing attribute content_sha256");
    herr_t closed = H5Gclose(sh->ep);
    sh->ep = -1;
    H5_FAIL_IF(closed < 0, err, "closing the episode group");
ended:
    free_digests(sh);
    rc_free(sh->ep_id);
    sh->ep_id = NULL;
    if (sh->mimic) sh->n_demos++;
done:
    return st;
}

rc_status rc_shard_attr_json(rc_shard *sh, const char *rel_path, const char *name, const char *json, rc_err *err)
{
    if (!sh->zarr) return rc_err_set(err, RC_E_INTERNAL, __FILE__, __LINE__, "expected a zarr shard");
    return rc_zarr_attr(sh->zarr, rel_path, name, json, err);
}

rc_status rc_shard_seal(rc_shard *sh, rc_err *err)
{
    return sh->zarr ? rc_zarr_seal(sh->zarr, err) : RC_OK;
}

uint64_t rc_shard_bytes(const rc_shard *sh)
{
    return sh->zarr ? rc_zarr_bytes(sh->zarr) : sh->bytes;
}

/* /mask/<name>: the demo names of split s ('t' or 'v') as fixed-length strings, in demo order. */
static rc_status write_mask(rc_shard *sh, hid_t mask, const char *name, char s, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t t = -1, space = -1, dcpl = -1, ds = -1;
    enum { W = 32 }; /* "demo_", up to 20 characters of digits and sign, NUL */
    hsize_t n = 0;
    char *names = rc_calloc((size_t)sh->n_demos + 1, W);
    rc_err_scope(err, sh->final_path, NULL, "/mask/%s", name);
    RC_FAIL_IF(!names, err, RC_E_NOMEM, "out of memory");
    for (int64_t i = 0; i < sh->n_demos; i++)
        if (sh->split[i] == s) snprintf(names + W * n++, W, "demo_%lld", (long long)i);
    t = H5Tcopy(H5T_C_S1);
    space = H5Screate_simple(1, &n, NULL);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5_FAIL_IF(t < 0 || H5Tset_size(t, W) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 || space < 0 || dcpl < 0 ||
                   H5Pset_obj_track_times(dcpl, 0) < 0,
               err, "making a string list");
    ds = H5Dcreate2(mask, name, t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5_FAIL_IF(ds < 0 || (n && H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) < 0), err,
               "writing %llu demo names", (unsigned long long)n);
done:
    if (ds >= 0) H5Dclose(ds);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (t >= 0) H5Tclose(t);
    rc_free(names);
    return st;
}

/* What robomimic reads besides the demos: total and env_args on /data, the split masks. */
static rc_status write_mimic_index(rc_shard *sh, rc_err *err)
{
    rc_status st = RC_OK;
    hid_t mask = -1;
    rc_err_scope(err, sh->final_path, NULL, "/data");
    /* no simulator stands behind converted logs: env_args names none */
    H5_FAIL_IF(rc_h5_attr_write_i64(sh->episodes, "total", sh->total_steps) < 0 ||
                   rc_h5_attr_write_str(sh->episodes, "env_args",
                                        "{\"env_name\": \"robocache\", \"type\": null, \"env_kwargs\": {}}") < 0,
               err, "writing attributes total and env_args");
    rc_err_scope(err, sh->final_path, NULL, "/mask");
    mask = new_group(sh, sh->fid, "mask");
    H5_FAIL_IF(mask < 0, err, "creating group /mask");
    RC_TRY(write_mask(sh, mask, "train", 't', err));
    RC_TRY(write_mask(sh, mask, "valid", 'v', err));
done:
    if (mask >= 0) H5Gclose(mask);
    return st;
}

rc_status rc_shard_commit(rc_shard *sh, rc_err *err)
{
    rc_status st = RC_OK;
    rc_err_scope(err, sh->final_path, NULL, NULL);
    RC_FAIL_IF(sh->ep_id, err, RC_E_INTERNAL, "expected episode %s to be ended before commit", sh->ep_id);
    if (sh->zarr) {
        rc_zarr *z = sh->zarr;
        sh->zarr = NULL;
        shard_free(sh);
        return rc_zarr_commit(z, err);
    }
    if (sh->mimic) RC_TRY(write_mimic_index(sh, err));
    H5_FAIL_IF(close_ids(sh) < 0, err, "closing the temporary file %s", sh->tmp_path);
    RC_TRY(rc_durable_publish(sh->tmp_path, sh->final_path, err));
    shard_free(sh);
    return RC_OK;
done:
    rc_shard_abort(sh);
    return st;
}

void rc_shard_abort(rc_shard *sh)
{
    if (!sh) return;
    rc_zarr_abort(sh->zarr);
    close_ids(sh);
    if (sh->tmp_path) unlink(sh->tmp_path);
    shard_free(sh);
}
