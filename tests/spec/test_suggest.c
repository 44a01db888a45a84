/* test_suggest.c — rc_suggest: a typo (one or two edits, a swap, another case) gets the closest
 * name; an exact name, a far word, an empty word or list get nothing. */
#include <string.h>

#include "spec/rc_suggest_int.h"
#include "tap.h"

static void expect(const char *word, const char *list, const char *want)
{
    char buf[96];
    rc_suggest(word, list, buf, sizeof buf);
    tap_ok(strcmp(buf, want) == 0, "'%s' in [%s] -> \"%s\" (got \"%s\")", word, list, want, buf);
}

int main(void)
{
    const char *methods = "linear, nearest, previous, slerp, window";
    expect("linaer", methods, "; did you mean 'linear'?");   /* swap */
    expect("Linear", methods, "; did you mean 'linear'?");   /* case */
    expect("neerest", methods, "; did you mean 'nearest'?"); /* substitution */
    expect("prevous", methods, "; did you mean 'previous'?"); /* deletion */
    expect("slerpp", methods, "; did you mean 'slerp'?");    /* insertion */
    expect("linear", methods, "");                           /* not a typo */
    expect("cubic", methods, "");                            /* too far */
    expect("stat", "version, stages, stats", "; did you mean 'stats'?");
    expect("imx", "imu, lidar", "; did you mean 'imu'?");
    expect("xyz", "imu, lidar", "");                          /* 3 letters: 1 edit at most */
    expect("", methods, "");
    expect("linear", "", "");
    return tap_done();
}
