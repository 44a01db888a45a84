/* rc_clock.h — the one clock of the timings: CLOCK_MONOTONIC in seconds, so intervals taken on
 * different threads can be compared and subtracted. */
#ifndef RC_CLOCK_H
#define RC_CLOCK_H

double rc_now_s(void);

#endif
