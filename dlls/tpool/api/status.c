/*
 * Layer 3: NTSTATUS to Win32 error conversion for the codes tpool returns
 * and the common results of I/O operations.  In the DLL, other codes (an
 * I/O completion may carry any) go to ntdll's own table.
 */

#include "api.h"

#ifdef _WIN32
ULONG WINAPI RtlNtStatusToDosError(NTSTATUS status);
#endif

#ifndef ERROR_TOO_MANY_THREADS
#define ERROR_TOO_MANY_THREADS 565  /* missing from mingw-w64's winerror.h */
#endif

DWORD status_to_win32_error(NTSTATUS status)
{
    switch (status)
    {
    case STATUS_SUCCESS:                return ERROR_SUCCESS;
    case STATUS_NO_MEMORY:              return ERROR_NOT_ENOUGH_MEMORY;
    case STATUS_INSUFFICIENT_RESOURCES: return ERROR_NO_SYSTEM_RESOURCES;
    case STATUS_INVALID_PARAMETER:      return ERROR_INVALID_PARAMETER;
    case STATUS_INVALID_HANDLE:         return ERROR_INVALID_HANDLE;
    case STATUS_TOO_MANY_THREADS:       return ERROR_TOO_MANY_THREADS;
    case STATUS_NOT_SUPPORTED:          return ERROR_NOT_SUPPORTED;
    case STATUS_PENDING:                return ERROR_IO_PENDING;
    case STATUS_CANCELLED:              return ERROR_OPERATION_ABORTED;
    case STATUS_TIMEOUT:                return WAIT_TIMEOUT;
    case STATUS_UNSUCCESSFUL:           return ERROR_GEN_FAILURE;
    case STATUS_ACCESS_DENIED:          return ERROR_ACCESS_DENIED;
    case STATUS_OBJECT_TYPE_MISMATCH:   return ERROR_INVALID_HANDLE;
    case STATUS_INVALID_DEVICE_REQUEST: return ERROR_INVALID_FUNCTION;
    case STATUS_BUFFER_OVERFLOW:        return ERROR_MORE_DATA;
    case STATUS_END_OF_FILE:            return ERROR_HANDLE_EOF;
    case STATUS_DISK_FULL:              return ERROR_DISK_FULL;
    case STATUS_IO_TIMEOUT:             return ERROR_SEM_TIMEOUT;
    case STATUS_PIPE_BROKEN:            return ERROR_BROKEN_PIPE;
    case STATUS_PIPE_DISCONNECTED:      return ERROR_PIPE_NOT_CONNECTED;
    case STATUS_CONNECTION_RESET:       return ERROR_NETNAME_DELETED;
    case STATUS_CONNECTION_ABORTED:     return ERROR_CONNECTION_ABORTED;
#ifdef _WIN32
    default:                            return RtlNtStatusToDosError(status);
#else
    default:                            return ERROR_MR_MID_NOT_FOUND;
#endif
    }
}
