/* shard_fixture.c — writes the writer tests' fixture shard (fixture.h) to argv[1] and prints each
 * episode's content_sha256 ("ID HEX" lines); test_shard_read.py checks it with h5py. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/rc_common.h"
#include "fixture.h"

int main(int argc, char **argv)
{
    rc_err err;
    rc_shard *sh = NULL;
    char spec_hex[65], hex[65];
    const char *open_ep = NULL;
    rc_status st = RC_OK;
    if (argc != 2) {
        fprintf(stderr, "usage: shard_fixture OUT.h5\n");
        return 1;
    }
    rc_err_clear(&err);
    rc_sha256_of(FIXTURE_SPEC, strlen(FIXTURE_SPEC), spec_hex);
    rc_shard_info info = {"0.1.0-fixture", spec_hex, "cpu",
                          "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", FIXTURE_SPEC,
                          FIXTURE_LEVEL};
    RC_TRY(rc_shard_create(argv[1], &info, &sh, &err));
    for (size_t i = 0; i < FIXTURE_N; i++) {
        const fixture_ds *d = &g_fixture[i];
        if (!open_ep || strcmp(open_ep, d->episode)) {
            if (open_ep) {
                RC_TRY(rc_shard_episode_end(sh, hex, &err));
                printf("%s %s\n", open_ep, hex);
            }
            open_ep = d->episode;
            RC_TRY(rc_shard_episode_begin(sh, d->episode, "raw/raw-00000.h5", d->episode, (int64_t)d->dims[0], &err));
        }
        void *buf = rc_malloc(fixture_count(d) * (uint64_t)rc_elem_size(d->elem));
        if (!buf) return 3;
        fixture_fill(d, buf);
        st = rc_shard_put(sh, d->rel_path, d->elem, d->rank, d->dims, buf, &err);
        rc_free(buf);
        if (st != RC_OK) goto done;
    }
    RC_TRY(rc_shard_episode_end(sh, hex, &err));
    printf("%s %s\n", open_ep, hex);
    st = rc_shard_commit(sh, &err);
    sh = NULL;
done:
    rc_shard_abort(sh);
    if (st != RC_OK) {
        char msg[4096];
        rc_err_format(&err, msg, sizeof msg);
        fprintf(stderr, "shard_fixture: %s\n", msg);
        return 3;
    }
    return 0;
}
