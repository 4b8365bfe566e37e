/* Layer 3: what the API surfaces share. */

#ifndef TPOOL_API_H
#define TPOOL_API_H

#include "core.h"

/* Layer 3's locks, in the order a thread takes them, before the core's
 * (core.h):
 *   legacy I/O routines  BindIoCompletionCallback's routine-to-object map
 *   legacy queue         a timer queue's timers and its deletion */
#define LOCK_LEGACY_IO_ROUTINES 10, "legacy I/O routines"
#define LOCK_LEGACY_QUEUE       11, "legacy queue"

/* The Win32 error Windows reports for an NTSTATUS (RtlNtStatusToDosError). */
DWORD status_to_win32_error(NTSTATUS status);

/* Sets the last error from a failure status; returns FALSE for BOOL APIs. */
static inline BOOL set_last_status(NTSTATUS status)
{
    SetLastError(status_to_win32_error(status));
    return FALSE;
}

/* TRUE for STATUS_SUCCESS; otherwise sets the last error and returns
 * FALSE (kernelbase's set_ntstatus). */
static inline BOOL set_ntstatus(NTSTATUS status)
{
    if (status)
        return set_last_status(status);
    return TRUE;
}

/* A FILETIME due time or timeout as the ntdll functions take it (NULL
 * stays NULL).  A FILETIME is two DWORDs: it may not be aligned for a
 * LARGE_INTEGER. */
static inline LARGE_INTEGER *filetime_to_large_integer(const FILETIME *time, LARGE_INTEGER *storage)
{
    if (!time)
        return NULL;
    storage->u.LowPart = time->dwLowDateTime;
    storage->u.HighPart = (LONG)time->dwHighDateTime;
    return storage;
}

/* ---- Misuse ------------------------------------------------------------- */

/* Only the ntdll functions check their objects: the Win32 ones wrap them.
 * Windows raises STATUS_INVALID_PARAMETER for an object pointer that does
 * not name a live object of the right kind.  tpool reads the object's tag,
 * which catches NULL, foreign pointers, objects of another kind and freed
 * objects whose memory was not reused for one of the same kind. */
void raise_invalid_object(const char *function, const char *kind, const void *pointer);
/* A handle a wait cannot wait on: STATUS_THREADPOOL_HANDLE_EXCEPTION with
 * ExceptionInformation[0] = the association's status, as Windows 8 and
 * later (STATUS_INVALID_PARAMETER_3 for a mutex, documented). */
void raise_wait_handle(const char *function, HANDLE handle, NTSTATUS status);

static inline struct tp_pool *checked_pool(PTP_POOL pool, const char *function)
{
    if (!pool || pool_tag((struct tp_pool *)pool) != TP_TAG_POOL)
        raise_invalid_object(function, "PTP_POOL", pool);
    return (struct tp_pool *)pool;
}

static inline struct tp_group *checked_group(PTP_CLEANUP_GROUP group, const char *function)
{
    if (!group || ((struct tp_group *)group)->tag != TP_TAG_GROUP)
        raise_invalid_object(function, "PTP_CLEANUP_GROUP", group);
    return (struct tp_group *)group;
}

static inline struct tp_object *checked_work(PTP_WORK work, const char *function)
{
    if (!work || ((struct tp_object *)work)->tag != TP_TAG_WORK)
        raise_invalid_object(function, "PTP_WORK", work);
    return (struct tp_object *)work;
}

static inline struct tp_object *checked_timer(PTP_TIMER timer, const char *function)
{
    if (!timer || ((struct tp_object *)timer)->tag != TP_TAG_TIMER)
        raise_invalid_object(function, "PTP_TIMER", timer);
    return (struct tp_object *)timer;
}

static inline struct tp_object *checked_wait(PTP_WAIT wait, const char *function)
{
    if (!wait || ((struct tp_object *)wait)->tag != TP_TAG_WAIT)
        raise_invalid_object(function, "PTP_WAIT", wait);
    return (struct tp_object *)wait;
}

static inline struct tp_io *checked_io(PTP_IO io, const char *function)
{
    if (!io || ((struct tp_io *)io)->object.tag != TP_TAG_IO)
        raise_invalid_object(function, "PTP_IO", io);
    return (struct tp_io *)io;
}

static inline struct tp_instance *checked_instance(PTP_CALLBACK_INSTANCE instance,
                                                   const char *function)
{
    if (!instance || ((struct tp_instance *)instance)->tag != TP_TAG_INSTANCE)
        raise_invalid_object(function, "PTP_CALLBACK_INSTANCE", instance);
    return (struct tp_instance *)instance;
}

#endif
