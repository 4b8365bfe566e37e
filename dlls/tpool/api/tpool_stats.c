/* Layer 3: tpool's statistics (tpool.h). */

#include "api.h"
#include "tpool.h"

BOOL WINAPI tpool_query_stats(PTP_POOL pool, TPOOL_STATS *stats)
{
    struct tp_pool *checked;
    NTSTATUS status;

    if (!stats || stats->size != sizeof(*stats))
        return set_last_status(STATUS_INVALID_PARAMETER);
    if (pool)
        checked = checked_pool(pool, __func__);
    else if ((status = pool_default(&checked)))
        return set_last_status(status);
    pool_query_stats(checked, stats);
    return TRUE;
}

BOOL WINAPI tpool_query_process_stats(TPOOL_PROCESS_STATS *stats)
{
    if (!stats || stats->size != sizeof(*stats))
        return set_last_status(STATUS_INVALID_PARAMETER);
    process_query_stats(stats);
    return TRUE;
}
