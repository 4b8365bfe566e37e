/* Layer 2: callback instances, the state of one running callback. */

#include "pool.h"

struct tp_instance *instance_current(void)
{
    struct tp_worker *worker = worker_current();
    return worker ? worker->instance : NULL;
}

/* The thread stops counting against the concurrency target, as if it had
 * blocked, so the port can release or the pool start another worker. */
NTSTATUS instance_may_run_long(struct tp_instance *instance)
{
    struct tp_pool *pool = instance->object->env.pool;

    if (instance->thread_id != thread_current_id())
        return STATUS_UNSUCCESSFUL;
    if (!instance->may_run_long)
    {
        instance->may_run_long = TRUE;
        thread_blocking_begin();
    }
    if (port_waiting(&pool->port) || atomic_load(&pool->num_starting))
        return STATUS_SUCCESS;
    return pool_grow(pool);
}

void instance_disassociate(struct tp_instance *instance)
{
    if (!instance->associated)
        return;
    instance->associated = FALSE;
    object_callback_done(instance->object);
}

void instance_perform_actions(struct tp_instance *instance)
{
    struct instance_actions *actions = &instance->actions;

    if (actions->critical_section)
        action_leave_critical_section(actions->critical_section);
    if (actions->mutex && action_release_mutex(actions->mutex))
        exception_raise(STATUS_THREADPOOL_RELEASE_MUTEX_ON_COMPLETION_FAILED,
                        "ReleaseMutexWhenCallbackReturns");
    if (actions->semaphore && action_release_semaphore(actions->semaphore, actions->semaphore_count))
        exception_raise(STATUS_THREADPOOL_RELEASE_SEMAPHORE_ON_COMPLETION_FAILED,
                        "ReleaseSemaphoreWhenCallbackReturns");
    if (actions->event && action_set_event(actions->event))
        exception_raise(STATUS_THREADPOOL_SET_EVENT_ON_COMPLETION_FAILED,
                        "SetEventWhenCallbackReturns");
    if (actions->library && action_free_library(actions->library))
        exception_raise(STATUS_THREADPOOL_FREE_LIBRARY_ON_COMPLETION_FAILED,
                        "FreeLibraryWhenCallbackReturns");
}
