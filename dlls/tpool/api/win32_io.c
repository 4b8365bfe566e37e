/* Layer 3, Win32 names: I/O completion objects, over the ntdll names. */

#include "api.h"
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

    if (!callback)
    {
        set_last_status(STATUS_INVALID_PARAMETER);
        return NULL;
    }
    if (!set_ntstatus(TpAllocIoCompletion(&io, handle, io_callback_win32, context, environment)))
        return NULL;
    /* no callback can run before the application starts an operation */
    ((struct tp_io *)io)->win32_callback = (void *)callback;
    return io;
}

VOID WINAPI StartThreadpoolIo(PTP_IO io)
{
    TpStartAsyncIoOperation(io);
}

VOID WINAPI CancelThreadpoolIo(PTP_IO io)
{
    TpCancelAsyncIoOperation(io);
}

VOID WINAPI WaitForThreadpoolIoCallbacks(PTP_IO io, BOOL cancel_pending)
{
    TpWaitForIoCompletion(io, cancel_pending);
}

VOID WINAPI CloseThreadpoolIo(PTP_IO io)
{
    TpReleaseIoCompletion(io);
}

#ifndef _WIN32
BOOL WINAPI tpool_complete_io(HANDLE file, OVERLAPPED *overlapped, NTSTATUS status, ULONG_PTR information)
{
    NTSTATUS result;

    if (overlapped)
    {
        overlapped->Internal = (ULONG_PTR)status;
        overlapped->InternalHigh = information;
    }
    if ((result = io_complete(file, overlapped, status, information)))
        return set_last_status(result);
    return TRUE;
}
#endif
