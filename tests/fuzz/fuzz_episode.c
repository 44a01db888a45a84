/* fuzz_episode.c — libFuzzer target for the reader's checks, structure-aware: the input bytes
 * describe one robocache-raw episode (per stream: present or not, the dtype and shape of data /
 * points, the dtype and units of t, the values of every dataset, offsets included), which is
 * written with the HDF5 API as a well-formed file and then opened and read with every stream of
 * the synth robot (tests/reader/raw_layout.h).  HDF5's own parser only ever sees valid files here, so each finding is in our code;
 * fuzz_reader feeds raw file bytes instead (and finds HDF5 1.10's own bugs, docs/RELIABILITY.md).
 * A crash, a sanitizer report, a leak or an HDF5 object left open is a finding. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "fuzz_file.h"
#include "reader/raw_layout.h"
#include "reader/rc_reader.h"
#include "spec/rc_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input, consumed byte by byte; past its end every byte reads as 0. */
typedef struct cursor {
    const uint8_t *p;
    size_t n, at;
} cursor;

static uint8_t next(cursor *c)
{
    return c->at < c->n ? c->p[c->at++] : 0;
}

static rc_layout g_layout;
static const char *g_names[64];
static int g_n_names = -1;

/* Dataset element types the description can choose (3 bits). */
static hid_t pick_type(uint8_t k)
{
    switch (k & 7) {
    case 0: return H5T_NATIVE_FLOAT;
    case 1: return H5T_NATIVE_DOUBLE;
    case 2: return H5T_NATIVE_INT64;
    case 3: return H5T_NATIVE_INT16;
    case 4: return H5T_NATIVE_UINT8;
    case 5: return H5T_NATIVE_INT32;
    case 6: return H5T_NATIVE_UINT64;
    default: return H5T_NATIVE_FLOAT;
    }
}

/* Writes g/name with rank 1 or 2, dims from the input (small), values from the input bytes. */
static void put_dataset(cursor *c, hid_t g, const char *name, hid_t type, int rank, hsize_t d0, hsize_t d1)
{
    hsize_t dims[2] = {d0, d1};
    size_t bytes = (size_t)d0 * (rank == 2 ? (size_t)d1 : 1) * H5Tget_size(type);
    uint8_t *buf = calloc(bytes ? bytes : 1, 1);
    for (size_t i = 0; i < bytes; i++) buf[i] = next(c);
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t ds = H5Dcreate2(g, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ds >= 0) {
        H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        uint8_t u = next(c);
        static const char *const units[] = {"ns", "us", "ms", "s", "min", "", "ns ", "S"};
        if (!strcmp(name, "t") && (u & 8) == 0) { /* units: a string, or (bit 8) missing */
            hid_t st = H5Tcopy(H5T_C_S1), as = H5Screate(H5S_SCALAR);
            H5Tset_size(st, strlen(units[u & 7]) + 1);
            hid_t a = H5Acreate2(ds, "units", st, as, H5P_DEFAULT, H5P_DEFAULT);
            if (a >= 0) {
                H5Awrite(a, st, units[u & 7]);
                H5Aclose(a);
            }
            H5Sclose(as);
            H5Tclose(st);
        }
        H5Dclose(ds);
    }
    H5Sclose(space);
    free(buf);
}

/* One stream group: for a series data [S, D'] and t [S'], for a cloud t, offsets and points. */
static void put_stream(cursor *c, hid_t ep, const rc_layout_stream *ls)
{
    uint8_t flags = next(c);
    if (flags & 1) return; /* stream missing */
    hid_t g = H5Gcreate2(ep, ls->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) return;
    hsize_t rows = next(c) % 24, cols = (flags & 2) ? next(c) % 40 : (hsize_t)ls->columns;
    hsize_t t_rows = (flags & 4) ? next(c) % 24 : rows;
    hid_t t_type = (flags & 8) ? H5T_NATIVE_DOUBLE : (flags & 16) ? pick_type(next(c)) : H5T_NATIVE_INT64;
    if (ls->kind == RC_STREAM_SERIES) {
        put_dataset(c, g, "data", pick_type(next(c)), (flags & 32) ? 1 : 2, rows, cols);
        put_dataset(c, g, "t", t_type, 1, t_rows, 0);
    } else {
        hsize_t points = next(c) % 64;
        put_dataset(c, g, "t", t_type, 1, t_rows, 0);
        if (!(flags & 64)) put_dataset(c, g, "offsets", pick_type(next(c)), 1, (flags & 128) ? rows : t_rows + 1, 0);
        put_dataset(c, g, "points", pick_type(next(c)), (flags & 32) ? 1 : 2, points, cols);
    }
    H5Gclose(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256];
    if (g_n_names < 0) {
        raw_layout(&g_layout); /* the eight streams synth writes, with their kinds and widths */
        g_n_names = 0;
        for (int32_t i = 0; i < g_layout.n_streams && g_n_names < 64; i++) g_names[g_n_names++] = g_layout.streams[i].name;
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    }
    if (fuzz_write_file(NULL, 0, "episode.h5", path, sizeof path) != 0) return 0;
    cursor c = {data, size, 0};
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) return 0;
    hid_t eps = H5Gcreate2(f, "episodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t ep = H5Gcreate2(eps, "e0", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (int32_t i = 0; i < g_layout.n_streams; i++) put_stream(&c, ep, &g_layout.streams[i]);
    H5Gclose(ep);
    H5Gclose(eps);
    H5Fclose(f);

    rc_reader *r = NULL;
    rc_err err;
    rc_err_clear(&err);
    if (rc_reader_open(path, &r, &err) == RC_OK) {
        rc_episode ep_data;
        if (rc_reader_read_episode(r, 0, &g_layout, g_names, g_n_names, &ep_data, &err) == RC_OK)
            rc_episode_free(&ep_data);
        rc_reader_close(r);
    }
    ssize_t open_ids = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (open_ids != 0) {
        fprintf(stderr, "fuzz_episode: %zd HDF5 objects left open after the input\n", open_ids);
        abort();
    }
    unlink(path);
    return 0;
}
