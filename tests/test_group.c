/* Cleanup groups: releasing members, cancel callbacks. */

#include "test_util.h"

struct group_test
{
    PTP_POOL pool;
    PTP_CLEANUP_GROUP group;
    TP_CALLBACK_ENVIRON env;
    volatile LONG callbacks;
    volatile LONG cancels;
    DWORD cancel_thread;
    void *cancel_context;
};

static struct group_test *current;

static void WINAPI count_cancel(void *object_context, void *cleanup_context)
{
    InterlockedIncrement(&current->cancels);
    current->cancel_thread = GetCurrentThreadId();
    current->cancel_context = cleanup_context;
}

static struct group_test the_test;

/* Each test gets a fresh group on a pool of one or two threads. */
static int group_fixture_setup(void **state, DWORD max_threads)
{
    struct group_test *test = &the_test;

    memset(test, 0, sizeof(*test));
    test->pool = pool_with_max(max_threads);
    test->group = CreateThreadpoolCleanupGroup();
    assert_non_null(test->group);
    env_with_pool(&test->env, test->pool);
    SetThreadpoolCallbackCleanupGroup(&test->env, test->group, count_cancel);
    current = test;
    *state = test;
    return 0;
}

static int setup_one_thread(void **state)
{
    return group_fixture_setup(state, 1);
}

static int setup_two_threads(void **state)
{
    return group_fixture_setup(state, 2);
}

static int teardown_group(void **state)
{
    struct group_test *test = *state;

    CloseThreadpoolCleanupGroup(test->group);
    CloseThreadpool(test->pool);
    return 0;
}

static void WINAPI count_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    InterlockedIncrement(&current->callbacks);
}

static void WINAPI count_simple(PTP_CALLBACK_INSTANCE instance, void *context)
{
    InterlockedIncrement(&current->callbacks);
}

static void WINAPI count_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    InterlockedIncrement(&current->callbacks);
}

static void WINAPI count_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                              TP_WAIT_RESULT result)
{
    InterlockedIncrement(&current->callbacks);
}

static void WINAPI count_io(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                            ULONG result, ULONG_PTR bytes, PTP_IO io)
{
    InterlockedIncrement(&current->callbacks);
}

/* A handle an I/O object can be bound to: an overlapped pipe under
 * Windows; natively any handle of tpool's. */
static HANDLE io_handle_open(void)
{
#ifdef _WIN32
    HANDLE pipe = CreateNamedPipeA("\\\\.\\pipe\\tpool_test_group",
                                   PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, PIPE_TYPE_BYTE,
                                   1, 4096, 4096, 0, NULL);
    assert_true(pipe != INVALID_HANDLE_VALUE);
    return pipe;
#else
    return CreateEventA(NULL, FALSE, FALSE, NULL);
#endif
}

static void WINAPI block_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    HANDLE *events = context;
    SetEvent(events[0]);
    WaitForSingleObject(events[1], TEST_TIMEOUT);
}

static void test_release_runs_pending(void **state)
{
    struct group_test *test = *state;
    PTP_WORK work;
    int i;

    work = CreateThreadpoolWork(count_work, NULL, &test->env);
    for (i = 0; i < 5; i++)
        SubmitThreadpoolWork(work);
    CloseThreadpoolCleanupGroupMembers(test->group, FALSE, NULL);
    assert_int_equal(test->callbacks, 5);
    assert_int_equal(test->cancels, 0);
}

static void test_cancel_every_kind(void **state)
{
    HANDLE events[2], waited = CreateEventA(NULL, FALSE, FALSE, NULL);
    FILETIME later = { (DWORD)-600000000, (DWORD)-1 };
    TP_CALLBACK_ENVIRON outside;
    struct group_test *test = *state;
    PTP_WORK block, work, closed;
    PTP_TIMER timer;
    PTP_WAIT wait;
    HANDLE file = io_handle_open();
    PTP_IO io;
    int i;

    events[0] = CreateEventA(NULL, FALSE, FALSE, NULL);
    events[1] = CreateEventA(NULL, TRUE, FALSE, NULL);
    /* the blocker keeps the only thread busy, outside the group */
    InitializeThreadpoolEnvironment(&outside);
    SetThreadpoolCallbackPool(&outside, test->pool);
    block = CreateThreadpoolWork(block_work, events, &outside);
    SubmitThreadpoolWork(block);
    assert_signaled(events[0]);

    work = CreateThreadpoolWork(count_work, NULL, &test->env);
    for (i = 0; i < 10; i++)
        SubmitThreadpoolWork(work);
    timer = CreateThreadpoolTimer(count_timer, NULL, &test->env);
    SetThreadpoolTimer(timer, &later, 0, 0);
    wait = CreateThreadpoolWait(count_wait, NULL, &test->env);
    SetThreadpoolWait(wait, waited, NULL);
    assert_true(TrySubmitThreadpoolCallback(count_simple, NULL, &test->env));
    io = CreateThreadpoolIo(file, count_io, NULL, &test->env);
    assert_non_null(io);
    closed = CreateThreadpoolWork(count_work, NULL, &test->env);
    CloseThreadpoolWork(closed);

    CloseThreadpoolCleanupGroupMembers(test->group, TRUE, &test);
    /* once per object the application had not released: work, timer,
     * wait, I/O and the simple callback that never ran */
    assert_int_equal(test->cancels, 5);
    assert_int_equal(test->cancel_thread, GetCurrentThreadId());
    assert_ptr_equal(test->cancel_context, &test);

    SetEvent(events[1]);
    WaitForThreadpoolWorkCallbacks(block, FALSE);
    CloseThreadpoolWork(block);
    /* the wait was released: the signal stays */
    SetEvent(waited);
    assert_int_equal(WaitForSingleObject(waited, 0), WAIT_OBJECT_0);
    assert_int_equal(test->callbacks, 0);
    CloseHandle(events[0]);
    CloseHandle(events[1]);
    CloseHandle(waited);
    CloseHandle(file);
}

static void WINAPI signal_simple(PTP_CALLBACK_INSTANCE instance, void *context)
{
    InterlockedIncrement(&current->callbacks);
    SetEvent(context);
}

static void test_simple_that_ran_is_not_cancelled(void **state)
{
    HANDLE done = CreateEventA(NULL, FALSE, FALSE, NULL);
    struct group_test *test = *state;

    assert_true(TrySubmitThreadpoolCallback(signal_simple, done, &test->env));
    assert_signaled(done);
    CloseThreadpoolCleanupGroupMembers(test->group, TRUE, NULL);
    assert_int_equal(test->callbacks, 1);
    assert_int_equal(test->cancels, 0);
    CloseHandle(done);
}

struct self_closing
{
    HANDLE started;
    HANDLE go;
};

static void WINAPI close_self(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct self_closing *self = context;
    SetEvent(self->started);
    WaitForSingleObject(self->go, TEST_TIMEOUT);
    CloseThreadpoolWork(work);
}

static void test_member_closing_itself(void **state)
{
    struct self_closing self;
    struct group_test *test = *state;
    PTP_WORK work;

    self.started = CreateEventA(NULL, FALSE, FALSE, NULL);
    self.go = CreateEventA(NULL, TRUE, FALSE, NULL);
    work = CreateThreadpoolWork(close_self, &self, &test->env);
    SubmitThreadpoolWork(work);
    assert_signaled(self.started);
    SetEvent(self.go);
    CloseThreadpoolCleanupGroupMembers(test->group, TRUE, NULL);
    assert_int_equal(test->cancels, 0);
    CloseHandle(self.started);
    CloseHandle(self.go);
}

static void test_group_reusable(void **state)
{
    struct group_test *test = *state;
    PTP_WORK work;

    work = CreateThreadpoolWork(count_work, NULL, &test->env);
    SubmitThreadpoolWork(work);
    CloseThreadpoolCleanupGroupMembers(test->group, FALSE, NULL);
    work = CreateThreadpoolWork(count_work, NULL, &test->env);
    SubmitThreadpoolWork(work);
    CloseThreadpoolCleanupGroupMembers(test->group, FALSE, NULL);
    assert_int_equal(test->callbacks, 2);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test_setup_teardown(test_release_runs_pending, setup_one_thread,
                                        teardown_group),
        cmocka_unit_test_setup_teardown(test_cancel_every_kind, setup_one_thread,
                                        teardown_group),
        cmocka_unit_test_setup_teardown(test_simple_that_ran_is_not_cancelled, setup_two_threads,
                                        teardown_group),
        cmocka_unit_test_setup_teardown(test_member_closing_itself, setup_two_threads,
                                        teardown_group),
        cmocka_unit_test_setup_teardown(test_group_reusable, setup_two_threads,
                                        teardown_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
