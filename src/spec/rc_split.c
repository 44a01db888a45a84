/* rc_split.c — the train/val rule of the spec (output.val_fraction, output.split_seed): a
 * function of the episode id alone, so every task and every rerun puts an episode in the same
 * split. */
#include "config.h"

#include "spec/rc_spec.h"

#include <string.h>

#include "common/rc_common.h"

double rc_split_value(const char *episode_id, uint64_t seed)
{
    uint8_t seed_le[8], d[32];
    rc_sha256 c;
    for (int i = 0; i < 8; i++) seed_le[i] = (uint8_t)(seed >> (8 * i));
    rc_sha256_init(&c);
    rc_sha256_update(&c, seed_le, 8);
    rc_sha256_update(&c, episode_id, strlen(episode_id));
    rc_sha256_final(&c, d);
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) x |= (uint64_t)d[i] << (8 * i);
    /* 2^-64 scaling is exact in double; the product only rounds x's low bits. */
    return (double)x * 0x1p-64;
}

const char *rc_split_of(const char *episode_id, uint64_t seed, double val_fraction)
{
    return rc_split_value(episode_id, seed) < val_fraction ? "val" : "train";
}
