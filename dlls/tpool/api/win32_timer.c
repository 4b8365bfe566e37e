/* Layer 3, Win32 names: timer objects, over the ntdll names. */

#include "api.h"
#include "tpoolnt.h"

PTP_TIMER WINAPI CreateThreadpoolTimer(PTP_TIMER_CALLBACK callback, PVOID context,
                                       PTP_CALLBACK_ENVIRON environment)
{
    TP_TIMER *timer;
    TRACE_CALL("CreateThreadpoolTimer", "callback=%c context=%p environment=%p",
               callback, context, environment);

    if (!set_ntstatus(TpAllocTimer(&timer, callback, context, environment)))
        return TRACE_RETURN(NULL);
    return TRACE_RETURN(timer);
}

BOOL WINAPI SetThreadpoolTimerEx(PTP_TIMER timer, PFILETIME due, DWORD period, DWORD window)
{
    LARGE_INTEGER storage;
    TRACE_CALL("SetThreadpoolTimerEx", "timer=%p due=%F period=%u window=%u", timer, due, period, window);

    return TRACE_RETURN(TpSetTimerEx(timer, filetime_to_large_integer(due, &storage), period, window));
}

VOID WINAPI SetThreadpoolTimer(PTP_TIMER timer, PFILETIME due, DWORD period, DWORD window)
{
    LARGE_INTEGER storage;
    TRACE_CALL("SetThreadpoolTimer", "timer=%p due=%F period=%u window=%u", timer, due, period, window);

    TpSetTimer(timer, filetime_to_large_integer(due, &storage), period, window);
}

BOOL WINAPI IsThreadpoolTimerSet(PTP_TIMER timer)
{
    TRACE_CALL("IsThreadpoolTimerSet", "timer=%p", timer);
    return TRACE_RETURN(TpIsTimerSet(timer));
}

VOID WINAPI WaitForThreadpoolTimerCallbacks(PTP_TIMER timer, BOOL cancel_pending)
{
    TRACE_CALL("WaitForThreadpoolTimerCallbacks", "timer=%p cancel_pending=%d", timer, cancel_pending);
    TpWaitForTimer(timer, cancel_pending);
}

VOID WINAPI CloseThreadpoolTimer(PTP_TIMER timer)
{
    TRACE_CALL("CloseThreadpoolTimer", "timer=%p", timer);
    TpReleaseTimer(timer);
}
