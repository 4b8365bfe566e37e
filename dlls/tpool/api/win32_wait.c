/* Layer 3, Win32 names: wait objects, over the ntdll names. */

#include "api.h"
#include "tpoolnt.h"

PTP_WAIT WINAPI CreateThreadpoolWait(PTP_WAIT_CALLBACK callback, PVOID context,
                                     PTP_CALLBACK_ENVIRON environment)
{
    TP_WAIT *wait;

    if (!set_ntstatus(TpAllocWait(&wait, callback, context, environment)))
        return NULL;
    return wait;
}

BOOL WINAPI SetThreadpoolWaitEx(PTP_WAIT wait, HANDLE handle, PFILETIME timeout, PVOID reserved)
{
    LARGE_INTEGER storage;

    return TpSetWaitEx(wait, handle, filetime_to_large_integer(timeout, &storage), reserved);
}

VOID WINAPI SetThreadpoolWait(PTP_WAIT wait, HANDLE handle, PFILETIME timeout)
{
    LARGE_INTEGER storage;

    TpSetWait(wait, handle, filetime_to_large_integer(timeout, &storage));
}

VOID WINAPI WaitForThreadpoolWaitCallbacks(PTP_WAIT wait, BOOL cancel_pending)
{
    TpWaitForWait(wait, cancel_pending);
}

VOID WINAPI CloseThreadpoolWait(PTP_WAIT wait)
{
    TpReleaseWait(wait);
}
