/* Layer 3, ntdll names: cleanup groups.  The Win32 names wrap these. */

#include "api.h"
#include "tpoolnt.h"

NTSTATUS WINAPI TpAllocCleanupGroup(TP_CLEANUP_GROUP **out)
{
    struct tp_group *group;
    NTSTATUS status;

    if (!out)
        return STATUS_INVALID_PARAMETER;
    if (!(status = group_create(&group)))
        *out = (TP_CLEANUP_GROUP *)group;
    return status;
}

VOID WINAPI TpReleaseCleanupGroupMembers(TP_CLEANUP_GROUP *group, BOOL cancel_pending, PVOID context)
{
    group_release_members(checked_group(group, __func__), cancel_pending, context);
}

VOID WINAPI TpReleaseCleanupGroup(TP_CLEANUP_GROUP *group)
{
    group_release(checked_group(group, __func__));
}
