/*
 * Layer 2: a pool's timer queue and the timer duty.
 *
 * Entries sit in two pairing heaps per clock, one ordered by window start
 * and one by window end, as in Windows 8: the queue is due when the
 * earliest window end arrives (or a lone window starts), and then every
 * entry whose window has opened expires too.  The worker holding the duty parks on the pool's
 * port until that deadline, behind every other parked worker, and expires
 * the entries itself: an expiring timer's callback is queued by a worker
 * that then takes it from the port without another thread waking up.
 */

#include "pool.h"

/* Absolute timers are rechecked at least this often: the wall clock may
 * have moved while the duty holder slept on the monotonic one. */
#define ABSOLUTE_RECHECK (1000 * (LONGLONG)TICKS_PER_MS)

void timer_queue_init(struct timer_queue *queue)
{
    lock_init(&queue->lock, LOCK_TIMER_QUEUE);
    atomic_init(&queue->count, 0);
    queue->duty_deadline = TIMEOUT_INFINITE;
    queue->nudge.priority = TP_CALLBACK_PRIORITY_HIGH;
}

enum timer_clock timer_due_time(LONGLONG due, LONGLONG *start)
{
    if (due > 0)
    {
        *start = due;
        return TIMER_ABSOLUTE;
    }
    *start = clock_monotonic() - due;
    return TIMER_RELATIVE;
}

/* Under the queue lock: when the entries of `clock` are due, on that
 * clock; FALSE if it has none.  That is the earliest window end, except
 * when the entry with the earliest start also has the earliest end: no
 * other window is known to share it, so it is due at its start, as
 * Windows fires a timer that no other timer can join (Wine's conformance
 * tests check it).  A timer set later inside its window still joins it. */
static BOOL timer_clock_due_time(struct timer_queue *queue, enum timer_clock clock, LONGLONG *due)
{
    struct heap_node *start = queue->starts[clock].root, *end = queue->ends[clock].root;

    if (!end)
        return FALSE;
    if (CONTAINING_RECORD(start, struct timer_entry, by_start) ==
        CONTAINING_RECORD(end, struct timer_entry, by_end))
        *due = start->key;
    else
        *due = end->key;
    return TRUE;
}

/* Under the queue lock: the monotonic deadline of the queue. */
static LONGLONG timer_queue_deadline(struct timer_queue *queue)
{
    LONGLONG deadline = TIMEOUT_INFINITE, due, now, wait;

    if (timer_clock_due_time(queue, TIMER_RELATIVE, &due))
        deadline = due;
    if (timer_clock_due_time(queue, TIMER_ABSOLUTE, &due))
    {
        now = clock_monotonic();
        wait = due - clock_system();
        if (wait > ABSOLUTE_RECHECK)
            wait = ABSOLUTE_RECHECK;
        if (now + wait < deadline)
            deadline = now + wait;
    }
    return deadline;
}

static BOOL timer_queue_needs_nudge(struct timer_queue *queue)
{
    if (!atomic_load_explicit(&queue->count, memory_order_relaxed) || queue->nudge_queued)
        return FALSE;
    if (queue->duty && queue->duty_deadline <= timer_queue_deadline(queue))
        return FALSE;
    /* the holder sleeps too long (or there is none): whoever takes the
     * nudge becomes the holder */
    queue->duty = 0;
    queue->nudge_queued = TRUE;
    return TRUE;
}

BOOL timer_queue_insert(struct tp_pool *pool, struct timer_entry *entry, enum timer_clock clock,
                        LONGLONG start, LONGLONG end)
{
    struct timer_queue *queue = &pool->timers;
    BOOL nudge;

    lock_acquire(&queue->lock);
    entry->clock = clock;
    entry->queued = TRUE;
    heap_insert(&queue->starts[clock], &entry->by_start, start);
    heap_insert(&queue->ends[clock], &entry->by_end, end);
    atomic_fetch_add_explicit(&queue->count, 1, memory_order_relaxed);
    if (entry->object->ops->timer_statistics)
        queue->timers++;
    nudge = timer_queue_needs_nudge(queue);
    lock_release(&queue->lock);
    return nudge;
}

static void timer_queue_unlink(struct timer_queue *queue, struct timer_entry *entry)
{
    heap_remove(&queue->starts[entry->clock], &entry->by_start);
    heap_remove(&queue->ends[entry->clock], &entry->by_end);
    entry->queued = FALSE;
    atomic_fetch_sub_explicit(&queue->count, 1, memory_order_relaxed);
    if (entry->object->ops->timer_statistics)
        queue->timers--;
}

BOOL timer_queue_remove(struct tp_pool *pool, struct timer_entry *entry)
{
    struct timer_queue *queue = &pool->timers;
    BOOL removed;

    lock_acquire(&queue->lock);
    if ((removed = entry->queued))
        timer_queue_unlink(queue, entry);
    lock_release(&queue->lock);
    return removed;
}

void timer_nudge(struct tp_pool *pool, struct expiry *expiry)
{
    if (expiry)
        pool_post_expiring(pool, &pool->timers.nudge, expiry);
    else
        pool_post(pool, &pool->timers.nudge);
}

void timer_nudge_received(struct tp_pool *pool)
{
    lock_acquire(&pool->timers.lock);
    pool->timers.nudge_queued = FALSE;
    lock_release(&pool->timers.lock);
}

LONGLONG timer_duty_take(struct tp_pool *pool, unsigned int *duty)
{
    struct timer_queue *queue = &pool->timers;
    LONGLONG deadline = TIMEOUT_INFINITE;

    *duty = 0;
    /* Without the lock when the queue is empty: a timer queued meanwhile
     * finds no holder and posts the nudge, which makes one. */
    if (!atomic_load_explicit(&queue->count, memory_order_relaxed))
        return deadline;
    lock_acquire(&queue->lock);
    if (!queue->duty && atomic_load_explicit(&queue->count, memory_order_relaxed))
    {
        if (!++queue->next_duty)
            ++queue->next_duty;
        *duty = queue->duty = queue->next_duty;
        deadline = queue->duty_deadline = timer_queue_deadline(queue);
    }
    lock_release(&queue->lock);
    return deadline;
}

void timer_duty_release(struct tp_pool *pool, unsigned int duty, BOOL hand_over)
{
    struct timer_queue *queue = &pool->timers;
    BOOL nudge = FALSE;

    lock_acquire(&queue->lock);
    if (queue->duty == duty)
    {
        queue->duty = 0;
        queue->duty_deadline = TIMEOUT_INFINITE;
        if (hand_over)
            nudge = timer_queue_needs_nudge(queue);
    }
    lock_release(&queue->lock);
    if (nudge)
        timer_nudge(pool, NULL);
}

/* Under the queue lock: are the entries of `clock` due at `now`? */
static BOOL timer_clock_due(struct timer_queue *queue, enum timer_clock clock, LONGLONG now)
{
    LONGLONG due;
    return timer_clock_due_time(queue, clock, &due) && due <= now;
}

/* Entries taken from the queue in one go.  They are copied out, with their
 * generation, because once the queue lock is dropped their owner may queue
 * them again and another worker may take them meanwhile. */
#define EXPIRE_BATCH 32

struct expired_entry
{
    struct timer_entry *entry;
    ULONG generation;
};

/* Under the queue lock: unlinks up to `max` entries of `clock` whose window
 * has opened at `now`, referencing their owners, into `batch`. */
static unsigned int timer_clock_collect(struct timer_queue *queue, enum timer_clock clock,
                                        LONGLONG now, struct expired_entry *batch,
                                        unsigned int max)
{
    struct heap_node *start;
    struct timer_entry *entry;
    unsigned int count = 0;

    while (count < max && (start = queue->starts[clock].root) && start->key <= now)
    {
        entry = CONTAINING_RECORD(start, struct timer_entry, by_start);
        if (entry->object->ops->timer_statistics)
            stats_timer_lateness(queue, now - start->key);
        timer_queue_unlink(queue, entry);
        object_addref(entry->object);
        batch[count].entry = entry;
        batch[count++].generation = entry->generation;
    }
    return count;
}

BOOL timer_queue_expire(struct tp_pool *pool, struct expiry *expiry)
{
    struct timer_queue *queue = &pool->timers;
    struct expired_entry batch[EXPIRE_BATCH];
    LONGLONG now[TIMER_CLOCKS];
    unsigned int count, i;
    BOOL due, expired = FALSE;

    lock_acquire(&queue->lock);
    now[TIMER_RELATIVE] = clock_monotonic();
    now[TIMER_ABSOLUTE] = clock_system();
    due = timer_clock_due(queue, TIMER_RELATIVE, now[TIMER_RELATIVE]) ||
          timer_clock_due(queue, TIMER_ABSOLUTE, now[TIMER_ABSOLUTE]);
    lock_release(&queue->lock);

    while (due)
    {
        lock_acquire(&queue->lock);
        count = timer_clock_collect(queue, TIMER_RELATIVE, now[TIMER_RELATIVE], batch,
                                    EXPIRE_BATCH);
        count += timer_clock_collect(queue, TIMER_ABSOLUTE, now[TIMER_ABSOLUTE], batch + count,
                                     EXPIRE_BATCH - count);
        lock_release(&queue->lock);
        for (i = 0; i < count; i++)
        {
            batch[i].entry->expire(batch[i].entry, batch[i].generation, expiry);
            object_release(batch[i].entry->object);
        }
        expired |= count != 0;
        due = count == EXPIRE_BATCH;
    }
    return expired;
}
