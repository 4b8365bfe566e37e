/* Layer 3: NTSTATUS to Win32 error conversion for the codes tpool returns. */

#include "api.h"

DWORD status_to_win32_error(NTSTATUS status)
{
    switch (status)
    {
    case STATUS_SUCCESS:                return ERROR_SUCCESS;
    case STATUS_NO_MEMORY:              return ERROR_NOT_ENOUGH_MEMORY;
    case STATUS_INSUFFICIENT_RESOURCES: return ERROR_NO_SYSTEM_RESOURCES;
    case STATUS_INVALID_PARAMETER:      return ERROR_INVALID_PARAMETER;
    case STATUS_INVALID_HANDLE:         return ERROR_INVALID_HANDLE;
    case STATUS_TOO_MANY_THREADS:       return ERROR_MAX_THRDS_REACHED;
    case STATUS_NOT_SUPPORTED:          return ERROR_NOT_SUPPORTED;
    case STATUS_PENDING:                return ERROR_IO_PENDING;
    case STATUS_CANCELLED:              return ERROR_OPERATION_ABORTED;
    case STATUS_TIMEOUT:                return WAIT_TIMEOUT;
    default:                            return ERROR_MR_MID_NOT_FOUND;
    }
}
