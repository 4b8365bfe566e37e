/* Layer 1, Win32 backend: library references. */

#include "sys.h"

NTSTATUS library_addref(HMODULE library)
{
    HMODULE module;

    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (LPCWSTR)library, &module) ||
        module != library)
        return STATUS_INVALID_HANDLE;
    return STATUS_SUCCESS;
}
