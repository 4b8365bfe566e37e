/*
 * Resource failure, through the fault injection hook (fault.h): every
 * export that can fail is called with its 1st, 2nd, ... allocation (and
 * thread creation) failing until it succeeds.  Each failure must be
 * reported as Windows does (NULL / FALSE with ERROR_NOT_ENOUGH_MEMORY, or
 * STATUS_NO_MEMORY), leave no allocation behind, and leave the pool
 * working.  The exports that cannot fail must not allocate at all.
 */

#include "test_util.h"
#include "tpoolnt.h"
#include "fault.h"

#include <stdio.h>

/* More allocations than any export makes: the sweep must end before. */
#define MAX_FAULTS 64

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))
#endif

static void fault_counts(struct tpool_fault_counts *counts)
{
    tpool_fault_counts(counts);
}

static LONG live_allocations(void)
{
    struct tpool_fault_counts counts;

    fault_counts(&counts);
    return counts.live_allocations;
}

static ULONG injected(void)
{
    struct tpool_fault_counts counts;

    fault_counts(&counts);
    return counts.injected;
}

/* Objects and pools are freed by their last worker a little after the
 * application let go of them: poll, with the usual bound.  Blocks freed in
 * the background (an idle wait thread of the DLL) only lower the count.
 * The verdict is the reading that ended the poll: a later one may catch a
 * block the background holds for a moment (a pool freeing the memory it
 * kept counts each block alive again just before freeing it). */
static void assert_no_leak(LONG baseline)
{
    LONG live = live_allocations();
    int i;

    for (i = 0; i < TEST_TIMEOUT / 10 && live > baseline; i++)
    {
        Sleep(10);
        live = live_allocations();
    }
    if (live > baseline)
        fail_msg("%ld blocks alive, %ld before", (long)live, (long)baseline);
}

/* ---- What the subjects work with ------------------------------------------ */

struct subject
{
    PTP_POOL pool;               /* a fresh pool for each attempt */
    TP_CALLBACK_ENVIRON env;
    PTP_CLEANUP_GROUP group;
    HANDLE ran;                  /* set by the callbacks */
    HANDLE file;                 /* a fresh overlapped handle, for I/O */
#ifdef _WIN32
    HANDLE client;
#endif
    void *made;                  /* what a successful attempt created */
};

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

static void subject_setup(struct subject *s)
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

static void subject_teardown(struct subject *s)
{
    CloseThreadpoolCleanupGroup(s->group);
    CloseThreadpool(s->pool);
    CloseHandle(s->ran);
#ifdef _WIN32
    CloseHandle(s->client);
#endif
    CloseHandle(s->file);
}

static void WINAPI simple_callback(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct subject *s = context;
    SetEvent(s->ran);
}

static void WINAPI work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
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

static void WINAPI io_callback(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
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

/* Each attempt returns 0 on success, otherwise the last error (Win32
 * names) or the NTSTATUS (Tp* and Rtl* names); undo releases what a
 * successful attempt made. */
struct fallible
{
    const char *name;
    DWORD (*attempt)(struct subject *s);
    void (*undo)(struct subject *s);
    DWORD failure;
};

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

static DWORD try_submit_callback(struct subject *s)
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

static const struct fallible fallibles[] =
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

/* A pool made after a failure runs a callback. */
static void assert_pool_works(void)
{
    struct subject s;
    PTP_WORK work;

    subject_setup(&s);
    work = CreateThreadpoolWork(work_callback, &s, &s.env);
    assert_non_null(work);
    SubmitThreadpoolWork(work);
    assert_signaled(s.ran);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    subject_teardown(&s);
}

/* One attempt with the nth operation of `kind` failing: TRUE once the
 * export no longer reached it (the sweep is over). */
static BOOL attempt_with_fault(const struct fallible *f, ULONG kind, ULONG nth)
{
    LONG baseline = live_allocations();
    ULONG before;
    struct subject s;
    DWORD error;

    subject_setup(&s);
    before = injected();
    tpool_fault_inject(kind, nth);
    SetLastError(0xdeadbeef);
    error = f->attempt(&s);
    tpool_fault_inject(kind, 0);
    if (error)
    {
        if (error != f->failure)
            fail_msg("%s with fault %lu/%lu: error %#lx, expected %#lx", f->name,
                     (unsigned long)kind, (unsigned long)nth, (unsigned long)error,
                     (unsigned long)f->failure);
        assert_true(injected() > before);
    }
    else
        f->undo(&s);
    subject_teardown(&s);
    assert_no_leak(baseline);
    return !error && injected() == before;
}

/* A first call makes what the process keeps for good (the default pool,
 * the default timer queue, the routine's I/O object): not a leak. */
static void warm_up(const struct fallible *f)
{
    struct subject s;

    subject_setup(&s);
    assert_int_equal(f->attempt(&s), 0);
    f->undo(&s);
    subject_teardown(&s);
}

static ULONG sweep(const struct fallible *f, ULONG kind)
{
    ULONG nth;

    for (nth = 1; nth <= MAX_FAULTS; nth++)
    {
        if (attempt_with_fault(f, kind, nth))
            return nth - 1;
        assert_pool_works();
    }
    fail_msg("%s still fails after %d faults", f->name, MAX_FAULTS);
    return 0;
}

static void test_fallible_exports(void **state)
{
    ULONG allocations, threads, total = 0;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(fallibles); i++)
    {
        warm_up(&fallibles[i]);
        allocations = sweep(&fallibles[i], TPOOL_FAULT_ALLOCATION);
        threads = sweep(&fallibles[i], TPOOL_FAULT_THREAD);
        printf("fault: %-34s %2lu allocation, %lu thread faults\n", fallibles[i].name,
               (unsigned long)allocations, (unsigned long)threads);
        total += allocations + threads;
    }
    printf("fault: %lu failures injected over %u exports\n", (unsigned long)total,
           (unsigned int)ARRAY_SIZE(fallibles));
}

/* ---- Threads that cannot be created ---------------------------------------- */

struct tally
{
    volatile LONG count;
    LONG target;
    HANDLE done;
};

static void WINAPI tally_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct tally *tally = context;

    if (InterlockedIncrement(&tally->count) == tally->target)
        SetEvent(tally->done);
}

/* With no thread to be had, the pool runs everything on the one it has and
 * reports the failure where Windows does. */
static void test_runs_with_the_threads_it_has(void **state)
{
    struct tally tally = { 0, 100, NULL };
    struct tpool_fault_counts before, after;
    TP_CALLBACK_ENVIRON env;
    PTP_POOL pool;
    PTP_WORK work;
    int i;

    tally.done = CreateEventA(NULL, TRUE, FALSE, NULL);
    assert_non_null(tally.done);
    pool = CreateThreadpool(NULL);
    assert_non_null(pool);
    assert_true(SetThreadpoolThreadMinimum(pool, 1));
    InitializeThreadpoolEnvironment(&env);
    SetThreadpoolCallbackPool(&env, pool);
    work = CreateThreadpoolWork(tally_work, &tally, &env);
    assert_non_null(work);

    fault_counts(&before);
    tpool_fault_inject(TPOOL_FAULT_THREAD | TPOOL_FAULT_STICKY, 1);
    SetLastError(0xdeadbeef);
    assert_false(SetThreadpoolThreadMinimum(pool, 4));
    assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
    for (i = 0; i < tally.target; i++)
        SubmitThreadpoolWork(work);
    assert_signaled(tally.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    fault_counts(&after);
    tpool_fault_inject(TPOOL_FAULT_THREAD, 0);
    assert_int_equal(after.thread_starts, before.thread_starts);
    assert_true(after.injected > before.injected);

    assert_true(SetThreadpoolThreadMinimum(pool, 4));
    CloseThreadpoolWork(work);
    CloseThreadpool(pool);
    CloseHandle(tally.done);
}

/* ---- Exports that cannot fail ------------------------------------------------ */

struct actions
{
    HANDLE event;
    HANDLE semaphore;
    HANDLE mutex;
    CRITICAL_SECTION critical_section;
    HANDLE ran;
};

static void WINAPI actions_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct actions *actions = context;

    assert_int_equal(WaitForSingleObject(actions->mutex, TEST_TIMEOUT), WAIT_OBJECT_0);
    EnterCriticalSection(&actions->critical_section);
    SetEventWhenCallbackReturns(instance, actions->event);
    ReleaseSemaphoreWhenCallbackReturns(instance, actions->semaphore, 1);
    ReleaseMutexWhenCallbackReturns(instance, actions->mutex);
    LeaveCriticalSectionWhenCallbackReturns(instance, &actions->critical_section);
    DisassociateCurrentThreadFromCallback(instance);
    SetEvent(actions->ran);
}

static void WINAPI count_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    SetEvent(context);
}

static void WINAPI count_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                              TP_WAIT_RESULT result)
{
    SetEvent(context);
}

static FILETIME relative_due_time(LONGLONG ms)
{
    ULONGLONG due = (ULONGLONG)(-ms * 10000);
    FILETIME filetime;

    filetime.dwLowDateTime = (DWORD)due;
    filetime.dwHighDateTime = (DWORD)(due >> 32);
    return filetime;
}

/* Any allocation now fails and is counted: none may be attempted. */
static void forbid_allocations(struct tpool_fault_counts *before)
{
    fault_counts(before);
    tpool_fault_inject(TPOOL_FAULT_ALLOCATION | TPOOL_FAULT_STICKY, 1);
}

static void assert_no_allocation(const struct tpool_fault_counts *before, const char *what)
{
    struct tpool_fault_counts after;

    fault_counts(&after);
    tpool_fault_inject(TPOOL_FAULT_ALLOCATION, 0);
    if (after.allocations != before->allocations || after.injected != before->injected)
        fail_msg("%s allocated (%lu allocations, %lu attempts failed)", what,
                 (unsigned long)(after.allocations - before->allocations),
                 (unsigned long)(after.injected - before->injected));
}

static void test_infallible_exports_do_not_allocate(void **state)
{
    struct tpool_fault_counts before;
    struct actions actions;
    HANDLE fired, signal;
    FILETIME due;
    struct subject s;
    PTP_WORK work;
    PTP_TIMER timer;
    PTP_WAIT wait;
    PTP_IO io;
    int i;

    subject_setup(&s);
    actions.event = CreateEventA(NULL, TRUE, FALSE, NULL);
    actions.semaphore = CreateSemaphoreA(NULL, 0, 1000, NULL);
    actions.mutex = CreateMutexA(NULL, FALSE, NULL);
    actions.ran = CreateEventA(NULL, FALSE, FALSE, NULL);
    InitializeCriticalSection(&actions.critical_section);
    fired = CreateEventA(NULL, FALSE, FALSE, NULL);
    signal = CreateEventA(NULL, FALSE, FALSE, NULL);
    assert_non_null(fired);
    assert_non_null(signal);
    work = CreateThreadpoolWork(actions_work, &actions, &s.env);
    timer = CreateThreadpoolTimer(count_timer, fired, &s.env);
    wait = CreateThreadpoolWait(count_wait, fired, &s.env);
    io = CreateThreadpoolIo(s.file, io_callback, NULL, &s.env);
    assert_non_null(work);
    assert_non_null(timer);
    assert_non_null(wait);
    assert_non_null(io);
    /* workers started and parked: starting one allocates nothing either,
     * but keep the first callbacks' one-time work out of the count */
    assert_true(SetThreadpoolThreadMinimum(s.pool, 2));
    SubmitThreadpoolWork(work);
    assert_signaled(actions.ran);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_signaled(actions.semaphore);

    forbid_allocations(&before);
    SetThreadpoolThreadMaximum(s.pool, 8);
    for (i = 0; i < 100; i++)
        SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, TRUE);
    SubmitThreadpoolWork(work);
    assert_signaled(actions.ran);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    assert_no_allocation(&before, "SubmitThreadpoolWork / WaitForThreadpoolWorkCallbacks / actions");

    forbid_allocations(&before);
    due = relative_due_time(1);
    SetThreadpoolTimer(timer, &due, 0, 0);
    assert_signaled(fired);
    due = relative_due_time(3600 * 1000);
    SetThreadpoolTimer(timer, &due, 1000, 10);
    assert_true(IsThreadpoolTimerSet(timer));
    assert_true(SetThreadpoolTimerEx(timer, NULL, 0, 0));
    WaitForThreadpoolTimerCallbacks(timer, TRUE);
    assert_no_allocation(&before, "SetThreadpoolTimer(Ex) / IsThreadpoolTimerSet / WaitFor");

    forbid_allocations(&before);
    SetThreadpoolWait(wait, signal, NULL);
    SetEvent(signal);
    assert_signaled(fired);
    SetThreadpoolWait(wait, signal, NULL);
    assert_true(SetThreadpoolWaitEx(wait, NULL, NULL, NULL));
    WaitForThreadpoolWaitCallbacks(wait, TRUE);
    assert_no_allocation(&before, "SetThreadpoolWait(Ex) / WaitForThreadpoolWaitCallbacks");

    forbid_allocations(&before);
    for (i = 0; i < 10; i++)
        StartThreadpoolIo(io);
    for (i = 0; i < 10; i++)
        CancelThreadpoolIo(io);
    WaitForThreadpoolIoCallbacks(io, TRUE);
    assert_no_allocation(&before, "StartThreadpoolIo / CancelThreadpoolIo / WaitFor");

    forbid_allocations(&before);
    CloseThreadpoolIo(io);
    CloseThreadpoolWait(wait);
    CloseThreadpoolTimer(timer);
    CloseThreadpoolWork(work);
    assert_no_allocation(&before, "CloseThreadpool*");

    CloseHandle(fired);
    CloseHandle(signal);
    CloseHandle(actions.event);
    CloseHandle(actions.semaphore);
    CloseHandle(actions.mutex);
    CloseHandle(actions.ran);
    DeleteCriticalSection(&actions.critical_section);
    subject_teardown(&s);
}

/* A pool keeps the memory of the simple callbacks that ran for the next
 * ones: taking it again fails by injection as an allocation does, and the
 * kept memory is neither leaked nor counted as alive. */
static void test_simple_callback_memory_kept(void **state)
{
    struct subject s;
    LONG baseline;
    int i;

    subject_setup(&s);
    baseline = live_allocations();
    assert_int_equal(try_submit_callback(&s), 0);
    assert_signaled(s.ran);
    assert_no_leak(baseline);   /* the memory is kept once the callback is done */
    for (i = 0; i < 3; i++)
    {
        tpool_fault_inject(TPOOL_FAULT_ALLOCATION, 1);
        SetLastError(0xdeadbeef);
        assert_false(TrySubmitThreadpoolCallback(simple_callback, &s, &s.env));
        assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
        tpool_fault_inject(TPOOL_FAULT_ALLOCATION, 0);
        assert_int_equal(try_submit_callback(&s), 0);
        assert_signaled(s.ran);
        assert_no_leak(baseline);
    }
    subject_teardown(&s);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_fallible_exports),
        cmocka_unit_test(test_runs_with_the_threads_it_has),
        cmocka_unit_test(test_infallible_exports_do_not_allocate),
        cmocka_unit_test(test_simple_callback_memory_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
