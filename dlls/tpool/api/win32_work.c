/* Layer 3, Win32 names: work objects and simple callbacks, over the ntdll
 * names. */

#include "api.h"
#include "tpoolnt.h"

PTP_WORK WINAPI CreateThreadpoolWork(PTP_WORK_CALLBACK callback, PVOID context,
                                     PTP_CALLBACK_ENVIRON environment)
{
    TP_WORK *work;

    if (!set_ntstatus(TpAllocWork(&work, callback, context, environment)))
        return NULL;
    return work;
}

VOID WINAPI SubmitThreadpoolWork(PTP_WORK work)
{
    TpPostWork(work);
}

VOID WINAPI WaitForThreadpoolWorkCallbacks(PTP_WORK work, BOOL cancel_pending)
{
    TpWaitForWork(work, cancel_pending);
}

VOID WINAPI CloseThreadpoolWork(PTP_WORK work)
{
    TpReleaseWork(work);
}

BOOL WINAPI TrySubmitThreadpoolCallback(PTP_SIMPLE_CALLBACK callback, PVOID context,
                                        PTP_CALLBACK_ENVIRON environment)
{
    return set_ntstatus(TpSimpleTryPost(callback, context, environment));
}
