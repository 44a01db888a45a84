/* rc_reader_pool_int.h — the reader processes of a run (docs/STREAMING.md, docs/RELIABILITY.md):
 * input files are opened and read in child processes, each with its own copy of the HDF5
 * library (so no HDF5 lock is shared between readers, and a crash of the library on a hostile
 * file kills only that child), and episodes come back through the slot's shared memory.
 *
 * A spawner process is forked once, before the streaming threads start and before the backend
 * opens a device, while the run's process has no thread inside HDF5 (--readers 0 starts none:
 * the reader threads read in the run's process); it forks every reader process, the first ones and the replacements
 * of those that died, so no fork ever happens in the multi-threaded run.  Each reader thread of
 * the run owns one reader process and talks to it over a socket: request (work item) -> reply
 * (status, error, image size, timings, read-path counts) -> grant (the slot's memfd, grown to
 * fit, once the size passed the memory budget) -> done.  Death of a reader process (a signal,
 * an exit, a broken message) fails that episode with RC_E_INPUT naming the file, the episode and
 * the signal; the next request gets a fresh process. */
#ifndef RC_READER_POOL_INT_H
#define RC_READER_POOL_INT_H

#include "pipeline/rc_stream_int.h"

typedef struct rc_reader_pool rc_reader_pool;

/* Forks the spawner; reader processes start on their first request.  Call before any thread and
 * before the backend opens. */
rc_status rc_reader_pool_start(rc_run *s, int n, rc_reader_pool **out, rc_err *err);
/* Reads work item i into slot (slot->st, slot->err, slot->ep with arrays in the slot's shared
 * memory) through reader process k; one caller per k at a time. */
void rc_reader_pool_read(rc_reader_pool *p, int k, int64_t i, rc_slot *slot);
/* Ends the reader processes and the spawner and waits for the spawner (accepts NULL). */
void rc_reader_pool_stop(rc_reader_pool *p);
/* Unpins (on CUDA), unmaps and closes a slot's shared memory. */
void rc_slot_shm_free(rc_slot *slot, rc_backend *b);

#endif
