/* manifest_fixture.c — writes a manifest for test_manifest.py: random float32 rows [T, D] (with
 * a validity mask) split into episodes of the given lengths, stats accumulated per episode and
 * merged in order.  Usage: manifest_fixture OUT_DIR LEN... ; writes OUT_DIR/rows.f32 (the rows),
 * OUT_DIR/valid.u8 and OUT_DIR/manifest.json. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/rc_spec.h"
#include "writer/rc_writer.h"
#include "stats/rc_stats.h"

enum { D = 4 };

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static double next_unit(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (double)(g_rng >> 11) * 0x1p-53;
}

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int rc = f && fwrite(p, 1, n, f) == n ? 0 : -1;
    if (f && fclose(f) != 0) rc = -1;
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: manifest_fixture OUT_DIR LEN...\n");
        return 1;
    }
    int64_t T = 0;
    for (int i = 2; i < argc; i++) T += atoll(argv[i]);
    float *rows = malloc(sizeof(float) * (size_t)(T ? T : 1) * D);
    uint8_t *valid = malloc((size_t)(T ? T : 1));
    /* Columns of different scale and offset; column 3 is never valid-filtered differently. */
    for (int64_t k = 0; k < T; k++) {
        valid[k] = next_unit() < 0.8;
        rows[k * D + 0] = (float)(next_unit() * 2.0 - 1.0);
        rows[k * D + 1] = (float)(1.0e4 + next_unit());
        rows[k * D + 2] = (float)(-3.0e-3 * next_unit());
        rows[k * D + 3] = 7.0f;
    }
    rc_err err;
    rc_err_clear(&err);
    rc_manifest *m = rc_manifest_new();
    rc_stats all;
    rc_stats_init(&all, D, RC_QUANTILES_SKETCH);
    int64_t start = 0;
    char id[64];
    for (int i = 2; i < argc; i++) {
        int64_t len = atoll(argv[i]);
        rc_stats ep;
        rc_stats_init(&ep, D, RC_QUANTILES_SKETCH);
        rc_stats_add_f32(&ep, rows + start * D, len, valid + start);
        rc_stats_merge(&all, &ep);
        rc_stats_free(&ep);
        snprintf(id, sizeof id, "ep-%06d", i - 2);
        if (rc_manifest_add_episode(m, id, "shard-00000.h5", rc_split_of(id, 7, 0.25), len,
                                    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                                    "raw/raw-00000.h5", &err) != RC_OK)
            return 3;
        start += len;
    }
    rc_stats none;
    rc_stats_init(&none, 2, RC_QUANTILES_SKETCH);
    if (rc_manifest_add_shard(m, "shard-00000.h5", 123456789012ull, argc - 2, &err) != RC_OK ||
        rc_manifest_add_skipped(m, "raw/bad \"one\".h5", "ep-9", "expected t increasing,\nfound a step back", &err) != RC_OK ||
        rc_stats_add_to_manifest(m, "state", &all, NULL, &err) != RC_OK ||
        rc_stats_add_to_manifest(m, "empty", &none, NULL, &err) != RC_OK)
        return 3;
    rc_stats_free(&all);
    rc_stats_free(&none);
    char path[1024];
    snprintf(path, sizeof path, "%s/manifest.json", argv[1]);
    if (rc_manifest_write(m, path, "ab" "cd", "0.1.0-test", "cpu", &err) != RC_OK ||
        write_file(argv[1], "rows.f32", rows, sizeof(float) * (size_t)T * D) < 0 ||
        write_file(argv[1], "valid.u8", valid, (size_t)T) < 0) {
        fprintf(stderr, "manifest_fixture: %s\n", err.msg);
        return 3;
    }
    rc_manifest_free(m);
    free(rows);
    free(valid);
    return 0;
}
