/* Layer 3, Win32 names: I/O completion objects, over the ntdll names. */

#include "api.h"
#include "io_port.h"
#include "tpool.h"
#include "tpoolnt.h"

/* The ntdll callback gets the NT status block; the application gets the
 * Win32 error, as kernelbase's wrapper gives it. */
static void WINAPI io_callback_win32(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                                     IO_STATUS_BLOCK *status, PTP_IO io)
{
    PTP_WIN32_IO_CALLBACK callback = (PTP_WIN32_IO_CALLBACK)((struct tp_io *)io)->win32_callback;

    callback(instance, context, overlapped, status_to_win32_error(status->Status),
             status->Information, io);
}

PTP_IO WINAPI CreateThreadpoolIo(HANDLE handle, PTP_WIN32_IO_CALLBACK callback, PVOID context,
                                 PTP_CALLBACK_ENVIRON environment)
{
    TP_IO *io;
    TRACE_CALL("CreateThreadpoolIo", "handle=%p callback=%c context=%p environment=%p",
               handle, callback, context, environment);

    if (!callback)
    {
        set_last_status(STATUS_INVALID_PARAMETER);
        return TRACE_RETURN(NULL);
    }
    if (!set_ntstatus(TpAllocIoCompletion(&io, handle, io_callback_win32, context, environment)))
        return TRACE_RETURN(NULL);
    /* no callback can run before the application starts an operation */
    ((struct tp_io *)io)->win32_callback = (void *)callback;
    object_show_callback(&((struct tp_io *)io)->object, (const void *)callback);
    return TRACE_RETURN(io);
}

VOID WINAPI StartThreadpoolIo(PTP_IO io)
{
    TRACE_CALL("StartThreadpoolIo", "io=%p", io);
    TpStartAsyncIoOperation(io);
}

VOID WINAPI CancelThreadpoolIo(PTP_IO io)
{
    TRACE_CALL("CancelThreadpoolIo", "io=%p", io);
    TpCancelAsyncIoOperation(io);
}

VOID WINAPI WaitForThreadpoolIoCallbacks(PTP_IO io, BOOL cancel_pending)
{
    TRACE_CALL("WaitForThreadpoolIoCallbacks", "io=%p cancel_pending=%d", io, cancel_pending);
    TpWaitForIoCompletion(io, cancel_pending);
}

VOID WINAPI CloseThreadpoolIo(PTP_IO io)
{
    TRACE_CALL("CloseThreadpoolIo", "io=%p", io);
    TpReleaseIoCompletion(io);
}

#ifndef _WIN32
BOOL WINAPI tpool_complete_io(HANDLE file, OVERLAPPED *overlapped, NTSTATUS status, ULONG_PTR information)
{
    NTSTATUS result;
    TRACE_CALL("tpool_complete_io", "file=%p overlapped=%p status=%x information=%u",
               file, overlapped, status, information);

    if (overlapped)
    {
        overlapped->Internal = (ULONG_PTR)status;
        overlapped->InternalHigh = information;
    }
    if ((result = io_complete(file, overlapped, status, information)))
        return TRACE_RETURN(set_last_status(result));
    return TRACE_RETURN(TRUE);
}
#endif
