/*
 * Critical sections and the small system functions (thread ids, the last
 * error, clocks).  As test_sync.c, the same source runs against tpool's
 * native implementation and, built for Windows, against the system's own,
 * so every assertion is Windows behaviour.
 */

#include "test_util.h"

#define SECTION_THREADS 4

/* ---- Critical sections ------------------------------------------------- */

static HANDLE current_thread_as_owner(void)
{
    return (HANDLE)(ULONG_PTR)GetCurrentThreadId();
}

static void test_critical_section_recursion(void **state)
{
    CRITICAL_SECTION section;

    InitializeCriticalSection(&section);
    assert_int_equal(section.LockCount, -1);
    assert_int_equal(section.RecursionCount, 0);

    EnterCriticalSection(&section);
    assert_ptr_equal(section.OwningThread, current_thread_as_owner());
    assert_int_equal(section.RecursionCount, 1);
    EnterCriticalSection(&section);
    assert_int_equal(section.RecursionCount, 2);
    assert_true(TryEnterCriticalSection(&section));
    assert_int_equal(section.RecursionCount, 3);

    LeaveCriticalSection(&section);
    LeaveCriticalSection(&section);
    assert_int_equal(section.RecursionCount, 1);
    assert_ptr_equal(section.OwningThread, current_thread_as_owner());
    LeaveCriticalSection(&section);
    assert_int_equal(section.RecursionCount, 0);
    assert_null(section.OwningThread);
    assert_int_equal(section.LockCount, -1);
    DeleteCriticalSection(&section);
}

struct section_test
{
    CRITICAL_SECTION section;
    HANDLE tried;
    BOOL try_result;
    HANDLE owner_inside;
    HANDLE self;
    int counter;
    int inside;
    int overlaps;
};

static DWORD WINAPI try_enter_proc(void *arg)
{
    struct section_test *test = arg;

    test->try_result = TryEnterCriticalSection(&test->section);
    SetEvent(test->tried);
    /* Blocks until the main thread leaves. */
    EnterCriticalSection(&test->section);
    test->owner_inside = test->section.OwningThread;
    test->self = current_thread_as_owner();
    LeaveCriticalSection(&test->section);
    return 0;
}

static void test_critical_section_try_enter_held(void **state)
{
    struct section_test test;
    test_thread thread;

    InitializeCriticalSection(&test.section);
    test.tried = CreateEventA(NULL, TRUE, FALSE, NULL);
    assert_non_null(test.tried);
    EnterCriticalSection(&test.section);
    thread = test_thread_start(try_enter_proc, &test);
    assert_signaled(test.tried);
    Sleep(50);  /* lets the thread block in EnterCriticalSection: the slow path */
    assert_false(test.try_result);
    assert_ptr_equal(test.section.OwningThread, current_thread_as_owner());

    LeaveCriticalSection(&test.section);
    test_thread_join(thread);
    assert_ptr_equal(test.owner_inside, test.self);
    assert_true(TryEnterCriticalSection(&test.section));
    LeaveCriticalSection(&test.section);
    assert_int_equal(test.section.LockCount, -1);
    DeleteCriticalSection(&test.section);
    CloseHandle(test.tried);
}

#define SECTION_ROUNDS 20000

static DWORD WINAPI section_counter_proc(void *arg)
{
    struct section_test *test = arg;
    int i;

    for (i = 0; i < SECTION_ROUNDS; i++)
    {
        EnterCriticalSection(&test->section);
        if (test->inside++) test->overlaps++;
        test->counter++;
        if (!(i % 256)) SwitchToThread();  /* be preempted while holding it */
        test->inside--;
        LeaveCriticalSection(&test->section);
    }
    return 0;
}

static void check_mutual_exclusion(struct section_test *test)
{
    test_thread threads[SECTION_THREADS];
    int i;

    test->counter = test->inside = test->overlaps = 0;
    for (i = 0; i < SECTION_THREADS; i++) threads[i] = test_thread_start(section_counter_proc, test);
    for (i = 0; i < SECTION_THREADS; i++) test_thread_join(threads[i]);
    assert_int_equal(test->overlaps, 0);
    assert_int_equal(test->counter, SECTION_THREADS * SECTION_ROUNDS);
    assert_int_equal(test->section.LockCount, -1);
    assert_int_equal(test->section.RecursionCount, 0);
}

static void test_critical_section_mutual_exclusion(void **state)
{
    struct section_test test;

    InitializeCriticalSection(&test.section);
    check_mutual_exclusion(&test);
    DeleteCriticalSection(&test.section);

    assert_true(InitializeCriticalSectionAndSpinCount(&test.section, 4000));
    check_mutual_exclusion(&test);
    DeleteCriticalSection(&test.section);
}

/* ---- Small system functions -------------------------------------------- */

struct thread_values
{
    DWORD thread_id;
    DWORD last_error;
};

static DWORD WINAPI thread_values_proc(void *arg)
{
    struct thread_values *values = arg;

    SetLastError(42);
    values->thread_id = GetCurrentThreadId();
    values->last_error = GetLastError();
    return 0;
}

static void test_thread_values(void **state)
{
    struct thread_values values;

    assert_int_not_equal(GetCurrentThreadId(), 0);
    assert_int_equal(GetCurrentThreadId(), GetCurrentThreadId());
    assert_int_not_equal(GetCurrentProcessId(), 0);

    SetLastError(1234);
    test_thread_join(test_thread_start(thread_values_proc, &values));
    assert_int_equal(GetLastError(), 1234);
    assert_int_equal(values.last_error, 42);
    assert_int_not_equal(values.thread_id, 0);
    assert_int_not_equal(values.thread_id, GetCurrentThreadId());
}

static ULONGLONG filetime_value(const FILETIME *time)
{
    return (ULONGLONG)time->dwHighDateTime << 32 | time->dwLowDateTime;
}

static void test_clocks(void **state)
{
    const ULONGLONG year_2020 = 132223104000000000ULL;  /* in FILETIME units */
    LARGE_INTEGER frequency, before, after;
    ULONGLONG ticks_before;
    FILETIME time;

    assert_true(QueryPerformanceFrequency(&frequency));
    assert_true(frequency.QuadPart > 0);
    assert_true(QueryPerformanceCounter(&before));
    ticks_before = GetTickCount64();

    assert_int_equal(SleepEx(0, TRUE), 0);
    Sleep(0);
    assert_int_equal(SleepEx(1, TRUE), 0);

    assert_true(QueryPerformanceCounter(&after));
    assert_true(after.QuadPart >= before.QuadPart);
    assert_true(GetTickCount64() >= ticks_before);

    GetSystemTimeAsFileTime(&time);
    assert_true(filetime_value(&time) > year_2020);
    GetSystemTimePreciseAsFileTime(&time);
    assert_true(filetime_value(&time) > year_2020);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_critical_section_recursion),
        cmocka_unit_test(test_critical_section_try_enter_held),
        cmocka_unit_test(test_critical_section_mutual_exclusion),
        cmocka_unit_test(test_thread_values),
        cmocka_unit_test(test_clocks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
