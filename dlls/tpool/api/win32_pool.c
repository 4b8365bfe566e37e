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
    pool_release((struct tp_pool *)pool);
}

VOID WINAPI SetThreadpoolThreadMaximum(PTP_POOL pool, DWORD max)
{
    pool_set_max_workers((struct tp_pool *)pool, max);
}

BOOL WINAPI SetThreadpoolThreadMinimum(PTP_POOL pool, DWORD min)
{
    NTSTATUS status;

    if ((status = pool_set_min_workers((struct tp_pool *)pool, min)))
        return set_last_status(status);
    return TRUE;
}
