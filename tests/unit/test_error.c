/* test_error.c — rc_err formatting and the status -> exit code table of docs/SPEC.md §2. */
#include "config.h"

#include <string.h>

#include "common/rc_common.h"
#include "tap.h"

static rc_status fails_at(rc_err *err, int x)
{
    rc_status st = RC_OK;
    RC_FAIL_IF(x > 2, err, RC_E_INPUT, "expected x <= 2, found %d", x);
done:
    return st;
}

int main(void)
{
    rc_err err;
    char buf[2048];

    rc_err_clear(&err);
    rc_err_scope(&err, "raw/a.h5", "ep7", "/episodes/%s/imu/t", "ep7");
    tap_ok(fails_at(&err, 3) == RC_E_INPUT, "RC_FAIL_IF returns the code");
    rc_err_format(&err, buf, sizeof buf);
    tap_ok(strcmp(buf, "raw/a.h5: episode ep7: /episodes/ep7/imu/t: expected x <= 2, found 3") == 0,
           "data errors name file, episode and HDF5 path: '%s'", buf);

    rc_err_clear(&err);
    rc_err_scope(&err, "p.yaml", NULL, "timeline.rate_hz");
    err.line = 4;
    err.column = 9;
    rc_err_set(&err, RC_E_SPEC, __FILE__, __LINE__, "expected a number > 0, found -1");
    rc_err_format(&err, buf, sizeof buf);
    tap_ok(strcmp(buf, "p.yaml:4:9: key 'timeline.rate_hz': expected a number > 0, found -1") == 0,
           "spec errors name file:line:column and key: '%s'", buf);

    tap_ok(rc_status_exit_code(RC_OK) == 0, "ok -> 0");
    tap_ok(rc_status_exit_code(RC_E_USAGE) == 1 && rc_status_exit_code(RC_E_SPEC) == 1, "usage/spec -> 1");
    tap_ok(rc_status_exit_code(RC_E_INPUT) == 2, "input -> 2");
    tap_ok(rc_status_exit_code(RC_E_IO) == 3 && rc_status_exit_code(RC_E_NOMEM) == 3, "io/nomem -> 3");
    tap_ok(rc_status_exit_code(RC_E_BACKEND) == 4, "backend -> 4");
    tap_ok(rc_status_exit_code(RC_E_DIFF) == 5, "diff -> 5");
    return tap_done();
}
