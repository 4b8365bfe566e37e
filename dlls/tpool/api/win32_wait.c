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

BOOL WINAPI SetThreadpoolWaitEx(PTP_WAIT wait, HANDLE handle, PFILETIME timeout, PVOID reserved)
{
    LONGLONG storage;
    return wait_set((struct tp_object *)wait, handle, filetime_to_due(timeout, &storage));
}

VOID WINAPI SetThreadpoolWait(PTP_WAIT wait, HANDLE handle, PFILETIME timeout)
{
    SetThreadpoolWaitEx(wait, handle, timeout, NULL);
}

VOID WINAPI WaitForThreadpoolWaitCallbacks(PTP_WAIT wait, BOOL cancel_pending)
{
    object_wait((struct tp_object *)wait, cancel_pending);
}

VOID WINAPI CloseThreadpoolWait(PTP_WAIT wait)
{
    object_close((struct tp_object *)wait);
}
