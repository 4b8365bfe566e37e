/* Layer 3, Win32 names: work objects and simple callbacks, over the ntdll
 * names. */

#include "api.h"
#include "tpoolnt.h"

PTP_WORK WINAPI CreateThreadpoolWork(PTP_WORK_CALLBACK callback, PVOID context,
                                     PTP_CALLBACK_ENVIRON environment)
{
    TP_WORK *work;
    TRACE_CALL("CreateThreadpoolWork", "callback=%c context=%p environment=%p",
               callback, context, environment);

    if (!set_ntstatus(TpAllocWork(&work, callback, context, environment)))
        return TRACE_RETURN(NULL);
    return TRACE_RETURN(work);
}

VOID WINAPI SubmitThreadpoolWork(PTP_WORK work)
{
    TRACE_CALL("SubmitThreadpoolWork", "work=%p", work);
    TpPostWork(work);
}

VOID WINAPI WaitForThreadpoolWorkCallbacks(PTP_WORK work, BOOL cancel_pending)
{
    TRACE_CALL("WaitForThreadpoolWorkCallbacks", "work=%p cancel_pending=%d", work, cancel_pending);
    TpWaitForWork(work, cancel_pending);
}

VOID WINAPI CloseThreadpoolWork(PTP_WORK work)
{
    TRACE_CALL("CloseThreadpoolWork", "work=%p", work);
    TpReleaseWork(work);
}

BOOL WINAPI TrySubmitThreadpoolCallback(PTP_SIMPLE_CALLBACK callback, PVOID context,
                                        PTP_CALLBACK_ENVIRON environment)
{
    TRACE_CALL("TrySubmitThreadpoolCallback", "callback=%c context=%p environment=%p",
               callback, context, environment);
    return TRACE_RETURN(set_ntstatus(TpSimpleTryPost(callback, context, environment)));
}
