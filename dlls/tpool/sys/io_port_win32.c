/*
 * I/O completion in the DLL: a real completion port per io_port, and one
 * thread that dequeues its completions in batches and reports each one.
 *
 * The thread is the port's only consumer, so notify is never called
 * concurrently for one port.  io_port_free does not wait for the thread:
 * it posts a stop packet behind every completion already queued, and the
 * thread closes the port and frees the structure when it reaches it (so
 * io_port_free may be called from notify itself).
 */

#include "sys.h"
#include "io_port.h"

#define IO_PORT_BATCH 64

struct io_port
{
    HANDLE handle;
    io_port_notify notify;
};

static NTSTATUS status_from_error(DWORD error)
{
    switch (error)
    {
    case ERROR_INVALID_HANDLE:      return STATUS_INVALID_HANDLE;
    case ERROR_INVALID_PARAMETER:   return STATUS_INVALID_PARAMETER;
    case ERROR_ACCESS_DENIED:       return STATUS_ACCESS_DENIED;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:         return STATUS_NO_MEMORY;
    case ERROR_NO_SYSTEM_RESOURCES: return STATUS_INSUFFICIENT_RESOURCES;
    default:                        return STATUS_UNSUCCESSFUL;
    }
}

/* The stop packet is the only one carrying the port itself as its key. */
static BOOL entry_is_stop(const struct io_port *port, const OVERLAPPED_ENTRY *entry)
{
    return !entry->lpOverlapped && entry->lpCompletionKey == (ULONG_PTR)port;
}

static void entry_report(struct io_port *port, const OVERLAPPED_ENTRY *entry)
{
    OVERLAPPED *overlapped = entry->lpOverlapped;

    if (overlapped)
        port->notify((void *)entry->lpCompletionKey, overlapped,
                     (NTSTATUS)overlapped->Internal, overlapped->InternalHigh);
    else
        port->notify((void *)entry->lpCompletionKey, NULL, STATUS_SUCCESS,
                     entry->dwNumberOfBytesTransferred);
}

static void io_port_thread(void *arg)
{
    struct io_port *port = arg;
    OVERLAPPED_ENTRY entries[IO_PORT_BATCH];
    BOOL stop = FALSE;
    ULONG count, i;

    while (!stop)
    {
        if (!GetQueuedCompletionStatusEx(port->handle, entries, IO_PORT_BATCH, &count, INFINITE, FALSE))
            continue;
        for (i = 0; i < count; i++)
        {
            if (entry_is_stop(port, &entries[i]))
                stop = TRUE;
            else
                entry_report(port, &entries[i]);
        }
    }
    CloseHandle(port->handle);
    mem_free(port);
}

NTSTATUS io_port_create(struct io_port **out, io_port_notify notify)
{
    struct io_port *port;
    NTSTATUS status;

    if (!(port = mem_alloc(sizeof(*port))))
        return STATUS_NO_MEMORY;
    port->notify = notify;
    if (!(port->handle = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1)))
    {
        status = status_from_error(GetLastError());
        mem_free(port);
        return status;
    }
    if ((status = thread_start(io_port_thread, port, "tpool-io", 0, 0)))
    {
        CloseHandle(port->handle);
        mem_free(port);
        return status;
    }
    *out = port;
    return STATUS_SUCCESS;
}

NTSTATUS io_port_bind(struct io_port *port, HANDLE handle, void *key)
{
    if (!handle || handle == INVALID_HANDLE_VALUE)
        return STATUS_INVALID_HANDLE;
    if (!CreateIoCompletionPort(handle, port->handle, (ULONG_PTR)key, 0))
        return status_from_error(GetLastError());
    return STATUS_SUCCESS;
}

void io_port_free(struct io_port *port)
{
    /* a post fails only when the system is out of memory for the packet */
    while (!PostQueuedCompletionStatus(port->handle, 0, (ULONG_PTR)port, NULL))
        Sleep(1);
}
