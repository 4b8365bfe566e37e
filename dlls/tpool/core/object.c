/*
 * Layer 2: the object lifecycle shared by every object type.
 *
 * Submissions are a counter: the object's single packet is on the port
 * while callbacks are pending, and a worker that takes it runs one callback
 * and puts it back while more are pending (Wine's coalescing, which keeps
 * submission allocation-free and objects fair to each other).  Only the
 * holder of packet_held may post the packet.
 */

#include <string.h>

#include "pool.h"
#include "report.h"

static void object_init(struct tp_object *object, const struct tp_object_ops *ops,
                        const struct tp_env *env, void *callback, void *context)
{
    object->tag = ops->tag;
    object->ops = ops;
    atomic_init(&object->refs, 1);
    object->env = *env;
    lock_init(&object->lock, LOCK_OBJECT);
    object->packet.priority = env->priority;
    atomic_init(&object->idle_seq, 0);
    atomic_init(&object->sleepers, 0);
    object->callback = callback;
    object->shown_callback = callback;
    object->context = context;
}

/* Allocates and initialises an object of `size` bytes (a type-specific
 * structure starting with struct tp_object). */
NTSTATUS object_create(struct tp_object **out, SIZE_T size, const struct tp_object_ops *ops,
                       void *callback, void *context, const TP_CALLBACK_ENVIRON *environment)
{
    struct tp_object *object;
    struct tp_env env;
    NTSTATUS status;

    if ((status = env_read(environment, &env)))
        return status;
    if (env.persistent && (status = persistent_start(env.pool)))
    {
        env_release(&env);
        return status;
    }
    object = ops->pool_cache ? mem_cache_alloc(&env.pool->simple_objects) : mem_alloc(size);
    if (!object)
    {
        env_release(&env);
        return STATUS_NO_MEMORY;
    }
    object_init(object, ops, &env, callback, context);
    if (env.group)
        group_add(env.group, object);
    *out = object;
    return STATUS_SUCCESS;
}

void object_show_callback(struct tp_object *object, const void *function)
{
    object->shown_callback = function;
}

void object_addref(struct tp_object *object)
{
    atomic_fetch_add_explicit(&object->refs, 1, memory_order_relaxed);
}

/* A reference unless the object is already being freed. */
BOOL object_try_addref(struct tp_object *object)
{
    long refs = atomic_load(&object->refs);

    while (refs)
        if (atomic_compare_exchange_weak(&object->refs, &refs, refs + 1))
            return TRUE;
    return FALSE;
}

/* The pool's cache outlives the objects in it: the pool is released after
 * the memory. */
static void object_free_memory(struct tp_object *object)
{
    object->tag = TP_TAG_FREED;
    if (object->ops->pool_cache)
        mem_cache_free(&object->env.pool->simple_objects, object);
    else
        mem_free(object);
}

void object_release(struct tp_object *object)
{
    void (*freed)(void *context) = object->freed;
    void *context = object->context;
    struct tp_env env;

    if (atomic_fetch_sub_explicit(&object->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (object->env.group)
        group_remove(object->env.group, object);
    if (object->ops->destroy)
        object->ops->destroy(object);
    env = object->env;
    object_free_memory(object);
    env_release(&env);
    if (freed)
        freed(context);
}

BOOL object_take_app_reference(struct tp_object *object)
{
    BOOL owned;

    lock_acquire(&object->lock);
    owned = !object->app_closed;
    object->app_closed = TRUE;
    lock_release(&object->lock);
    return owned;
}

void object_shutdown(struct tp_object *object)
{
    if (object->ops->close)
        object->ops->close(object);
}

/* A second close of the same object is ignored rather than freeing it
 * twice (it may also have been released by its cleanup group). */
void object_close(struct tp_object *object)
{
    if (!object_take_app_reference(object))
        return;
    object_shutdown(object);
    object_release(object);
}

BOOL object_add_pending(struct tp_object *object)
{
    object->pending++;
    stats_count(&object->env.pool->submitted[stats_priority(&object->packet)], 1);
    if (object->packet_held)
        return FALSE;
    object->packet_held = TRUE;
    object_addref(object);
    return TRUE;
}

/* Queues the packet; `repost` by the worker that took it, before it runs
 * one of the object's callbacks (port_repost). */
static void object_queue_packet(struct tp_object *object, BOOL repost)
{
    if (object->env.persistent)
        persistent_post(object->env.pool, &object->packet);
    else if (repost)
        pool_repost(object->env.pool, &object->packet);
    else
        pool_post(object->env.pool, &object->packet);
}

void object_post(struct tp_object *object)
{
    object_queue_packet(object, FALSE);
}

void object_post_expiring(struct tp_object *object, struct expiry *expiry)
{
    if (object->env.persistent)
        persistent_post(object->env.pool, &object->packet);
    else if (!expiry->kept)
        expiry->kept = &object->packet;
    else
        pool_post_expiring(object->env.pool, &object->packet, expiry);
}

/* Once the packet is queued, a worker may run the callback and the
 * application free the object and the pool before pool_post() is done with
 * the pool (starting a worker for it): a poster without a reference holds
 * the pool meanwhile (a no-op for the default pool, which is never freed). */
void object_post_unheld(struct tp_object *object)
{
    struct tp_pool *pool = object->env.pool;

    pool_addref(pool);
    object_queue_packet(object, FALSE);
    pool_release(pool);
}

void object_submit(struct tp_object *object)
{
    BOOL post;

    lock_acquire(&object->lock);
    post = object_add_pending(object);
    lock_release(&object->lock);
    if (post)
        object_post(object);
}

/* Under the object lock: TRUE if waiters must be woken after unlocking.
 * Waiters that still spin see idle_seq move; the wake-up, a system call,
 * is for those asleep.  A waiter counts itself asleep before it sleeps on
 * idle_seq, so either this sees it or its sleep sees idle_seq moved.
 * Only a state that can end a wait is signalled: nothing pending and at
 * most one callback running (the waiter's own, waiting from it), so that
 * a waiter for a million callbacks is woken once, not a million times,
 * and leaves the processors to the workers meanwhile. */
static BOOL object_signal_waiters(struct tp_object *object)
{
    if (!object->waiters || object->pending || object->running > 1)
        return FALSE;
    atomic_fetch_add(&object->idle_seq, 1);
    return atomic_load(&object->sleepers) != 0;
}

/* Under the object lock: drops the pending callbacks; TRUE if the caller
 * must then drop the packet's reference.  Sets *wake if waiters must be
 * woken after unlocking: another thread's wait may end with them. */
static BOOL object_drop_pending(struct tp_object *object, BOOL *wake)
{
    *wake = FALSE;
    if (!object->pending)
        return FALSE;
    if (object->ops->cancel_pending)
        object->ops->cancel_pending(object);
    stats_count(&object->env.pool->dropped[stats_priority(&object->packet)], object->pending);
    object->pending = 0;
    *wake = object_signal_waiters(object);
    if (!object->packet_held || !port_cancel(&object->env.pool->port, &object->packet))
        return FALSE;
    object->packet_held = FALSE;
    return TRUE;
}

void object_cancel_pending(struct tp_object *object)
{
    BOOL drop_packet, wake;

    lock_acquire(&object->lock);
    drop_packet = object_drop_pending(object, &wake);
    lock_release(&object->lock);
    if (wake)
        futex_wake_all(&object->idle_seq);
    if (drop_packet)
        object_release(object);
}

/* Under the object lock: is anything left to wait for?  `self` is the
 * caller's own callback of this object, which is not waited for. */
static BOOL object_busy(struct tp_object *object, ULONG self, BOOL all)
{
    if (object->pending || (all ? object->executing : object->running) > self)
        return TRUE;
    return object->ops->busy && object->ops->busy(object);
}

/* Most callbacks waited for are short: a waiter that watches idle_seq for
 * a moment usually sees it move without sleeping and being woken, which
 * costs two system calls and a thread switch (ten times the whole
 * create-submit-wait-close cycle under Wine).  It spins as long as the
 * pool's idle workers do (not at all on one CPU, where the callback
 * cannot make progress meanwhile). */
static BOOL object_spin_until_completion(struct tp_object *object, int seq)
{
    unsigned int i;

    for (i = 0; i < object->env.pool->port.spins; i++)
    {
        if (atomic_load_explicit(&object->idle_seq, memory_order_acquire) != seq)
            return TRUE;
        cpu_relax();
    }
    return FALSE;
}

/* Under the object lock, which it drops while waiting. */
static void object_wait_locked(struct tp_object *object, ULONG self, BOOL all)
{
    int seq;

    while (object_busy(object, self, all))
    {
        object->waiters++;
        seq = atomic_load(&object->idle_seq);
        lock_release(&object->lock);
        thread_blocking_begin();
        if (!object_spin_until_completion(object, seq))
        {
            atomic_fetch_add(&object->sleepers, 1);
            futex_wait(&object->idle_seq, seq, TIMEOUT_INFINITE);
            atomic_fetch_sub(&object->sleepers, 1);
        }
        thread_blocking_end();
        lock_acquire(&object->lock);
        object->waiters--;
    }
}

void object_wait(struct tp_object *object, BOOL cancel_pending)
{
    struct tp_instance *instance = instance_current();
    ULONG self = instance && instance->object == object && instance->associated;
    BOOL drop_packet = FALSE, wake = FALSE;

    lock_acquire(&object->lock);
    if (cancel_pending)
        drop_packet = object_drop_pending(object, &wake);
    object_wait_locked(object, self, FALSE);
    lock_release(&object->lock);
    if (wake)
        futex_wake_all(&object->idle_seq);
    if (drop_packet)
        object_release(object);
}

void object_wait_all(struct tp_object *object)
{
    struct tp_instance *instance = instance_current();
    ULONG self = instance && instance->object == object;

    lock_acquire(&object->lock);
    object_wait_locked(object, self, TRUE);
    lock_release(&object->lock);
}

ULONG object_outstanding(struct tp_object *object, BOOL count_self)
{
    struct tp_instance *instance = instance_current();
    ULONG count;

    lock_acquire(&object->lock);
    count = object->pending + object->executing;
    lock_release(&object->lock);
    if (!count_self && instance && instance->object == object)
        count--;
    return count;
}

void object_wake_waiters(struct tp_object *object)
{
    BOOL wake;

    lock_acquire(&object->lock);
    wake = object_signal_waiters(object);
    lock_release(&object->lock);
    if (wake)
        futex_wake_all(&object->idle_seq);
}

void object_callback_done(struct tp_object *object)
{
    BOOL wake;

    lock_acquire(&object->lock);
    object->running--;
    wake = object_signal_waiters(object);
    lock_release(&object->lock);
    if (wake)
        futex_wake_all(&object->idle_seq);
}

/* The callback has returned: it stops counting, for WaitFor...Callbacks if
 * it was still associated, and for its cleanup group in any case.  A
 * simple callback that ran counts as released by the application. */
static void object_callback_finished(struct tp_object *object, BOOL associated)
{
    BOOL wake;

    lock_acquire(&object->lock);
    if (associated)
        object->running--;
    object->executing--;
    if (object->ops->one_shot)
        object->app_closed = TRUE;
    wake = object_signal_waiters(object);
    lock_release(&object->lock);
    if (wake)
        futex_wake_all(&object->idle_seq);
}

/* Takes one pending callback; FALSE if none is left (cancelled). */
static BOOL object_start_callback(struct tp_object *object, BOOL *repost)
{
    BOOL start;

    lock_acquire(&object->lock);
    if ((start = object->pending != 0))
    {
        object->pending--;
        object->running++;
        object->executing++;
        /* the packet's reference goes to this callback unless it is reposted */
        if ((*repost = object->pending != 0))
            object_addref(object);
    }
    if (!start || !*repost)
        object->packet_held = FALSE;
    lock_release(&object->lock);
    return start;
}

static void object_run(struct tp_worker *worker, struct tp_object *object)
{
    struct tp_instance instance;
    struct thread_snapshot snapshot;
    struct trace_callback traced;
    BOOL checked = thread_snapshot_take(&snapshot);

    instance.tag = TP_TAG_INSTANCE;
    instance.object = object;
    instance.worker = worker;
    instance.thread_id = thread_current_id();
    instance.associated = TRUE;
    instance.may_run_long = FALSE;
    memset(&instance.actions, 0, sizeof(instance.actions));
    worker->instance = &instance;
    atomic_store_explicit(&worker->running_ops, object->ops, memory_order_relaxed);
    atomic_store_explicit(&worker->running_callback, object->shown_callback, memory_order_relaxed);
    if (object->env.long_function)
        instance_may_run_long(&instance);

    if (trace_on)
        trace_callback_dispatch(&traced, object);
    object->ops->execute(object, &instance);
    if (object->env.finalization)
        object->env.finalization((PTP_CALLBACK_INSTANCE)&instance, object->context);
    if (trace_on)
        trace_callback_return(&traced);
    atomic_store_explicit(&worker->running_callback, NULL, memory_order_relaxed);

    if (instance.may_run_long)
        thread_blocking_end();
    worker->instance = NULL;
    object_callback_finished(object, instance.associated);
    instance_perform_actions(&instance);
    instance.tag = TP_TAG_FREED;
    if (checked)
        thread_snapshot_check(&snapshot, object->shown_callback, object);
}

void object_dispatch(struct tp_worker *worker, struct port_packet *packet)
{
    struct tp_object *object = CONTAINING_RECORD(packet, struct tp_object, packet);
    BOOL repost = FALSE;

    if (!object_start_callback(object, &repost))
    {
        object_release(object);
        return;
    }
    stats_count_started(worker, stats_priority(packet));
    /* back on the port before the callback runs: the object's other
     * pending callbacks may run concurrently on other workers.  A worker
     * still spinning for work is left to take it at the end of its spin:
     * after a short callback this worker takes it back itself, instead
     * of each callback handing the packet to the other processor. */
    if (repost)
        object_queue_packet(object, TRUE);
    object_run(worker, object);
    object_release(object);
}
