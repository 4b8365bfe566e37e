/* Layer 3, ntdll names: I/O completion objects.  The Win32 names wrap
 * these. */

#include <assert.h>

#include "api.h"
#include "tpoolnt.h"

/* The core calls the application's callback directly with its status block. */
static_assert(sizeof(struct tp_io_status) == sizeof(IO_STATUS_BLOCK) &&
              offsetof(struct tp_io_status, Status) == offsetof(IO_STATUS_BLOCK, Status) &&
              offsetof(struct tp_io_status, Information) == offsetof(IO_STATUS_BLOCK, Information),
              "struct tp_io_status is laid out as IO_STATUS_BLOCK");

NTSTATUS WINAPI TpAllocIoCompletion(TP_IO **out, HANDLE file, PTP_IO_CALLBACK callback,
                                    PVOID context, TP_CALLBACK_ENVIRON *environment)
{
    struct tp_io *io;
    NTSTATUS status;
    TRACE_CALL("TpAllocIoCompletion", "out=%p file=%p callback=%c context=%p environment=%p",
               out, file, callback, context, environment);

    if (!out || !callback)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if (!(status = io_create(&io, file, (tp_io_callback)(void (*)(void))callback, context,
                             environment)))
    {
        *out = (TP_IO *)io;
        TRACE_OUT(io);
    }
    return TRACE_RETURN(status);
}

VOID WINAPI TpStartAsyncIoOperation(TP_IO *io)
{
    TRACE_CALL("TpStartAsyncIoOperation", "io=%p", io);
    io_start(checked_io(io, __func__));
}

VOID WINAPI TpCancelAsyncIoOperation(TP_IO *io)
{
    TRACE_CALL("TpCancelAsyncIoOperation", "io=%p", io);
    io_cancel(checked_io(io, __func__));
}

VOID WINAPI TpWaitForIoCompletion(TP_IO *io, BOOL cancel_pending)
{
    TRACE_CALL("TpWaitForIoCompletion", "io=%p cancel_pending=%d", io, cancel_pending);
    io_wait(checked_io(io, __func__), cancel_pending);
}

VOID WINAPI TpReleaseIoCompletion(TP_IO *io)
{
    TRACE_CALL("TpReleaseIoCompletion", "io=%p", io);
    object_close(&checked_io(io, __func__)->object);
}
