/* Layer 3, legacy pool: work items (QueueUserWorkItem, RtlQueueWorkItem),
 * simple callbacks in the default pool. */

#include "legacy.h"

/* One of the two kinds of routine is set. */
struct work_item
{
    PRTL_WORK_ITEM_ROUTINE function;
    LPTHREAD_START_ROUTINE thread_routine;  /* QueueUserWorkItem's; its result is ignored */
    void *context;
    HANDLE token;                /* WT_TRANSFER_IMPERSONATION */
};

static void WINAPI work_item_callback(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct work_item item = *(struct work_item *)context;

    mem_free(context);
    if (item.token)
        impersonation_apply(item.token);
    if (item.thread_routine)
        item.thread_routine(item.context);
    else
        item.function(item.context);
    if (item.token)
    {
        impersonation_revert();
        impersonation_free(item.token);
    }
}

/* WT_SET_MAX_THREADPOOL_THREADS puts a limit in the high 16 bits: it
 * becomes the default pool's maximum, as SetThreadpoolThreadMaximum. */
static NTSTATUS apply_thread_limit(ULONG flags)
{
    struct tp_pool *pool;
    NTSTATUS status;

    if (!(flags >> 16))
        return STATUS_SUCCESS;
    if ((status = pool_default(&pool)))
        return status;
    pool_set_max_workers(pool, flags >> 16);
    return STATUS_SUCCESS;
}

static NTSTATUS queue_work_item(PRTL_WORK_ITEM_ROUTINE function, LPTHREAD_START_ROUTINE thread_routine,
                                void *context, ULONG flags)
{
    TP_CALLBACK_ENVIRON environment;
    struct work_item *item;
    NTSTATUS status;

    if (!function && !thread_routine)
        return STATUS_INVALID_PARAMETER;
    if ((status = apply_thread_limit(flags)))
        return status;
    if (!(item = mem_alloc(sizeof(*item))))
        return STATUS_NO_MEMORY;
    item->function = function;
    item->thread_routine = thread_routine;
    item->context = context;
    if ((flags & WT_TRANSFER_IMPERSONATION) && (status = impersonation_capture(&item->token)))
    {
        mem_free(item);
        return status;
    }
    legacy_environment(&environment, flags, LEGACY_PERSISTENT_FLAGS);
    if ((status = simple_submit(work_item_callback, item, &environment,
                                function ? (const void *)function : (const void *)thread_routine)))
    {
        if (item->token)
            impersonation_free(item->token);
        mem_free(item);
    }
    return status;
}

NTSTATUS WINAPI RtlQueueWorkItem(PRTL_WORK_ITEM_ROUTINE function, PVOID context, ULONG flags)
{
    TRACE_CALL("RtlQueueWorkItem", "function=%c context=%p flags=%x", function, context, flags);
    return TRACE_RETURN(queue_work_item(function, NULL, context, flags));
}

BOOL WINAPI QueueUserWorkItem(LPTHREAD_START_ROUTINE function, PVOID context, ULONG flags)
{
    TRACE_CALL("QueueUserWorkItem", "function=%c context=%p flags=%x", function, context, flags);
    return TRACE_RETURN(set_ntstatus(queue_work_item(NULL, function, context, flags)));
}
