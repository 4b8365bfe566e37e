/* Layer 3, Win32 names: timer objects. */

#include "api.h"

PTP_TIMER WINAPI CreateThreadpoolTimer(PTP_TIMER_CALLBACK callback, PVOID context,
                                       PTP_CALLBACK_ENVIRON environment)
{
    struct tp_object *timer;
    NTSTATUS status;

    if ((status = timer_create(&timer, callback, context, environment)))
    {
        set_last_status(status);
        return NULL;
    }
    return (PTP_TIMER)timer;
}

BOOL WINAPI SetThreadpoolTimerEx(PTP_TIMER timer, PFILETIME due, DWORD period, DWORD window)
{
    LONGLONG storage;
    return timer_set((struct tp_object *)timer, filetime_to_due(due, &storage), period, window);
}

VOID WINAPI SetThreadpoolTimer(PTP_TIMER timer, PFILETIME due, DWORD period, DWORD window)
{
    SetThreadpoolTimerEx(timer, due, period, window);
}

BOOL WINAPI IsThreadpoolTimerSet(PTP_TIMER timer)
{
    return timer_is_set((struct tp_object *)timer);
}

VOID WINAPI WaitForThreadpoolTimerCallbacks(PTP_TIMER timer, BOOL cancel_pending)
{
    object_wait((struct tp_object *)timer, cancel_pending);
}

VOID WINAPI CloseThreadpoolTimer(PTP_TIMER timer)
{
    object_close((struct tp_object *)timer);
}
