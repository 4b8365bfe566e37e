/*
 * Bad input: callback environments, every version and field that Windows
 * checks, for each kind of object (test_bad_input.c: the other inputs).
 */

#include "test_bad_input.h"

/* ---- Environments -------------------------------------------------------- */

/* Each creator makes one object with the environment and frees it; it
 * returns the Win32 error (ERROR_SUCCESS when the object was made). */
typedef DWORD (*creator)(TP_CALLBACK_ENVIRON *environment);

static DWORD error_of(NTSTATUS status)
{
    return (ULONG)status == (ULONG)STATUS_INVALID_PARAMETER ? ERROR_INVALID_PARAMETER : (DWORD)status;
}

static DWORD create_work(TP_CALLBACK_ENVIRON *environment)
{
    PTP_WORK work = CreateThreadpoolWork(work_callback, NULL, environment);

    if (!work)
        return GetLastError();
    CloseThreadpoolWork(work);
    return ERROR_SUCCESS;
}

static DWORD create_simple(TP_CALLBACK_ENVIRON *environment)
{
    return TrySubmitThreadpoolCallback(simple_callback, NULL, environment) ? ERROR_SUCCESS
                                                                           : GetLastError();
}

static DWORD create_timer(TP_CALLBACK_ENVIRON *environment)
{
    PTP_TIMER timer = CreateThreadpoolTimer(timer_callback, NULL, environment);

    if (!timer)
        return GetLastError();
    CloseThreadpoolTimer(timer);
    return ERROR_SUCCESS;
}

static DWORD create_wait(TP_CALLBACK_ENVIRON *environment)
{
    PTP_WAIT wait = CreateThreadpoolWait(wait_callback, NULL, environment);

    if (!wait)
        return GetLastError();
    CloseThreadpoolWait(wait);
    return ERROR_SUCCESS;
}

/* In the DLL a file stays bound for its lifetime: a new one each time. */
static DWORD create_io(TP_CALLBACK_ENVIRON *environment)
{
    HANDLE handle = io_handle(TRUE);
    PTP_IO io = CreateThreadpoolIo(handle, io_callback, NULL, environment);
    DWORD error = io ? ERROR_SUCCESS : GetLastError();

    if (io)
        CloseThreadpoolIo(io);
    CloseHandle(handle);
    return error;
}

static DWORD alloc_work(TP_CALLBACK_ENVIRON *environment)
{
    PTP_WORK work;
    NTSTATUS status = TpAllocWork(&work, work_callback, NULL, environment);

    if (!status)
        TpReleaseWork(work);
    return error_of(status);
}

static DWORD alloc_simple(TP_CALLBACK_ENVIRON *environment)
{
    return error_of(TpSimpleTryPost(simple_callback, NULL, environment));
}

static DWORD alloc_timer(TP_CALLBACK_ENVIRON *environment)
{
    PTP_TIMER timer;
    NTSTATUS status = TpAllocTimer(&timer, timer_callback, NULL, environment);

    if (!status)
        TpReleaseTimer(timer);
    return error_of(status);
}

static DWORD alloc_wait(TP_CALLBACK_ENVIRON *environment)
{
    PTP_WAIT wait;
    NTSTATUS status = TpAllocWait(&wait, wait_callback, NULL, environment);

    if (!status)
        TpReleaseWait(wait);
    return error_of(status);
}

static DWORD alloc_io(TP_CALLBACK_ENVIRON *environment)
{
    HANDLE handle = io_handle(TRUE);
    PTP_IO io;
    NTSTATUS status = TpAllocIoCompletion(&io, handle, nt_io_callback, NULL, environment);

    if (!status)
        TpReleaseIoCompletion(io);
    CloseHandle(handle);
    return error_of(status);
}

static const creator creators[] =
{
    create_work, create_simple, create_timer, create_wait, create_io,
    alloc_work, alloc_simple, alloc_timer, alloc_wait, alloc_io,
};

/* A version 3 environment, as InitializeThreadpoolEnvironment makes it. */
static void environment_v3(TP_CALLBACK_ENVIRON_V3 *environment)
{
    memset(environment, 0, sizeof(*environment));
    environment->Version = 3;
    environment->CallbackPriority = TP_CALLBACK_PRIORITY_NORMAL;
    environment->Size = sizeof(*environment);
}

static void assert_environment_error(TP_CALLBACK_ENVIRON_V3 *environment, DWORD error)
{
    size_t i;

    for (i = 0; i < sizeof(creators) / sizeof(creators[0]); i++)
    {
        SetLastError(0xdeadbeef);
        if (creators[i]((TP_CALLBACK_ENVIRON *)environment) != error)
            fail_msg("creator %u: expected error %lu", (unsigned int)i, (unsigned long)error);
    }
}

static void test_environment_version(void **state)
{
    static const DWORD versions[] = { 0, 2, 4, 9999, 0x80000003 };
    TP_CALLBACK_ENVIRON_V3 environment;
    size_t i;

    for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
    {
        environment_v3(&environment);
        environment.Version = versions[i];
        assert_environment_error(&environment, ERROR_INVALID_PARAMETER);
    }

    /* version 1 ends before CallbackPriority and Size, which are not read */
    environment_v3(&environment);
    environment.Version = 1;
    environment.CallbackPriority = (TP_CALLBACK_PRIORITY)77;
    environment.Size = 1;
    assert_environment_error(&environment, ERROR_SUCCESS);

    /* Size is not checked */
    environment_v3(&environment);
    environment.Size = 0;
    assert_environment_error(&environment, ERROR_SUCCESS);
    environment.Size = 0xffffffff;
    assert_environment_error(&environment, ERROR_SUCCESS);
}

static void test_environment_priority(void **state)
{
    static const int priorities[] = { TP_CALLBACK_PRIORITY_INVALID, 10, -1 };
    TP_CALLBACK_ENVIRON_V3 environment;
    size_t i;

    for (i = 0; i < sizeof(priorities) / sizeof(priorities[0]); i++)
    {
        environment_v3(&environment);
        environment.CallbackPriority = (TP_CALLBACK_PRIORITY)priorities[i];
        assert_environment_error(&environment, ERROR_INVALID_PARAMETER);
    }
}

static void test_environment_objects(void **state)
{
    PTP_CLEANUP_GROUP group = CreateThreadpoolCleanupGroup();
    PTP_POOL pool = CreateThreadpool(NULL);
    TP_CALLBACK_ENVIRON_V3 environment;

    assert_non_null(group);
    assert_non_null(pool);
    environment_v3(&environment);
    environment.Pool = (PTP_POOL)foreign;
    assert_environment_error(&environment, ERROR_INVALID_PARAMETER);
    environment.Pool = (PTP_POOL)group;
    assert_environment_error(&environment, ERROR_INVALID_PARAMETER);

    environment_v3(&environment);
    environment.CleanupGroup = (PTP_CLEANUP_GROUP)foreign;
    assert_environment_error(&environment, ERROR_INVALID_PARAMETER);
    environment.CleanupGroup = (PTP_CLEANUP_GROUP)pool;
    assert_environment_error(&environment, ERROR_INVALID_PARAMETER);

    /* nothing was added to the group or the pool by the failures */
    environment_v3(&environment);
    environment.Pool = pool;
    environment.CleanupGroup = group;
    assert_environment_error(&environment, ERROR_SUCCESS);
    CloseThreadpoolCleanupGroupMembers(group, FALSE, NULL);
    CloseThreadpoolCleanupGroup(group);
    CloseThreadpool(pool);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_environment_version),
        cmocka_unit_test(test_environment_priority),
        cmocka_unit_test(test_environment_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
