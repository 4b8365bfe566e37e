/* Layer 3, ntdll names: work objects and simple callbacks.  The Win32
 * names wrap these. */

#include "api.h"
#include "tpoolnt.h"

NTSTATUS WINAPI TpAllocWork(TP_WORK **out, PTP_WORK_CALLBACK callback, PVOID context,
                            TP_CALLBACK_ENVIRON *environment)
{
    struct tp_object *work;
    NTSTATUS status;
    TRACE_CALL("TpAllocWork", "out=%p callback=%c context=%p environment=%p",
               out, callback, context, environment);

    if (!out || !callback)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if (!(status = work_create(&work, callback, context, environment)))
    {
        *out = (TP_WORK *)work;
        TRACE_OUT(work);
    }
    return TRACE_RETURN(status);
}

VOID WINAPI TpPostWork(TP_WORK *work)
{
    TRACE_CALL("TpPostWork", "work=%p", work);
    object_submit(checked_work(work, __func__));
}

VOID WINAPI TpWaitForWork(TP_WORK *work, BOOL cancel_pending)
{
    TRACE_CALL("TpWaitForWork", "work=%p cancel_pending=%d", work, cancel_pending);
    object_wait(checked_work(work, __func__), cancel_pending);
}

VOID WINAPI TpReleaseWork(TP_WORK *work)
{
    TRACE_CALL("TpReleaseWork", "work=%p", work);
    object_close(checked_work(work, __func__));
}

NTSTATUS WINAPI TpSimpleTryPost(PTP_SIMPLE_CALLBACK callback, PVOID context,
                                TP_CALLBACK_ENVIRON *environment)
{
    TRACE_CALL("TpSimpleTryPost", "callback=%c context=%p environment=%p", callback, context, environment);
    if (!callback)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    return TRACE_RETURN(simple_submit(callback, context, environment, (const void *)callback));
}
