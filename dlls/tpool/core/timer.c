/*
 * Layer 2: timer objects.
 *
 * An armed timer is one entry in its pool's timer queue.  Expiring queues
 * one callback and, for a periodic timer, re-arms the next period right
 * away, whether or not earlier callbacks still run; periods missed while
 * the pool was stalled are skipped, not caught up in a burst.  Setting or
 * closing a timer bumps its generation, and an expiry already under way for
 * an older setting (taken from the queue, its callback not queued yet) then
 * queues nothing: the set or close recalled it, as if it had still been in
 * the queue.  Once closed, a timer ignores sets (a legacy timer's callback
 * may update it while another thread deletes it).
 */

#include "pool.h"

struct tp_timer
{
    struct tp_object object;     /* first: PTP_TIMER is the object */
    struct timer_entry entry;
    /* Under the object lock. */
    BOOL closed;                 /* the close hook ran */
    BOOL set;                    /* the last set had a due time */
    LONGLONG period;             /* in 100 ns, 0 for one-shot */
    LONGLONG window;             /* in 100 ns */
    LONGLONG start;              /* the armed window's start, in the entry's clock */
    ULONG generation;            /* bumped by every set and by close */
    BOOL expiry_armed;           /* the current setting's next expiry has not queued yet */
    BOOL expire_inline;          /* the expiring worker runs the callbacks */
};

static struct tp_timer *timer_from_object(struct tp_object *object)
{
    return CONTAINING_RECORD(object, struct tp_timer, object);
}

static void timer_execute(struct tp_object *object, struct tp_instance *instance)
{
    PTP_TIMER_CALLBACK callback = (PTP_TIMER_CALLBACK)object->callback;
    callback((PTP_CALLBACK_INSTANCE)instance, object->context, (PTP_TIMER)object);
}

/* Under the object lock: arms the window starting at timer->start. */
static BOOL timer_arm(struct tp_timer *timer, enum timer_clock clock)
{
    lock_assert_held(&timer->object.lock);
    timer->entry.generation = timer->generation;
    return timer_queue_insert(timer->object.env.pool, &timer->entry, clock, timer->start,
                              timer->start + timer->window);
}

/* The first period start after now, skipping the periods already missed. */
static LONGLONG timer_next_start(struct tp_timer *timer)
{
    LONGLONG now = timer->entry.clock == TIMER_ABSOLUTE ? clock_system() : clock_monotonic();
    LONGLONG next = timer->start + timer->period;

    if (next <= now)
        next += ((now - next) / timer->period + 1) * timer->period;
    return next;
}

/* The worker expiring timers runs the callback it owns the packet for,
 * as a timer thread would; other timers wait until it is done. */
static void timer_expire(struct timer_entry *entry, ULONG generation, struct expiry *expiry)
{
    struct tp_timer *timer = CONTAINING_RECORD(entry, struct tp_timer, entry);
    BOOL post, nudge = FALSE;

    lock_acquire(&timer->object.lock);
    if (generation != timer->generation)
    {
        lock_release(&timer->object.lock);
        return;
    }
    post = object_add_pending(&timer->object);
    if (timer->period)
    {
        timer->start = timer_next_start(timer);
        nudge = timer_arm(timer, entry->clock);
    }
    else
        timer->expiry_armed = FALSE;
    lock_release(&timer->object.lock);
    if (post && !timer->expire_inline)
        object_post_expiring(&timer->object, expiry);
    if (nudge)
        timer_nudge(timer->object.env.pool, expiry);
    if (post && timer->expire_inline)
        object_dispatch(expiry->worker, &timer->object.packet);
}

/* Under the object lock: disarms; TRUE if the setting's next expiry was
 * recalled, from the queue or from the worker that had taken it. */
static BOOL timer_disarm(struct tp_timer *timer)
{
    BOOL recalled = timer->expiry_armed;

    lock_assert_held(&timer->object.lock);
    timer->generation++;
    timer->expiry_armed = FALSE;
    timer_queue_remove(timer->object.env.pool, &timer->entry);
    return recalled;
}

static void timer_close(struct tp_object *object)
{
    struct tp_timer *timer = timer_from_object(object);

    lock_acquire(&object->lock);
    timer->closed = TRUE;
    timer->set = FALSE;
    timer_disarm(timer);
    lock_release(&object->lock);
}

static const struct tp_object_ops timer_ops =
{
    .kind = "timer",
    .tag = TP_TAG_TIMER,
    .timer_statistics = TRUE,
    .execute = timer_execute,
    .close = timer_close,
};

NTSTATUS timer_create(struct tp_object **out, PTP_TIMER_CALLBACK callback, void *context,
                      const TP_CALLBACK_ENVIRON *environment)
{
    struct tp_timer *timer;
    NTSTATUS status;

    if ((status = object_create(out, sizeof(*timer), &timer_ops, (void *)callback,
                                context, environment)))
        return status;
    timer = timer_from_object(*out);
    timer->entry.object = *out;
    timer->entry.expire = timer_expire;
    pool_prepare_worker(timer->object.env.pool);
    return STATUS_SUCCESS;
}

BOOL timer_set(struct tp_object *object, const LONGLONG *due, DWORD period, DWORD window)
{
    struct tp_timer *timer = timer_from_object(object);
    BOOL recalled, post = FALSE, nudge = FALSE;
    enum timer_clock clock;

    lock_acquire(&object->lock);
    if (timer->closed)
    {
        lock_release(&object->lock);
        return FALSE;
    }
    recalled = timer_disarm(timer);
    timer->set = due != NULL;
    if (due)
    {
        timer->period = (LONGLONG)period * TICKS_PER_MS;
        timer->window = (LONGLONG)window * TICKS_PER_MS;
        clock = timer_due_time(*due, &timer->start);
        timer->entry.clock = clock;
        if (!*due)
        {
            /* due now: queue the callback directly, no timer round trip */
            post = object_add_pending(object);
            if (timer->period)
                timer->start = timer_next_start(timer);
        }
        if (*due || timer->period)
        {
            nudge = timer_arm(timer, clock);
            timer->expiry_armed = TRUE;
        }
    }
    lock_release(&object->lock);
    if (post)
        object_post(object);
    if (nudge)
        timer_nudge(object->env.pool, NULL);
    return recalled;
}

void timer_expire_inline(struct tp_object *object)
{
    timer_from_object(object)->expire_inline = TRUE;
}

BOOL timer_is_set(struct tp_object *object)
{
    struct tp_timer *timer = timer_from_object(object);
    BOOL set;

    lock_acquire(&object->lock);
    set = timer->set;
    lock_release(&object->lock);
    return set;
}
