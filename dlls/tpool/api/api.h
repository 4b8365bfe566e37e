/* Layer 3: what the API surfaces share. */

#ifndef TPOOL_API_H
#define TPOOL_API_H

#include "core.h"

/* The Win32 error Windows reports for an NTSTATUS (RtlNtStatusToDosError). */
DWORD status_to_win32_error(NTSTATUS status);

/* Sets the last error from a failure status; returns FALSE for BOOL APIs. */
static inline BOOL set_last_status(NTSTATUS status)
{
    SetLastError(status_to_win32_error(status));
    return FALSE;
}

/* A FILETIME due time or timeout as the core takes it (NULL stays NULL).
 * A FILETIME is two DWORDs: it may not be aligned for a LONGLONG. */
static inline const LONGLONG *filetime_to_due(const FILETIME *time, LONGLONG *storage)
{
    if (!time)
        return NULL;
    *storage = (LONGLONG)(((ULONGLONG)time->dwHighDateTime << 32) | time->dwLowDateTime);
    return storage;
}

#endif
