/*
 * Layer 2: the object lifecycle shared by every object type.
 *
 * Submissions are a counter: the object's single packet is on the port
 * while callbacks are pending, and a worker that takes it runs one callback
 * and puts it back while more are pending (Wine's coalescing, which keeps
 * submission allocation-free and objects fair to each other).  Only the
 * holder of packet_held may post the packet.
 */

#include "core.h"

static void object_init(struct tp_object *object, ULONG tag, const struct tp_object_ops *ops,
                 const struct tp_env *env, void *callback, void *context)
{
    object->tag = tag;
    object->ops = ops;
    atomic_init(&object->refs, 1);
    object->env = *env;
    lock_init(&object->lock);
    object->packet.priority = env->priority;
    atomic_init(&object->idle_seq, 0);
    object->callback = callback;
    object->context = context;
}

/* Allocates and initialises an object of `size` bytes (a type-specific
 * structure starting with struct tp_object). */
NTSTATUS object_create(struct tp_object **out, SIZE_T size, ULONG tag, const struct tp_object_ops *ops,
                       void *callback, void *context, const TP_CALLBACK_ENVIRON *environment)
{
    struct tp_object *object;
    struct tp_env env;
    NTSTATUS status;

    if ((status = env_read(environment, &env)))
        return status;
    if (!(object = mem_alloc(size)))
    {
        env_release(&env);
        return STATUS_NO_MEMORY;
    }
    object_init(object, tag, ops, &env, callback, context);
    *out = object;
    return STATUS_SUCCESS;
}

void object_addref(struct tp_object *object)
{
    atomic_fetch_add_explicit(&object->refs, 1, memory_order_relaxed);
}

void object_release(struct tp_object *object)
{
    if (atomic_fetch_sub_explicit(&object->refs, 1, memory_order_acq_rel) != 1)
        return;
    object->tag = TP_TAG_FREED;
    env_release(&object->env);
    mem_free(object);
}

void object_submit(struct tp_object *object)
{
    BOOL post;

    lock_acquire(&object->lock);
    object->pending++;
    if ((post = !object->packet_held))
    {
        object->packet_held = TRUE;
        object_addref(object);
    }
    lock_release(&object->lock);
    if (post)
        pool_post(object->env.pool, &object->packet);
}

static BOOL object_is_running_here(struct tp_object *object)
{
    struct tp_instance *instance = instance_current();
    return instance && instance->object == object && instance->associated;
}

void object_wait(struct tp_object *object, BOOL cancel_pending)
{
    ULONG self = object_is_running_here(object) ? 1 : 0;
    BOOL drop_packet = FALSE;
    int seq;

    lock_acquire(&object->lock);
    if (cancel_pending && object->pending)
    {
        object->pending = 0;
        if (object->packet_held && port_cancel(&object->env.pool->port, &object->packet))
        {
            object->packet_held = FALSE;
            drop_packet = TRUE;
        }
    }
    while (object->pending || object->running > self)
    {
        object->waiters++;
        seq = atomic_load(&object->idle_seq);
        lock_release(&object->lock);
        thread_blocking_begin();
        futex_wait(&object->idle_seq, seq, TIMEOUT_INFINITE);
        thread_blocking_end();
        lock_acquire(&object->lock);
        object->waiters--;
    }
    lock_release(&object->lock);
    if (drop_packet)
        object_release(object);
}

void object_callback_done(struct tp_object *object)
{
    BOOL wake;

    lock_acquire(&object->lock);
    object->running--;
    if ((wake = object->waiters != 0))
        atomic_fetch_add(&object->idle_seq, 1);
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

    instance.object = object;
    instance.worker = worker;
    instance.thread_id = thread_current_id();
    instance.associated = TRUE;
    instance.may_run_long = FALSE;
    worker->instance = &instance;
    if (object->env.long_function)
        instance_may_run_long(&instance);

    object->ops->execute(object, &instance);
    if (object->env.finalization)
        object->env.finalization((PTP_CALLBACK_INSTANCE)&instance, object->context);

    if (instance.may_run_long)
        thread_blocking_end();
    worker->instance = NULL;
    if (instance.associated)
        object_callback_done(object);
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
    if (repost)
        pool_post(object->env.pool, &object->packet);
    object_run(worker, object);
    object_release(object);
}
