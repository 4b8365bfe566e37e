/* Layer 3, Win32 names: pools. */

#include "api.h"

PTP_POOL WINAPI CreateThreadpool(PVOID reserved)
{
    struct tp_pool *pool;
    NTSTATUS status;

    if ((status = pool_create(&pool)))
    {
        set_last_status(status);
        return NULL;
    }
    return (PTP_POOL)pool;
}

VOID WINAPI CloseThreadpool(PTP_POOL pool)
{
    pool_release(checked_pool(pool, __func__));
}

VOID WINAPI SetThreadpoolThreadMaximum(PTP_POOL pool, DWORD max)
{
    pool_set_max_workers(checked_pool(pool, __func__), max);
}

BOOL WINAPI SetThreadpoolThreadMinimum(PTP_POOL pool, DWORD min)
{
    NTSTATUS status;

    if ((status = pool_set_min_workers(checked_pool(pool, __func__), min)))
        return set_last_status(status);
    return TRUE;
}

BOOL WINAPI SetThreadpoolStackInformation(PTP_POOL pool, PTP_POOL_STACK_INFORMATION info)
{
    pool_set_stack(checked_pool(pool, __func__), info->StackReserve, info->StackCommit);
    return TRUE;
}

BOOL WINAPI QueryThreadpoolStackInformation(PTP_POOL pool, PTP_POOL_STACK_INFORMATION info)
{
    SIZE_T reserve, commit;

    pool_query_stack(checked_pool(pool, __func__), &reserve, &commit);
    info->StackReserve = reserve;
    info->StackCommit = commit;
    return TRUE;
}
