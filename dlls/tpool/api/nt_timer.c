/* Layer 3, ntdll names: timer objects.  The Win32 names wrap these. */

#include "api.h"
#include "tpoolnt.h"

NTSTATUS WINAPI TpAllocTimer(TP_TIMER **out, PTP_TIMER_CALLBACK callback, PVOID context,
                             TP_CALLBACK_ENVIRON *environment)
{
    struct tp_object *timer;
    NTSTATUS status;
    TRACE_CALL("TpAllocTimer", "out=%p callback=%c context=%p environment=%p",
               out, callback, context, environment);

    if (!out || !callback)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if (!(status = timer_create(&timer, callback, context, environment)))
    {
        *out = (TP_TIMER *)timer;
        TRACE_OUT(timer);
    }
    return TRACE_RETURN(status);
}

/* Returns the BOOL of SetThreadpoolTimerEx, which kernel32 forwards here:
 * TRUE if the previous setting was still armed and no callback will come
 * from it. */
BOOL WINAPI TpSetTimerEx(TP_TIMER *timer, LARGE_INTEGER *due, LONG period, LONG window)
{
    struct tp_object *object = checked_timer(timer, __func__);
    TRACE_CALL("TpSetTimerEx", "timer=%p due=%L period=%d window=%d", timer, due, period, window);

    return TRACE_RETURN(timer_set(object, due ? &due->QuadPart : NULL, period, window));
}

VOID WINAPI TpSetTimer(TP_TIMER *timer, LARGE_INTEGER *due, LONG period, LONG window)
{
    struct tp_object *object = checked_timer(timer, __func__);
    TRACE_CALL("TpSetTimer", "timer=%p due=%L period=%d window=%d", timer, due, period, window);

    timer_set(object, due ? &due->QuadPart : NULL, period, window);
}

BOOL WINAPI TpIsTimerSet(TP_TIMER *timer)
{
    TRACE_CALL("TpIsTimerSet", "timer=%p", timer);
    return TRACE_RETURN(timer_is_set(checked_timer(timer, __func__)));
}

VOID WINAPI TpWaitForTimer(TP_TIMER *timer, BOOL cancel_pending)
{
    TRACE_CALL("TpWaitForTimer", "timer=%p cancel_pending=%d", timer, cancel_pending);
    object_wait(checked_timer(timer, __func__), cancel_pending);
}

VOID WINAPI TpReleaseTimer(TP_TIMER *timer)
{
    TRACE_CALL("TpReleaseTimer", "timer=%p", timer);
    object_close(checked_timer(timer, __func__));
}
