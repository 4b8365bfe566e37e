/*
 * Demonstration: a work object submitted many times, simple callbacks and
 * a private pool with one thread, on whichever thread pool the program is
 * linked against (tpool natively and through tpool.dll under Wine).
 */

#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "tpool.h"

#define SUBMISSIONS 100000
#define MAX_THREADS 64

struct tally
{
    volatile LONG callbacks;
    LONG expected;
    HANDLE done;
    volatile LONG num_threads;
    volatile LONG threads[MAX_THREADS];
};

static void tally_hit(struct tally *tally)
{
    LONG id = (LONG)GetCurrentThreadId(), i, count = tally->num_threads;

    for (i = 0; i < count; i++)
        if (tally->threads[i] == id)
            break;
    if (i == count && count < MAX_THREADS)
    {
        i = InterlockedIncrement(&tally->num_threads) - 1;
        if (i < MAX_THREADS)
            tally->threads[i] = id;
    }
    if (InterlockedIncrement(&tally->callbacks) == tally->expected)
        SetEvent(tally->done);
}

static void WINAPI work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    tally_hit(context);
}

static void WINAPI simple_callback(PTP_CALLBACK_INSTANCE instance, void *context)
{
    tally_hit(context);
}

static void tally_init(struct tally *tally, LONG expected)
{
    memset(tally, 0, sizeof(*tally));
    tally->expected = expected;
    tally->done = CreateEventA(NULL, TRUE, FALSE, NULL);
}

static int report(const char *what, struct tally *tally)
{
    DWORD wait = WaitForSingleObject(tally->done, 60000);
    printf("%-44s %7ld callbacks on %2ld thread(s)%s\n", what, (long)tally->callbacks,
           (long)tally->num_threads, wait == WAIT_OBJECT_0 ? "" : "  TIMED OUT");
    CloseHandle(tally->done);
    return wait == WAIT_OBJECT_0 && tally->callbacks == tally->expected ? 0 : 1;
}

int main(void)
{
    struct tally tally;
    TP_CALLBACK_ENVIRON env;
    PTP_WORK work;
    PTP_POOL pool;
    int failures = 0, i;

    printf("thread pool: %s\n", tpool_version());

    tally_init(&tally, SUBMISSIONS);
    work = CreateThreadpoolWork(work_callback, &tally, NULL);
    for (i = 0; i < SUBMISSIONS; i++)
        SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    failures += report("one work object submitted 100000 times:", &tally);

    tally_init(&tally, 1000);
    for (i = 0; i < 1000; i++)
        TrySubmitThreadpoolCallback(simple_callback, &tally, NULL);
    failures += report("1000 simple callbacks:", &tally);

    tally_init(&tally, 1000);
    pool = CreateThreadpool(NULL);
    SetThreadpoolThreadMaximum(pool, 1);
    InitializeThreadpoolEnvironment(&env);
    SetThreadpoolCallbackPool(&env, pool);
    work = CreateThreadpoolWork(work_callback, &tally, &env);
    for (i = 0; i < 1000; i++)
        SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    DestroyThreadpoolEnvironment(&env);
    CloseThreadpool(pool);
    failures += report("a private pool with at most one thread:", &tally);

    printf(failures ? "demo: FAILED\n" : "demo: ok\n");
    return failures ? 1 : 0;
}
