/*
 * tpbench: threads of the benchmark's own, outside any pool: the
 * producers of the producer workloads, the floors' bare threads, and the
 * CPU-bound threads that make a machine busy for the "-busy" variants.
 */

#ifdef _WIN32
# include <windows.h>
#else
# include <pthread.h>
#endif
#include <stdlib.h>

#include "tpbench.h"

struct bench_thread
{
    void (*proc)(void *arg);
    void *arg;
#ifdef _WIN32
    HANDLE handle;
#else
    pthread_t thread;
#endif
};

#ifdef _WIN32

static DWORD WINAPI bench_thread_main(void *arg)
{
    struct bench_thread *thread = arg;

    thread->proc(thread->arg);
    return 0;
}

static void bench_thread_create(struct bench_thread *thread)
{
    if (!(thread->handle = CreateThread(NULL, 0, bench_thread_main, thread, 0, NULL)))
        bench_fail("CreateThread failed: %lu", GetLastError());
}

static void bench_thread_wait(struct bench_thread *thread)
{
    WaitForSingleObject(thread->handle, INFINITE);
    CloseHandle(thread->handle);
}

#else

static void *bench_thread_main(void *arg)
{
    struct bench_thread *thread = arg;

    thread->proc(thread->arg);
    return NULL;
}

static void bench_thread_create(struct bench_thread *thread)
{
    if (pthread_create(&thread->thread, NULL, bench_thread_main, thread))
        bench_fail("pthread_create failed");
}

static void bench_thread_wait(struct bench_thread *thread)
{
    pthread_join(thread->thread, NULL);
}

#endif

struct bench_thread *bench_thread_start(void (*proc)(void *arg), void *arg)
{
    struct bench_thread *thread = calloc(1, sizeof(*thread));

    if (!thread)
        bench_fail("out of memory");
    thread->proc = proc;
    thread->arg = arg;
    bench_thread_create(thread);
    return thread;
}

void bench_thread_join(struct bench_thread *thread)
{
    bench_thread_wait(thread);
    free(thread);
}

/* ---- A busy machine ------------------------------------------------------- */

#define BUSY_THREADS_MAX 64

static atomic_int busy_running;
static atomic_ullong busy_sink;
static struct bench_thread *busy_threads[BUSY_THREADS_MAX];
static unsigned int busy_count;

/* Arithmetic that never yields and touches no shared line until it ends,
 * as a compute-bound thread of another program would. */
static void busy_proc(void *arg)
{
    unsigned long long state = (uintptr_t)arg + 1;
    unsigned int i;

    while (atomic_load_explicit(&busy_running, memory_order_relaxed))
        for (i = 0; i < 100000; i++)
            state = state * 6364136223846793005ull + 1442695040888963407ull;
    atomic_fetch_add(&busy_sink, state);
}

void busy_start(unsigned int count)
{
    unsigned int i;

    if (count > BUSY_THREADS_MAX)
        count = BUSY_THREADS_MAX;
    atomic_store(&busy_running, 1);
    for (i = 0; i < count; i++)
        busy_threads[i] = bench_thread_start(busy_proc, (void *)(uintptr_t)i);
    busy_count = count;
}

void busy_stop(void)
{
    unsigned int i;

    atomic_store(&busy_running, 0);
    for (i = 0; i < busy_count; i++)
        bench_thread_join(busy_threads[i]);
    busy_count = 0;
}
