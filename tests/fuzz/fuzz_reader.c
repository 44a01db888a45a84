/* fuzz_reader.c — libFuzzer target for the episode reader: the input bytes are an HDF5 file (the
 * reader opens files by path, so they are written to a temporary file first), opened with
 * rc_reader_open; up to 4 of its episodes are read with every stream of the robocache-raw
 * layout.  Errors are expected; crashes, sanitizer reports, leaks and an HDF5 object the reader
 * left open (checked after every input) are findings.  Built by
 * `make fuzz` (tests/fuzz/local.mk), run by tests/fuzz/run.sh. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <hdf5.h>

#include "fuzz_file.h"
#include "reader/rc_reader.h"
#include "spec/rc_layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static rc_layout g_layout;
static const char *g_names[64];
static int g_n_names = -1;

/* The layout and its stream names, loaded once. */
static int load_layout(void)
{
    if (g_n_names >= 0) return 0;
    const char *schemas = getenv("RC_SCHEMA_DIR") ? getenv("RC_SCHEMA_DIR") : FUZZ_SCHEMA_DIR;
    rc_err err;
    rc_err_clear(&err);
    if (rc_layout_load(schemas, "robocache-raw", &g_layout, &err) != RC_OK) abort();
    g_n_names = 0;
    for (int32_t i = 0; i < g_layout.n_streams && g_n_names < 64; i++) g_names[g_n_names++] = g_layout.streams[i].name;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256];
    load_layout();
    if (fuzz_write_file(data, size, "input.h5", path, sizeof path) != 0) return 0;
    rc_reader *r = NULL;
    rc_err err;
    rc_err_clear(&err);
    if (rc_reader_open(path, &r, &err) == RC_OK) {
        int64_t n = rc_reader_n_episodes(r);
        for (int64_t i = 0; i < n && i < 4; i++) {
            rc_episode ep;
            if (rc_reader_read_episode(r, i, &g_layout, g_names, g_n_names, &ep, &err) == RC_OK)
                rc_episode_free(&ep);
        }
        rc_reader_close(r);
    }
    /* Every HDF5 id the reader opened must be closed again, whatever the input. */
    ssize_t open_ids = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (open_ids != 0) {
        fprintf(stderr, "fuzz_reader: %zd HDF5 objects left open after the input\n", open_ids);
        abort();
    }
    unlink(path);
    return 0;
}
