/* The exports the resource failure tests call, and what they call them on
 * (test_fault.h). */

#include "test_fault.h"

#include <stdio.h>


static void open_file(struct subject *s)
{
#ifdef _WIN32
    static volatile LONG serial;
    char name[80];

    snprintf(name, sizeof(name), "\\\\.\\pipe\\tpool_test_fault_%lu_%ld",
             GetCurrentProcessId(), InterlockedIncrement(&serial));
    s->file = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                               PIPE_TYPE_BYTE | PIPE_WAIT, 1, 4096, 4096, 0, NULL);
    assert_true(s->file != INVALID_HANDLE_VALUE);
    s->client = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(s->client != INVALID_HANDLE_VALUE);
#else
    /* natively an I/O object binds any handle (test_io.c) */
    s->file = CreateEventA(NULL, FALSE, FALSE, NULL);
    assert_non_null(s->file);
#endif
}

void subject_setup(struct subject *s)
{
    memset(s, 0, sizeof(*s));
    s->pool = CreateThreadpool(NULL);
    assert_non_null(s->pool);
    InitializeThreadpoolEnvironment(&s->env);
    SetThreadpoolCallbackPool(&s->env, s->pool);
    s->group = CreateThreadpoolCleanupGroup();
    assert_non_null(s->group);
    s->ran = CreateEventA(NULL, FALSE, FALSE, NULL);
    assert_non_null(s->ran);
    open_file(s);
}

void subject_teardown(struct subject *s)
{
    CloseThreadpoolCleanupGroup(s->group);
    CloseThreadpool(s->pool);
    CloseHandle(s->ran);
#ifdef _WIN32
    CloseHandle(s->client);
#endif
    CloseHandle(s->file);
}

void WINAPI simple_callback(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct subject *s = context;
    SetEvent(s->ran);
}

void WINAPI work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct subject *s = context;
    SetEvent(s->ran);
}

static void WINAPI timer_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
}

static void WINAPI wait_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                                 TP_WAIT_RESULT result)
{
}

void WINAPI io_callback(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                               ULONG result, ULONG_PTR bytes, PTP_IO io)
{
}

static void WINAPI nt_io_callback(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                                  IO_STATUS_BLOCK *status, PTP_IO io)
{
}

static DWORD WINAPI legacy_work_callback(void *context)
{
    struct subject *s = context;
    SetEvent(s->ran);
    return 0;
}

static void NTAPI rtl_work_callback(void *context)
{
    legacy_work_callback(context);
}

static void CALLBACK legacy_wait_callback(void *context, BOOLEAN fired)
{
}

static void WINAPI completion_routine(DWORD error, DWORD bytes, OVERLAPPED *overlapped)
{
}

static void NTAPI rtl_completion_routine(DWORD error, DWORD bytes, void *overlapped)
{
}

/* ---- The exports that can fail ------------------------------------------- */


static DWORD made_or_error(struct subject *s, void *made)
{
    s->made = made;
    return made ? 0 : GetLastError();
}

static DWORD try_create_pool(struct subject *s)
{
    return made_or_error(s, CreateThreadpool(NULL));
}

static void undo_pool(struct subject *s)
{
    CloseThreadpool(s->made);
}

static DWORD try_create_group(struct subject *s)
{
    return made_or_error(s, CreateThreadpoolCleanupGroup());
}

static void undo_group(struct subject *s)
{
    CloseThreadpoolCleanupGroup(s->made);
}

static DWORD try_create_work(struct subject *s)
{
    return made_or_error(s, CreateThreadpoolWork(work_callback, s, &s->env));
}

static void undo_work(struct subject *s)
{
    CloseThreadpoolWork(s->made);
}

/* A persistent environment starts the pool's persistent worker. */
static DWORD try_create_persistent_work(struct subject *s)
{
    TpSetCallbackPersistent(&s->env);   /* mingw-w64 lacks the kernel32 name */
    return try_create_work(s);
}

static DWORD try_create_group_work(struct subject *s)
{
    SetThreadpoolCallbackCleanupGroup(&s->env, s->group, NULL);
    return try_create_work(s);
}

static void undo_group_work(struct subject *s)
{
    CloseThreadpoolCleanupGroupMembers(s->group, FALSE, NULL);
}

DWORD try_submit_callback(struct subject *s)
{
    return TrySubmitThreadpoolCallback(simple_callback, s, &s->env) ? 0 : GetLastError();
}

static void undo_callback(struct subject *s)
{
    assert_signaled(s->ran);
}

static DWORD try_create_timer(struct subject *s)
{
    return made_or_error(s, CreateThreadpoolTimer(timer_callback, s, &s->env));
}

static void undo_timer(struct subject *s)
{
    CloseThreadpoolTimer(s->made);
}

static DWORD try_create_wait(struct subject *s)
{
    return made_or_error(s, CreateThreadpoolWait(wait_callback, s, &s->env));
}

static void undo_wait(struct subject *s)
{
    CloseThreadpoolWait(s->made);
}

static DWORD try_create_io(struct subject *s)
{
    return made_or_error(s, CreateThreadpoolIo(s->file, io_callback, s, &s->env));
}

static void undo_io(struct subject *s)
{
    CloseThreadpoolIo(s->made);
}

static DWORD try_set_minimum(struct subject *s)
{
    return SetThreadpoolThreadMinimum(s->pool, 2) ? 0 : GetLastError();
}

static void undo_nothing(struct subject *s)
{
}

static DWORD try_queue_work_item(struct subject *s)
{
    return QueueUserWorkItem(legacy_work_callback, s, WT_EXECUTEDEFAULT) ? 0 : GetLastError();
}

static DWORD try_register_wait(struct subject *s)
{
    HANDLE wait;

    if (!RegisterWaitForSingleObject(&wait, s->ran, legacy_wait_callback, s, INFINITE,
                                     WT_EXECUTEONLYONCE))
        return GetLastError();
    s->made = wait;
    return 0;
}

static void undo_register_wait(struct subject *s)
{
    assert_true(UnregisterWaitEx(s->made, INVALID_HANDLE_VALUE));
}

static DWORD try_create_timer_queue(struct subject *s)
{
    return made_or_error(s, CreateTimerQueue());
}

static void undo_timer_queue(struct subject *s)
{
    assert_true(DeleteTimerQueueEx(s->made, INVALID_HANDLE_VALUE));
}

static DWORD try_create_queue_timer(struct subject *s)
{
    HANDLE timer;

    if (!CreateTimerQueueTimer(&timer, NULL, legacy_wait_callback, s, INFINITE, 0, 0))
        return GetLastError();
    s->made = timer;
    return 0;
}

static void undo_queue_timer(struct subject *s)
{
    assert_true(DeleteTimerQueueTimer(NULL, s->made, INVALID_HANDLE_VALUE));
}

/* The binding lasts as long as the handle, closed by subject_teardown. */
static DWORD try_bind_io(struct subject *s)
{
    return BindIoCompletionCallback(s->file, completion_routine, 0) ? 0 : GetLastError();
}

static DWORD try_tp_alloc_pool(struct subject *s)
{
    PTP_POOL pool = NULL;
    NTSTATUS status = TpAllocPool(&pool, NULL);

    s->made = pool;
    return status;
}

static DWORD try_tp_alloc_group(struct subject *s)
{
    PTP_CLEANUP_GROUP group = NULL;
    NTSTATUS status = TpAllocCleanupGroup(&group);

    s->made = group;
    return status;
}

static DWORD try_tp_alloc_work(struct subject *s)
{
    PTP_WORK work = NULL;
    NTSTATUS status = TpAllocWork(&work, work_callback, s, &s->env);

    s->made = work;
    return status;
}

static DWORD try_tp_simple_post(struct subject *s)
{
    return TpSimpleTryPost(simple_callback, s, &s->env);
}

static DWORD try_tp_alloc_timer(struct subject *s)
{
    PTP_TIMER timer = NULL;
    NTSTATUS status = TpAllocTimer(&timer, timer_callback, s, &s->env);

    s->made = timer;
    return status;
}

static DWORD try_tp_alloc_wait(struct subject *s)
{
    PTP_WAIT wait = NULL;
    NTSTATUS status = TpAllocWait(&wait, wait_callback, s, &s->env);

    s->made = wait;
    return status;
}

static DWORD try_tp_alloc_io(struct subject *s)
{
    PTP_IO io = NULL;
    NTSTATUS status = TpAllocIoCompletion(&io, s->file, nt_io_callback, s, &s->env);

    s->made = io;
    return status;
}

static DWORD try_tp_set_minimum(struct subject *s)
{
    return TpSetPoolMinThreads(s->pool, 2);
}

static DWORD try_rtl_queue_work_item(struct subject *s)
{
    return RtlQueueWorkItem(rtl_work_callback, s, WT_EXECUTEDEFAULT);
}

static DWORD try_rtl_register_wait(struct subject *s)
{
    HANDLE wait = NULL;
    NTSTATUS status = RtlRegisterWait(&wait, s->ran, legacy_wait_callback, s, INFINITE,
                                      WT_EXECUTEONLYONCE);

    s->made = wait;
    return status;
}

static void undo_rtl_register_wait(struct subject *s)
{
    assert_int_equal(RtlDeregisterWaitEx(s->made, INVALID_HANDLE_VALUE), 0);
}

static DWORD try_rtl_create_timer_queue(struct subject *s)
{
    HANDLE queue = NULL;
    NTSTATUS status = RtlCreateTimerQueue(&queue);

    s->made = queue;
    return status;
}

static void undo_rtl_timer_queue(struct subject *s)
{
    assert_int_equal(RtlDeleteTimerQueueEx(s->made, INVALID_HANDLE_VALUE), 0);
}

static DWORD try_rtl_create_timer(struct subject *s)
{
    HANDLE timer = NULL;
    NTSTATUS status = RtlCreateTimer(NULL, &timer, legacy_wait_callback, s, INFINITE, 0, 0);

    s->made = timer;
    return status;
}

static void undo_rtl_timer(struct subject *s)
{
    assert_int_equal(RtlDeleteTimer(NULL, s->made, INVALID_HANDLE_VALUE), 0);
}

static DWORD try_rtl_bind_io(struct subject *s)
{
    return RtlSetIoCompletionCallback(s->file, rtl_completion_routine, 0);
}

const struct fallible fallibles[] =
{
    { "CreateThreadpool", try_create_pool, undo_pool, ERROR_NOT_ENOUGH_MEMORY },
    { "SetThreadpoolThreadMinimum", try_set_minimum, undo_nothing, ERROR_NOT_ENOUGH_MEMORY },
    { "CreateThreadpoolCleanupGroup", try_create_group, undo_group, ERROR_NOT_ENOUGH_MEMORY },
    { "CreateThreadpoolWork", try_create_work, undo_work, ERROR_NOT_ENOUGH_MEMORY },
    { "CreateThreadpoolWork (group)", try_create_group_work, undo_group_work, ERROR_NOT_ENOUGH_MEMORY },
    { "CreateThreadpoolWork (persistent)", try_create_persistent_work, undo_work,
      ERROR_NOT_ENOUGH_MEMORY },
    { "TrySubmitThreadpoolCallback", try_submit_callback, undo_callback, ERROR_NOT_ENOUGH_MEMORY },
    { "CreateThreadpoolTimer", try_create_timer, undo_timer, ERROR_NOT_ENOUGH_MEMORY },
    { "CreateThreadpoolWait", try_create_wait, undo_wait, ERROR_NOT_ENOUGH_MEMORY },
    { "CreateThreadpoolIo", try_create_io, undo_io, ERROR_NOT_ENOUGH_MEMORY },
    { "QueueUserWorkItem", try_queue_work_item, undo_callback, ERROR_NOT_ENOUGH_MEMORY },
    { "RegisterWaitForSingleObject", try_register_wait, undo_register_wait, ERROR_NOT_ENOUGH_MEMORY },
    { "CreateTimerQueue", try_create_timer_queue, undo_timer_queue, ERROR_NOT_ENOUGH_MEMORY },
    { "CreateTimerQueueTimer", try_create_queue_timer, undo_queue_timer, ERROR_NOT_ENOUGH_MEMORY },
    { "BindIoCompletionCallback", try_bind_io, undo_nothing, ERROR_NOT_ENOUGH_MEMORY },
    { "TpAllocPool", try_tp_alloc_pool, undo_pool, STATUS_NO_MEMORY },
    { "TpSetPoolMinThreads", try_tp_set_minimum, undo_nothing, STATUS_NO_MEMORY },
    { "TpAllocCleanupGroup", try_tp_alloc_group, undo_group, STATUS_NO_MEMORY },
    { "TpAllocWork", try_tp_alloc_work, undo_work, STATUS_NO_MEMORY },
    { "TpSimpleTryPost", try_tp_simple_post, undo_callback, STATUS_NO_MEMORY },
    { "TpAllocTimer", try_tp_alloc_timer, undo_timer, STATUS_NO_MEMORY },
    { "TpAllocWait", try_tp_alloc_wait, undo_wait, STATUS_NO_MEMORY },
    { "TpAllocIoCompletion", try_tp_alloc_io, undo_io, STATUS_NO_MEMORY },
    { "RtlQueueWorkItem", try_rtl_queue_work_item, undo_callback, STATUS_NO_MEMORY },
    { "RtlRegisterWait", try_rtl_register_wait, undo_rtl_register_wait, STATUS_NO_MEMORY },
    { "RtlCreateTimerQueue", try_rtl_create_timer_queue, undo_rtl_timer_queue, STATUS_NO_MEMORY },
    { "RtlCreateTimer", try_rtl_create_timer, undo_rtl_timer, STATUS_NO_MEMORY },
    { "RtlSetIoCompletionCallback", try_rtl_bind_io, undo_nothing, STATUS_NO_MEMORY },
};

const size_t fallible_count = sizeof(fallibles) / sizeof(fallibles[0]);
