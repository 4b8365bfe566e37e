/*
 * tpool's own extensions to the Windows thread pool API.
 * Include after <windows.h>.
 */

#ifndef TPOOL_H
#define TPOOL_H

#ifdef __cplusplus
extern "C" {
#endif

#ifdef _WIN32
# ifdef TPOOL_BUILDING
#  define TPOOLAPI
# else
#  define TPOOLAPI __declspec(dllimport)
# endif
#else
# define TPOOLAPI
#endif

/* The version of the tpool implementation serving this process, e.g.
 * "tpool 0.1.0".  Present only in tpool: a program can use it to tell
 * whether its thread pool calls reach tpool. */
TPOOLAPI const char *WINAPI tpool_version(void);

/* ---- Statistics ----------------------------------------------------------
 *
 * Counters the pool keeps at all times (per worker or relaxed atomic, no
 * lock on the callback path).  A snapshot is read without stopping the
 * pool: the fields are each exact at some instant, not all at the same. */

/* Timer lateness buckets: bucket 0 counts expiries less than 1 us after
 * their due time, bucket i (1 <= i < TPOOL_LATENESS_BUCKETS - 1) those
 * [2^(i-1), 2^i) us late, the last one those later than that. */
#define TPOOL_LATENESS_BUCKETS 24

typedef struct _TPOOL_STATS
{
    DWORD size;                  /* set by the caller: sizeof(TPOOL_STATS) */
    DWORD workers;               /* worker threads (starting ones included) */
    DWORD workers_busy;          /* workers not parked: in or between callbacks */
    DWORD workers_idle;          /* workers parked, waiting for work */
    DWORD queued[3];             /* callbacks submitted and not started, by
                                  * TP_CALLBACK_PRIORITY (high, normal, low) */
    DWORD timers_armed;          /* timer objects set and not expired */
    DWORD waits_armed;           /* wait objects set and not fired */
    DWORD wait_threads;          /* threads waiting on handles for waits
                                  * (shared by all pools; 0 natively) */
    ULONGLONG callbacks;         /* callbacks started since the pool was created */
    ULONGLONG timer_lateness[TPOOL_LATENESS_BUCKETS];  /* timer expiries by
                                  * lateness (expiry time minus due time) */
} TPOOL_STATS;

typedef struct _TPOOL_PROCESS_STATS
{
    DWORD size;                  /* set by the caller: sizeof(TPOOL_PROCESS_STATS) */
    DWORD pools;                 /* pools alive, the default pool included once used */
    DWORD wait_threads;          /* as TPOOL_STATS */
    ULONGLONG callbacks;         /* callbacks tpool started in this process, all
                                  * pools, closed ones included */
} TPOOL_PROCESS_STATS;

/* A snapshot of a pool's counters; NULL is the default pool.  FALSE with
 * ERROR_INVALID_PARAMETER when stats is NULL or stats->size is not
 * sizeof(TPOOL_STATS).  A pointer that is not a pool raises
 * STATUS_INVALID_PARAMETER, as the thread pool functions do. */
TPOOLAPI BOOL WINAPI tpool_query_stats(PTP_POOL pool, TPOOL_STATS *stats);
/* The process-wide counters; FALSE with ERROR_INVALID_PARAMETER as above. */
TPOOLAPI BOOL WINAPI tpool_query_process_stats(TPOOL_PROCESS_STATS *stats);

#ifndef _WIN32
/* Natively there is no kernel to complete overlapped I/O: whoever performs
 * an operation on a handle bound to a thread pool I/O object reports its
 * completion here.  As Windows, it stores status and information in the
 * OVERLAPPED's Internal and InternalHigh; the object's callback then gets
 * them (the status as a Win32 error).  FALSE with ERROR_INVALID_HANDLE
 * when no I/O object is bound to the handle. */
TPOOLAPI BOOL WINAPI tpool_complete_io(HANDLE file, OVERLAPPED *overlapped, NTSTATUS status,
                                       ULONG_PTR information);
#endif

#ifdef __cplusplus
}
#endif

#endif
