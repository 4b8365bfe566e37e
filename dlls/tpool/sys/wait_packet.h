/*
 * Layer 1: wait packets (wait_packet_*.c) and the handle checks of waits.
 */

#ifndef TPOOL_WAIT_PACKET_H
#define TPOOL_WAIT_PACKET_H

#include "sys.h"

/* ---- Wait packets ------------------------------------------------------ */

/* A wait packet watches one handle for the pool: when the handle is
 * signalled it consumes the signal exactly as a wait would (an auto-reset
 * event is reset, a semaphore decremented) and calls `notify` once, with
 * STATUS_WAIT_0 (or STATUS_ABANDONED_WAIT_0 for an abandoned mutex), from
 * whatever thread saw the signal.  It is one-shot: after notify it is idle
 * until associated again.  Timeouts are not handled here.
 *
 * Natively the handle is one of tpool's waitable objects and no thread
 * waits: the signalling thread calls notify (the Windows 8 wait completion
 * packet design).  In the DLL, wait threads wait on up to 63 handles each
 * with WaitForMultipleObjects; wait_packet_create reserves the packet's
 * slot (starting a wait thread if needed), so associating never fails for
 * lack of resources.  Both backends call notify without any lock held
 * (natively once the signalling thread released the object's lock, in the
 * DLL on the wait thread outside its lock), so notify may take the core's
 * locks and start a worker; it must not block and must not call back into
 * the wait packet functions for the same packet. */
struct wait_packet;

typedef void (*wait_packet_notify)(struct wait_packet *packet, void *context, NTSTATUS status);

NTSTATUS wait_packet_create(struct wait_packet **packet, wait_packet_notify notify, void *context);
/* Arms the packet on `handle`.  STATUS_INVALID_HANDLE if the handle cannot
 * be waited on (natively: not one of tpool's objects).  The packet must be
 * idle (never associated, notified, or cancelled).  As NT's
 * NtAssociateWaitCompletionPacket: with already_signaled, a handle that is
 * signalled now may be consumed at once, without notify, and
 * *already_signaled set (natively; in the DLL the wait thread sees it, and
 * *already_signaled is FALSE), so that a caller holding a lock posts the
 * callback itself after releasing it. */
NTSTATUS wait_packet_associate(struct wait_packet *packet, HANDLE handle, BOOLEAN *already_signaled);
/* Disarms the packet.  TRUE if it was armed and will not notify; FALSE if
 * it was idle or a signal claimed it (its notify has run, or runs soon, on
 * the thread that claimed it).  When it returns,
 * the packet no longer consumes any signal of the handle. */
BOOL wait_packet_cancel(struct wait_packet *packet);
/* Frees an idle packet. */
void wait_packet_free(struct wait_packet *packet);
/* Waits on `handle` with a zero timeout: STATUS_WAIT_0 (signal consumed),
 * STATUS_ABANDONED_WAIT_0, STATUS_TIMEOUT or STATUS_INVALID_HANDLE. */
NTSTATUS wait_handle_now(HANDLE handle);
/* The threads waiting for wait packets now (none natively). */
unsigned int wait_packet_threads(void);

/* Whether a wait can wait on the handle, with the status Windows' wait
 * association gives: STATUS_INVALID_PARAMETER_3 for a mutex,
 * STATUS_INVALID_HANDLE for a value that names no object.  Pseudo handles
 * pass.  In the DLL a system call: cache the result. */
NTSTATUS handle_check_waitable(HANDLE handle);

#endif
