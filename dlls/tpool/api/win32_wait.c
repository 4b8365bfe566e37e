/* Layer 3, Win32 names: wait objects. */

#include "api.h"

PTP_WAIT WINAPI CreateThreadpoolWait(PTP_WAIT_CALLBACK callback, PVOID context,
                                     PTP_CALLBACK_ENVIRON environment)
{
    struct tp_object *wait;
    NTSTATUS status;

    if ((status = wait_create(&wait, callback, context, environment)))
    {
        set_last_status(status);
        return NULL;
    }
    return (PTP_WAIT)wait;
}

static BOOL wait_set_checked(PTP_WAIT wait, HANDLE handle, PFILETIME timeout, const char *function)
{
    struct tp_object *object = checked_wait(wait, function);
    LONGLONG storage;

    if (handle && wait_handle_is_mutex(object, handle))
        raise_wait_on_mutex(function, handle);
    return wait_set(object, handle, filetime_to_due(timeout, &storage));
}

BOOL WINAPI SetThreadpoolWaitEx(PTP_WAIT wait, HANDLE handle, PFILETIME timeout, PVOID reserved)
{
    return wait_set_checked(wait, handle, timeout, __func__);
}

VOID WINAPI SetThreadpoolWait(PTP_WAIT wait, HANDLE handle, PFILETIME timeout)
{
    wait_set_checked(wait, handle, timeout, __func__);
}

VOID WINAPI WaitForThreadpoolWaitCallbacks(PTP_WAIT wait, BOOL cancel_pending)
{
    object_wait(checked_wait(wait, __func__), cancel_pending);
}

VOID WINAPI CloseThreadpoolWait(PTP_WAIT wait)
{
    object_close(checked_wait(wait, __func__));
}
