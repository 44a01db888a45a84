/* rc_stage_queue_int.h — the bounded FIFO between two stages of the streaming pipeline (docs/SPEC.md
 * §7): a pusher blocks while it is full, a popper while it is empty; closing it lets
 * poppers drain what is left and then see the end.  Items are pointers the stages own. */
#ifndef RC_STAGE_QUEUE_H
#define RC_STAGE_QUEUE_H

#include <pthread.h>
#include <stddef.h>

typedef struct rc_stage_queue {
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    void **items;     /* ring of cap */
    size_t cap, head, n;
    int closed;
} rc_stage_queue;

/* 0, or -1 when out of memory.  cap >= 1. */
int rc_stage_queue_init(rc_stage_queue *q, size_t cap);
void rc_stage_queue_destroy(rc_stage_queue *q);
/* Appends item, waiting for room; *waited (if not NULL) gets the seconds spent waiting.
 * Returns -1 (item not taken) when the queue is closed. */
int rc_stage_queue_push(rc_stage_queue *q, void *item, double *waited);
/* The oldest item, waiting for one; NULL once the queue is closed and empty. */
void *rc_stage_queue_pop(rc_stage_queue *q, double *waited);
/* The oldest item, or NULL at once when there is none. */
void *rc_stage_queue_try_pop(rc_stage_queue *q);
/* No more pushes; wakes every waiter. */
void rc_stage_queue_close(rc_stage_queue *q);

#endif
