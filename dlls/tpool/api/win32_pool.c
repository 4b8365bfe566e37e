/* Layer 3, Win32 names: pools, over the ntdll names. */

#include "api.h"
#include "tpoolnt.h"

PTP_POOL WINAPI CreateThreadpool(PVOID reserved)
{
    TP_POOL *pool;

    if (!set_ntstatus(TpAllocPool(&pool, reserved)))
        return NULL;
    return pool;
}

VOID WINAPI CloseThreadpool(PTP_POOL pool)
{
    TpReleasePool(pool);
}

VOID WINAPI SetThreadpoolThreadMaximum(PTP_POOL pool, DWORD max)
{
    TpSetPoolMaxThreads(pool, max);
}

BOOL WINAPI SetThreadpoolThreadMinimum(PTP_POOL pool, DWORD min)
{
    return set_ntstatus(TpSetPoolMinThreads(pool, min));
}

BOOL WINAPI SetThreadpoolStackInformation(PTP_POOL pool, PTP_POOL_STACK_INFORMATION info)
{
    return set_ntstatus(TpSetPoolStackInformation(pool, info));
}

BOOL WINAPI QueryThreadpoolStackInformation(PTP_POOL pool, PTP_POOL_STACK_INFORMATION info)
{
    return set_ntstatus(TpQueryPoolStackInformation(pool, info));
}
