/* Layer 3, Win32 names: cleanup groups. */

#include "api.h"

PTP_CLEANUP_GROUP WINAPI CreateThreadpoolCleanupGroup(void)
{
    struct tp_group *group;
    NTSTATUS status;

    if ((status = group_create(&group)))
    {
        set_last_status(status);
        return NULL;
    }
    return (PTP_CLEANUP_GROUP)group;
}

VOID WINAPI CloseThreadpoolCleanupGroupMembers(PTP_CLEANUP_GROUP group, BOOL cancel_pending,
                                               PVOID context)
{
    group_release_members(checked_group(group, __func__), cancel_pending, context);
}

VOID WINAPI CloseThreadpoolCleanupGroup(PTP_CLEANUP_GROUP group)
{
    group_release(checked_group(group, __func__));
}
