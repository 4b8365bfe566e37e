/*
 * Layer 3, legacy pool: BindIoCompletionCallback and
 * RtlSetIoCompletionCallback over the core's I/O objects.
 *
 * A binding lasts as long as its handle, and nothing says when that ends
 * (in the DLL), so an I/O object per handle could never be freed.
 * Instead there is one unaccounted I/O object per completion routine,
 * created with its first binding, and every handle bound with that routine
 * is bound to it: the objects are as many as the program's routines.
 * Every completion on a bound handle runs the routine, in the default pool.
 */

#include "legacy.h"

struct routine_io
{
    struct routine_io *next;
    PRTL_OVERLAPPED_COMPLETION_ROUTINE routine;
    struct tp_io *io;
};

static struct lock routines_lock = LOCK_INIT(LOCK_LEGACY_IO_ROUTINES);
static struct routine_io *routines;

static void WINAPI routine_io_callback(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                                       struct tp_io_status *status, PTP_IO io)
{
    PRTL_OVERLAPPED_COMPLETION_ROUTINE routine = (PRTL_OVERLAPPED_COMPLETION_ROUTINE)context;

    routine(status_to_win32_error(status->Status), (DWORD)status->Information, overlapped);
}

/* Under routines_lock. */
static NTSTATUS routine_io_create(PRTL_OVERLAPPED_COMPLETION_ROUTINE routine, struct tp_io **io)
{
    struct routine_io *entry;
    NTSTATUS status;

    if (!(entry = mem_alloc(sizeof(*entry))))
        return STATUS_NO_MEMORY;
    if ((status = io_create_unaccounted(io, routine_io_callback, (void *)routine, NULL)))
    {
        mem_free(entry);
        return status;
    }
    object_show_callback(&(*io)->object, (const void *)routine);
    entry->routine = routine;
    entry->io = *io;
    entry->next = routines;
    routines = entry;
    return STATUS_SUCCESS;
}

static NTSTATUS routine_io(PRTL_OVERLAPPED_COMPLETION_ROUTINE routine, struct tp_io **io)
{
    NTSTATUS status = STATUS_SUCCESS;
    struct routine_io *entry;

    lock_acquire(&routines_lock);
    for (entry = routines; entry && entry->routine != routine; entry = entry->next)
        ;
    if (entry)
        *io = entry->io;
    else
        status = routine_io_create(routine, io);
    lock_release(&routines_lock);
    return status;
}

/* Windows' errors: STATUS_INVALID_PARAMETER for flags, a NULL routine, a
 * NULL handle (Vista and later), a handle bound already or a file opened
 * without FILE_FLAG_OVERLAPPED. */
NTSTATUS WINAPI RtlSetIoCompletionCallback(HANDLE handle, PRTL_OVERLAPPED_COMPLETION_ROUTINE routine,
                                           ULONG flags)
{
    struct tp_io *io;
    NTSTATUS status;
    TRACE_CALL("RtlSetIoCompletionCallback", "handle=%p routine=%c flags=%x", handle, routine, flags);

    if (flags || !routine || !handle)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if ((status = routine_io(routine, &io)))
        return TRACE_RETURN(status);
    return TRACE_RETURN(io_bind(io, handle));
}

BOOL WINAPI BindIoCompletionCallback(HANDLE handle, LPOVERLAPPED_COMPLETION_ROUTINE routine, ULONG flags)
{
    PRTL_OVERLAPPED_COMPLETION_ROUTINE rtl_routine = (PRTL_OVERLAPPED_COMPLETION_ROUTINE)routine;
    TRACE_CALL("BindIoCompletionCallback", "handle=%p routine=%c flags=%x", handle, routine, flags);

    return TRACE_RETURN(set_ntstatus(RtlSetIoCompletionCallback(handle, rtl_routine, flags)));
}
