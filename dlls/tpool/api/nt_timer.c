/* Layer 3, ntdll names: timer objects.  The Win32 names wrap these. */

#include "api.h"
#include "tpoolnt.h"

NTSTATUS WINAPI TpAllocTimer(TP_TIMER **out, PTP_TIMER_CALLBACK callback, PVOID context,
                             TP_CALLBACK_ENVIRON *environment)
{
    struct tp_object *timer;
    NTSTATUS status;

    if (!out || !callback)
        return STATUS_INVALID_PARAMETER;
    if (!(status = timer_create(&timer, callback, context, environment)))
        *out = (TP_TIMER *)timer;
    return status;
}

/* Returns the BOOL of SetThreadpoolTimerEx, which kernel32 forwards here:
 * TRUE if the previous setting was still armed and no callback will come
 * from it. */
BOOL WINAPI TpSetTimerEx(TP_TIMER *timer, LARGE_INTEGER *due, LONG period, LONG window)
{
    struct tp_object *object = checked_timer(timer, __func__);

    return timer_set(object, due ? &due->QuadPart : NULL, period, window);
}

VOID WINAPI TpSetTimer(TP_TIMER *timer, LARGE_INTEGER *due, LONG period, LONG window)
{
    struct tp_object *object = checked_timer(timer, __func__);

    timer_set(object, due ? &due->QuadPart : NULL, period, window);
}

BOOL WINAPI TpIsTimerSet(TP_TIMER *timer)
{
    return timer_is_set(checked_timer(timer, __func__));
}

VOID WINAPI TpWaitForTimer(TP_TIMER *timer, BOOL cancel_pending)
{
    object_wait(checked_timer(timer, __func__), cancel_pending);
}

VOID WINAPI TpReleaseTimer(TP_TIMER *timer)
{
    object_close(checked_timer(timer, __func__));
}
