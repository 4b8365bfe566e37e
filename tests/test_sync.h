/*
 * What the waitable objects' tests (test_sync.c, test_sync_waits.c) share.
 * The same sources run against tpool's native implementation and, built
 * for Windows, against the system's own.
 */

#ifndef TPOOL_TEST_SYNC_H
#define TPOOL_TEST_SYNC_H

#include "test_util.h"

#define MAX_THREADS 4

/* Checks a failing call: its result and the last error it set. */
#define assert_fails(call, result, error) \
    do \
    { \
        SetLastError(0xdeadbeef); \
        assert_int_equal((call), (result)); \
        assert_int_equal(GetLastError(), (error)); \
    } while (0)

static inline LONG atomic_increment(LONG *value)
{
    return __atomic_add_fetch(value, 1, __ATOMIC_SEQ_CST);
}

/* Gives started threads time to block in their waits, so that the wake-up
 * paths run rather than the fast paths; the assertions hold either way. */
static inline void let_threads_block(void)
{
    Sleep(50);
}

static inline HANDLE create_semaphore(LONG initial, LONG max)
{
    HANDLE semaphore = CreateSemaphoreA(NULL, initial, max, NULL);

    assert_non_null(semaphore);
    return semaphore;
}

static inline HANDLE create_mutex(BOOL initial_owner)
{
    HANDLE mutex = CreateMutexA(NULL, initial_owner, NULL);

    assert_non_null(mutex);
    return mutex;
}

static inline void assert_not_signaled(HANDLE handle)
{
    assert_int_equal(WaitForSingleObject(handle, 0), WAIT_TIMEOUT);
}

/* Takes `count` units from a semaphore, then checks that none is left. */
static inline void expect_posts(HANDLE semaphore, int count)
{
    while (count--) assert_signaled(semaphore);
    assert_not_signaled(semaphore);
}

/* Threads that announce themselves, wait on a set of objects and report. */
struct waiters
{
    HANDLE ready;                   /* semaphore: one post per started thread */
    HANDLE done;                    /* semaphore: one post per finished wait */
    HANDLE finish;                  /* event: lets the threads exit */
    HANDLE objects[3];
    DWORD count;
    BOOL wait_all;
    DWORD results[MAX_THREADS];
    LONG next_slot;
    test_thread threads[MAX_THREADS];
    int thread_count;
};

static inline DWORD WINAPI waiter_proc(void *arg)
{
    struct waiters *waiters = arg;
    LONG slot = atomic_increment(&waiters->next_slot) - 1;
    DWORD i;

    ReleaseSemaphore(waiters->ready, 1, NULL);
    waiters->results[slot] = WaitForMultipleObjects(waiters->count, waiters->objects,
                                                    waiters->wait_all, TEST_TIMEOUT);
    ReleaseSemaphore(waiters->done, 1, NULL);
    /* A mutex taken by the wait stays owned until the test has seen it;
     * ReleaseMutex() fails harmlessly on the other objects. */
    WaitForSingleObject(waiters->finish, TEST_TIMEOUT);
    for (i = 0; i < waiters->count; i++) ReleaseMutex(waiters->objects[i]);
    return 0;
}

static inline void waiters_start(struct waiters *waiters, int thread_count, BOOL wait_all, DWORD count)
{
    int i;

    waiters->ready = create_semaphore(0, MAX_THREADS);
    waiters->done = create_semaphore(0, MAX_THREADS);
    waiters->finish = test_event(TRUE, FALSE);
    waiters->count = count;
    waiters->wait_all = wait_all;
    waiters->next_slot = 0;
    waiters->thread_count = thread_count;
    for (i = 0; i < thread_count; i++) waiters->threads[i] = test_thread_start(waiter_proc, waiters);
    for (i = 0; i < thread_count; i++) assert_signaled(waiters->ready);
    let_threads_block();
}

static inline void waiters_finish(struct waiters *waiters, DWORD expected)
{
    DWORD i;

    SetEvent(waiters->finish);
    for (i = 0; i < (DWORD)waiters->thread_count; i++)
    {
        test_thread_join(waiters->threads[i]);
        assert_int_equal(waiters->results[i], expected);
    }
    CloseHandle(waiters->ready);
    CloseHandle(waiters->done);
    CloseHandle(waiters->finish);
    for (i = 0; i < waiters->count; i++) CloseHandle(waiters->objects[i]);
}

#endif
