/* Layer 3, ntdll names: pools.  The Win32 names wrap these. */

#include "api.h"
#include "tpoolnt.h"

NTSTATUS WINAPI TpAllocPool(TP_POOL **out, PVOID reserved)
{
    struct tp_pool *pool;
    NTSTATUS status;
    TRACE_CALL("TpAllocPool", "out=%p reserved=%p", out, reserved);

    if (!out)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if (!(status = pool_create(&pool)))
    {
        *out = (TP_POOL *)pool;
        TRACE_OUT(pool);
    }
    return TRACE_RETURN(status);
}

VOID WINAPI TpReleasePool(TP_POOL *pool)
{
    TRACE_CALL("TpReleasePool", "pool=%p", pool);
    pool_release(checked_pool(pool, __func__));
}

VOID WINAPI TpSetPoolMaxThreads(TP_POOL *pool, DWORD max)
{
    TRACE_CALL("TpSetPoolMaxThreads", "pool=%p max=%u", pool, max);
    pool_set_max_workers(checked_pool(pool, __func__), max);
}

NTSTATUS WINAPI TpSetPoolMinThreads(TP_POOL *pool, DWORD min)
{
    TRACE_CALL("TpSetPoolMinThreads", "pool=%p min=%u", pool, min);
    return TRACE_RETURN(pool_set_min_workers(checked_pool(pool, __func__), min));
}

/* The sizes are not validated, as on Windows. */
NTSTATUS WINAPI TpSetPoolStackInformation(TP_POOL *pool, TP_POOL_STACK_INFORMATION *info)
{
    struct tp_pool *checked = checked_pool(pool, __func__);
    TRACE_CALL("TpSetPoolStackInformation", "pool=%p info=%p", pool, info);

    if (!info)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    pool_set_stack(checked, info->StackReserve, info->StackCommit);
    return TRACE_RETURN(STATUS_SUCCESS);
}

NTSTATUS WINAPI TpQueryPoolStackInformation(TP_POOL *pool, TP_POOL_STACK_INFORMATION *info)
{
    struct tp_pool *checked = checked_pool(pool, __func__);
    SIZE_T reserve, commit;
    TRACE_CALL("TpQueryPoolStackInformation", "pool=%p info=%p", pool, info);

    if (!info)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    pool_query_stack(checked, &reserve, &commit);
    info->StackReserve = reserve;
    info->StackCommit = commit;
    return TRACE_RETURN(STATUS_SUCCESS);
}
