/* Layer 3, ntdll names: wait objects.  The Win32 names wrap these. */

#include "api.h"
#include "tpoolnt.h"

NTSTATUS WINAPI TpAllocWait(TP_WAIT **out, PTP_WAIT_CALLBACK callback, PVOID context,
                            TP_CALLBACK_ENVIRON *environment)
{
    struct tp_object *wait;
    NTSTATUS status;
    TRACE_CALL("TpAllocWait", "out=%p callback=%c context=%p environment=%p",
               out, callback, context, environment);

    if (!out || !callback)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if (!(status = wait_create(&wait, callback, context, environment)))
    {
        *out = (TP_WAIT *)wait;
        TRACE_OUT(wait);
    }
    return TRACE_RETURN(status);
}

/* A NULL handle disarms and the timeout is not read: callers pass
 * anything there. */
static BOOL wait_set_checked(TP_WAIT *wait, HANDLE handle, LARGE_INTEGER *timeout,
                             const char *function)
{
    struct tp_object *object = checked_wait(wait, function);
    NTSTATUS status;

    if (!handle)
        return wait_set(object, NULL, NULL);
    if ((status = wait_handle_check(object, handle)))
        raise_wait_handle(function, handle, status);
    return wait_set(object, handle, timeout ? &timeout->QuadPart : NULL);
}

/* Returns the BOOL of SetThreadpoolWaitEx, which kernel32 forwards here:
 * TRUE if the previous setting was still armed and no callback will come
 * from it. */
BOOL WINAPI TpSetWaitEx(TP_WAIT *wait, HANDLE handle, LARGE_INTEGER *timeout, PVOID reserved)
{
    TRACE_CALL("TpSetWaitEx", "wait=%p handle=%p timeout=%L reserved=%p", wait, handle, timeout, reserved);
    return TRACE_RETURN(wait_set_checked(wait, handle, timeout, __func__));
}

VOID WINAPI TpSetWait(TP_WAIT *wait, HANDLE handle, LARGE_INTEGER *timeout)
{
    TRACE_CALL("TpSetWait", "wait=%p handle=%p timeout=%L", wait, handle, timeout);
    wait_set_checked(wait, handle, timeout, __func__);
}

VOID WINAPI TpWaitForWait(TP_WAIT *wait, BOOL cancel_pending)
{
    TRACE_CALL("TpWaitForWait", "wait=%p cancel_pending=%d", wait, cancel_pending);
    object_wait(checked_wait(wait, __func__), cancel_pending);
}

VOID WINAPI TpReleaseWait(TP_WAIT *wait)
{
    TRACE_CALL("TpReleaseWait", "wait=%p", wait);
    object_close(checked_wait(wait, __func__));
}
