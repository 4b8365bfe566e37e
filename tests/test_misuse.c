/*
 * Misuse: the exceptions the API raises where Windows raises them, and the
 * checked mode (TPOOL_CHECKED=1).  An exception ends the process, so each
 * case runs in a child and the parent looks at how it ended: under Windows
 * the child is this program run again with the case's name, and its
 * unhandled exception filter exits with the exception code; natively the
 * child is forked (the parent never calls tpool, so the child starts with
 * a fresh library) and tpool aborts after naming the status on stderr.
 */

#include "test_child.h"
#include "tpoolnt.h"

#ifndef _WIN32
#include <sched.h>
#endif

/* Exception codes (ntstatus.h, which windows.h leaves out). */
#define EXCEPTION_INVALID_PARAMETER                                0xc000000du
#define EXCEPTION_ASSERTION_FAILURE                                0xc0000420u
#define EXCEPTION_THREADPOOL_HANDLE_EXCEPTION                      0xc000070au
#define EXCEPTION_THREADPOOL_SET_EVENT_ON_COMPLETION_FAILED        0xc000070bu
#define EXCEPTION_THREADPOOL_RELEASE_SEMAPHORE_ON_COMPLETION_FAILED 0xc000070cu
#define EXCEPTION_THREADPOOL_RELEASE_MUTEX_ON_COMPLETION_FAILED    0xc000070du
#define EXCEPTION_CALLBACK_RETURNED_WHILE_IMPERSONATING            0xc0000710u
#define EXCEPTION_CALLBACK_RETURNED_THREAD_PRIORITY                0xc000071bu

/* ---- The cases, run in the child ---------------------------------------- */

static ULONG_PTR foreign[32];   /* not a tpool object of any kind */
static HANDLE done;
static volatile LONG calls;

static void WINAPI unused_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
}

static void WINAPI unused_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                               TP_WAIT_RESULT result)
{
}

static void WINAPI unused_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
}

static void wait_forever(void)
{
    Sleep(INFINITE);
}

static int case_wait_mutex(void)
{
    HANDLE mutex = CreateMutexA(NULL, FALSE, NULL);
    PTP_WAIT wait = CreateThreadpoolWait(unused_wait, NULL, NULL);

    SetThreadpoolWait(wait, mutex, NULL);
    return 0;
}

/* The handle cache must not hide a new handle. */
static int case_wait_ex_mutex_after_event(void)
{
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE mutex = CreateMutexA(NULL, TRUE, NULL);
    PTP_WAIT wait = CreateThreadpoolWait(unused_wait, NULL, NULL);

    SetThreadpoolWaitEx(wait, event, NULL, NULL);
    SetThreadpoolWaitEx(wait, event, NULL, NULL);
    SetThreadpoolWaitEx(wait, NULL, NULL, NULL);
    SetThreadpoolWaitEx(wait, mutex, NULL, NULL);
    return 0;
}

/* Nothing allocates between the close and the submission, and no other
 * work object is ever created, so the freed memory cannot hold a work
 * object's tag (the heap may have overwritten it, but not with that). */
static int case_closed_work(void)
{
    PTP_WORK work = CreateThreadpoolWork(unused_work, NULL, NULL);

    CloseThreadpoolWork(work);
    SubmitThreadpoolWork(work);
    return 0;
}

/* What Windows' TppTimerpValidateTimer raises; no other timer is created. */
static int case_released_timer_set_ex(void)
{
    PTP_TIMER timer;

    TpAllocTimer(&timer, unused_timer, NULL, NULL);
    TpReleaseTimer(timer);
    TpSetTimerEx(timer, NULL, 0, 0);
    return 0;
}

static int case_timer_as_work(void)
{
    PTP_TIMER timer = CreateThreadpoolTimer(unused_timer, NULL, NULL);

    SubmitThreadpoolWork((PTP_WORK)timer);
    return 0;
}

static int case_null_work(void)
{
    WaitForThreadpoolWorkCallbacks(NULL, FALSE);
    return 0;
}

static int case_null_instance(void)
{
    DisassociateCurrentThreadFromCallback(NULL);
    return 0;
}

static int case_foreign_pool(void)
{
    SetThreadpoolThreadMaximum((PTP_POOL)foreign, 1);
    return 0;
}

static int case_foreign_group(void)
{
    CloseThreadpoolCleanupGroupMembers((PTP_CLEANUP_GROUP)foreign, FALSE, NULL);
    return 0;
}

static int case_foreign_work(void)
{
    SubmitThreadpoolWork((PTP_WORK)foreign);
    return 0;
}

static int case_foreign_timer(void)
{
    SetThreadpoolTimer((PTP_TIMER)foreign, NULL, 0, 0);
    return 0;
}

static int case_foreign_wait(void)
{
    SetThreadpoolWait((PTP_WAIT)foreign, NULL, NULL);
    return 0;
}

static int case_foreign_io(void)
{
    StartThreadpoolIo((PTP_IO)foreign);
    return 0;
}

static int case_foreign_instance(void)
{
    SetEventWhenCallbackReturns((PTP_CALLBACK_INSTANCE)foreign, CreateEventA(NULL, TRUE, FALSE, NULL));
    return 0;
}

/* Runs `callback` once on a pool thread; the raise comes from there. */
static int submit_and_wait_forever(PTP_WORK_CALLBACK callback)
{
    PTP_WORK work = CreateThreadpoolWork(callback, NULL, NULL);

    SubmitThreadpoolWork(work);
    wait_forever();
    return CHILD_TIMED_OUT;
}

/* The event is closed when the callback returns, before the pool sets it;
 * no other thread creates a handle meanwhile. */
static void WINAPI set_closed_event(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    HANDLE event = CreateEventA(NULL, TRUE, FALSE, NULL);

    SetEventWhenCallbackReturns(instance, event);
    CloseHandle(event);
}

static int case_set_event_closed(void)
{
    return submit_and_wait_forever(set_closed_event);
}

static void WINAPI release_semaphore_over_max(PTP_CALLBACK_INSTANCE instance, void *context,
                                              PTP_WORK work)
{
    ReleaseSemaphoreWhenCallbackReturns(instance, CreateSemaphoreA(NULL, 0, 1, NULL), 2);
}

static int case_semaphore_over_max(void)
{
    return submit_and_wait_forever(release_semaphore_over_max);
}

static void WINAPI release_unowned_mutex(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    ReleaseMutexWhenCallbackReturns(instance, CreateMutexA(NULL, FALSE, NULL));
}

static int case_mutex_not_owned(void)
{
    return submit_and_wait_forever(release_unowned_mutex);
}

/* ---- Checked mode cases -------------------------------------------------- */

static void print_callback(PTP_WORK_CALLBACK callback)
{
    printf("child: callback 0x%" PRIxPTR "\n", (uintptr_t)callback);
    fflush(stdout);
}

static int checked_case(PTP_WORK_CALLBACK callback)
{
    print_callback(callback);
    return submit_and_wait_forever(callback);
}

static BOOL may_lower_priority(void)
{
#ifdef _WIN32
    return TRUE;
#else
    return getpriority(PRIO_PROCESS, 0) < 19;
#endif
}

static void WINAPI lower_priority(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
#ifdef _WIN32
    SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_LOWEST);
#else
    /* Linux keeps a nice value per thread; 0 is the calling thread */
    setpriority(PRIO_PROCESS, 0, getpriority(PRIO_PROCESS, 0) + 1);
#endif
}

static int case_checked_priority(void)
{
    if (!may_lower_priority())
        return CHILD_SKIPPED;
    return checked_case(lower_priority);
}

#ifdef _WIN32
static DWORD_PTR process_affinity(void)
{
    DWORD_PTR process, system;
    return GetProcessAffinityMask(GetCurrentProcess(), &process, &system) ? process : 0;
}

static void WINAPI narrow_affinity(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    DWORD_PTR mask = process_affinity();
    SetThreadAffinityMask(GetCurrentThread(), mask & -mask);
}

static BOOL may_narrow_affinity(void)
{
    DWORD_PTR mask = process_affinity();
    return mask & (mask - 1);
}
#else
static void WINAPI narrow_affinity(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    cpu_set_t set, one;
    int cpu;

    sched_getaffinity(0, sizeof(set), &set);
    CPU_ZERO(&one);
    for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
    {
        if (CPU_ISSET(cpu, &set))
        {
            CPU_SET(cpu, &one);
            break;
        }
    }
    sched_setaffinity(0, sizeof(one), &one);
}

static BOOL may_narrow_affinity(void)
{
    cpu_set_t set;
    return !sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) > 1;
}
#endif

static int case_checked_affinity(void)
{
    if (!may_narrow_affinity())
        return CHILD_SKIPPED;
    return checked_case(narrow_affinity);
}

static CRITICAL_SECTION section;

static void WINAPI keep_critical_section(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    EnterCriticalSection(&section);
}

static int case_checked_critical_section(void)
{
    InitializeCriticalSection(&section);
    return checked_case(keep_critical_section);
}

static HANDLE mutex;

static void WINAPI keep_mutex(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    WaitForSingleObject(mutex, INFINITE);
}

static int case_checked_mutex(void)
{
    mutex = CreateMutexA(NULL, FALSE, NULL);
    return checked_case(keep_mutex);
}

#ifdef _WIN32
static void WINAPI keep_impersonating(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    ImpersonateSelf(SecurityImpersonation);
}

static int case_checked_impersonation(void)
{
    return checked_case(keep_impersonating);
}
#endif

/* The first call leaves nothing behind that the pool does not undo; the
 * second, which the one worker runs after the first one's checks, lets
 * the child exit. */
static void WINAPI tidy_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    if (InterlockedIncrement(&calls) == 2)
    {
        SetEvent(done);
        return;
    }
    EnterCriticalSection(&section);
    LeaveCriticalSectionWhenCallbackReturns(instance, &section);
    WaitForSingleObject(mutex, INFINITE);
    ReleaseMutexWhenCallbackReturns(instance, mutex);
}

static int case_checked_clean(void)
{
    TP_CALLBACK_ENVIRON environment;
    PTP_POOL pool = CreateThreadpool(NULL);
    PTP_WORK work;

    InitializeCriticalSection(&section);
    mutex = CreateMutexA(NULL, FALSE, NULL);
    done = CreateEventA(NULL, TRUE, FALSE, NULL);
    SetThreadpoolThreadMaximum(pool, 1);
    env_with_pool(&environment, pool);
    work = CreateThreadpoolWork(tidy_callback, NULL, &environment);
    SubmitThreadpoolWork(work);
    SubmitThreadpoolWork(work);
    WaitForSingleObject(done, INFINITE);
    return 0;
}

static const struct child_case cases[] =
{
    { "wait_mutex", case_wait_mutex },
    { "wait_ex_mutex_after_event", case_wait_ex_mutex_after_event },
    { "closed_work", case_closed_work },
    { "released_timer_set_ex", case_released_timer_set_ex },
    { "timer_as_work", case_timer_as_work },
    { "null_work", case_null_work },
    { "null_instance", case_null_instance },
    { "foreign_pool", case_foreign_pool },
    { "foreign_group", case_foreign_group },
    { "foreign_work", case_foreign_work },
    { "foreign_timer", case_foreign_timer },
    { "foreign_wait", case_foreign_wait },
    { "foreign_io", case_foreign_io },
    { "foreign_instance", case_foreign_instance },
    { "set_event_closed", case_set_event_closed },
    { "semaphore_over_max", case_semaphore_over_max },
    { "mutex_not_owned", case_mutex_not_owned },
    { "checked_priority", case_checked_priority },
    { "checked_affinity", case_checked_affinity },
    { "checked_critical_section", case_checked_critical_section },
    { "checked_mutex", case_checked_mutex },
#ifdef _WIN32
    { "checked_impersonation", case_checked_impersonation },
#endif
    { "checked_clean", case_checked_clean },
};

/* ---- The tests ------------------------------------------------------------ */

#define CASE_COUNT (sizeof(cases) / sizeof(cases[0]))

static void check_child_result(const char *name, BOOL checked, DWORD exception, const char *text,
                               struct child_result *result)
{
    child_check(cases, CASE_COUNT, name, checked ? CHILD_CHECKED : 0, exception, text, result);
}

static void check_child(const char *name, BOOL checked, DWORD exception, const char *text)
{
    struct child_result result;

    check_child_result(name, checked, exception, text, &result);
}

static void test_wait_mutex(void **state)
{
    check_child("wait_mutex", FALSE, EXCEPTION_THREADPOOL_HANDLE_EXCEPTION, "[0xc00000f1]");
}

static void test_wait_ex_mutex_after_event(void **state)
{
    check_child("wait_ex_mutex_after_event", FALSE, EXCEPTION_THREADPOOL_HANDLE_EXCEPTION,
                "[0xc00000f1]");
}

/* These two hand tpool a freed object: under AddressSanitizer and
 * ThreadSanitizer the tag check's read of it is reported, rightly, before
 * tpool can raise. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define skip_use_after_free() skip()
#else
#define skip_use_after_free() do { } while (0)
#endif

static void test_closed_work(void **state)
{
    skip_use_after_free();
    check_child("closed_work", FALSE, EXCEPTION_INVALID_PARAMETER, NULL);
}

static void test_released_timer_set_ex(void **state)
{
    skip_use_after_free();
    check_child("released_timer_set_ex", FALSE, EXCEPTION_INVALID_PARAMETER, NULL);
}

static void test_object_of_another_kind(void **state)
{
    check_child("timer_as_work", FALSE, EXCEPTION_INVALID_PARAMETER, NULL);
}

static void test_null_objects(void **state)
{
    check_child("null_work", FALSE, EXCEPTION_INVALID_PARAMETER, NULL);
    check_child("null_instance", FALSE, EXCEPTION_INVALID_PARAMETER, NULL);
}

static void test_foreign_pointers(void **state)
{
    static const char *const kinds[] = { "pool", "group", "work", "timer", "wait", "io", "instance" };
    char name[32];
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    {
        snprintf(name, sizeof(name), "foreign_%s", kinds[i]);
        check_child(name, FALSE, EXCEPTION_INVALID_PARAMETER, NULL);
    }
}

static void test_failing_set_event(void **state)
{
    check_child("set_event_closed", FALSE, EXCEPTION_THREADPOOL_SET_EVENT_ON_COMPLETION_FAILED, NULL);
}

static void test_failing_release_semaphore(void **state)
{
    check_child("semaphore_over_max", FALSE,
                EXCEPTION_THREADPOOL_RELEASE_SEMAPHORE_ON_COMPLETION_FAILED, NULL);
}

static void test_failing_release_mutex(void **state)
{
    check_child("mutex_not_owned", FALSE, EXCEPTION_THREADPOOL_RELEASE_MUTEX_ON_COMPLETION_FAILED,
                NULL);
}

/* The report names the callback as the child printed it. */
static void check_checked_child(const char *name, DWORD exception, const char *problem)
{
    struct child_result result;
    char expected[128];
    const char *callback;
    size_t length;

    check_child_result(name, TRUE, exception, problem, &result);
    assert_non_null(callback = strstr(result.output, "child: callback 0x"));
    callback += strlen("child: ");
    length = strcspn(callback, "\r\n");
    snprintf(expected, sizeof(expected), "tpool: checked mode: %.*s of object 0x", (int)length,
             callback);
    assert_non_null(strstr(result.output, expected));
}

static void test_checked_priority(void **state)
{
    check_checked_child("checked_priority", EXCEPTION_CALLBACK_RETURNED_THREAD_PRIORITY, "priority");
}

static void test_checked_affinity(void **state)
{
    check_checked_child("checked_affinity", EXCEPTION_ASSERTION_FAILURE, "affinity");
}

/* Natively only: in the DLL the critical sections and mutexes are the
 * system's, and tpool cannot count them. */
static void test_checked_critical_section(void **state)
{
#ifdef _WIN32
    skip();
#else
    check_checked_child("checked_critical_section", EXCEPTION_ASSERTION_FAILURE, "critical section");
#endif
}

static void test_checked_mutex(void **state)
{
#ifdef _WIN32
    skip();
#else
    check_checked_child("checked_mutex", EXCEPTION_ASSERTION_FAILURE, "mutex");
#endif
}

/* In the DLL only: there is no impersonation natively. */
static void test_checked_impersonation(void **state)
{
#ifdef _WIN32
    check_checked_child("checked_impersonation", EXCEPTION_CALLBACK_RETURNED_WHILE_IMPERSONATING,
                        "impersonating");
#else
    skip();
#endif
}

static void test_checked_clean(void **state)
{
    struct child_result result;

    check_child_result("checked_clean", TRUE, 0, NULL, &result);
    assert_null(strstr(result.output, "tpool:"));
}

int main(int argc, char **argv)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_wait_mutex),
        cmocka_unit_test(test_wait_ex_mutex_after_event),
        cmocka_unit_test(test_closed_work),
        cmocka_unit_test(test_released_timer_set_ex),
        cmocka_unit_test(test_object_of_another_kind),
        cmocka_unit_test(test_null_objects),
        cmocka_unit_test(test_foreign_pointers),
        cmocka_unit_test(test_failing_set_event),
        cmocka_unit_test(test_failing_release_semaphore),
        cmocka_unit_test(test_failing_release_mutex),
        cmocka_unit_test(test_checked_priority),
        cmocka_unit_test(test_checked_affinity),
        cmocka_unit_test(test_checked_critical_section),
        cmocka_unit_test(test_checked_mutex),
        cmocka_unit_test(test_checked_impersonation),
        cmocka_unit_test(test_checked_clean),
    };

    if (argc == 2)
        return child_main(cases, CASE_COUNT, argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
