/* Layer 3, ntdll names: cleanup groups.  The Win32 names wrap these. */

#include "api.h"
#include "tpoolnt.h"

NTSTATUS WINAPI TpAllocCleanupGroup(TP_CLEANUP_GROUP **out)
{
    struct tp_group *group;
    NTSTATUS status;
    TRACE_CALL("TpAllocCleanupGroup", "out=%p", out);

    if (!out)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if (!(status = group_create(&group)))
    {
        *out = (TP_CLEANUP_GROUP *)group;
        TRACE_OUT(group);
    }
    return TRACE_RETURN(status);
}

VOID WINAPI TpReleaseCleanupGroupMembers(TP_CLEANUP_GROUP *group, BOOL cancel_pending, PVOID context)
{
    TRACE_CALL("TpReleaseCleanupGroupMembers", "group=%p cancel_pending=%d context=%p",
               group, cancel_pending, context);
    group_release_members(checked_group(group, __func__), cancel_pending, context);
}

VOID WINAPI TpReleaseCleanupGroup(TP_CLEANUP_GROUP *group)
{
    TRACE_CALL("TpReleaseCleanupGroup", "group=%p", group);
    group_release(checked_group(group, __func__));
}
