/* Layer 3, Win32 names: wait objects, over the ntdll names. */

#include "api.h"
#include "tpoolnt.h"

PTP_WAIT WINAPI CreateThreadpoolWait(PTP_WAIT_CALLBACK callback, PVOID context,
                                     PTP_CALLBACK_ENVIRON environment)
{
    TP_WAIT *wait;
    TRACE_CALL("CreateThreadpoolWait", "callback=%c context=%p environment=%p",
               callback, context, environment);

    if (!set_ntstatus(TpAllocWait(&wait, callback, context, environment)))
        return TRACE_RETURN(NULL);
    return TRACE_RETURN(wait);
}

BOOL WINAPI SetThreadpoolWaitEx(PTP_WAIT wait, HANDLE handle, PFILETIME timeout, PVOID reserved)
{
    LARGE_INTEGER storage;
    TRACE_CALL("SetThreadpoolWaitEx", "wait=%p handle=%p timeout=%F reserved=%p",
               wait, handle, timeout, reserved);

    return TRACE_RETURN(TpSetWaitEx(wait, handle, filetime_to_large_integer(timeout, &storage), reserved));
}

VOID WINAPI SetThreadpoolWait(PTP_WAIT wait, HANDLE handle, PFILETIME timeout)
{
    LARGE_INTEGER storage;
    TRACE_CALL("SetThreadpoolWait", "wait=%p handle=%p timeout=%F", wait, handle, timeout);

    TpSetWait(wait, handle, filetime_to_large_integer(timeout, &storage));
}

VOID WINAPI WaitForThreadpoolWaitCallbacks(PTP_WAIT wait, BOOL cancel_pending)
{
    TRACE_CALL("WaitForThreadpoolWaitCallbacks", "wait=%p cancel_pending=%d", wait, cancel_pending);
    TpWaitForWait(wait, cancel_pending);
}

VOID WINAPI CloseThreadpoolWait(PTP_WAIT wait)
{
    TRACE_CALL("CloseThreadpoolWait", "wait=%p", wait);
    TpReleaseWait(wait);
}
