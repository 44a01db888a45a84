/* rc_clock.c — rc_now_s over clock_gettime(CLOCK_MONOTONIC). */
#include "config.h"

#include "common/rc_common.h"

#include <time.h>

double rc_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
