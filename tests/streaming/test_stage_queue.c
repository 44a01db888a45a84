/* test_stage_queue.c — the bounded queue between pipeline stages: FIFO order, a pusher waits
 * while it is full (never more than cap items inside), every item pushed by several producer
 * threads is popped exactly once by several consumers, and close lets consumers drain what is
 * left, then see the end, while later pushes are refused. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "pipeline/rc_stage_queue_int.h"
#include "tap.h"

#define PRODUCERS 3
#define CONSUMERS 2
#define PER_PRODUCER 2000

static rc_stage_queue g_q;
static intptr_t g_items[PRODUCERS][PER_PRODUCER];
static int g_seen[PRODUCERS][PER_PRODUCER];
static int g_order_broken;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

static void *producer(void *arg)
{
    intptr_t p = (intptr_t)arg;
    for (int i = 0; i < PER_PRODUCER; i++) rc_stage_queue_push(&g_q, &g_items[p][i], NULL);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    int last[PRODUCERS];
    for (int p = 0; p < PRODUCERS; p++) last[p] = -1;
    for (intptr_t *it; (it = rc_stage_queue_pop(&g_q, NULL));) {
        intptr_t v = *it;
        int p = (int)(v / PER_PRODUCER), i = (int)(v % PER_PRODUCER);
        pthread_mutex_lock(&g_mu);
        g_seen[p][i]++;
        if (i <= last[p]) g_order_broken = 1; /* one producer's items leave in the order they came */
        pthread_mutex_unlock(&g_mu);
        last[p] = i;
    }
    return NULL;
}

static atomic_int g_pushed;

static void *late_push(void *item)
{
    rc_stage_queue_push(&g_q, item, NULL);
    atomic_store(&g_pushed, 1);
    return NULL;
}

int main(void)
{
    int a = 1, b = 2, c = 3;
    rc_stage_queue q;
    tap_ok(rc_stage_queue_init(&q, 2) == 0, "a queue of 2 starts");
    tap_ok(rc_stage_queue_try_pop(&q) == NULL, "an empty queue gives nothing at once");
    rc_stage_queue_push(&q, &a, NULL);
    rc_stage_queue_push(&q, &b, NULL);
    tap_ok(q.n == 2, "two items fill it");
    tap_ok(rc_stage_queue_pop(&q, NULL) == &a && rc_stage_queue_try_pop(&q) == &b, "first in, first out");
    rc_stage_queue_push(&q, &c, NULL);
    rc_stage_queue_close(&q);
    tap_ok(rc_stage_queue_push(&q, &a, NULL) == -1, "a closed queue refuses pushes");
    tap_ok(rc_stage_queue_pop(&q, NULL) == &c, "a closed queue still gives what it holds");
    tap_ok(rc_stage_queue_pop(&q, NULL) == NULL, "then the end, without waiting");
    rc_stage_queue_destroy(&q);

    /* several producers and consumers through a queue of 4 */
    pthread_t pt[PRODUCERS], ct[CONSUMERS];
    for (int p = 0; p < PRODUCERS; p++)
        for (int i = 0; i < PER_PRODUCER; i++) g_items[p][i] = (intptr_t)p * PER_PRODUCER + i;
    rc_stage_queue_init(&g_q, 4);
    for (int k = 0; k < CONSUMERS; k++) pthread_create(&ct[k], NULL, consumer, NULL);
    for (intptr_t p = 0; p < PRODUCERS; p++) pthread_create(&pt[p], NULL, producer, (void *)p);
    for (int p = 0; p < PRODUCERS; p++) pthread_join(pt[p], NULL);
    rc_stage_queue_close(&g_q);
    for (int k = 0; k < CONSUMERS; k++) pthread_join(ct[k], NULL);
    int once = 1;
    for (int p = 0; p < PRODUCERS; p++)
        for (int i = 0; i < PER_PRODUCER; i++) once &= g_seen[p][i] == 1;
    tap_ok(once, "%d items from %d producers: each popped exactly once by %d consumers",
           PRODUCERS * PER_PRODUCER, PRODUCERS, CONSUMERS);
    tap_ok(!g_order_broken, "each consumer sees one producer's items in the order pushed");
    rc_stage_queue_destroy(&g_q);

    /* a full queue holds the pusher until an item leaves */
    rc_stage_queue_init(&g_q, 1);
    rc_stage_queue_push(&g_q, &a, NULL);
    pthread_t t;
    pthread_create(&t, NULL, late_push, &b);
    usleep(50000);
    int early = atomic_load(&g_pushed);
    void *first = rc_stage_queue_pop(&g_q, NULL);
    pthread_join(t, NULL);
    tap_ok(!early && first == &a && atomic_load(&g_pushed) && rc_stage_queue_pop(&g_q, NULL) == &b,
           "a push into a full queue waits until a pop makes room");
    rc_stage_queue_destroy(&g_q);
    return tap_done();
}
