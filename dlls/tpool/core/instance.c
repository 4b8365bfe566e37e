/* Layer 2: callback instances, the state of one running callback. */

#include "core.h"

struct tp_instance *instance_current(void)
{
    struct tp_worker *worker = thread_state_current()->slot;
    return worker ? worker->instance : NULL;
}

/* The thread stops counting against the concurrency target, as if it had
 * blocked, so the port can release or the pool start another worker. */
BOOL instance_may_run_long(struct tp_instance *instance)
{
    struct tp_pool *pool = instance->object->env.pool;

    if (instance->thread_id != thread_current_id())
        return FALSE;
    if (!instance->may_run_long)
    {
        instance->may_run_long = TRUE;
        thread_blocking_begin();
    }
    if (port_waiting(&pool->port))
        return TRUE;
    return pool_grow(pool) == STATUS_SUCCESS;
}

void instance_disassociate(struct tp_instance *instance)
{
    if (!instance->associated)
        return;
    instance->associated = FALSE;
    object_callback_done(instance->object);
}
