/* Callback instances: completion actions and their order. */

#include "test_util.h"

struct actions
{
    HANDLE event;
    HANDLE event2;
    HANDLE semaphore;
    HANDLE mutex;
    CRITICAL_SECTION critical_section;
    HMODULE library;
    volatile LONG event_set_in_finalization;
};

static void WINAPI register_actions(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct actions *actions = context;

    EnterCriticalSection(&actions->critical_section);
    LeaveCriticalSectionWhenCallbackReturns(instance, &actions->critical_section);
    WaitForSingleObject(actions->mutex, TEST_TIMEOUT);
    ReleaseMutexWhenCallbackReturns(instance, actions->mutex);
    ReleaseSemaphoreWhenCallbackReturns(instance, actions->semaphore, 2);
    SetEventWhenCallbackReturns(instance, actions->event);
    /* one action of a kind: the first registration stands */
    SetEventWhenCallbackReturns(instance, actions->event2);
    if (actions->library)
        FreeLibraryWhenCallbackReturns(instance, actions->library);
}

static void WINAPI check_finalization(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct actions *actions = context;
    if (WaitForSingleObject(actions->event, 0) == WAIT_OBJECT_0)
        InterlockedIncrement(&actions->event_set_in_finalization);
}

static DWORD WINAPI try_enter(void *arg)
{
    CRITICAL_SECTION *critical_section = arg;
    if (!TryEnterCriticalSection(critical_section))
        return 1;
    LeaveCriticalSection(critical_section);
    return 0;
}

static void test_actions_after_callback(void **state)
{
    TP_CALLBACK_ENVIRON env;
    struct actions actions;
    test_thread thread;
    PTP_WORK work;
    LONG previous;

    memset(&actions, 0, sizeof(actions));
    actions.event = CreateEventA(NULL, TRUE, FALSE, NULL);
    actions.event2 = CreateEventA(NULL, TRUE, FALSE, NULL);
    actions.semaphore = CreateSemaphoreA(NULL, 0, 10, NULL);
    actions.mutex = CreateMutexA(NULL, FALSE, NULL);
    InitializeCriticalSection(&actions.critical_section);
    assert_false(library_loaded(TEST_LIBRARY));
    actions.library = LoadLibraryA(TEST_LIBRARY);
    assert_non_null(actions.library);

    InitializeThreadpoolEnvironment(&env);
    TpSetCallbackFinalizationCallback(&env, check_finalization);
    work = CreateThreadpoolWork(register_actions, &actions, &env);
    SubmitThreadpoolWork(work);
    assert_signaled(actions.event);
    WaitForThreadpoolWorkCallbacks(work, FALSE);

    /* the finalization callback ran before the actions */
    assert_int_equal(actions.event_set_in_finalization, 0);
    assert_int_equal(WaitForSingleObject(actions.event2, 0), WAIT_TIMEOUT);
    assert_true(ReleaseSemaphore(actions.semaphore, 1, &previous));
    assert_int_equal(previous, 2);
    assert_signaled(actions.mutex);
    assert_true(ReleaseMutex(actions.mutex));
    thread = test_thread_start(try_enter, &actions.critical_section);
    test_thread_join(thread);
    assert_true(TryEnterCriticalSection(&actions.critical_section));
    LeaveCriticalSection(&actions.critical_section);
    assert_true(library_unloaded_soon(TEST_LIBRARY));

    CloseThreadpoolWork(work);
    DeleteCriticalSection(&actions.critical_section);
    CloseHandle(actions.event);
    CloseHandle(actions.event2);
    CloseHandle(actions.semaphore);
    CloseHandle(actions.mutex);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_actions_after_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
