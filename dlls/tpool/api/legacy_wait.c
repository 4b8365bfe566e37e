/*
 * Layer 3, legacy pool: registered waits (RegisterWaitForSingleObject,
 * RtlRegisterWait) over the core's wait objects in the default pool.
 *
 * The core's waits are one-shot; a registered wait without
 * WT_EXECUTEONLYONCE is armed again, timeout restarted, as each of its
 * callbacks starts, so a signal that comes during a callback gets a
 * callback of its own.  WT_EXECUTEINWAITTHREAD and WT_EXECUTEINIOTHREAD
 * callbacks run on the persistent worker: tpool's wait threads only wait
 * (natively there are none), and that worker is one thread, running one
 * callback at a time and waiting alertably in between, as a wait thread.
 */

#include "legacy.h"

#define WAIT_PERSISTENT_FLAGS (LEGACY_PERSISTENT_FLAGS | WT_EXECUTEINWAITTHREAD | WT_EXECUTEINIOTHREAD)

struct legacy_wait
{
    struct legacy_object base;   /* first: freed with it */
    HANDLE handle;
    ULONG milliseconds;
};

static struct legacy_wait *wait_from_handle(HANDLE handle)
{
    struct legacy_wait *wait = handle;

    if (!wait || wait->base.tag != LEGACY_TAG_WAIT)
        return NULL;
    return wait;
}

/* Once deleted, the core wait ignores this. */
static void wait_arm(struct legacy_wait *wait)
{
    LONGLONG timeout = -(LONGLONG)wait->milliseconds * TICKS_PER_MS;

    wait_set(wait->base.object, wait->handle, wait->milliseconds == INFINITE ? NULL : &timeout);
}

static void WINAPI wait_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT core,
                                 TP_WAIT_RESULT result)
{
    struct legacy_wait *wait = context;

    if (!(wait->base.flags & WT_EXECUTEONLYONCE))
    {
        wait_arm(wait);
    }
    legacy_object_run(&wait->base, result == WAIT_TIMEOUT);
}

static void wait_freed(void *context)
{
    legacy_object_finish(context);
}

/* The handle is stored in *out before the wait is armed: a callback may
 * run at once and unregister it. */
NTSTATUS WINAPI RtlRegisterWait(PHANDLE out, HANDLE handle, RTL_WAITORTIMERCALLBACKFUNC callback,
                                PVOID context, ULONG milliseconds, ULONG flags)
{
    TP_CALLBACK_ENVIRON environment;
    struct legacy_wait *wait;
    NTSTATUS status;
    TRACE_CALL("RtlRegisterWait", "out=%p handle=%p callback=%c context=%p milliseconds=%u flags=%x",
               out, handle, callback, context, milliseconds, flags);

    if (!handle)
        return TRACE_RETURN(STATUS_INVALID_HANDLE);
    if (!out || !callback)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if (!(wait = mem_alloc(sizeof(*wait))))
        return TRACE_RETURN(STATUS_NO_MEMORY);
    if ((status = legacy_object_init(&wait->base, LEGACY_TAG_WAIT, callback, context, flags)))
    {
        mem_free(wait);
        return TRACE_RETURN(status);
    }
    legacy_environment(&environment, flags, WAIT_PERSISTENT_FLAGS);
    if ((status = wait_create(&wait->base.object, wait_callback, wait, &environment)))
    {
        legacy_object_abandon(&wait->base);
        return TRACE_RETURN(status);
    }
    object_show_callback(wait->base.object, (const void *)callback);
    wait->base.object->freed = wait_freed;
    wait->handle = handle;
    wait->milliseconds = milliseconds;
    *out = wait;
    TRACE_OUT(wait);

    wait_arm(wait);
    return TRACE_RETURN(STATUS_SUCCESS);
}

/* Unregistering from one of the wait's own callbacks does not count that
 * callback (Windows succeeds there; Wine reports STATUS_PENDING). */
NTSTATUS WINAPI RtlDeregisterWaitEx(HANDLE handle, HANDLE event)
{
    struct legacy_wait *wait = wait_from_handle(handle);
    TRACE_CALL("RtlDeregisterWaitEx", "handle=%p event=%p", handle, event);

    if (!wait)
        return TRACE_RETURN(STATUS_INVALID_HANDLE);
    if (!legacy_object_stop(&wait->base))
        return TRACE_RETURN(STATUS_INVALID_HANDLE);
    return TRACE_RETURN(legacy_object_delete(&wait->base, event, FALSE));
}

NTSTATUS WINAPI RtlDeregisterWait(HANDLE handle)
{
    TRACE_CALL("RtlDeregisterWait", "handle=%p", handle);
    return TRACE_RETURN(RtlDeregisterWaitEx(handle, NULL));
}

BOOL WINAPI RegisterWaitForSingleObject(PHANDLE out, HANDLE handle, WAITORTIMERCALLBACK callback,
                                        PVOID context, ULONG milliseconds, ULONG flags)
{
    BOOL registered;
    TRACE_CALL("RegisterWaitForSingleObject",
               "out=%p handle=%p callback=%c context=%p milliseconds=%u flags=%x",
               out, handle, callback, context, milliseconds, flags);

    if ((registered = set_ntstatus(RtlRegisterWait(out, handle, callback, context, milliseconds, flags))))
        TRACE_OUT(*out);
    return TRACE_RETURN(registered);
}

HANDLE WINAPI RegisterWaitForSingleObjectEx(HANDLE handle, WAITORTIMERCALLBACK callback, PVOID context,
                                            ULONG milliseconds, ULONG flags)
{
    HANDLE wait;
    NTSTATUS status;
    TRACE_CALL("RegisterWaitForSingleObjectEx", "handle=%p callback=%c context=%p milliseconds=%u flags=%x",
               handle, callback, context, milliseconds, flags);

    if ((status = RtlRegisterWait(&wait, handle, callback, context, milliseconds, flags)))
    {
        set_last_status(status);
        return TRACE_RETURN(NULL);
    }
    return TRACE_RETURN(wait);
}

BOOL WINAPI UnregisterWait(HANDLE wait)
{
    TRACE_CALL("UnregisterWait", "wait=%p", wait);
    return TRACE_RETURN(set_ntstatus(RtlDeregisterWaitEx(wait, NULL)));
}

BOOL WINAPI UnregisterWaitEx(HANDLE wait, HANDLE event)
{
    TRACE_CALL("UnregisterWaitEx", "wait=%p event=%p", wait, event);
    return TRACE_RETURN(set_ntstatus(RtlDeregisterWaitEx(wait, event)));
}
