/*
 * Layer 1: the completion actions, through the Win32 functions of the
 * host (in the DLL, kernel32's; natively tpool's own objects).
 */

#include "sys.h"

static NTSTATUS last_error_status(NTSTATUS failure)
{
    return GetLastError() == ERROR_INVALID_HANDLE ? STATUS_INVALID_HANDLE : failure;
}

NTSTATUS action_set_event(HANDLE event)
{
    return SetEvent(event) ? STATUS_SUCCESS : last_error_status(STATUS_UNSUCCESSFUL);
}

NTSTATUS action_release_semaphore(HANDLE semaphore, LONG count)
{
    /* Windows' NtReleaseSemaphore rejects a count below 1; Wine's takes 0 */
    if (count <= 0)
        return STATUS_INVALID_PARAMETER;
    if (ReleaseSemaphore(semaphore, count, NULL))
        return STATUS_SUCCESS;
    return last_error_status(STATUS_SEMAPHORE_LIMIT_EXCEEDED);
}

NTSTATUS action_release_mutex(HANDLE mutex)
{
    return ReleaseMutex(mutex) ? STATUS_SUCCESS : last_error_status(STATUS_MUTANT_NOT_OWNED);
}

void action_leave_critical_section(CRITICAL_SECTION *critical_section)
{
    LeaveCriticalSection(critical_section);
}

NTSTATUS action_free_library(HMODULE library)
{
    return FreeLibrary(library) ? STATUS_SUCCESS : last_error_status(STATUS_UNSUCCESSFUL);
}
