/*
 * The stress test's callbacks, which count what runs and check what must
 * not, and its I/O targets: an overlapped named pipe under Windows,
 * tpool_complete_io natively (see stress.h).
 */

#include "stress.h"

#ifndef _WIN32
#include <ntstatus.h>
#include "tpool.h"
#endif

/* ---- Callbacks ----------------------------------------------------- */

static void callback_enter(struct stress_object *o)
{
    InterlockedIncrement(&o->owner->run->in_flight);
    if (counter_now(&o->dead))
        stress_fail(o->owner->run, "object %u: callback after it was waited for and closed",
                    o->id);
}

static void callback_leave(struct stress_object *o, PTP_CALLBACK_INSTANCE instance)
{
    struct stress_thread *t = o->owner;
    struct stress_run *run = t->run;
    LONG count;

    if (o->actions == ACT_MUTEX)
    {
        if (WaitForSingleObject(t->mutex, TEST_TIMEOUT) != WAIT_OBJECT_0)
            stress_fail(run, "object %u: the mutex of a completion action was never released",
                        o->id);
        else
            ReleaseMutexWhenCallbackReturns(instance, t->mutex);
    }
    if (o->actions != ACT_NONE)
    {
        InterlockedIncrement(&t->semaphore_expected);
        ReleaseSemaphoreWhenCallbackReturns(instance, t->semaphore, 1);
    }
    if (InterlockedExchange(&o->sync, 0))
        SetEventWhenCallbackReturns(instance, t->sync);
    count = InterlockedIncrement(&o->ran);
    if (count % 7 == 3)
        DisassociateCurrentThreadFromCallback(instance);
    if (InterlockedCompareExchange(&t->waiting, 0, 0))
        SetEvent(t->progress);
    if (!InterlockedDecrement(&run->in_flight) && counter_now(&run->draining))
        SetEvent(run->drained);
}

void WINAPI stress_work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct stress_object *o = context;

    callback_enter(o);
    if (work != o->handle)
        stress_fail(o->owner->run, "object %u: callback got another work object", o->id);
    callback_leave(o, instance);
}

void WINAPI stress_timer_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    struct stress_object *o = context;

    callback_enter(o);
    if (timer != o->handle)
        stress_fail(o->owner->run, "object %u: callback got another timer", o->id);
    callback_leave(o, instance);
}

void WINAPI stress_wait_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                                 TP_WAIT_RESULT result)
{
    struct stress_object *o = context;

    callback_enter(o);
    if (wait != o->handle || (result != WAIT_OBJECT_0 && result != WAIT_TIMEOUT))
        stress_fail(o->owner->run, "object %u: wait callback with result %u", o->id,
                    (unsigned int)result);
    if (result == WAIT_TIMEOUT)
        InterlockedIncrement(&o->timeouts);
    callback_leave(o, instance);
}

void WINAPI stress_io_callback(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                               ULONG result, ULONG_PTR bytes, PTP_IO io)
{
    struct stress_object *o = context;

    callback_enter(o);
    if (io != o->handle || !overlapped || result != ERROR_SUCCESS || bytes != 1)
        stress_fail(o->owner->run, "object %u: I/O callback with result %u, %u bytes", o->id,
                    (unsigned int)result, (unsigned int)bytes);
    callback_leave(o, instance);
}

void WINAPI stress_simple_callback(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct stress_simple *s = context;
    struct stress_thread *t = s->owner;

    InterlockedIncrement(&t->run->in_flight);
    if (counter_now(&s->cancels))
        stress_fail(t->run, "simple callback %u ran after its cancel callback", s->id);
    if (InterlockedIncrement(&s->ran) != 1)
        stress_fail(t->run, "simple callback %u ran twice", s->id);
    if (InterlockedCompareExchange(&t->waiting, 0, 0))
        SetEvent(t->progress);
    if (!InterlockedDecrement(&t->run->in_flight) && counter_now(&t->run->draining))
        SetEvent(t->run->drained);
}

/* The cleanup group's cancel callback; the cleanup context is the thread. */
void WINAPI stress_cancel_callback(void *object_context, void *cleanup_context)
{
    struct stress_object *o = object_context;
    struct stress_simple *s = object_context;
    struct stress_thread *t = cleanup_context;

    if (o->kind == KIND_SIMPLE)
    {
        if (s->owner != t || counter_now(&s->ran) || InterlockedIncrement(&s->cancels) != 1)
            stress_fail(t->run, "simple callback %u: cancel callback after it ran or twice",
                        s->id);
        return;
    }
    if (o->owner != t || GetCurrentThreadId() != t->thread_id)
        stress_fail(t->run, "object %u: cancel callback on another thread or group", o->id);
    if (o->app_closed || counter_now(&o->dead))
        stress_fail(t->run, "object %u: cancel callback for an object the application closed",
                    o->id);
    InterlockedIncrement(&o->cancels);
}

/* ---- I/O targets: a pipe under Windows, tpool_complete_io natively ------ */

#ifdef _WIN32

BOOL stress_target_open(struct stress_thread *t, struct stress_object *o)
{
    static volatile LONG serial;
    char name[96];

    /* a failed run's pipes stay open: never reuse a name */
    snprintf(name, sizeof(name), "\\\\.\\pipe\\tpool_stress_%lu_%ld", GetCurrentProcessId(),
             InterlockedIncrement(&serial));
    o->file = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                               PIPE_TYPE_BYTE | PIPE_WAIT, 1, 4096, 4096, 0, NULL);
    if (o->file == INVALID_HANDLE_VALUE)
        return FALSE;
    o->client = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (o->client == INVALID_HANDLE_VALUE)
    {
        CloseHandle(o->file);
        return FALSE;
    }
    return TRUE;
}

void stress_target_close(struct stress_object *o)
{
    CloseHandle(o->client);
    CloseHandle(o->file);
}

/* A one-byte read that stays pending until stress_target_finish. */
BOOL stress_target_begin(struct stress_object *o, struct stress_io_op *op)
{
    return !ReadFile(o->file, &op->byte, 1, NULL, &op->ovl) && GetLastError() == ERROR_IO_PENDING;
}

/* Completes the oldest pending read. */
BOOL stress_target_finish(struct stress_object *o, struct stress_io_op *op)
{
    DWORD written;

    return WriteFile(o->client, "x", 1, &written, NULL) && written == 1;
}

/* An operation that fails at once (the pipe is connected): no completion. */
BOOL stress_target_fail_now(struct stress_object *o, struct stress_io_op *op)
{
    return !ConnectNamedPipe(o->file, &op->ovl) && GetLastError() == ERROR_PIPE_CONNECTED;
}

#else

BOOL stress_target_open(struct stress_thread *t, struct stress_object *o)
{
    return (o->file = CreateEventA(NULL, FALSE, FALSE, NULL)) != NULL;
}

void stress_target_close(struct stress_object *o)
{
    CloseHandle(o->file);
}

BOOL stress_target_begin(struct stress_object *o, struct stress_io_op *op)
{
    return TRUE;
}

BOOL stress_target_finish(struct stress_object *o, struct stress_io_op *op)
{
    return tpool_complete_io(o->file, &op->ovl, STATUS_SUCCESS, 1);
}

BOOL stress_target_fail_now(struct stress_object *o, struct stress_io_op *op)
{
    return TRUE;
}

#endif
