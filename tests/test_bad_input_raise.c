/*
 * Bad input that Windows answers with an exception (docs/bad-input.md):
 * every export that takes a thread pool object, given NULL or an object of
 * another kind, raises STATUS_INVALID_PARAMETER; completion actions given
 * objects they cannot act on raise their STATUS_THREADPOOL_* code; a wait
 * given a handle that names no object raises
 * STATUS_THREADPOOL_HANDLE_EXCEPTION.  Each case ends its process, so it
 * runs in a child (test_child.h).  Closed objects and foreign pointers are
 * in test_misuse.c.
 */

#include "test_child.h"
#include "tpoolnt.h"

#define EXCEPTION_INVALID_PARAMETER                                 0xc000000du
#define EXCEPTION_THREADPOOL_HANDLE_EXCEPTION                       0xc000070au
#define EXCEPTION_THREADPOOL_SET_EVENT_ON_COMPLETION_FAILED         0xc000070bu
#define EXCEPTION_THREADPOOL_RELEASE_SEMAPHORE_ON_COMPLETION_FAILED 0xc000070cu
#define EXCEPTION_THREADPOOL_RELEASE_MUTEX_ON_COMPLETION_FAILED     0xc000070du
#define EXCEPTION_THREADPOOL_FREE_LIBRARY_ON_COMPLETION_FAILED      0xc000070eu

/* ---- The cases, run in the child ------------------------------------------ */

/* Every export that takes an object, given NULL for it. */
#define NULL_OBJECT_CALLS(X)                                                        \
    X(CloseThreadpool, CloseThreadpool(NULL))                                       \
    X(SetThreadpoolThreadMaximum, SetThreadpoolThreadMaximum(NULL, 1))              \
    X(SetThreadpoolThreadMinimum, SetThreadpoolThreadMinimum(NULL, 1))              \
    X(SetThreadpoolStackInformation, SetThreadpoolStackInformation(NULL, &stack))   \
    X(QueryThreadpoolStackInformation, QueryThreadpoolStackInformation(NULL, &stack)) \
    X(CloseThreadpoolCleanupGroupMembers, CloseThreadpoolCleanupGroupMembers(NULL, TRUE, NULL)) \
    X(CloseThreadpoolCleanupGroup, CloseThreadpoolCleanupGroup(NULL))               \
    X(SubmitThreadpoolWork, SubmitThreadpoolWork(NULL))                             \
    X(WaitForThreadpoolWorkCallbacks, WaitForThreadpoolWorkCallbacks(NULL, TRUE))   \
    X(CloseThreadpoolWork, CloseThreadpoolWork(NULL))                               \
    X(SetThreadpoolTimer, SetThreadpoolTimer(NULL, NULL, 0, 0))                     \
    X(SetThreadpoolTimerEx, SetThreadpoolTimerEx(NULL, NULL, 0, 0))                 \
    X(IsThreadpoolTimerSet, IsThreadpoolTimerSet(NULL))                             \
    X(WaitForThreadpoolTimerCallbacks, WaitForThreadpoolTimerCallbacks(NULL, TRUE)) \
    X(CloseThreadpoolTimer, CloseThreadpoolTimer(NULL))                             \
    X(SetThreadpoolWait, SetThreadpoolWait(NULL, NULL, NULL))                       \
    X(SetThreadpoolWaitEx, SetThreadpoolWaitEx(NULL, NULL, NULL, NULL))             \
    X(WaitForThreadpoolWaitCallbacks, WaitForThreadpoolWaitCallbacks(NULL, TRUE))   \
    X(CloseThreadpoolWait, CloseThreadpoolWait(NULL))                               \
    X(StartThreadpoolIo, StartThreadpoolIo(NULL))                                   \
    X(CancelThreadpoolIo, CancelThreadpoolIo(NULL))                                 \
    X(WaitForThreadpoolIoCallbacks, WaitForThreadpoolIoCallbacks(NULL, TRUE))       \
    X(CloseThreadpoolIo, CloseThreadpoolIo(NULL))                                   \
    X(CallbackMayRunLong, CallbackMayRunLong(NULL))                                 \
    X(DisassociateCurrentThreadFromCallback, DisassociateCurrentThreadFromCallback(NULL)) \
    X(SetEventWhenCallbackReturns, SetEventWhenCallbackReturns(NULL, NULL))         \
    X(ReleaseSemaphoreWhenCallbackReturns, ReleaseSemaphoreWhenCallbackReturns(NULL, NULL, 1)) \
    X(ReleaseMutexWhenCallbackReturns, ReleaseMutexWhenCallbackReturns(NULL, NULL)) \
    X(LeaveCriticalSectionWhenCallbackReturns, LeaveCriticalSectionWhenCallbackReturns(NULL, NULL)) \
    X(FreeLibraryWhenCallbackReturns, FreeLibraryWhenCallbackReturns(NULL, NULL))   \
    X(TpReleasePool, TpReleasePool(NULL))                                           \
    X(TpSetPoolMaxThreads, TpSetPoolMaxThreads(NULL, 1))                            \
    X(TpSetPoolMinThreads, TpSetPoolMinThreads(NULL, 1))                            \
    X(TpSetPoolStackInformation, TpSetPoolStackInformation(NULL, &stack))           \
    X(TpQueryPoolStackInformation, TpQueryPoolStackInformation(NULL, &stack))       \
    X(TpReleaseCleanupGroupMembers, TpReleaseCleanupGroupMembers(NULL, TRUE, NULL)) \
    X(TpReleaseCleanupGroup, TpReleaseCleanupGroup(NULL))                           \
    X(TpPostWork, TpPostWork(NULL))                                                 \
    X(TpWaitForWork, TpWaitForWork(NULL, TRUE))                                     \
    X(TpReleaseWork, TpReleaseWork(NULL))                                           \
    X(TpSetTimer, TpSetTimer(NULL, NULL, 0, 0))                                     \
    X(TpSetTimerEx, TpSetTimerEx(NULL, NULL, 0, 0))                                 \
    X(TpIsTimerSet, TpIsTimerSet(NULL))                                             \
    X(TpWaitForTimer, TpWaitForTimer(NULL, TRUE))                                   \
    X(TpReleaseTimer, TpReleaseTimer(NULL))                                         \
    X(TpSetWait, TpSetWait(NULL, NULL, NULL))                                       \
    X(TpSetWaitEx, TpSetWaitEx(NULL, NULL, NULL, NULL))                             \
    X(TpWaitForWait, TpWaitForWait(NULL, TRUE))                                     \
    X(TpReleaseWait, TpReleaseWait(NULL))                                           \
    X(TpStartAsyncIoOperation, TpStartAsyncIoOperation(NULL))                       \
    X(TpCancelAsyncIoOperation, TpCancelAsyncIoOperation(NULL))                     \
    X(TpWaitForIoCompletion, TpWaitForIoCompletion(NULL, TRUE))                     \
    X(TpReleaseIoCompletion, TpReleaseIoCompletion(NULL))                           \
    X(TpCallbackMayRunLong, TpCallbackMayRunLong(NULL))                             \
    X(TpDisassociateCallback, TpDisassociateCallback(NULL))                         \
    X(TpCallbackSetEventOnCompletion, TpCallbackSetEventOnCompletion(NULL, NULL))   \
    X(TpCallbackReleaseSemaphoreOnCompletion, TpCallbackReleaseSemaphoreOnCompletion(NULL, NULL, 1)) \
    X(TpCallbackReleaseMutexOnCompletion, TpCallbackReleaseMutexOnCompletion(NULL, NULL)) \
    X(TpCallbackLeaveCriticalSectionOnCompletion, TpCallbackLeaveCriticalSectionOnCompletion(NULL, NULL)) \
    X(TpCallbackUnloadDllOnCompletion, TpCallbackUnloadDllOnCompletion(NULL, NULL))

static TP_POOL_STACK_INFORMATION stack;

/* A case returns only if nothing was raised. */
#define DEFINE_NULL_CASE(name, call)  \
    static int null_##name(void)      \
    {                                 \
        call;                         \
        return CHILD_TIMED_OUT;       \
    }
NULL_OBJECT_CALLS(DEFINE_NULL_CASE)

static void WINAPI unused_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
}

static void WINAPI unused_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
}

static void WINAPI unused_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                               TP_WAIT_RESULT result)
{
}

/* Objects of another kind than the function takes. */

static int kind_work_as_timer(void)
{
    SetThreadpoolTimer((PTP_TIMER)CreateThreadpoolWork(unused_work, NULL, NULL), NULL, 0, 0);
    return CHILD_TIMED_OUT;
}

static int kind_timer_as_wait(void)
{
    TpSetWait((PTP_WAIT)CreateThreadpoolTimer(unused_timer, NULL, NULL), NULL, NULL);
    return CHILD_TIMED_OUT;
}

static int kind_wait_as_io(void)
{
    StartThreadpoolIo((PTP_IO)CreateThreadpoolWait(unused_wait, NULL, NULL));
    return CHILD_TIMED_OUT;
}

static int kind_group_as_pool(void)
{
    SetThreadpoolThreadMinimum((PTP_POOL)CreateThreadpoolCleanupGroup(), 1);
    return CHILD_TIMED_OUT;
}

static int kind_pool_as_group(void)
{
    TpReleaseCleanupGroup((PTP_CLEANUP_GROUP)CreateThreadpool(NULL));
    return CHILD_TIMED_OUT;
}

static int kind_work_as_instance(void)
{
    CallbackMayRunLong((PTP_CALLBACK_INSTANCE)CreateThreadpoolWork(unused_work, NULL, NULL));
    return CHILD_TIMED_OUT;
}

static int kind_timer_as_work(void)
{
    TpWaitForWork((PTP_WORK)CreateThreadpoolTimer(unused_timer, NULL, NULL), FALSE);
    return CHILD_TIMED_OUT;
}

/* Completion actions on objects they cannot act on; they are performed
 * on the worker once the callback returned. */

static int submit_and_wait_forever(PTP_WORK_CALLBACK callback)
{
    PTP_WORK work = CreateThreadpoolWork(callback, NULL, NULL);

    SubmitThreadpoolWork(work);
    Sleep(INFINITE);
    return CHILD_TIMED_OUT;
}

static void WINAPI release_semaphore_zero(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    ReleaseSemaphoreWhenCallbackReturns(instance, CreateSemaphoreA(NULL, 0, 10, NULL), 0);
}

static int action_semaphore_count_zero(void)
{
    return submit_and_wait_forever(release_semaphore_zero);
}

static void WINAPI set_semaphore_as_event(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    SetEventWhenCallbackReturns(instance, CreateSemaphoreA(NULL, 0, 10, NULL));
}

static int action_event_is_semaphore(void)
{
    return submit_and_wait_forever(set_semaphore_as_event);
}

static void WINAPI release_event_as_mutex(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    ReleaseMutexWhenCallbackReturns(instance, CreateEventA(NULL, TRUE, FALSE, NULL));
}

static int action_mutex_is_event(void)
{
    return submit_and_wait_forever(release_event_as_mutex);
}

static void WINAPI free_foreign_library(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    /* natively a dlopen handle: larger than glibc's struct link_map */
    static ULONG_PTR not_a_module[512];

    FreeLibraryWhenCallbackReturns(instance, (HMODULE)not_a_module);
}

static int action_library_not_loaded(void)
{
    return submit_and_wait_forever(free_foreign_library);
}

/* A wait on a handle that names no object: natively handles are the
 * objects' addresses, so the value must be readable memory. */

static HANDLE invalid_handle(void)
{
#ifdef _WIN32
    return (HANDLE)(ULONG_PTR)0xdeadbee0;
#else
    static ULONG_PTR not_an_object[64];
    return (HANDLE)not_an_object;
#endif
}

static int wait_invalid_handle(void)
{
    SetThreadpoolWait(CreateThreadpoolWait(unused_wait, NULL, NULL), invalid_handle(), NULL);
    return CHILD_TIMED_OUT;
}

/* No monitor, whose handles (its block) could take the closed handle's
 * value (docs/diagnostics.md). */
static int wait_ex_closed_handle(void)
{
    HANDLE event;
    PTP_WAIT wait;

#ifdef _WIN32
    SetEnvironmentVariableA("TPOOL_PUBLISH", "0");
#else
    setenv("TPOOL_PUBLISH", "0", 1);
#endif
    event = CreateEventA(NULL, TRUE, FALSE, NULL);
    TpAllocWait(&wait, unused_wait, NULL, NULL);
    CloseHandle(event);
    TpSetWaitEx(wait, event, NULL, NULL);
    return CHILD_TIMED_OUT;
}

#define LIST_NULL_CASE(name, call) { "null_" #name, null_##name },

static const struct child_case cases[] =
{
    NULL_OBJECT_CALLS(LIST_NULL_CASE)
    { "kind_work_as_timer", kind_work_as_timer },
    { "kind_timer_as_wait", kind_timer_as_wait },
    { "kind_wait_as_io", kind_wait_as_io },
    { "kind_group_as_pool", kind_group_as_pool },
    { "kind_pool_as_group", kind_pool_as_group },
    { "kind_work_as_instance", kind_work_as_instance },
    { "kind_timer_as_work", kind_timer_as_work },
    { "action_semaphore_count_zero", action_semaphore_count_zero },
    { "action_event_is_semaphore", action_event_is_semaphore },
    { "action_mutex_is_event", action_mutex_is_event },
    { "action_library_not_loaded", action_library_not_loaded },
    { "wait_invalid_handle", wait_invalid_handle },
    { "wait_ex_closed_handle", wait_ex_closed_handle },
};

#define CASE_COUNT (sizeof(cases) / sizeof(cases[0]))

/* ---- The tests ---------------------------------------------------------------- */

static void check_prefix(const char *prefix, DWORD exception)
{
    struct child_result result;
    size_t i, checked = 0;

    for (i = 0; i < CASE_COUNT; i++)
    {
        if (strncmp(cases[i].name, prefix, strlen(prefix)))
            continue;
        child_check(cases, CASE_COUNT, cases[i].name, 0, exception, NULL, &result);
        checked++;
    }
    assert_true(checked > 0);
}

static void check_case(const char *name, DWORD exception, const char *text)
{
    struct child_result result;

    child_check(cases, CASE_COUNT, name, 0, exception, text, &result);
}

static void test_null_objects(void **state)
{
    check_prefix("null_", EXCEPTION_INVALID_PARAMETER);
}

static void test_objects_of_another_kind(void **state)
{
    check_prefix("kind_", EXCEPTION_INVALID_PARAMETER);
}

static void test_failing_actions(void **state)
{
    check_case("action_semaphore_count_zero",
               EXCEPTION_THREADPOOL_RELEASE_SEMAPHORE_ON_COMPLETION_FAILED, NULL);
    check_case("action_event_is_semaphore", EXCEPTION_THREADPOOL_SET_EVENT_ON_COMPLETION_FAILED, NULL);
    check_case("action_mutex_is_event", EXCEPTION_THREADPOOL_RELEASE_MUTEX_ON_COMPLETION_FAILED, NULL);
    check_case("action_library_not_loaded", EXCEPTION_THREADPOOL_FREE_LIBRARY_ON_COMPLETION_FAILED,
               NULL);
}

/* ExceptionInformation[0] is the status of the failed association. */
static void test_wait_invalid_handles(void **state)
{
    check_case("wait_invalid_handle", EXCEPTION_THREADPOOL_HANDLE_EXCEPTION, "[0xc0000008]");
    check_case("wait_ex_closed_handle", EXCEPTION_THREADPOOL_HANDLE_EXCEPTION, "[0xc0000008]");
}

int main(int argc, char **argv)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_null_objects),
        cmocka_unit_test(test_objects_of_another_kind),
        cmocka_unit_test(test_failing_actions),
        cmocka_unit_test(test_wait_invalid_handles),
    };

    if (argc == 2)
        return child_main(cases, CASE_COUNT, argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
