/* What the ntdll tests share; one source for both worlds. */

#ifndef TPOOL_TEST_NTDLL_H
#define TPOOL_TEST_NTDLL_H

#include "test_util.h"

#ifdef _WIN32
/* ntstatus.h would redefine what windows.h defines already (some as DWORD:
 * compare with assert_status) */
#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS           ((NTSTATUS)0x00000000)
#endif
#ifndef STATUS_INVALID_PARAMETER
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xc000000d)
#endif
#define STATUS_UNSUCCESSFUL      ((NTSTATUS)0xc0000001)
#define STATUS_CANCELLED         ((NTSTATUS)0xc0000120)
#define STATUS_TOO_MANY_THREADS  ((NTSTATUS)0xc0000129)
#else
#include <ntstatus.h>
#endif

#define assert_status(actual, expected) \
    assert_int_equal((NTSTATUS)(actual), (NTSTATUS)(expected))

#include "tpoolnt.h"

struct counter
{
    volatile LONG count;
    LONG target;
    HANDLE done;               /* set when count reaches target */
    HANDLE each;               /* auto-reset, set on every count */
};

static inline void counter_init(struct counter *counter, LONG target)
{
    counter->count = 0;
    counter->target = target;
    counter->done = CreateEventA(NULL, TRUE, FALSE, NULL);
    counter->each = CreateEventA(NULL, FALSE, FALSE, NULL);
    assert_non_null(counter->done);
    assert_non_null(counter->each);
}

static inline void counter_free(struct counter *counter)
{
    CloseHandle(counter->done);
    CloseHandle(counter->each);
}

/* The counter may be gone (its events closed) as soon as the last callback
 * is counted: each callback is done with it before it counts, but for the
 * last one's `done`, which lets the test go on. */
static inline void counter_hit(struct counter *counter)
{
    HANDLE done = counter->done;
    LONG target = counter->target;

    SetEvent(counter->each);
    if (InterlockedIncrement(&counter->count) == target)
        SetEvent(done);
}

static inline void WINAPI count_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    counter_hit(context);
}

static inline void WINAPI count_simple(PTP_CALLBACK_INSTANCE instance, void *context)
{
    counter_hit(context);
}

static inline void WINAPI count_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    counter_hit(context);
}

/* An environment as Wine's tests build it: version 1, a pool. */
static inline void env_init(TP_CALLBACK_ENVIRON *env, TP_POOL *pool)
{
    memset(env, 0, sizeof(*env));
    env->Version = 1;
    env->Pool = pool;
}

static inline TP_POOL *tp_pool_with_max(DWORD max)
{
    TP_POOL *pool = NULL;

    assert_status(TpAllocPool(&pool, NULL), STATUS_SUCCESS);
    assert_non_null(pool);
    TpSetPoolMaxThreads(pool, max);
    return pool;
}

/* Posts a blocker on the pool and waits until it runs. */
static inline TP_WORK *start_blocker(struct blocker *blocker, TP_CALLBACK_ENVIRON *env)
{
    TP_WORK *work;

    blocker_init(blocker);
    assert_status(TpAllocWork(&work, blocker_work, blocker, env), STATUS_SUCCESS);
    TpPostWork(work);
    assert_signaled(blocker->started);
    return work;
}

static inline void finish_blocker(struct blocker *blocker, TP_WORK *work)
{
    SetEvent(blocker->release);
    TpWaitForWork(work, FALSE);
    TpReleaseWork(work);
    blocker_free(blocker);
}

#endif
