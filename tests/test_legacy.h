/* What the legacy pool's test programs share; one source for both worlds. */

#ifndef TPOOL_TEST_LEGACY_H
#define TPOOL_TEST_LEGACY_H

#include "test_util.h"
#include "tpoolnt.h"

/* NTSTATUS results; the STATUS_ codes are DWORDs in winnt.h. */
#define assert_status(expr, status) assert_int_equal((ULONG)(expr), (ULONG)(status))

/* Counts callbacks and sets `done` at the target. */
struct tally
{
    volatile LONG count;
    volatile LONG fired;         /* TimerOrWaitFired was TRUE */
    volatile LONG after_delete;  /* callbacks after a delete that waited */
    volatile LONG deleted;
    LONG target;
    DWORD thread;                /* of the last callback */
    HANDLE done;
};

static inline void tally_init(struct tally *tally, LONG target)
{
    memset(tally, 0, sizeof(*tally));
    tally->target = target;
    tally->done = test_event(TRUE, FALSE);
}

static inline void tally_hit(struct tally *tally, BOOLEAN fired)
{
    LONG target = tally->target;   /* read before the count lets the test go on */

    if (tally->deleted)
        InterlockedIncrement(&tally->after_delete);
    if (fired)
        InterlockedIncrement(&tally->fired);
    InterlockedExchange((LONG volatile *)&tally->thread, (LONG)GetCurrentThreadId());
    if (InterlockedIncrement(&tally->count) == target)
        SetEvent(tally->done);
}

static inline void CALLBACK tally_callback(void *context, BOOLEAN fired)
{
    tally_hit(context, fired);
}

/* A callback that stays inside until released, to have one outstanding. */
struct legacy_blocker
{
    HANDLE entered;
    HANDLE release;
    HANDLE left;                 /* set last: the blocker may go once it is */
    volatile LONG finished;
    volatile LONG unregister_result;
    volatile LONG unregister_error;
    HANDLE wait;
};

static inline void legacy_blocker_init(struct legacy_blocker *blocker)
{
    memset(blocker, 0, sizeof(*blocker));
    blocker->entered = test_event(TRUE, FALSE);
    blocker->release = test_event(TRUE, FALSE);
    blocker->left = test_event(TRUE, FALSE);
}

static inline void legacy_blocker_free(struct legacy_blocker *blocker)
{
    CloseHandle(blocker->entered);
    CloseHandle(blocker->release);
    CloseHandle(blocker->left);
}

static inline void CALLBACK blocker_callback(void *context, BOOLEAN fired)
{
    struct legacy_blocker *blocker = context;

    SetEvent(blocker->entered);
    WaitForSingleObject(blocker->release, TEST_TIMEOUT);
    InterlockedIncrement(&blocker->finished);
    SetEvent(blocker->left);
}

static inline DWORD WINAPI release_later(void *context)
{
    Sleep(50);
    SetEvent(((struct legacy_blocker *)context)->release);
    return 0;
}

#ifdef _WIN32
static inline void CALLBACK apc_set_event(ULONG_PTR event)
{
    SetEvent((HANDLE)event);
}
#endif

/* Queues an APC to the calling thread that sets `event`: it runs only if
 * the thread waits alertably after the callback.  Natively there are no
 * APCs: the event is set at once. */
static inline void apc_to_this_thread(HANDLE event)
{
#ifdef _WIN32
    if (!QueueUserAPC(apc_set_event, GetCurrentThread(), (ULONG_PTR)event))
        return;
#else
    SetEvent(event);
#endif
}

#endif
