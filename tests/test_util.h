/* What the test programs share; one source for both worlds. */

#ifndef TPOOL_TEST_UTIL_H
#define TPOOL_TEST_UTIL_H

#include <windows.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#ifndef _WIN32
#include <dlfcn.h>
#include <pthread.h>
#endif

/* Long enough to never expire in a passing run: it only turns a hang
 * into a failure. */
#define TEST_TIMEOUT 20000

#define MS 10000LL   /* 100 ns units per millisecond */

/* A relative due time or timeout of `ms` milliseconds, as a FILETIME. */
static inline FILETIME relative_ms(LONGLONG ms)
{
    ULARGE_INTEGER due;
    FILETIME time;

    due.QuadPart = (ULONGLONG)(-ms * MS);
    time.dwLowDateTime = due.LowPart;
    time.dwHighDateTime = due.HighPart;
    return time;
}

#define assert_signaled(handle) \
    assert_int_equal(WaitForSingleObject((handle), TEST_TIMEOUT), WAIT_OBJECT_0)

/* A callback that runs until released: to keep a pool's threads busy, or
 * a callback outstanding. */
struct blocker
{
    HANDLE started;            /* auto-reset: set as a callback enters */
    HANDLE release;            /* manual-reset: the callbacks return once it is set */
    HANDLE ended;              /* set last: the callback no longer uses the blocker */
    volatile LONG finished;
    /* ms the callback stays after the release, a window for a wait that
     * wrongly returns early to be caught */
    DWORD linger;
};

static inline void blocker_init(struct blocker *blocker)
{
    blocker->started = CreateEventA(NULL, FALSE, FALSE, NULL);
    blocker->release = CreateEventA(NULL, TRUE, FALSE, NULL);
    blocker->ended = CreateEventA(NULL, TRUE, FALSE, NULL);
    assert_true(blocker->started && blocker->release && blocker->ended);
    blocker->finished = 0;
    blocker->linger = 0;
}

static inline void blocker_free(struct blocker *blocker)
{
    CloseHandle(blocker->started);
    CloseHandle(blocker->release);
    CloseHandle(blocker->ended);
}

static inline void blocker_run(struct blocker *blocker)
{
    SetEvent(blocker->started);
    WaitForSingleObject(blocker->release, TEST_TIMEOUT);
    if (blocker->linger)
        Sleep(blocker->linger);
    InterlockedExchange(&blocker->finished, 1);
    SetEvent(blocker->ended);
}

static inline void WINAPI blocker_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    blocker_run(context);
}

static inline void WINAPI blocker_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    blocker_run(context);
}

#ifdef _WIN32
/* A temporary file, deleted once closed. */
static inline HANDLE temp_file_open(DWORD flags)
{
    char dir[MAX_PATH], path[MAX_PATH];
    HANDLE file;

    assert_true(GetTempPathA(sizeof(dir), dir) != 0);
    assert_true(GetTempFileNameA(dir, "tpl", 0, path) != 0);
    file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                       flags | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    return file;
}
#endif

/* An event, or the test fails. */
static inline HANDLE test_event(BOOL manual_reset, BOOL initial_state)
{
    HANDLE event = CreateEventA(NULL, manual_reset, initial_state, NULL);

    assert_non_null(event);
    return event;
}

/* A private pool of at most `max` threads, and an environment for it. */
static inline PTP_POOL pool_with_max(DWORD max)
{
    PTP_POOL pool = CreateThreadpool(NULL);

    assert_non_null(pool);
    SetThreadpoolThreadMaximum(pool, max);
    return pool;
}

static inline void env_with_pool(TP_CALLBACK_ENVIRON *env, PTP_POOL pool)
{
    InitializeThreadpoolEnvironment(env);
    SetThreadpoolCallbackPool(env, pool);
}

static inline void WINAPI drain_timer_callback(PTP_CALLBACK_INSTANCE instance, void *context,
                                               PTP_TIMER timer)
{
    SetEvent(context);
}

/* A barrier for a negative check on a pool of one thread: a timer due in
 * `ms` runs after every callback queued before it, so once it has run, a
 * callback that a timer due sooner wrongly queued has run too. */
static inline void drain_timers(TP_CALLBACK_ENVIRON *env, DWORD ms)
{
    HANDLE ran = test_event(TRUE, FALSE);
    FILETIME due = relative_ms(ms);
    PTP_TIMER timer = CreateThreadpoolTimer(drain_timer_callback, ran, env);

    assert_non_null(timer);
    SetThreadpoolTimer(timer, &due, 0, 0);
    assert_signaled(ran);
    WaitForThreadpoolTimerCallbacks(timer, FALSE);
    CloseThreadpoolTimer(timer);
    CloseHandle(ran);
}

/* A library no test program loads by itself, for the library tests. */
#ifdef _WIN32
#define TEST_LIBRARY "version.dll"
#else
#define TEST_LIBRARY "libutil.so.1"
#endif

static inline BOOL library_loaded(const char *name)
{
#ifdef _WIN32
    return GetModuleHandleA(name) != NULL;
#else
    void *handle = dlopen(name, RTLD_NOW | RTLD_NOLOAD);
    if (handle)
        dlclose(handle);
    return handle != NULL;
#endif
}

/* Objects are freed, and completion actions done, by their worker a little
 * after WaitFor...Callbacks returns: poll, with the usual bound. */
static inline BOOL library_unloaded_soon(const char *name)
{
    int i;

    for (i = 0; i < TEST_TIMEOUT / 10 && library_loaded(name); i++)
        Sleep(10);
    return !library_loaded(name);
}

typedef DWORD (WINAPI *test_thread_proc)(void *arg);

/* Starts a plain thread (not a pool thread); test_thread_join waits for it. */
#ifdef _WIN32
typedef HANDLE test_thread;

static inline test_thread test_thread_start(test_thread_proc proc, void *arg)
{
    HANDLE thread = CreateThread(NULL, 0, proc, arg, 0, NULL);
    assert_non_null(thread);
    return thread;
}

static inline void test_thread_join(test_thread thread)
{
    assert_signaled(thread);
    CloseHandle(thread);
}
#else
typedef pthread_t test_thread;

struct test_thread_start_info
{
    test_thread_proc proc;
    void *arg;
};

static void *test_thread_trampoline(void *arg)
{
    struct test_thread_start_info info = *(struct test_thread_start_info *)arg;
    free(arg);
    info.proc(info.arg);
    return NULL;
}

static inline test_thread test_thread_start(test_thread_proc proc, void *arg)
{
    struct test_thread_start_info *info = malloc(sizeof(*info));
    pthread_t thread;

    assert_non_null(info);
    info->proc = proc;
    info->arg = arg;
    assert_int_equal(pthread_create(&thread, NULL, test_thread_trampoline, info), 0);
    return thread;
}

static inline void test_thread_join(test_thread thread)
{
    assert_int_equal(pthread_join(thread, NULL), 0);
}
#endif

#endif
