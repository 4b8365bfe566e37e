/* Layer 3, Win32 names: work objects and simple callbacks. */

#include "api.h"

PTP_WORK WINAPI CreateThreadpoolWork(PTP_WORK_CALLBACK callback, PVOID context,
                                     PTP_CALLBACK_ENVIRON environment)
{
    struct tp_object *work;
    NTSTATUS status;

    if ((status = work_create(&work, callback, context, environment)))
    {
        set_last_status(status);
        return NULL;
    }
    return (PTP_WORK)work;
}

VOID WINAPI SubmitThreadpoolWork(PTP_WORK work)
{
    object_submit(checked_work(work, __func__));
}

VOID WINAPI WaitForThreadpoolWorkCallbacks(PTP_WORK work, BOOL cancel_pending)
{
    object_wait(checked_work(work, __func__), cancel_pending);
}

VOID WINAPI CloseThreadpoolWork(PTP_WORK work)
{
    object_close(checked_work(work, __func__));
}

BOOL WINAPI TrySubmitThreadpoolCallback(PTP_SIMPLE_CALLBACK callback, PVOID context,
                                        PTP_CALLBACK_ENVIRON environment)
{
    NTSTATUS status;

    if ((status = simple_submit(callback, context, environment)))
        return set_last_status(status);
    return TRUE;
}
