/* fuzz_reader.c — libFuzzer target for the episode reader: the input bytes are an HDF5 file (the
 * reader opens files by path, so they are written to a temporary file first), opened with
 * rc_reader_open; in up to 4 of its episodes the streams are found (rc_reader_discover, as the
 * spec loader and every read do) and every one is read.  Errors are expected; crashes, sanitizer reports, leaks and an HDF5 object the reader
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
#include "spec/rc_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static rc_layout g_layout, g_found;
static int g_loaded;

/* The layout, loaded once. */
static int load_layout(void)
{
    if (g_loaded) return 0;
    const char *schemas = getenv("RC_SCHEMA_DIR") ? getenv("RC_SCHEMA_DIR") : FUZZ_SCHEMA_DIR;
    rc_err err;
    rc_err_clear(&err);
    if (rc_layout_load(schemas, "robocache-raw", &g_layout, &err) != RC_OK) abort();
    g_loaded = 1;
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
            const char *names[RC_LAYOUT_MAX_STREAMS];
            if (rc_reader_discover(r, i, &g_layout, &g_found, &err) != RC_OK) continue;
            for (int32_t k = 0; k < g_found.n_streams; k++) names[k] = g_found.streams[k].name;
            if (rc_reader_read_episode(r, i, &g_layout, names, g_found.n_streams, &ep, &err) == RC_OK)
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
