/* Layer 3, Win32 names: cleanup groups, over the ntdll names. */

#include "api.h"
#include "tpoolnt.h"

PTP_CLEANUP_GROUP WINAPI CreateThreadpoolCleanupGroup(void)
{
    TP_CLEANUP_GROUP *group;

    if (!set_ntstatus(TpAllocCleanupGroup(&group)))
        return NULL;
    return group;
}

VOID WINAPI CloseThreadpoolCleanupGroupMembers(PTP_CLEANUP_GROUP group, BOOL cancel_pending,
                                               PVOID context)
{
    TpReleaseCleanupGroupMembers(group, cancel_pending, context);
}

VOID WINAPI CloseThreadpoolCleanupGroup(PTP_CLEANUP_GROUP group)
{
    TpReleaseCleanupGroup(group);
}
