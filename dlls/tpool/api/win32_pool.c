/* Layer 3, Win32 names: pools, over the ntdll names. */

#include "api.h"
#include "tpoolnt.h"

PTP_POOL WINAPI CreateThreadpool(PVOID reserved)
{
    TP_POOL *pool;
    TRACE_CALL("CreateThreadpool", "reserved=%p", reserved);

    if (!set_ntstatus(TpAllocPool(&pool, reserved)))
        return TRACE_RETURN(NULL);
    return TRACE_RETURN(pool);
}

VOID WINAPI CloseThreadpool(PTP_POOL pool)
{
    TRACE_CALL("CloseThreadpool", "pool=%p", pool);
    TpReleasePool(pool);
}

VOID WINAPI SetThreadpoolThreadMaximum(PTP_POOL pool, DWORD max)
{
    TRACE_CALL("SetThreadpoolThreadMaximum", "pool=%p max=%u", pool, max);
    TpSetPoolMaxThreads(pool, max);
}

BOOL WINAPI SetThreadpoolThreadMinimum(PTP_POOL pool, DWORD min)
{
    TRACE_CALL("SetThreadpoolThreadMinimum", "pool=%p min=%u", pool, min);
    return TRACE_RETURN(set_ntstatus(TpSetPoolMinThreads(pool, min)));
}

BOOL WINAPI SetThreadpoolStackInformation(PTP_POOL pool, PTP_POOL_STACK_INFORMATION info)
{
    TRACE_CALL("SetThreadpoolStackInformation", "pool=%p info=%p", pool, info);
    return TRACE_RETURN(set_ntstatus(TpSetPoolStackInformation(pool, info)));
}

BOOL WINAPI QueryThreadpoolStackInformation(PTP_POOL pool, PTP_POOL_STACK_INFORMATION info)
{
    TRACE_CALL("QueryThreadpoolStackInformation", "pool=%p info=%p", pool, info);
    return TRACE_RETURN(set_ntstatus(TpQueryPoolStackInformation(pool, info)));
}
