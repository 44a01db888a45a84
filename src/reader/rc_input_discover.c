/* rc_input_discover.c — the spec loader's look at the input (rc_reader.h, rc_input_discover):
 * the streams of the first episode of the first input file that opens, through the reader's
 * public calls, so that validate and run check stream names, kinds and widths against a file.
 * Apart from reader_discover.c, which the reader itself calls, so that no two files of the
 * reader call each other. */
#include "config.h"

#include <stdio.h>

#include "common/rc_common.h"
#include "reader/rc_reader.h"
#include "spec/rc_spec.h"

int rc_input_discover(const rc_spec *spec, rc_layout *table, char *why, size_t n)
{
    char **files = NULL;
    size_t n_files = 0;
    int found = 0;
    rc_err e;
    rc_err_clear(&e);
    if (rc_input_list(spec->input_dir, spec->input_pattern, &files, &n_files, &e) != RC_OK) {
        snprintf(why, n, "%s", e.msg);
        return 0;
    }
    why[0] = '\0';
    /* the first file that opens and holds an episode; a damaged one is the run's to report */
    for (size_t f = 0; f < n_files && !found; f++) {
        rc_reader *r = NULL;
        rc_err_clear(&e);
        if (rc_reader_open_layout(files[f], table, spec->layout_rate_hz, spec->filter_key, &r, &e) == RC_OK &&
            rc_reader_n_episodes(r) > 0) {
            rc_layout *t = rc_malloc(sizeof *t);
            if (t && rc_reader_discover(r, 0, table, t, &e) == RC_OK) {
                *table = *t;
                found = 1;
            }
            rc_free(t);
        }
        if (!found && !why[0]) snprintf(why, n, "%s: %s", files[f], e.msg[0] ? e.msg : "no episodes");
        rc_reader_close(r);
    }
    rc_input_list_free(files, n_files);
    return found;
}

int rc_input_discover_run(const rc_spec *spec, rc_layout *table, char *why, size_t n)
{
    return rc_input_discover(spec, table, why, n) ? 2 : 0;
}
