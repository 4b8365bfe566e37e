/* Layer 3, Win32 names: timer objects, over the ntdll names. */

#include "api.h"
#include "tpoolnt.h"

PTP_TIMER WINAPI CreateThreadpoolTimer(PTP_TIMER_CALLBACK callback, PVOID context,
                                       PTP_CALLBACK_ENVIRON environment)
{
    TP_TIMER *timer;

    if (!set_ntstatus(TpAllocTimer(&timer, callback, context, environment)))
        return NULL;
    return timer;
}

BOOL WINAPI SetThreadpoolTimerEx(PTP_TIMER timer, PFILETIME due, DWORD period, DWORD window)
{
    LARGE_INTEGER storage;

    return TpSetTimerEx(timer, filetime_to_large_integer(due, &storage), period, window);
}

VOID WINAPI SetThreadpoolTimer(PTP_TIMER timer, PFILETIME due, DWORD period, DWORD window)
{
    LARGE_INTEGER storage;

    TpSetTimer(timer, filetime_to_large_integer(due, &storage), period, window);
}

BOOL WINAPI IsThreadpoolTimerSet(PTP_TIMER timer)
{
    return TpIsTimerSet(timer);
}

VOID WINAPI WaitForThreadpoolTimerCallbacks(PTP_TIMER timer, BOOL cancel_pending)
{
    TpWaitForTimer(timer, cancel_pending);
}

VOID WINAPI CloseThreadpoolTimer(PTP_TIMER timer)
{
    TpReleaseTimer(timer);
}
