/* Layer 3, Win32 names: cleanup groups, over the ntdll names. */

#include "api.h"
#include "tpoolnt.h"

PTP_CLEANUP_GROUP WINAPI CreateThreadpoolCleanupGroup(void)
{
    TP_CLEANUP_GROUP *group;
    TRACE_CALL_VOID("CreateThreadpoolCleanupGroup");

    if (!set_ntstatus(TpAllocCleanupGroup(&group)))
        return TRACE_RETURN(NULL);
    return TRACE_RETURN(group);
}

VOID WINAPI CloseThreadpoolCleanupGroupMembers(PTP_CLEANUP_GROUP group, BOOL cancel_pending,
                                               PVOID context)
{
    TRACE_CALL("CloseThreadpoolCleanupGroupMembers", "group=%p cancel_pending=%d context=%p",
               group, cancel_pending, context);
    TpReleaseCleanupGroupMembers(group, cancel_pending, context);
}

VOID WINAPI CloseThreadpoolCleanupGroup(PTP_CLEANUP_GROUP group)
{
    TRACE_CALL("CloseThreadpoolCleanupGroup", "group=%p", group);
    TpReleaseCleanupGroup(group);
}
