/* rc_stage_queue.c — a bounded blocking FIFO of pointers (one mutex, two condition variables)
 * that the streaming pipeline's threads hand episodes and chunk tasks through. */
#include "config.h"

#include "pipeline/rc_stage_queue_int.h"

#include "common/rc_common.h"

int rc_stage_queue_init(rc_stage_queue *q, size_t cap)
{
    q->items = rc_calloc(cap ? cap : 1, sizeof *q->items);
    if (!q->items) return -1;
    q->cap = cap ? cap : 1;
    q->head = q->n = 0;
    q->closed = 0;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    return 0;
}

void rc_stage_queue_destroy(rc_stage_queue *q)
{
    if (!q->items) return;
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->mu);
    rc_free(q->items);
    q->items = NULL;
}

int rc_stage_queue_push(rc_stage_queue *q, void *item, double *waited)
{
    double t0 = rc_now_s();
    pthread_mutex_lock(&q->mu);
    while (q->n == q->cap && !q->closed) pthread_cond_wait(&q->not_full, &q->mu);
    int rc = -1;
    if (!q->closed) {
        q->items[(q->head + q->n) % q->cap] = item;
        q->n++;
        pthread_cond_signal(&q->not_empty);
        rc = 0;
    }
    pthread_mutex_unlock(&q->mu);
    if (waited) *waited = rc_now_s() - t0;
    return rc;
}

/* Takes the oldest item and wakes a waiting producer (mutex held, q->n > 0). */
static void *take(rc_stage_queue *q)
{
    void *item = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->n--;
    pthread_cond_signal(&q->not_full);
    return item;
}

void *rc_stage_queue_pop(rc_stage_queue *q, double *waited)
{
    double t0 = rc_now_s();
    void *item = NULL;
    pthread_mutex_lock(&q->mu);
    while (q->n == 0 && !q->closed) pthread_cond_wait(&q->not_empty, &q->mu);
    if (q->n) item = take(q);
    pthread_mutex_unlock(&q->mu);
    if (waited) *waited = rc_now_s() - t0;
    return item;
}

void *rc_stage_queue_try_pop(rc_stage_queue *q)
{
    void *item = NULL;
    pthread_mutex_lock(&q->mu);
    if (q->n) item = take(q);
    pthread_mutex_unlock(&q->mu);
    return item;
}

void rc_stage_queue_close(rc_stage_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->mu);
}
