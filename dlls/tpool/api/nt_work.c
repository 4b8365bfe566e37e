/* Layer 3, ntdll names: work objects and simple callbacks.  The Win32
 * names wrap these. */

#include "api.h"
#include "tpoolnt.h"

NTSTATUS WINAPI TpAllocWork(TP_WORK **out, PTP_WORK_CALLBACK callback, PVOID context,
                            TP_CALLBACK_ENVIRON *environment)
{
    struct tp_object *work;
    NTSTATUS status;

    if (!out || !callback)
        return STATUS_INVALID_PARAMETER;
    if (!(status = work_create(&work, callback, context, environment)))
        *out = (TP_WORK *)work;
    return status;
}

VOID WINAPI TpPostWork(TP_WORK *work)
{
    object_submit(checked_work(work, __func__));
}

VOID WINAPI TpWaitForWork(TP_WORK *work, BOOL cancel_pending)
{
    object_wait(checked_work(work, __func__), cancel_pending);
}

VOID WINAPI TpReleaseWork(TP_WORK *work)
{
    object_close(checked_work(work, __func__));
}

NTSTATUS WINAPI TpSimpleTryPost(PTP_SIMPLE_CALLBACK callback, PVOID context,
                                TP_CALLBACK_ENVIRON *environment)
{
    if (!callback)
        return STATUS_INVALID_PARAMETER;
    return simple_submit(callback, context, environment);
}
