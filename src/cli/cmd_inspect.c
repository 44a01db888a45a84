/* cmd_inspect.c — `robocache-convert inspect SHARD|DIR [--json]` (docs/SPEC.md §2): prints the
 * shard's format, provenance, episodes, datasets (dtype, shape, chunks, filter, digest of decoded
 * content) and checks each episode's content_sha256 against a recomputation; as text or as one
 * JSON object.  An output folder is summarised from its manifest (inspect_dir.c).  Exit 0 all
 * match, 2 a mismatch or undecodable data, 3 unreadable or not a robocache shard, 1 bad usage. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/rc_cli_int.h"
#include "common/rc_common.h"
#include "compress/rc_compress.h"
#include "writer/rc_writer.h"

/* How much of /meta/pipeline to show: the spec digest identifies the rest. */
#define PIPELINE_LINES 8

static void print_help(FILE *f)
{
    fprintf(f, "usage: robocache-convert inspect SHARD|DIR [--json] [--memory SIZE]\n\n"
               "Prints a robocache shard's (any output.format: an HDF5 file or a .zarr store)\n"
               "format and provenance (tool version, backend, spec digest,\n"
               "input digest, the first lines of the pipeline spec), then every episode with its\n"
               "attributes and every dataset with dtype, shape, chunk shape, filter and the SHA-256\n"
               "of its decoded content.  Each episode's content_sha256 is recomputed from the decoded\n"
               "data and reported as 'content_sha256 ok' or 'content_sha256 MISMATCH'.\n"
               "An output folder DIR is summarised from DIR/manifest.json: its shards (and whether\n"
               "each is there), episodes per split, steps, skipped episodes and statistics.\n\n"
               "  --json   the same as one JSON object (the whole pipeline text for a shard)\n\n"
               "  --memory SIZE   the memory budget: a dataset that decodes to more is refused (exit 2)\n"
               CLI_HELP_LOG_OPTIONS "\n"
               "exit codes: 0 all digests match; 2 a digest mismatch or undecodable data;\n"
               "            3 unreadable file, not a robocache shard or output folder, or a listed\n"
               "            shard missing; 1 bad usage\n");
}

static void print_pipeline(const char *text)
{
    int lines = 0, total = 0;
    for (const char *p = text; *p; p++)
        if (*p == '\n' || !p[1]) total++;
    printf("pipeline (%d line%s):\n", total, total == 1 ? "" : "s");
    for (const char *p = text; *p && lines < PIPELINE_LINES; lines++) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        printf("  | %.*s\n", n, p);
        p += n + (nl ? 1 : 0);
    }
    if (total > PIPELINE_LINES) printf("  | ... (%d more)\n", total - PIPELINE_LINES);
}

static void print_dims(const uint64_t *d, int rank)
{
    printf("[");
    for (int k = 0; k < rank; k++) printf("%s%llu", k ? ", " : "", (unsigned long long)d[k]);
    printf("]");
}

static void print_dataset(const rc_shard_dataset *d)
{
    printf("  %s  %s  shape ", d->rel_path, rc_elem_name(d->elem));
    print_dims(d->dims, d->rank);
    if (d->chunk[0]) {
        printf("  chunks ");
        print_dims(d->chunk, d->rank);
    } else {
        printf("  not chunked");
    }
    if (d->filter_id == RC_H5Z_FILTER_ZSTD) printf("  zstd level %d", d->zstd_level);
    else if (d->filter_id) printf("  filter %u", d->filter_id);
    else printf("  uncompressed");
    printf("  sha256 %s\n", d->sha256_hex);
}

/* Prints episode i; returns 0 when its digest matches, 1 on a mismatch, or -1 (err filled). */
static int print_episode(rc_shard_reader *r, size_t i, rc_err *err)
{
    rc_shard_episode ep;
    if (rc_shard_reader_episode(r, i, &ep, err) != RC_OK) return -1;
    printf("episode %s: source_file=%s source_group=%s steps=%lld datasets=%zu\n", ep.id, ep.source_file,
           ep.source_group, (long long)ep.steps, ep.n_datasets);
    for (size_t k = 0; k < ep.n_datasets; k++) print_dataset(&ep.datasets[k]);
    int mismatch = strcmp(ep.stored_sha256, ep.computed_sha256) != 0;
    if (mismatch)
        printf("  content_sha256 MISMATCH: stored %s, computed %s\n", ep.stored_sha256, ep.computed_sha256);
    else
        printf("  content_sha256 ok %s\n", ep.computed_sha256);
    rc_shard_episode_free(&ep);
    return mismatch;
}

static void json_dims(rc_json *j, const uint64_t *d, int rank)
{
    rc_json_array_begin(j);
    for (int k = 0; k < rank; k++) rc_json_uint(j, d[k]);
    rc_json_array_end(j);
}

/* Writes episode i as a JSON object; returns as print_episode does. */
static int json_episode(rc_json *j, rc_shard_reader *r, size_t i, rc_err *err)
{
    rc_shard_episode ep;
    if (rc_shard_reader_episode(r, i, &ep, err) != RC_OK) return -1;
    int mismatch = strcmp(ep.stored_sha256, ep.computed_sha256) != 0;
    rc_json_object_begin(j);
    rc_json_key(j, "id");
    rc_json_string(j, ep.id);
    rc_json_key(j, "source_file");
    rc_json_string(j, ep.source_file);
    rc_json_key(j, "source_group");
    rc_json_string(j, ep.source_group);
    rc_json_key(j, "steps");
    rc_json_int(j, ep.steps);
    rc_json_key(j, "content_sha256");
    rc_json_string(j, ep.stored_sha256);
    rc_json_key(j, "content_sha256_computed");
    rc_json_string(j, ep.computed_sha256);
    rc_json_key(j, "content_sha256_ok");
    rc_json_bool(j, !mismatch);
    rc_json_key(j, "datasets");
    rc_json_array_begin(j);
    for (size_t k = 0; k < ep.n_datasets; k++) {
        const rc_shard_dataset *d = &ep.datasets[k];
        rc_json_object_begin(j);
        rc_json_key(j, "path");
        rc_json_string(j, d->rel_path);
        rc_json_key(j, "dtype");
        rc_json_string(j, rc_elem_name(d->elem));
        rc_json_key(j, "shape");
        json_dims(j, d->dims, d->rank);
        rc_json_key(j, "chunks");
        if (d->chunk[0]) json_dims(j, d->chunk, d->rank);
        else rc_json_null(j);
        rc_json_key(j, "filter_id");
        if (d->filter_id) rc_json_uint(j, d->filter_id);
        else rc_json_null(j);
        rc_json_key(j, "zstd_level");
        if (d->filter_id == RC_H5Z_FILTER_ZSTD) rc_json_int(j, d->zstd_level);
        else rc_json_null(j);
        rc_json_key(j, "sha256");
        rc_json_string(j, d->sha256_hex);
        rc_json_object_end(j);
    }
    rc_json_array_end(j);
    rc_json_object_end(j);
    rc_shard_episode_free(&ep);
    return mismatch;
}

static void json_root(rc_json *j, const char *path, const rc_shard_root *root)
{
    rc_json_key(j, "file");
    rc_json_string(j, path);
    rc_json_key(j, "format");
    rc_json_string(j, root->format);
    rc_json_key(j, "format_version");
    rc_json_int(j, root->format_version);
    rc_json_key(j, "tool_version");
    rc_json_string(j, root->tool_version);
    rc_json_key(j, "backend");
    rc_json_string(j, root->backend);
    rc_json_key(j, "spec_sha256");
    rc_json_string(j, root->spec_sha256);
    rc_json_key(j, "created_from");
    rc_json_string(j, root->created_from);
    rc_json_key(j, "pipeline");
    rc_json_string(j, root->pipeline);
}

static void print_root(const char *path, const rc_shard_root *root)
{
    printf("file: %s\n", path);
    printf("format: %s %lld\n", root->format, (long long)root->format_version);
    printf("tool_version: %s\n", root->tool_version);
    printf("backend: %s\n", root->backend);
    printf("spec_sha256: %s\n", root->spec_sha256);
    printf("created_from: %s\n", root->created_from);
    print_pipeline(root->pipeline);
}

int cmd_inspect(int argc, char **argv)
{
    const char *path = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            print_help(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--json")) {
            json = 1;
            continue;
        }
        if (!strcmp(argv[i], "--memory")) {
            if (cli_memory_option("inspect", i + 1 < argc ? argv[++i] : NULL)) return 1;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("inspect", "unknown option '%s'", argv[i]);
        if (path) return cli_usage_error("inspect", "expected one SHARD, found a second: '%s'", argv[i]);
        path = argv[i];
    }
    if (!path) return cli_usage_error("inspect", "expected a SHARD or DIR argument");
    struct stat sb;
    char zattrs[4096];
    snprintf(zattrs, sizeof zattrs, "%s/.zattrs", path);
    struct stat zb; /* a folder holding .zattrs is a zarr shard, not an output folder */
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && stat(zattrs, &zb) != 0) return cli_inspect_dir(path, json);

    rc_err err;
    rc_shard_reader *r = NULL;
    const rc_shard_root *root;
    rc_json j;
    rc_err_clear(&err);
    if (rc_shard_reader_open(path, &r, &root, &err) != RC_OK) return cli_fail(&err);
    size_t n = rc_shard_reader_n_episodes(r);
    if (json) {
        rc_json_init(&j, stdout);
        rc_json_object_begin(&j);
        json_root(&j, path, root);
        rc_json_key(&j, "episodes");
        rc_json_array_begin(&j);
    } else {
        print_root(path, root);
        printf("episodes: %zu\n", n);
    }
    int mismatches = 0, code = 0;
    for (size_t i = 0; i < n; i++) {
        int m = json ? json_episode(&j, r, i, &err) : print_episode(r, i, &err);
        if (m < 0) {
            fflush(stdout);
            code = cli_fail(&err);
            break;
        }
        mismatches += m;
    }
    rc_shard_reader_close(r);
    if (code) return code; /* --json: the document stays unfinished, the error says why */
    if (json) {
        rc_json_array_end(&j);
        rc_json_object_end(&j);
        if (rc_json_finish(&j) != 0) return 3;
    }
    if (mismatches) {
        fprintf(stderr, "robocache-convert: error: %s: %d episode%s with content_sha256 MISMATCH\n", path,
                mismatches, mismatches == 1 ? "" : "s");
        return 2;
    }
    return 0;
}
