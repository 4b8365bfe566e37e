/*
 * Layer 3, legacy pool: what registered waits and timer-queue timers share.
 *
 * Deleting follows the completion-event convention of UnregisterWaitEx,
 * DeleteTimerQueueTimer and DeleteTimerQueueEx.  The object is disarmed
 * first, then closed; callbacks already queued still run.  The core
 * object is freed once none runs or can run any more, and its freed hook
 * sets the application's event or releases the blocking caller, so a
 * callback whose expiry was under way during the delete is waited for too.
 */

#include <string.h>

#include "legacy.h"

void legacy_environment(TP_CALLBACK_ENVIRON *environment, ULONG flags, ULONG persistent_flags)
{
    memset(environment, 0, sizeof(*environment));
    environment->Version = 1;
    environment->u.s.Persistent = (flags & persistent_flags) != 0;
    environment->u.s.LongFunction = (flags & WT_EXECUTELONGFUNCTION) != 0;
}

NTSTATUS legacy_object_init(struct legacy_object *legacy, ULONG tag, RTL_WAITORTIMERCALLBACKFUNC callback,
                            void *context, ULONG flags)
{
    NTSTATUS status;

    legacy->tag = tag;
    legacy->callback = callback;
    legacy->context = context;
    legacy->flags = flags;
    if ((flags & WT_TRANSFER_IMPERSONATION) && (status = impersonation_capture(&legacy->token)))
        return status;
    return STATUS_SUCCESS;
}

void legacy_object_abandon(struct legacy_object *legacy)
{
    if (legacy->token)
        impersonation_free(legacy->token);
    mem_free(legacy);
}

void legacy_object_run(struct legacy_object *legacy, BOOLEAN timer_or_wait_fired)
{
    if (legacy->token)
        impersonation_apply(legacy->token);
    legacy->callback(legacy->context, timer_or_wait_fired);
    if (legacy->token)
        impersonation_revert();
}

BOOL legacy_object_stop(struct legacy_object *legacy)
{
    if (atomic_exchange(&legacy->deleted, TRUE))
        return FALSE;
    object_shutdown(legacy->object);
    return TRUE;
}

static BOOL running_here(struct tp_object *object)
{
    struct tp_instance *instance = instance_current();
    return instance && instance->object == object;
}

static void wait_until_freed(atomic_int *freed)
{
    thread_blocking_begin();
    while (!atomic_load(freed))
        futex_wait(freed, 0, TIMEOUT_INFINITE);
    thread_blocking_end();
}

NTSTATUS legacy_object_delete(struct legacy_object *legacy, HANDLE event, BOOL count_self)
{
    struct tp_object *object = legacy->object;
    atomic_int freed = 0;
    NTSTATUS status;

    if (event == INVALID_HANDLE_VALUE && !running_here(object))
    {
        legacy->freed = &freed;
        object_close(object);
        wait_until_freed(&freed);
        return STATUS_SUCCESS;
    }
    if (event == INVALID_HANDLE_VALUE)
    {
        /* Windows deadlocks here; the caller's own callback cannot be
         * waited for, the others are */
        object_wait_all(object);
        event = NULL;
    }
    status = object_outstanding(object, count_self) ? STATUS_PENDING : STATUS_SUCCESS;
    legacy->completion_event = event;
    /* may free the object, and with it the legacy structure */
    object_close(object);
    return status;
}

void legacy_object_finish(struct legacy_object *legacy)
{
    HANDLE event = legacy->completion_event;
    atomic_int *freed = legacy->freed;

    if (legacy->token)
        impersonation_free(legacy->token);
    legacy->tag = TP_TAG_FREED;
    mem_free(legacy);
    if (event)
        action_set_event(event);
    if (freed)
    {
        atomic_store(freed, 1);
        futex_wake_all(freed);
    }
}
