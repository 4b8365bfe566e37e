/*
 * Layer 2: a pool's timer queue and the timer duty.
 *
 * Entries sit in two pairing heaps per clock, one ordered by window start
 * and one by window end, as in Windows 8: the queue is due when the
 * earliest window end arrives, and then every entry whose window has
 * opened expires too.  The worker holding the duty parks on the pool's
 * port until that deadline, behind every other parked worker, and expires
 * the entries itself: an expiring timer's callback is queued by a worker
 * that then takes it from the port without another thread waking up.
 */

#include "core.h"

/* Absolute timers are rechecked at least this often: the wall clock may
 * have moved while the duty holder slept on the monotonic one. */
#define ABSOLUTE_RECHECK (1000 * (LONGLONG)TICKS_PER_MS)

void timer_queue_init(struct timer_queue *queue)
{
    lock_init(&queue->lock);
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

/* Under the queue lock: the monotonic deadline of the earliest window end. */
static LONGLONG timer_queue_deadline(struct timer_queue *queue)
{
    struct heap_node *relative = queue->ends[TIMER_RELATIVE].root;
    struct heap_node *absolute = queue->ends[TIMER_ABSOLUTE].root;
    LONGLONG deadline = relative ? relative->key : TIMEOUT_INFINITE, now, wait;

    if (absolute)
    {
        now = clock_monotonic();
        wait = absolute->key - clock_system();
        if (wait > ABSOLUTE_RECHECK)
            wait = ABSOLUTE_RECHECK;
        if (now + wait < deadline)
            deadline = now + wait;
    }
    return deadline;
}

static BOOL timer_queue_needs_nudge(struct timer_queue *queue)
{
    if (!queue->count || queue->nudge_queued)
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
    queue->count++;
    nudge = timer_queue_needs_nudge(queue);
    lock_release(&queue->lock);
    return nudge;
}

static void timer_queue_unlink(struct timer_queue *queue, struct timer_entry *entry)
{
    heap_remove(&queue->starts[entry->clock], &entry->by_start);
    heap_remove(&queue->ends[entry->clock], &entry->by_end);
    entry->queued = FALSE;
    queue->count--;
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

void timer_nudge(struct tp_pool *pool)
{
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
    lock_acquire(&queue->lock);
    if (!queue->duty && queue->count)
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
        timer_nudge(pool);
}

/* Under the queue lock: is any window end of `clock` reached at `now`? */
static BOOL timer_clock_due(struct timer_queue *queue, enum timer_clock clock, LONGLONG now)
{
    struct heap_node *end = queue->ends[clock].root;
    return end && end->key <= now;
}

/* Under the queue lock: unlinks every entry of `clock` whose window has
 * opened at `now`, referencing its owner, onto *list. */
static void timer_clock_collect(struct timer_queue *queue, enum timer_clock clock, LONGLONG now,
                                struct timer_entry **list)
{
    struct heap_node *start;
    struct timer_entry *entry;

    while ((start = queue->starts[clock].root) && start->key <= now)
    {
        entry = CONTAINING_RECORD(start, struct timer_entry, by_start);
        timer_queue_unlink(queue, entry);
        entry->fired_generation = entry->generation;
        object_addref(entry->object);
        entry->next_expired = *list;
        *list = entry;
    }
}

BOOL timer_queue_expire(struct tp_pool *pool)
{
    struct timer_queue *queue = &pool->timers;
    struct timer_entry *list = NULL, *entry;
    LONGLONG now[TIMER_CLOCKS];

    lock_acquire(&queue->lock);
    now[TIMER_RELATIVE] = clock_monotonic();
    now[TIMER_ABSOLUTE] = clock_system();
    if (timer_clock_due(queue, TIMER_RELATIVE, now[TIMER_RELATIVE]) ||
        timer_clock_due(queue, TIMER_ABSOLUTE, now[TIMER_ABSOLUTE]))
    {
        timer_clock_collect(queue, TIMER_RELATIVE, now[TIMER_RELATIVE], &list);
        timer_clock_collect(queue, TIMER_ABSOLUTE, now[TIMER_ABSOLUTE], &list);
    }
    lock_release(&queue->lock);

    if (!list)
        return FALSE;
    while ((entry = list))
    {
        list = entry->next_expired;
        entry->expire(entry);
        object_release(entry->object);
    }
    return TRUE;
}
