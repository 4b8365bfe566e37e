/* Layer 3: tpool's statistics (tpool.h). */

#include "api.h"
#include "tpool.h"

BOOL WINAPI tpool_query_stats(PTP_POOL pool, TPOOL_STATS *stats)
{
    struct tp_pool *checked;
    NTSTATUS status;
    TRACE_CALL("tpool_query_stats", "pool=%p stats=%p", pool, stats);

    if (!stats || stats->size != sizeof(*stats))
        return TRACE_RETURN(set_last_status(STATUS_INVALID_PARAMETER));
    if (pool)
        checked = checked_pool(pool, __func__);
    else if ((status = pool_default(&checked)))
        return TRACE_RETURN(set_last_status(status));
    pool_query_stats(checked, stats);
    return TRACE_RETURN(TRUE);
}

BOOL WINAPI tpool_query_process_stats(TPOOL_PROCESS_STATS *stats)
{
    TRACE_CALL("tpool_query_process_stats", "stats=%p", stats);
    if (!stats || stats->size != sizeof(*stats))
        return TRACE_RETURN(set_last_status(STATUS_INVALID_PARAMETER));
    process_query_stats(stats);
    return TRACE_RETURN(TRUE);
}
