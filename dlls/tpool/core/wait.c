/*
 * Layer 2: wait objects.
 *
 * An armed wait is a wait packet (layer 1) on its handle plus, with a
 * timeout, an entry in the pool's timer queue.  The packet's notify queues
 * the callback as soon as the signal is consumed; the timeout cancels the
 * packet first and queues a timeout callback only if that cancel won, so a
 * signal is never consumed without its callback.  set_lock serialises
 * set, close and timeouts (which may wait for a wait thread); notify only
 * takes the object lock.  Once closed, a wait ignores sets (a registered
 * wait's callback re-arms it while another thread may unregister it).
 */

#include "pool.h"
#include "wait_packet.h"

enum wait_state
{
    WAIT_IDLE,
    WAIT_ARMED,
};

struct tp_wait
{
    struct tp_object object;     /* first: PTP_WAIT is the object */
    struct wait_packet *packet;
    struct timer_entry timeout;
    struct lock set_lock;
    atomic_int state;            /* enum wait_state, changed under the object lock */
    BOOL closed;                 /* under set_lock: the close hook ran */
    BOOL handle_armed;           /* under set_lock: the packet was associated */
    ULONG generation;            /* under the object lock: bumped by every disarm */
    ULONG signaled;              /* pending callbacks that report WAIT_OBJECT_0 */
    ULONG timed_out;             /* pending callbacks that report WAIT_TIMEOUT */
    BOOL state_waiters;
    _Atomic(HANDLE) waitable;    /* the last handle found waitable */
};

static struct tp_wait *wait_from_object(struct tp_object *object)
{
    return CONTAINING_RECORD(object, struct tp_wait, object);
}

/* Changes the state, keeping the pool's count of armed waits. */
static void wait_set_state(struct tp_wait *wait, enum wait_state state)
{
    if (atomic_exchange(&wait->state, state) != (int)state)
        stats_count(&wait->object.env.pool->waits_armed, state == WAIT_ARMED ? 1 : -1);
}

static void wait_execute(struct tp_object *object, struct tp_instance *instance)
{
    struct tp_wait *wait = wait_from_object(object);
    PTP_WAIT_CALLBACK callback = (PTP_WAIT_CALLBACK)object->callback;
    TP_WAIT_RESULT result = WAIT_OBJECT_0;
    BOOL have = TRUE;

    lock_acquire(&object->lock);
    if (wait->signaled)
        wait->signaled--;
    else if (wait->timed_out)
    {
        wait->timed_out--;
        result = WAIT_TIMEOUT;
    }
    else
        have = FALSE;
    lock_release(&object->lock);
    if (have)
        callback((PTP_CALLBACK_INSTANCE)instance, object->context, (PTP_WAIT)object, result);
}

/* The counts cover the pending callbacks and those a worker has just
 * started and not yet counted off here: all are dropped, and such a
 * callback then finds nothing to report and does not call the
 * application (it had not begun, so it counts as cancelled), as for I/O. */
static void wait_cancel_pending(struct tp_object *object)
{
    struct tp_wait *wait = wait_from_object(object);

    wait->signaled = 0;
    wait->timed_out = 0;
}

/* What a change of the wait leaves to do once its locks are released. */
struct wait_firing
{
    BOOL post;                   /* post the object's packet */
    BOOL wake;                   /* wake threads waiting for the state */
    BOOL nudge;                  /* hand the timer duty on (timer_nudge()) */
};

/* Queues a callback and ends the arming. */
static void wait_fire_locked(struct tp_wait *wait, BOOL signaled, struct wait_firing *firing)
{
    lock_assert_held(&wait->object.lock);
    if (signaled)
        wait->signaled++;
    else
        wait->timed_out++;
    firing->post = object_add_pending(&wait->object);
    wait_set_state(wait, WAIT_IDLE);
    firing->wake = wait->state_waiters;
    wait->state_waiters = FALSE;
}

/* Without a lock: posting may start a worker.  expiry: the timeout's. */
static void wait_fired(struct tp_wait *wait, const struct wait_firing *firing, struct expiry *expiry)
{
    if (firing->post && expiry)
        object_post_expiring(&wait->object, expiry);
    else if (firing->post)
        object_post_unheld(&wait->object);
    if (firing->wake)
        futex_wake_all(&wait->state);
    if (firing->nudge)
        timer_nudge(wait->object.env.pool, expiry);
}

static void wait_notify(struct wait_packet *packet, void *context, NTSTATUS status)
{
    struct tp_wait *wait = context;
    struct wait_firing firing = { FALSE, FALSE, FALSE };

    lock_acquire(&wait->object.lock);
    timer_queue_remove(wait->object.env.pool, &wait->timeout);
    wait_fire_locked(wait, TRUE, &firing);
    lock_release(&wait->object.lock);
    wait_fired(wait, &firing, NULL);
}

static void wait_timeout_expire(struct timer_entry *entry, ULONG generation, struct expiry *expiry)
{
    struct tp_wait *wait = CONTAINING_RECORD(entry, struct tp_wait, timeout);
    struct wait_firing firing = { FALSE, FALSE, FALSE };
    BOOL current;

    lock_acquire(&wait->set_lock);
    lock_acquire(&wait->object.lock);
    current = atomic_load(&wait->state) == WAIT_ARMED && generation == wait->generation;
    lock_release(&wait->object.lock);
    if (current && (!wait->handle_armed || wait_packet_cancel(wait->packet)))
    {
        lock_acquire(&wait->object.lock);
        wait_fire_locked(wait, FALSE, &firing);
        lock_release(&wait->object.lock);
        wait->handle_armed = FALSE;
    }
    lock_release(&wait->set_lock);
    wait_fired(wait, &firing, expiry);
}

/* Under set_lock: ends the current arming.  TRUE if it was armed and no
 * callback was queued for it. */
static BOOL wait_disarm(struct tp_wait *wait)
{
    BOOL armed, cancelled;

    lock_assert_held(&wait->set_lock);
    lock_acquire(&wait->object.lock);
    wait->generation++;
    armed = atomic_load(&wait->state) == WAIT_ARMED;
    lock_release(&wait->object.lock);
    if (!armed)
        return FALSE;

    cancelled = !wait->handle_armed || wait_packet_cancel(wait->packet);
    wait->handle_armed = FALSE;
    lock_acquire(&wait->object.lock);
    timer_queue_remove(wait->object.env.pool, &wait->timeout);
    if (cancelled)
        wait_set_state(wait, WAIT_IDLE);
    lock_release(&wait->object.lock);

    /* lost to a signal: its notify is under way, let it finish */
    while (atomic_load(&wait->state) == WAIT_ARMED)
    {
        lock_acquire(&wait->object.lock);
        wait->state_waiters = atomic_load(&wait->state) == WAIT_ARMED;
        lock_release(&wait->object.lock);
        futex_wait(&wait->state, WAIT_ARMED, TIMEOUT_INFINITE);
    }
    return cancelled;
}

/* Under set_lock: a zero timeout tests the handle once, here. */
static void wait_test_now(struct tp_wait *wait, HANDLE handle, struct wait_firing *firing)
{
    NTSTATUS status = wait_handle_now(handle);
    BOOL signaled = status == STATUS_WAIT_0 || status == STATUS_ABANDONED_WAIT_0;

    lock_acquire(&wait->object.lock);
    wait_fire_locked(wait, signaled, firing);
    lock_release(&wait->object.lock);
}

/* Under set_lock: arms on `handle` with an optional timeout.  A handle
 * signalled already fires the wait here (natively), not in a notify. */
static void wait_arm(struct tp_wait *wait, HANDLE handle, const LONGLONG *timeout,
                     struct wait_firing *firing)
{
    BOOLEAN already_signaled = FALSE;
    enum timer_clock clock;
    LONGLONG start;

    lock_assert_held(&wait->set_lock);
    wait_set_state(wait, WAIT_ARMED);
    /* in the DLL, notify may run right away, on a wait thread */
    wait->handle_armed = !wait_packet_associate(wait->packet, handle, &already_signaled) &&
                         !already_signaled;

    lock_acquire(&wait->object.lock);
    if (already_signaled)
        wait_fire_locked(wait, TRUE, firing);
    else if (atomic_load(&wait->state) == WAIT_ARMED)
    {
        if (timeout)
        {
            clock = timer_due_time(*timeout, &start);
            wait->timeout.generation = wait->generation;
            firing->nudge = timer_queue_insert(wait->object.env.pool, &wait->timeout, clock,
                                               start, start);
        }
        else if (!wait->handle_armed)
            wait_set_state(wait, WAIT_IDLE);  /* nothing can ever fire */
    }
    lock_release(&wait->object.lock);
}

BOOL wait_set(struct tp_object *object, HANDLE handle, const LONGLONG *timeout)
{
    struct tp_wait *wait = wait_from_object(object);
    struct wait_firing firing = { FALSE, FALSE, FALSE };
    BOOL recalled;

    lock_acquire(&wait->set_lock);
    if (wait->closed)
    {
        lock_release(&wait->set_lock);
        return FALSE;
    }
    recalled = wait_disarm(wait);
    if (handle && timeout && !*timeout)
        wait_test_now(wait, handle, &firing);
    else if (handle)
        wait_arm(wait, handle, timeout, &firing);
    lock_release(&wait->set_lock);
    wait_fired(wait, &firing, NULL);
    return recalled;
}

/* A closed handle whose value comes back as a mutex, or stays closed, is
 * missed. */
NTSTATUS wait_handle_check(struct tp_object *object, HANDLE handle)
{
    struct tp_wait *wait = wait_from_object(object);
    NTSTATUS status;

    if (atomic_load_explicit(&wait->waitable, memory_order_relaxed) == handle)
        return STATUS_SUCCESS;
    if (!(status = handle_check_waitable(handle)))
        atomic_store_explicit(&wait->waitable, handle, memory_order_relaxed);
    return status;
}

static void wait_close(struct tp_object *object)
{
    struct tp_wait *wait = wait_from_object(object);

    lock_acquire(&wait->set_lock);
    wait->closed = TRUE;
    wait_disarm(wait);
    lock_release(&wait->set_lock);
}

static void wait_destroy(struct tp_object *object)
{
    struct tp_wait *wait = wait_from_object(object);

    if (wait->packet)
        wait_packet_free(wait->packet);
}

static const struct tp_object_ops wait_ops =
{
    .kind = "wait",
    .tag = TP_TAG_WAIT,
    .execute = wait_execute,
    .cancel_pending = wait_cancel_pending,
    .close = wait_close,
    .destroy = wait_destroy,
};

NTSTATUS wait_create(struct tp_object **out, PTP_WAIT_CALLBACK callback, void *context,
                     const TP_CALLBACK_ENVIRON *environment)
{
    struct tp_wait *wait;
    NTSTATUS status;

    if ((status = object_create(out, sizeof(*wait), &wait_ops, (void *)callback,
                                context, environment)))
        return status;
    wait = wait_from_object(*out);
    lock_init(&wait->set_lock, LOCK_WAIT_SET);
    wait->timeout.object = *out;
    wait->timeout.expire = wait_timeout_expire;
    if ((status = wait_packet_create(&wait->packet, wait_notify, wait)))
    {
        object_release(*out);
        return status;
    }
    return STATUS_SUCCESS;
}
