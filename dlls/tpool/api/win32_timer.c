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

static BOOL timer_set_checked(PTP_TIMER timer, PFILETIME due, DWORD period, DWORD window,
                              const char *function)
{
    struct tp_object *object = checked_timer(timer, function);
    LONGLONG storage;

    return timer_set(object, filetime_to_due(due, &storage), period, window);
}

BOOL WINAPI SetThreadpoolTimerEx(PTP_TIMER timer, PFILETIME due, DWORD period, DWORD window)
{
    return timer_set_checked(timer, due, period, window, __func__);
}

VOID WINAPI SetThreadpoolTimer(PTP_TIMER timer, PFILETIME due, DWORD period, DWORD window)
{
    timer_set_checked(timer, due, period, window, __func__);
}

BOOL WINAPI IsThreadpoolTimerSet(PTP_TIMER timer)
{
    return timer_is_set(checked_timer(timer, __func__));
}

VOID WINAPI WaitForThreadpoolTimerCallbacks(PTP_TIMER timer, BOOL cancel_pending)
{
    object_wait(checked_timer(timer, __func__), cancel_pending);
}

VOID WINAPI CloseThreadpoolTimer(PTP_TIMER timer)
{
    object_close(checked_timer(timer, __func__));
}
