/* Layer 3, ntdll names: pools.  The Win32 names wrap these. */

#include "api.h"
#include "tpoolnt.h"

NTSTATUS WINAPI TpAllocPool(TP_POOL **out, PVOID reserved)
{
    struct tp_pool *pool;
    NTSTATUS status;

    if (!out)
        return STATUS_INVALID_PARAMETER;
    if (!(status = pool_create(&pool)))
        *out = (TP_POOL *)pool;
    return status;
}

VOID WINAPI TpReleasePool(TP_POOL *pool)
{
    pool_release(checked_pool(pool, __func__));
}

VOID WINAPI TpSetPoolMaxThreads(TP_POOL *pool, DWORD max)
{
    pool_set_max_workers(checked_pool(pool, __func__), max);
}

NTSTATUS WINAPI TpSetPoolMinThreads(TP_POOL *pool, DWORD min)
{
    return pool_set_min_workers(checked_pool(pool, __func__), min);
}

/* The sizes are not validated, as on Windows. */
NTSTATUS WINAPI TpSetPoolStackInformation(TP_POOL *pool, TP_POOL_STACK_INFORMATION *info)
{
    struct tp_pool *checked = checked_pool(pool, __func__);

    if (!info)
        return STATUS_INVALID_PARAMETER;
    pool_set_stack(checked, info->StackReserve, info->StackCommit);
    return STATUS_SUCCESS;
}

NTSTATUS WINAPI TpQueryPoolStackInformation(TP_POOL *pool, TP_POOL_STACK_INFORMATION *info)
{
    struct tp_pool *checked = checked_pool(pool, __func__);
    SIZE_T reserve, commit;

    if (!info)
        return STATUS_INVALID_PARAMETER;
    pool_query_stack(checked, &reserve, &commit);
    info->StackReserve = reserve;
    info->StackCommit = commit;
    return STATUS_SUCCESS;
}
