/* rc_episode_wire_int.h — one read episode as a flat, length-prefixed image in shared memory: a
 * reader process writes it (rc_wire_put), the run's process takes it back (rc_wire_take) without
 * copying the arrays.  The taker trusts nothing in the image: every count, size and offset is
 * checked against the image's length and against the others (series [S, D] float32, cloud
 * [P, C] with offsets 0..P, image [S, H, W, C] bytes), timestamps must be strictly increasing
 * and cloud offsets non-decreasing, and every string must end inside its field.
 *
 * Image: header {magic "RCWIRE01", total bytes, stream count, file, id, group}, then per stream
 * a fixed record {name, kind, S, D, P, H, W, stored bytes, byte counts of its five arrays}
 * followed by the arrays (t, x, offsets, u8, column names as D NUL-ended strings), each
 * starting on a 64-byte boundary. */
#ifndef RC_EPISODE_WIRE_INT_H
#define RC_EPISODE_WIRE_INT_H

#include <stddef.h>

#include "common/rc_common.h"
#include "reader/rc_reader.h"

/* Bytes of ep's image, or 0 when it would not fit a size_t. */
size_t rc_wire_size(const rc_episode *ep);
/* Writes ep's image into buf (rc_wire_size(ep) bytes). */
void rc_wire_put(const rc_episode *ep, void *buf);
/* Checks the image of len bytes at buf and fills *ep: its arrays (t_ns, x, offsets, u8) point
 * into buf, which must outlive ep; set them to NULL before rc_episode_free, which then frees
 * what is ep's own (the stream table and column names).  RC_E_INPUT naming what did not fit;
 * *ep is then empty. */
rc_status rc_wire_take(void *buf, size_t len, rc_episode *ep, rc_err *err);

#endif
