/*
 * Layer 1: I/O completion (io_port_*.c).
 */

#ifndef TPOOL_IO_PORT_H
#define TPOOL_IO_PORT_H

#include "sys.h"

/* ---- I/O completion ----------------------------------------------------- */

/* Completions of overlapped I/O on handles bound to an io_port reach
 * `notify` with the key given at bind time, the OVERLAPPED, and the
 * operation's NTSTATUS and byte count.  In the DLL an io_port is a real
 * completion port with one thread that dequeues completions in batches
 * (GetQueuedCompletionStatusEx) and calls notify; natively no thread is
 * involved: io_complete() calls notify directly. */
struct io_port;

typedef void (*io_port_notify)(void *key, OVERLAPPED *overlapped, NTSTATUS status,
                               ULONG_PTR information);

NTSTATUS io_port_create(struct io_port **port, io_port_notify notify);
/* Binds a handle for its lifetime (as Windows does; a handle is bound to
 * one port once).  Windows' errors: STATUS_INVALID_PARAMETER when the
 * handle is already bound, STATUS_INVALID_HANDLE when it is not a handle. */
NTSTATUS io_port_bind(struct io_port *port, HANDLE handle, void *key);
/* Stops the port's thread once no completion can arrive any more. */
void io_port_free(struct io_port *port);
#ifndef _WIN32
/* Natively, whoever completes an operation on a bound handle reports it.
 * STATUS_INVALID_HANDLE when the handle is not bound. */
NTSTATUS io_complete(HANDLE handle, OVERLAPPED *overlapped, NTSTATUS status, ULONG_PTR information);
/* The owner of the key ends an io_port_bind binding when it expects no
 * more completions, and the handle may then be bound again.  Does nothing
 * if the handle is bound with another key. */
void io_port_unbind(struct io_port *port, HANDLE handle, void *key);
/* A binding that lasts until the handle is closed (CloseHandle calls
 * io_port_handle_closed), as Windows binds a file for its lifetime:
 * BindIoCompletionCallback's. */
NTSTATUS io_port_bind_until_closed(struct io_port *port, HANDLE handle, void *key);
void io_port_handle_closed(HANDLE handle);
#endif

#endif
